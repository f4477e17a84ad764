-- Vector PCRS: the files imported into a deliverable and their features. A file's features are
-- replaced in one transaction when it changes; `seq` keeps the document order. Geometries are ISO
-- WKB (arcs as circular strings, z kept); PostGIS derives an indexed geometry from them.
CREATE TABLE vector_files (
    livrable_id  BIGINT NOT NULL REFERENCES livrables(id) ON DELETE CASCADE,
    path         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    mtime        TEXT,
    digest       TEXT NOT NULL,
    features     BIGINT NOT NULL,
    report       TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (livrable_id, path)
);

CREATE TABLE features (
    livrable_id  BIGINT NOT NULL,
    path         TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    class        TEXT NOT NULL,
    fid          TEXT NOT NULL,
    srid         BIGINT,
    has_z        BIGINT NOT NULL,
    west         DOUBLE PRECISION,
    south        DOUBLE PRECISION,
    east         DOUBLE PRECISION,
    north        DOUBLE PRECISION,
    properties   TEXT NOT NULL,
    geometry     BYTEA,
    geom         geometry GENERATED ALWAYS AS (ST_GeomFromWKB(geometry, COALESCE(srid, 0)::integer)) STORED,
    PRIMARY KEY (livrable_id, path, seq),
    FOREIGN KEY (livrable_id, path) REFERENCES vector_files(livrable_id, path) ON DELETE CASCADE
);
CREATE INDEX features_class ON features(livrable_id, class);
CREATE INDEX features_geom ON features USING GIST (geom);
