-- Vector PCRS: the files imported into a deliverable and their features. A file's features are
-- replaced in one transaction when it changes; `seq` keeps the document order. Geometries are ISO
-- WKB (arcs as circular strings, z kept).
CREATE TABLE vector_files (
    livrable_id  INTEGER NOT NULL REFERENCES livrables(id) ON DELETE CASCADE,
    path         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    mtime        TEXT,
    digest       TEXT NOT NULL,
    features     INTEGER NOT NULL,
    report       TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (livrable_id, path)
);

CREATE TABLE features (
    livrable_id  INTEGER NOT NULL,
    path         TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    class        TEXT NOT NULL,
    fid          TEXT NOT NULL,
    srid         INTEGER,
    has_z        INTEGER NOT NULL,
    west         REAL,
    south        REAL,
    east         REAL,
    north        REAL,
    properties   TEXT NOT NULL,
    geometry     BLOB,
    PRIMARY KEY (livrable_id, path, seq),
    FOREIGN KEY (livrable_id, path) REFERENCES vector_files(livrable_id, path) ON DELETE CASCADE
);
CREATE INDEX features_class ON features(livrable_id, class);
