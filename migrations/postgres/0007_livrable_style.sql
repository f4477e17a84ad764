-- A deliverable may name an uploaded SLD document (/api/styles/{name}) as its own: its layers
-- are drawn with that document's styles first. NULL: the shipped and configured styles.
ALTER TABLE livrables ADD COLUMN style TEXT;
