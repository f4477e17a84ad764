-- The SHA-256 and CRC-32 of a file, learnt when a download reads it whole (Metalink lists the
-- hash; a ZIP resumed near its end takes both instead of reading every file again); cleared
-- when a scan sees the file change.
ALTER TABLE dalles ADD COLUMN sha256 TEXT;
ALTER TABLE dalles ADD COLUMN crc32 BIGINT;
