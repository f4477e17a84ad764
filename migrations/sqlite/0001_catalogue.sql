-- The catalogue: projects, their territories, steps, actors and grants; deliverables with one
-- active storage each; scans and the dalles they found.
-- Times are RFC 3339 UTC text, days YYYY-MM-DD text, flags 0/1, JSON as text: the same queries
-- run on SQLite and PostgreSQL (see ../postgres/).

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT NOT NULL UNIQUE,
    nom         TEXT NOT NULL,
    regime      TEXT NOT NULL,
    nature      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE perimetres (
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    code        TEXT NOT NULL,
    PRIMARY KEY (project_id, position)
);
CREATE INDEX perimetres_territory ON perimetres(kind, code);

CREATE TABLE etapes (
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    statut      TEXT NOT NULL,
    date_debut  TEXT NOT NULL,
    PRIMARY KEY (project_id, position)
);

CREATE TABLE acteurs (
    project_id         INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    siren              TEXT NOT NULL,
    nom                TEXT,
    interlocuteur      TEXT,
    mail               TEXT,
    telephone          TEXT,
    role               TEXT NOT NULL,
    finance_part_perc  REAL,
    finance_part_euro  REAL,
    PRIMARY KEY (project_id, position)
);
CREATE INDEX acteurs_siren ON acteurs(siren);

CREATE TABLE subventions (
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    nom         TEXT NOT NULL,
    nature      TEXT NOT NULL,
    montant     REAL,
    echeance    TEXT,
    PRIMARY KEY (project_id, position)
);

CREATE TABLE livrables (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    slug            TEXT NOT NULL UNIQUE,
    nom             TEXT NOT NULL,
    nature          TEXT NOT NULL,
    licence         TEXT NOT NULL,
    diffusion       TEXT,
    date_livraison  TEXT,
    avancement      REAL,
    crs             INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX livrables_project ON livrables(project_id);

-- One active storage per deliverable; revoked ones stay (credentials erased) so the scans and
-- dalles that reference them keep their history.
CREATE TABLE storages (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    livrable_id         INTEGER NOT NULL REFERENCES livrables(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    url                 TEXT,
    host                TEXT,
    port                INTEGER,
    path                TEXT,
    username_sealed     TEXT,
    password_sealed     TEXT,
    tls                 TEXT NOT NULL DEFAULT 'none',
    tls_insecure        INTEGER NOT NULL DEFAULT 0,
    tls_ca_cert         TEXT,
    host_key            TEXT,
    credentials_public  INTEGER NOT NULL DEFAULT 0,
    download_allowed    INTEGER NOT NULL DEFAULT 0,
    scan_interval       INTEGER,
    revoked_at          TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX storages_active ON storages(livrable_id) WHERE revoked_at IS NULL;

CREATE TABLE scans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    livrable_id    INTEGER NOT NULL REFERENCES livrables(id) ON DELETE CASCADE,
    storage_id     INTEGER NOT NULL REFERENCES storages(id) ON DELETE CASCADE,
    state          TEXT NOT NULL,
    trigger_kind   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT,
    files_listed   INTEGER NOT NULL DEFAULT 0,
    files_probed   INTEGER NOT NULL DEFAULT 0,
    bytes_listed   INTEGER NOT NULL DEFAULT 0,
    errors         INTEGER NOT NULL DEFAULT 0,
    message        TEXT,
    summary        TEXT,
    changes        TEXT,
    resume_state   TEXT
);
CREATE INDEX scans_livrable ON scans(livrable_id, id);

-- Every file a scan found; images carry their probe and footprint.
CREATE TABLE dalles (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    livrable_id      INTEGER NOT NULL REFERENCES livrables(id) ON DELETE CASCADE,
    storage_id       INTEGER NOT NULL REFERENCES storages(id) ON DELETE CASCADE,
    path             TEXT NOT NULL,
    class            TEXT NOT NULL,
    size             INTEGER NOT NULL,
    mtime            TEXT,
    etag             TEXT,
    probe            TEXT,
    error            TEXT,
    epsg             INTEGER,
    width            INTEGER,
    height           INTEGER,
    min_x            REAL,
    min_y            REAL,
    max_x            REAL,
    max_y            REAL,
    west             REAL,
    south            REAL,
    east             REAL,
    north            REAL,
    footprint_wgs84  TEXT,
    first_scan_id    INTEGER,
    last_scan_id     INTEGER,
    removed_scan_id  INTEGER,
    UNIQUE (storage_id, path)
);
CREATE INDEX dalles_livrable ON dalles(livrable_id);
CREATE INDEX dalles_bbox ON dalles(west, east, south, north);
