-- Milestones of a project's investigation step (constitution de la convention, préparation du
-- marché, appel d'offres), replaced with the project's other nested records.
CREATE TABLE jalons (
    project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    etape_position  INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    nature          TEXT NOT NULL,
    date            TEXT NOT NULL,
    note            TEXT,
    PRIMARY KEY (project_id, etape_position, position)
);
