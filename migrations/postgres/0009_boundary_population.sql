-- Inhabitants of a boundary, when the imported file gives them (ADMIN EXPRESS `POPULATION`):
-- the statistics page classifies territories as urban or rural by their density.
ALTER TABLE boundaries ADD COLUMN population BIGINT;
