//! Scans and the files (dalles) they find: fingerprints for change detection, probe results,
//! resumable progress.

use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;
use utoipa::ToSchema;

use super::model::ScanState;
use super::{flag, now, text_enum, Catalog, CatalogError, Result};

/// A scan job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScanRecord {
    /// Identifier.
    pub id: i64,
    /// Deliverable scanned.
    pub livrable_id: i64,
    /// Storage scanned.
    pub storage_id: i64,
    /// State.
    pub state: ScanState,
    /// What started it: `api`, `schedule`, `startup`, `cli`, `resume`.
    pub trigger: String,
    /// Creation time.
    pub created_at: String,
    /// Start of work.
    pub started_at: Option<String>,
    /// End of work.
    pub finished_at: Option<String>,
    /// Files listed so far.
    pub files_listed: i64,
    /// Images probed so far.
    pub files_probed: i64,
    /// Bytes of the files listed.
    pub bytes_listed: i64,
    /// Folders or files that could not be read.
    pub errors: i64,
    /// Why it failed or stopped, or a note.
    pub message: Option<String>,
    /// Deliverable summary (when done).
    #[schema(value_type = Option<Object>)]
    pub summary: Option<Value>,
    /// PCRS conformity report (when done).
    #[schema(value_type = Option<Object>)]
    pub conformity: Option<Value>,
    /// Change set: added, modified and removed dalles (when done).
    #[schema(value_type = Option<Object>)]
    pub changes: Option<Value>,
    /// Where a partial scan resumes.
    #[serde(skip)]
    pub resume_state: Option<Value>,
}

/// Counters of a running scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanProgress {
    /// Files listed.
    pub files_listed: i64,
    /// Images probed.
    pub files_probed: i64,
    /// Bytes listed.
    pub bytes_listed: i64,
    /// Errors.
    pub errors: i64,
}

/// A file seen by a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFile {
    /// Path in the storage.
    pub path: String,
    /// Class (`jpeg2000`, `geotiff`, `world_file`, ...).
    pub class: String,
    /// Size in bytes.
    pub size: i64,
    /// Modification time.
    pub mtime: Option<String>,
    /// Entity tag.
    pub etag: Option<String>,
}

/// A file as stored, with its probe.
#[derive(Debug, Clone, PartialEq)]
pub struct DalleRecord {
    /// Identifier.
    pub id: i64,
    /// Deliverable.
    pub livrable_id: i64,
    /// Storage.
    pub storage_id: i64,
    /// Path in the storage.
    pub path: String,
    /// Class.
    pub class: String,
    /// Size in bytes.
    pub size: i64,
    /// Modification time.
    pub mtime: Option<String>,
    /// Entity tag.
    pub etag: Option<String>,
    /// Probe results (JSON).
    pub probe: Option<Value>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
    /// EPSG code.
    pub epsg: Option<i32>,
    /// Width in pixels.
    pub width: Option<i64>,
    /// Height in pixels.
    pub height: Option<i64>,
    /// Native bounding box (min x, min y, max x, max y).
    pub bbox: Option<[f64; 4]>,
    /// WGS84 bounding box (west, south, east, north).
    pub bbox_wgs84: Option<[f64; 4]>,
    /// WGS84 footprint as WKT.
    pub footprint_wgs84: Option<String>,
    /// First scan that saw it (this time around).
    pub first_scan_id: Option<i64>,
    /// Last scan that saw it.
    pub last_scan_id: Option<i64>,
    /// Last scan that saw it change.
    pub changed_scan_id: Option<i64>,
    /// Scan that found it gone.
    pub removed_scan_id: Option<i64>,
    /// Footprint before its last change.
    pub previous_footprint: Option<String>,
    /// Must be probed (new or changed since its probe).
    pub needs_probe: bool,
    /// SHA-256 (hexadecimal) of the file as a download last read it whole; cleared when a scan
    /// sees it change.
    pub sha256: Option<String>,
    /// CRC-32 of the file, learnt with `sha256`.
    pub crc32: Option<u32>,
}

/// What a probe found, to store on a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProbeOutcome {
    /// Full probe (JSON).
    pub probe: Option<Value>,
    /// Why the file is broken.
    pub error: Option<String>,
    /// EPSG code.
    pub epsg: Option<i32>,
    /// Width.
    pub width: Option<i64>,
    /// Height.
    pub height: Option<i64>,
    /// Native bounding box.
    pub bbox: Option<[f64; 4]>,
    /// WGS84 bounding box.
    pub bbox_wgs84: Option<[f64; 4]>,
    /// WGS84 footprint WKT.
    pub footprint_wgs84: Option<String>,
}

