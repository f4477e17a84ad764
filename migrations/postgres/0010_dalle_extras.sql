-- Extra per-dalle metadata a porteur attaches (tilt, overlap, acquisition date, flight line…),
-- keyed by the dalle's path in its deliverable; replaced whole by each upload.
CREATE TABLE dalle_extras (
    livrable_id  BIGINT NOT NULL REFERENCES livrables(id) ON DELETE CASCADE,
    path         TEXT NOT NULL,
    properties   TEXT NOT NULL,
    source       TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (livrable_id, path)
);
