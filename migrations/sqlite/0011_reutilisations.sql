-- Réutilisations: what others made of a project's data, entered by its porteur and shown on
-- the project's page.
CREATE TABLE reutilisations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    titre        TEXT NOT NULL,
    lien         TEXT NOT NULL,
    description  TEXT NOT NULL,
    image        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX reutilisations_project ON reutilisations (project_id);
