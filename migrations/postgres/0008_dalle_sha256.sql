-- The SHA-256 of a file, learnt when a download reads it whole (Metalink lists it); cleared
-- when a scan sees the file change.
ALTER TABLE dalles ADD COLUMN sha256 TEXT;
