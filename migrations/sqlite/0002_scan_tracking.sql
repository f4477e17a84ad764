-- What change detection and resumable scans need: per file, whether it must be probed again
-- and in which scan it last changed (with its footprint before the change, for tile cache
-- invalidation); per scan, the conformity report.
ALTER TABLE dalles ADD COLUMN needs_probe INTEGER NOT NULL DEFAULT 1;
ALTER TABLE dalles ADD COLUMN changed_scan_id INTEGER;
ALTER TABLE dalles ADD COLUMN previous_footprint TEXT;
ALTER TABLE scans ADD COLUMN conformity TEXT;
CREATE INDEX dalles_storage_seen ON dalles(storage_id, last_scan_id);
CREATE INDEX scans_state ON scans(state);