/// How a listed file compares with what the catalogue knew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// Same fingerprint.
    Unchanged,
    /// Not known, or known as removed.
    Added,
    /// Size, date or entity tag differ.
    Modified,
}

const SCAN_COLUMNS: &str =
    "id, livrable_id, storage_id, state, trigger_kind, created_at, started_at, finished_at, \
     files_listed, files_probed, bytes_listed, errors, message, summary, conformity, changes, resume_state";

impl Catalog {
    /// A new queued scan.
    pub async fn create_scan(&self, livrable_id: i64, storage_id: i64, trigger: &str) -> Result<ScanRecord> {
        let row = sqlx::query(
            "INSERT INTO scans (livrable_id, storage_id, state, trigger_kind, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(livrable_id)
        .bind(storage_id)
        .bind(ScanState::Queued.as_str())
        .bind(trigger)
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        self.scan(row.try_get("id")?).await
    }

    /// One scan.
    pub async fn scan(&self, id: i64) -> Result<ScanRecord> {
        let sql = format!("SELECT {SCAN_COLUMNS} FROM scans WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "scan",
                id: id.to_string(),
            })?;
        scan_from_row(&row)
    }

    /// The latest scans of a deliverable, newest first.
    pub async fn livrable_scans(&self, livrable_id: i64, limit: i64) -> Result<Vec<ScanRecord>> {
        let sql =
            format!("SELECT {SCAN_COLUMNS} FROM scans WHERE livrable_id = $1 ORDER BY id DESC LIMIT $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(livrable_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(scan_from_row)
            .collect()
    }

    /// The deliverable's latest scan that finished with every file seen.
    pub async fn last_successful_scan(&self, livrable_id: i64) -> Result<Option<ScanRecord>> {
        let sql = format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE livrable_id = $1 AND state = $2 ORDER BY id DESC LIMIT 1"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(livrable_id)
            .bind(ScanState::Done.as_str())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(scan_from_row)
            .transpose()
    }

    /// Every deliverable's last successful scan, by deliverable id, in one query (the pages
    /// summing every project's figures).
    pub async fn last_successful_scans(&self) -> Result<std::collections::HashMap<i64, ScanRecord>> {
        let sql = format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE id IN \
             (SELECT MAX(id) FROM scans WHERE state = $1 GROUP BY livrable_id)"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ScanState::Done.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| scan_from_row(row).map(|scan| (scan.livrable_id, scan)))
            .collect()
    }

    /// Scans not finished: queued, running (interrupted by a restart) or partial.
    pub async fn unfinished_scans(&self) -> Result<Vec<ScanRecord>> {
        let sql = format!("SELECT {SCAN_COLUMNS} FROM scans WHERE state IN ($1, $2, $3, $4) ORDER BY id");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ScanState::Queued.as_str())
            .bind(ScanState::Listing.as_str())
            .bind(ScanState::Probing.as_str())
            .bind(ScanState::Partial.as_str())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(scan_from_row)
            .collect()
    }

