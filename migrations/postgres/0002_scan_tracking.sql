-- See ../sqlite/0002_scan_tracking.sql.
ALTER TABLE dalles ADD COLUMN needs_probe BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE dalles ADD COLUMN changed_scan_id BIGINT;
ALTER TABLE dalles ADD COLUMN previous_footprint TEXT;
ALTER TABLE scans ADD COLUMN conformity TEXT;
CREATE INDEX dalles_storage_seen ON dalles(storage_id, last_scan_id);
CREATE INDEX scans_state ON scans(state);
