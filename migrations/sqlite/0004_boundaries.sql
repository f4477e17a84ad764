-- Administrative boundaries (communes, EPCI, départements) imported by `dallage import-boundaries`,
-- CRS:84 GeoJSON geometries with their box. A commune names its département and EPCI, so an EPCI
-- or a département not imported on its own is the set of its communes.
CREATE TABLE boundaries (
    kind         TEXT NOT NULL,
    code         TEXT NOT NULL,
    nom          TEXT NOT NULL,
    departement  TEXT,
    epci         TEXT,
    west         REAL NOT NULL,
    south        REAL NOT NULL,
    east         REAL NOT NULL,
    north        REAL NOT NULL,
    vertices     INTEGER NOT NULL,
    geometry     TEXT NOT NULL,
    source       TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (kind, code)
);
CREATE INDEX boundaries_epci ON boundaries(epci);
CREATE INDEX boundaries_departement ON boundaries(departement);
CREATE INDEX boundaries_nom ON boundaries(nom);