    /// Moves a scan to `state` (and stamps its start when it starts).
    pub async fn set_scan_state(&self, id: i64, state: ScanState, message: Option<&str>) -> Result<()> {
        sqlx::query(
            "UPDATE scans SET state = $1, message = $2, started_at = COALESCE(started_at, $3) WHERE id = $4",
        )
        .bind(state.as_str())
        .bind(message)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Saves counters and, when given, where to resume.
    pub async fn save_scan_progress(
        &self,
        id: i64,
        progress: ScanProgress,
        resume: Option<&Value>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE scans SET files_listed = $1, files_probed = $2, bytes_listed = $3, errors = $4, \
             resume_state = COALESCE($5, resume_state) WHERE id = $6",
        )
        .bind(progress.files_listed)
        .bind(progress.files_probed)
        .bind(progress.bytes_listed)
        .bind(progress.errors)
        .bind(resume.map(Value::to_string))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a scan.
    pub async fn finish_scan(
        &self,
        id: i64,
        state: ScanState,
        message: Option<&str>,
        summary: Option<&Value>,
        conformity: Option<&Value>,
        changes: Option<&Value>,
    ) -> Result<()> {
        let done = matches!(state, ScanState::Done | ScanState::Failed);
        sqlx::query(
            "UPDATE scans SET state = $1, message = $2, summary = COALESCE($3, summary), \
             conformity = COALESCE($4, conformity), changes = COALESCE($5, changes), \
             finished_at = $6, resume_state = CASE WHEN $7 THEN NULL ELSE resume_state END WHERE id = $8",
        )
        .bind(state.as_str())
        .bind(message)
        .bind(summary.map(Value::to_string))
        .bind(conformity.map(Value::to_string))
        .bind(changes.map(Value::to_string))
        .bind(now())
        .bind(done)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the files of one listed folder for `scan_id`: new ones are added, changed ones
    /// flagged for a new probe (their footprint kept as `previous_footprint`), unchanged ones
    /// marked seen. Returns how each file compared.
    pub async fn record_listed(
        &self,
        scan_id: i64,
        livrable_id: i64,
        storage_id: i64,
        files: &[ListedFile],
    ) -> Result<Vec<FileChange>> {
        let at = ListedIn {
            scan_id,
            livrable_id,
            storage_id,
        };
        let mut tx = self.pool.begin().await?;
        let mut changes = Vec::with_capacity(files.len());
        for file in files {
            changes.push(record_one(&mut tx, &at, file).await?);
        }
        tx.commit().await?;
        Ok(changes)
    }

    /// Files seen by `scan_id` that must be probed, of the given classes.
    pub async fn files_needing_probe(
        &self,
        scan_id: i64,
        storage_id: i64,
        classes: &[&str],
    ) -> Result<Vec<DalleRecord>> {
        let list = super::placeholders(4, classes.len());
        let sql = format!(
            "SELECT * FROM dalles WHERE storage_id = $1 AND last_scan_id = $2 AND needs_probe = $3 \
             AND class IN ({list}) ORDER BY path"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(storage_id)
            .bind(scan_id)
            .bind(true);
        for class in classes {
            query = query.bind(*class);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(dalle_from_row)
            .collect()
    }

    /// Stores a probe's outcome on a file and clears its probe flag.
    pub async fn save_probe(&self, dalle_id: i64, outcome: &ProbeOutcome) -> Result<()> {
        let [min_x, min_y, max_x, max_y] = outcome.bbox.map(|b| b.map(Some)).unwrap_or([None; 4]);
        let [west, south, east, north] = outcome.bbox_wgs84.map(|b| b.map(Some)).unwrap_or([None; 4]);
        sqlx::query(
            "UPDATE dalles SET probe = $1, error = $2, epsg = $3, width = $4, height = $5, min_x = $6, min_y = $7, \
             max_x = $8, max_y = $9, west = $10, south = $11, east = $12, north = $13, footprint_wgs84 = $14, \
             needs_probe = $15 WHERE id = $16",
        )
        .bind(outcome.probe.as_ref().map(Value::to_string))
        .bind(&outcome.error)
        .bind(outcome.epsg.map(i64::from))
        .bind(outcome.width)
        .bind(outcome.height)
        .bind(min_x)
        .bind(min_y)
        .bind(max_x)
        .bind(max_y)
        .bind(west)
        .bind(south)
        .bind(east)
        .bind(north)
        .bind(&outcome.footprint_wgs84)
        .bind(false)
        .bind(dalle_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks the storage's files that `scan_id` did not see as removed; returns how many.
    pub async fn mark_unseen_removed(&self, storage_id: i64, scan_id: i64) -> Result<u64> {
        let result = sqlx::query(
            "UPDATE dalles SET removed_scan_id = $1 WHERE storage_id = $2 AND removed_scan_id IS NULL \
             AND (last_scan_id IS NULL OR last_scan_id <> $1)",
        )
        .bind(scan_id)
        .bind(storage_id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    /// The files a storage holds now (not removed).
    pub async fn storage_files(&self, storage_id: i64) -> Result<Vec<DalleRecord>> {
        sqlx::query("SELECT * FROM dalles WHERE storage_id = $1 AND removed_scan_id IS NULL ORDER BY path")
            .bind(storage_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(dalle_from_row)
            .collect()
    }

    /// One file of a storage, as its last scan saw it (`None` when it has none there now).
    pub async fn storage_file(&self, storage_id: i64, path: &str) -> Result<Option<DalleRecord>> {
        sqlx::query("SELECT * FROM dalles WHERE storage_id = $1 AND path = $2 AND removed_scan_id IS NULL")
            .bind(storage_id)
            .bind(path)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(dalle_from_row)
            .transpose()
    }

    /// Every finished scan, oldest first (for the change feeds).
    pub async fn finished_scans(&self) -> Result<Vec<ScanRecord>> {
        sqlx::query("SELECT * FROM scans WHERE finished_at IS NOT NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(scan_from_row)
            .collect()
    }

    /// Records the SHA-256 and CRC-32 a download computed of file `dalle_id`, when the file is
    /// still the `size` bytes it read (a scan since may have seen it change).
    pub async fn record_digests(&self, dalle_id: i64, size: u64, (sha256, crc32): (&str, u32)) -> Result<()> {
        sqlx::query("UPDATE dalles SET sha256 = $1, crc32 = $2 WHERE id = $3 AND size = $4")
            .bind(sha256)
            .bind(i64::from(crc32))
            .bind(dalle_id)
            .bind(size as i64)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The files added, changed or removed by `scan_id`.
    pub async fn scan_changed_files(&self, scan_id: i64) -> Result<Vec<DalleRecord>> {
        sqlx::query(
            "SELECT * FROM dalles WHERE first_scan_id = $1 OR changed_scan_id = $1 OR removed_scan_id = $1 ORDER BY path",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(dalle_from_row)
        .collect()
    }

    /// Images of a deliverable on its active storage, for maps and mosaics; `None` = every
    /// deliverable whose storage is active.
    pub async fn current_images(&self, livrable_id: Option<i64>) -> Result<Vec<DalleRecord>> {
        let base = "SELECT d.* FROM dalles d JOIN storages s ON s.id = d.storage_id \
             WHERE s.revoked_at IS NULL AND d.removed_scan_id IS NULL AND d.class IN ('jpeg2000', 'geotiff')";
        let rows = match livrable_id {
            Some(id) => {
                let sql = format!("{base} AND d.livrable_id = $1 ORDER BY d.path");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                let sql = format!("{base} ORDER BY d.livrable_id, d.path");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(dalle_from_row).collect()
    }
}

fn json_column(row: &AnyRow, column: &str) -> Result<Option<Value>> {
    let text: Option<String> = row.try_get(column)?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

fn scan_from_row(row: &AnyRow) -> Result<ScanRecord> {
    Ok(ScanRecord {
        id: row.try_get("id")?,
        livrable_id: row.try_get("livrable_id")?,
        storage_id: row.try_get("storage_id")?,
        state: text_enum(row, "state", ScanState::parse)?,
        trigger: row.try_get("trigger_kind")?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        files_listed: row.try_get("files_listed")?,
        files_probed: row.try_get("files_probed")?,
        bytes_listed: row.try_get("bytes_listed")?,
        errors: row.try_get("errors")?,
        message: row.try_get("message")?,
        summary: json_column(row, "summary")?,
        conformity: json_column(row, "conformity")?,
        changes: json_column(row, "changes")?,
        resume_state: json_column(row, "resume_state")?,
    })
}

fn dalle_from_row(row: &AnyRow) -> Result<DalleRecord> {
    let four = |names: [&str; 4]| -> Result<Option<[f64; 4]>> {
        let values: Vec<Option<f64>> = names.iter().map(|n| row.try_get(*n)).collect::<Result<_, _>>()?;
        Ok(if values.iter().all(Option::is_some) {
            Some([
                values[0].unwrap(),
                values[1].unwrap(),
                values[2].unwrap(),
                values[3].unwrap(),
            ])
        } else {
            None
        })
    };
    let epsg: Option<i64> = row.try_get("epsg")?;
    Ok(DalleRecord {
        id: row.try_get("id")?,
        livrable_id: row.try_get("livrable_id")?,
        storage_id: row.try_get("storage_id")?,
        path: row.try_get("path")?,
        class: row.try_get("class")?,
        size: row.try_get("size")?,
        mtime: row.try_get("mtime")?,
        etag: row.try_get("etag")?,
        probe: json_column(row, "probe")?,
        error: row.try_get("error")?,
        epsg: epsg.map(|e| e as i32),
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        bbox: four(["min_x", "min_y", "max_x", "max_y"])?,
        bbox_wgs84: four(["west", "south", "east", "north"])?,
        footprint_wgs84: row.try_get("footprint_wgs84")?,
        first_scan_id: row.try_get("first_scan_id")?,
        last_scan_id: row.try_get("last_scan_id")?,
        changed_scan_id: row.try_get("changed_scan_id")?,
        removed_scan_id: row.try_get("removed_scan_id")?,
        previous_footprint: row.try_get("previous_footprint")?,
        needs_probe: flag(row, "needs_probe")?,
        sha256: row.try_get("sha256")?,
        crc32: row
            .try_get::<Option<i64>, _>("crc32")?
            .and_then(|crc| u32::try_from(crc).ok()),
    })
}

/// Something that happened to a scan, for listeners (mosaics, tile caches, feeds).
#[derive(Debug, Clone, PartialEq)]
pub struct ScanEvent {
    /// The deliverable.
    pub livrable_id: i64,
    /// The scan.
    pub scan_id: i64,
    /// Its final state.
    pub state: ScanState,
}

impl ScanEvent {
    /// Calls `handle` with each scan that ended `done` (a partial scan lists only part of a
    /// storage: nothing is rebuilt from it), one after the other, until the scanner is gone.
    /// Events missed while lagging behind are skipped: the next one rebuilds from the catalogue.
    pub fn for_each_done<F, Fut>(mut events: tokio::sync::broadcast::Receiver<ScanEvent>, mut handle: F)
    where
        F: FnMut(ScanEvent) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        tokio::spawn(async move {
            loop {
                let event = match events.recv().await {
                    Ok(event) => event,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                };
                if event.state == ScanState::Done {
                    handle(event).await;
                }
            }
        });
    }
}

impl DalleRecord {
    /// The file as its storage lists it: path, size, date, entity tag.
    pub fn entry(&self) -> crate::storage::Entry {
        crate::storage::Entry {
            path: self.path.clone(),
            is_dir: false,
            size: Some(self.size.max(0) as u64),
            size_approximate: false,
            mtime: self.mtime.clone(),
            etag: self.etag.clone(),
        }
    }
}

/// Where a listing was made: the scan, its deliverable and storage.
struct ListedIn {
    scan_id: i64,
    livrable_id: i64,
    storage_id: i64,
}

/// Records one listed file and says how it compares with what the catalogue knew.
async fn record_one(conn: &mut sqlx::AnyConnection, at: &ListedIn, file: &ListedFile) -> Result<FileChange> {
    let existing = sqlx::query(
        "SELECT id, size, mtime, etag, removed_scan_id, changed_scan_id, first_scan_id, footprint_wgs84 \
         FROM dalles WHERE storage_id = $1 AND path = $2",
    )
    .bind(at.storage_id)
    .bind(&file.path)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = existing else {
        sqlx::query(
            "INSERT INTO dalles (livrable_id, storage_id, path, class, size, mtime, etag, \
             first_scan_id, last_scan_id, needs_probe) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
        )
        .bind(at.livrable_id)
        .bind(at.storage_id)
        .bind(&file.path)
        .bind(&file.class)
        .bind(file.size)
        .bind(&file.mtime)
        .bind(&file.etag)
        .bind(at.scan_id)
        .bind(true)
        .execute(&mut *conn)
        .await?;
        return Ok(FileChange::Added);
    };
    let id: i64 = row.try_get("id")?;
    let removed: Option<i64> = row.try_get("removed_scan_id")?;
    let first: Option<i64> = row.try_get("first_scan_id")?;
    let changed_in: Option<i64> = row.try_get("changed_scan_id")?;
    let same = row.try_get::<i64, _>("size")? == file.size
        && row.try_get::<Option<String>, _>("mtime")? == file.mtime
        && row.try_get::<Option<String>, _>("etag")? == file.etag;
    if removed.is_some() || first == Some(at.scan_id) {
        // Back after removal (or already added by this scan before a resume).
        sqlx::query(
            "UPDATE dalles SET class = $1, size = $2, mtime = $3, etag = $4, first_scan_id = $5, \
             last_scan_id = $5, removed_scan_id = NULL, sha256 = NULL, crc32 = NULL, needs_probe = CASE WHEN $6 THEN needs_probe ELSE $7 END \
             WHERE id = $8",
        )
        .bind(&file.class)
        .bind(file.size)
        .bind(&file.mtime)
        .bind(&file.etag)
        .bind(at.scan_id)
        .bind(same && removed.is_none())
        .bind(true)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        return Ok(FileChange::Added);
    }
    if same {
        sqlx::query("UPDATE dalles SET last_scan_id = $1, class = $2 WHERE id = $3")
            .bind(at.scan_id)
            .bind(&file.class)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        return Ok(if changed_in == Some(at.scan_id) {
            FileChange::Modified
        } else {
            FileChange::Unchanged
        });
    }
    let previous: Option<String> = row.try_get("footprint_wgs84")?;
    sqlx::query(
        "UPDATE dalles SET class = $1, size = $2, mtime = $3, etag = $4, last_scan_id = $5, \
         changed_scan_id = $5, needs_probe = $6, sha256 = NULL, crc32 = NULL, \
         previous_footprint = CASE WHEN changed_scan_id = $5 THEN previous_footprint ELSE $7 END \
         WHERE id = $8",
    )
    .bind(&file.class)
    .bind(file.size)
    .bind(&file.mtime)
    .bind(&file.etag)
    .bind(at.scan_id)
    .bind(true)
    .bind(previous)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(FileChange::Modified)
}
