-- SLD documents uploaded through /api/styles: validated before they are stored, read back at
-- start-up and added to the shipped styles. One row per document, named by the uploader.
CREATE TABLE style_documents (
    name         TEXT PRIMARY KEY,
    body         TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
