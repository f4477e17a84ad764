-- Each boundary's area (km², on the sphere), computed once when it is imported, so the
-- statistics page sums areas without reading geometries. NULL for boundaries imported before:
-- they are measured from their geometry when read.
ALTER TABLE boundaries ADD COLUMN area_km2 REAL;
