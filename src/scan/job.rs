//! One scan, from listing to summary. State lives in the catalogue as the scan goes, so a
//! storage fault (or a restart) leaves a `partial` scan that resumes: folders still to list
//! are saved as `resume_state`, files still to probe keep their `needs_probe` flag.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Value};

use super::classify::{self, FileClass};
use super::probe::{self, ProbeError, ProbeInput};
use super::summary::{self, ChangeSet, ChangedFile, PhaseSeconds, ReadCounts, ScanNotes};
use super::{Inner, ScanError};
use crate::catalog::{
    DalleRecord, FileChange, ListedFile, Livrable, ProbeOutcome, ScanProgress, ScanRecord, ScanState,
};
use crate::storage::{self, vsi, BlockCache, Entry, FileSource, FileVersion, Storage, StorageError};

/// Bytes read from the start of each image: enough for TIFF directories and JPEG 2000 main
/// headers of PCRS dalles.
const HEAD_BYTES: u64 = 64 << 10;
/// Saving progress at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

struct Job<'a> {
    inner: &'a Inner,
    scan: ScanRecord,
    livrable: Livrable,
    storage: Arc<dyn Storage>,
    progress: ScanProgress,
    notes: ScanNotes,
    last_save: Instant,
    /// Time spent listing and probing in this run (a resumed scan counts its last run only).
    phases: Phases,
}

/// How long each phase of a scan's run took.
#[derive(Debug, Default, Clone, Copy)]
struct Phases {
    listing: Duration,
    probing: Duration,
}

/// Why a phase stopped early.
enum Stop {
    /// The storage failed: resumable.
    Fault(StorageError),
    /// The server is shutting down: resumable.
    Shutdown,
}

/// Runs scan `scan_id` to its end; returns its final state.
pub async fn run(inner: &Inner, scan_id: i64) -> Result<ScanState, ScanError> {
    let catalog = &inner.catalog;
    let scan = catalog.scan(scan_id).await?;
    let livrable = catalog.livrable(scan.livrable_id).await?;
    let record = catalog.storage(scan.storage_id).await?;
    let spec = catalog.storage_spec(&record, inner.limits.storage_timeout)?;
    let storage = storage::open(spec)?;
    vsi::mount(storage.clone());
    let progress = ScanProgress {
        files_listed: scan.files_listed,
        files_probed: scan.files_probed,
        bytes_listed: scan.bytes_listed,
        errors: scan.errors,
    };
    let mut job = Job {
        inner,
        scan,
        livrable,
        storage,
        progress,
        notes: ScanNotes::default(),
        last_save: Instant::now(),
        phases: Phases::default(),
    };
    let state = job.run().await?;
    if let (Some(seen), None) = (job.storage.host_key_seen(), record.host_key.as_ref()) {
        catalog.pin_host_key(record.id, &seen).await?;
        tracing::info!(storage = record.id, host_key = %seen, "SSH host key pinned on first use");
    }
    Ok(state)
}

impl Job<'_> {
    async fn run(&mut self) -> Result<ScanState, ScanError> {
        let resume = self.scan.resume_state.clone();
        let listing_done = resume
            .as_ref()
            .and_then(|r| r["listing_done"].as_bool())
            .unwrap_or(false);
        if !listing_done {
            self.set_state(ScanState::Listing, None).await?;
            let pending: VecDeque<(String, u32)> = match resume.as_ref().and_then(|r| r["pending"].as_array())
            {
                Some(dirs) => dirs
                    .iter()
                    .filter_map(|d| Some((d["path"].as_str()?.to_string(), d["depth"].as_u64()? as u32)))
                    .collect(),
                None => VecDeque::from([(String::new(), 0)]),
            };
            let started = Instant::now();
            let listed = self.list(pending).await;
            self.phases.listing = started.elapsed();
            if let Err(stop) = listed {
                return self.interrupted(stop, true).await;
            }
        }
        self.set_state(ScanState::Probing, None).await?;
        let started = Instant::now();
        let probed = self.probe_all().await;
        self.phases.probing = started.elapsed();
        if let Err(stop) = probed {
            return self.interrupted(stop, false).await;
        }
        self.finish().await
    }

    async fn set_state(&mut self, state: ScanState, message: Option<&str>) -> Result<(), ScanError> {
        self.scan.state = state;
        self.inner
            .catalog
            .set_scan_state(self.scan.id, state, message)
            .await?;
        Ok(())
    }

    async fn save_progress(&mut self, resume: Option<&Value>, force: bool) -> Result<(), ScanError> {
        if force || self.last_save.elapsed() >= PROGRESS_EVERY {
            self.inner
                .catalog
                .save_scan_progress(self.scan.id, self.progress, resume)
                .await?;
            self.last_save = Instant::now();
        }
        Ok(())
    }

    /// Ends the scan `partial` (resumable) or `failed` (nothing listed: a wrong setting).
    async fn interrupted(&mut self, stop: Stop, listing: bool) -> Result<ScanState, ScanError> {
        let (message, nothing_done) = match &stop {
            Stop::Fault(err) => (
                format!("storage failed: {err}"),
                self.progress.files_listed == 0 && listing,
            ),
            Stop::Shutdown => (
                "interrupted by server shutdown; it resumes on the next start".to_string(),
                false,
            ),
        };
        let state = if nothing_done {
            ScanState::Failed
        } else {
            ScanState::Partial
        };
        self.inner
            .catalog
            .save_scan_progress(self.scan.id, self.progress, None)
            .await?;
        self.inner
            .catalog
            .finish_scan(self.scan.id, state, Some(&message), None, None, None)
            .await?;
        tracing::warn!(scan = self.scan.id, state = %state, %message, "scan stopped");
        Ok(state)
    }

    /// Walks the folders breadth first, a few at a time, recording what each holds.
    async fn list(&mut self, mut pending: VecDeque<(String, u32)>) -> Result<(), Stop> {
        let concurrency = 4;
        let mut in_flight = FuturesUnordered::new();
        let mut in_flight_dirs: Vec<(String, u32)> = Vec::new();
        let storage = self.storage.clone();
        loop {
            if self.inner.shutdown.is_cancelled() {
                self.save_resume(&pending, &in_flight_dirs)
                    .await
                    .map_err(|_| Stop::Shutdown)?;
                return Err(Stop::Shutdown);
            }
            while in_flight.len() < concurrency {
                let Some((dir, depth)) = pending.pop_front() else {
                    break;
                };
                in_flight_dirs.push((dir.clone(), depth));
                let storage = storage.clone();
                in_flight.push(async move {
                    let listed = storage.list(&dir).await;
                    (dir, depth, listed)
                });
            }
            let Some((dir, depth, listed)) = in_flight.next().await else {
                break;
            };
            in_flight_dirs.retain(|(d, _)| *d != dir);
            match listed {
                Ok(entries) => {
                    let subdirs = self.record_folder(&dir, entries).await.map_err(Stop::Fault)?;
                    for sub in subdirs {
                        if depth < self.inner.limits.max_depth {
                            pending.push_back((sub, depth + 1));
                        } else {
                            self.notes.unreadable_folders.push((
                                sub,
                                format!(
                                    "deeper than limits.scan_max_depth ({})",
                                    self.inner.limits.max_depth
                                ),
                            ));
                        }
                    }
                }
                Err(err) if err.is_storage_wide() => {
                    pending.push_front((dir, depth));
                    let _ = self.save_resume(&pending, &in_flight_dirs).await;
                    return Err(Stop::Fault(err));
                }
                Err(err) if dir.is_empty() => return Err(Stop::Fault(err)),
                Err(err) => {
                    self.progress.errors += 1;
                    self.notes.unreadable_folders.push((dir, err.to_string()));
                }
            }
            if self.progress.files_listed as u64 >= self.inner.limits.max_files {
                self.notes.truncated = Some(format!(
                    "the listing stopped at {} files (limits.scan_max_files)",
                    self.progress.files_listed
                ));
                break;
            }
            self.save_resume(&pending, &in_flight_dirs)
                .await
                .map_err(|_| Stop::Shutdown)?;
        }
        let done = json!({"listing_done": true});
        self.save_progress(Some(&done), true)
            .await
            .map_err(|_| Stop::Shutdown)?;
        Ok(())
    }

    async fn save_resume(
        &mut self,
        pending: &VecDeque<(String, u32)>,
        in_flight: &[(String, u32)],
    ) -> Result<(), ScanError> {
        let dirs: Vec<Value> = in_flight
            .iter()
            .chain(pending.iter())
            .map(|(path, depth)| json!({"path": path, "depth": depth}))
            .collect();
        let resume = json!({"listing_done": false, "pending": dirs});
        self.save_progress(Some(&resume), false).await
    }

    /// Completes a folder's entries (exact sizes, content classes), records them, tells the
    /// GDAL handler, and returns the sub-folders.
    async fn record_folder(&mut self, dir: &str, entries: Vec<Entry>) -> Result<Vec<String>, StorageError> {
        let mut subdirs = Vec::new();
        let mut files = Vec::new();
        for entry in entries {
            if entry.name().starts_with('.') {
                continue; // hidden files and partial uploads
            }
            if entry.is_dir {
                subdirs.push(entry.path);
            } else {
                files.push(entry);
            }
        }
        let files = self.complete_entries(files).await?;
        let mut listed = Vec::with_capacity(files.len());
        for entry in &files {
            let mut class = classify::by_name(entry.name());
            if needs_sniffing(entry.name(), class) {
                let version = FileVersion::of(self.storage.key(), entry);
                match BlockCache::global()
                    .read(self.storage.as_ref(), &version, 0..4096)
                    .await
                {
                    Ok(head) => class = classify::classify(entry.name(), Some(&head)),
                    Err(err) => {
                        // The class stays the one the name gives; only the storage's own fault stops.
                        file_failure(self.storage.as_ref(), &entry.path, err).await?;
                    }
                }
            }
            listed.push(ListedFile {
                path: entry.path.clone(),
                class: class.as_str().to_string(),
                size: entry.size.unwrap_or(0) as i64,
                mtime: entry.mtime.clone(),
                etag: entry.etag.clone(),
            });
        }
        vsi::remember_listing(self.storage.key(), dir, &files);
        let changes = self
            .inner
            .catalog
            .record_listed(self.scan.id, self.livrable.id, self.scan.storage_id, &listed)
            .await
            .map_err(|err| StorageError::Io {
                target: "catalogue".into(),
                detail: err.to_string(),
            })?;
        self.progress.files_listed += listed.len() as i64;
        self.progress.bytes_listed += listed.iter().map(|f| f.size).sum::<i64>();
        let changed = changes.iter().filter(|c| **c != FileChange::Unchanged).count();
        tracing::debug!(
            scan = self.scan.id,
            dir,
            files = listed.len(),
            changed,
            "folder listed"
        );
        Ok(subdirs)
    }

    /// Asks the storage for exact size and date where the listing only gave rounded ones.
    async fn complete_entries(&self, files: Vec<Entry>) -> Result<Vec<Entry>, StorageError> {
        let storage = self.storage.clone();
        let completed: Vec<Result<Entry, StorageError>> =
            futures_util::stream::iter(files.into_iter().map(|entry| {
                let storage = storage.clone();
                async move {
                    if entry.size.is_some() && !entry.size_approximate && entry.mtime.is_some() {
                        return Ok(entry);
                    }
                    match storage.stat(&entry.path).await {
                        Ok(exact) => Ok(Entry {
                            path: entry.path,
                            is_dir: false,
                            size: exact.size.or(entry.size),
                            size_approximate: exact.size.is_none() && entry.size_approximate,
                            mtime: exact.mtime.or(entry.mtime),
                            etag: exact.etag,
                        }),
                        Err(err) => file_failure(storage.as_ref(), &entry.path, err)
                            .await
                            .map(|_| entry),
                    }
                }
            }))
            .buffer_unordered(8)
            .collect()
            .await;
        completed.into_iter().collect()
    }

    /// Probes every image that is new or changed.
    async fn probe_all(&mut self) -> Result<(), Stop> {
        let inner = self.inner;
        let catalog = &inner.catalog;
        let storage_id = self.scan.storage_id;
        let to_probe = catalog
            .files_needing_probe(
                self.scan.id,
                storage_id,
                &[FileClass::Jpeg2000.as_str(), FileClass::Geotiff.as_str()],
            )
            .await
            .map_err(|err| Stop::Fault(catalog_fault(err)))?;
        if to_probe.is_empty() {
            return Ok(());
        }
        // Siblings of every folder, from the catalogue (also right after a restart).
        let present = catalog
            .storage_files(storage_id)
            .await
            .map_err(|err| Stop::Fault(catalog_fault(err)))?;
        let folders = vsi::remember_files(
            self.storage.key(),
            present.iter().map(DalleRecord::entry).collect(),
        );
        let parallel = inner.workers.threads().max(1) * 2;
        let declared_epsg = self.livrable.crs;
        let storage = self.storage.clone();
        let mut results = futures_util::stream::iter(to_probe.into_iter().map(|record| {
            let siblings = folders.get(parent_of(&record.path)).cloned().unwrap_or_default();
            probe_one(
                storage.clone(),
                inner.workers.clone(),
                record,
                siblings,
                declared_epsg,
            )
        }))
        .buffer_unordered(parallel);
        while let Some((record, outcome)) = results.next().await {
            if inner.shutdown.is_cancelled() {
                return Err(Stop::Shutdown);
            }
            match outcome {
                Ok(outcome) => {
                    if outcome.error.is_some() {
                        self.progress.errors += 1;
                    }
                    catalog
                        .save_probe(record.id, &outcome)
                        .await
                        .map_err(|err| Stop::Fault(catalog_fault(err)))?;
                    self.progress.files_probed += 1;
                    let _ = self.save_progress(None, false).await;
                }
                Err(err) => return Err(Stop::Fault(err)),
            }
        }
        Ok(())
    }

    /// Marks what disappeared, writes the change set, the summary and the conformity report.
    async fn finish(&mut self) -> Result<ScanState, ScanError> {
        let catalog = &self.inner.catalog;
        let storage_id = self.scan.storage_id;
        // A truncated listing did not see everything: don't call the rest removed.
        let removed = if self.notes.truncated.is_none() {
            catalog.mark_unseen_removed(storage_id, self.scan.id).await?
        } else {
            0
        };
        let changed = catalog.scan_changed_files(self.scan.id).await?;
        let changes = change_set(&changed, self.scan.id);
        let files = catalog.storage_files(storage_id).await?;
        let mut summary = summary::summarize(&files, &self.notes);
        // What the scan cost the storage (since its last start, for a resumed scan).
        let stats = self.storage.stats();
        summary.read = Some(ReadCounts {
            requests: stats.request_count(),
            bytes: stats.bytes(),
            connections: stats.connection_count(),
        });
        let seconds = |d: Duration| (d.as_secs_f64() * 1000.0).round() / 1000.0;
        summary.seconds = Some(PhaseSeconds {
            listing: seconds(self.phases.listing),
            probing: seconds(self.phases.probing),
        });
        let conformity = summary::conformity(&files);
        self.progress.errors = files.iter().filter(|f| f.error.is_some()).count() as i64
            + self.notes.unreadable_folders.len() as i64;
        catalog
            .save_scan_progress(self.scan.id, self.progress, None)
            .await?;
        let message = self.notes.truncated.clone();
        catalog
            .finish_scan(
                self.scan.id,
                ScanState::Done,
                message.as_deref(),
                Some(&as_json(&summary)),
                Some(&as_json(&conformity)),
                Some(&as_json(&changes)),
            )
            .await?;
        tracing::info!(
            scan = self.scan.id,
            livrable = self.livrable.id,
            files = files.len(),
            dalles = summary.dalles,
            added = changes.added.len(),
            modified = changes.modified.len(),
            removed,
            "scan done"
        );
        Ok(ScanState::Done)
    }
}

/// Probes one image: reads its first bytes and side files through the storage, then lets
/// GDAL read its headers on a worker. A storage-wide failure is returned as an error
/// (the scan stops, resumable); a broken file becomes an outcome with an error.
async fn probe_one(
    storage: Arc<dyn Storage>,
    workers: crate::workers::Workers,
    record: DalleRecord,
    siblings: Vec<Entry>,
    declared_epsg: Option<i32>,
) -> (DalleRecord, Result<ProbeOutcome, StorageError>) {
    let entry = record.entry();
    let version = FileVersion::of(storage.key(), &entry);
    let head = match BlockCache::global()
        .read(storage.as_ref(), &version, 0..HEAD_BYTES)
        .await
    {
        Ok(head) => head,
        Err(err) => {
            let failure = file_failure(storage.as_ref(), &record.path, err).await;
            return (record, failure.map(broken));
        }
    };
    let stem = entry
        .name()
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(entry.name())
        .to_string();
    let names: Vec<String> = siblings.iter().map(|s| s.name().to_string()).collect();
    let world_file = siblings.iter().any(|s| {
        let name = s.name();
        name.starts_with(&format!("{stem}.")) && classify::by_name(name) == FileClass::WorldFile
    });
    let prj = match siblings
        .iter()
        .find(|s| s.name().eq_ignore_ascii_case(&format!("{stem}.prj")))
    {
        Some(prj) => {
            let version = FileVersion::of(storage.key(), prj);
            BlockCache::global()
                .read(storage.as_ref(), &version, 0..65536)
                .await
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        }
        None => None,
    };
    let gdal_path = FileSource::of(storage.as_ref(), &record.path).gdal_path();
    let input = ProbeInput {
        gdal_path,
        siblings: names,
        prj,
        world_file,
        declared_epsg,
        head: head.to_vec(),
        file_size: record.size.max(0) as u64,
    };
    let outcome = workers.run(move || probe::probe(&input)).await;
    let result = match outcome {
        Ok(Ok(probe)) => Ok(outcome_of(&probe)),
        Ok(Err(ProbeError::Storage(err))) => file_failure(storage.as_ref(), &record.path, err)
            .await
            .map(broken),
        Ok(Err(err)) => Ok(broken(err.to_string())),
        Err(err) => Ok(broken(format!("probe failed: {err}"))),
    };
    (record, result)
}

/// Decides whose fault a failure to read one file is. An error that may be the storage's
/// (a broken connection, a time limit, an I/O error) is checked by listing the file's folder
/// again: if the storage answers, the failure is the file's own and its reason is returned
/// (the file is reported broken, the scan goes on); if not, the storage's error is returned
/// and the scan stops, resumable. A file gone from the new listing was removed during the scan.
async fn file_failure(storage: &dyn Storage, path: &str, err: StorageError) -> Result<String, StorageError> {
    if !err.is_storage_wide() && !matches!(err, StorageError::NotFound { .. }) {
        return Ok(format!("cannot read: {err}"));
    }
    match storage.list(parent_of(path)).await {
        Ok(entries) if entries.iter().any(|entry| entry.path == path) => Ok(format!("cannot read: {err}")),
        Ok(_) => Ok(format!("removed from the storage during the scan ({err})")),
        Err(check) if check.is_storage_wide() => {
            tracing::debug!(path, error = %err, check = %check, "a file's failure is the storage's");
            Err(check)
        }
        Err(_) => Ok(format!("removed from the storage during the scan ({err})")),
    }
}

/// A report as the catalogue stores it (JSON text).
fn as_json(report: &impl serde::Serialize) -> Value {
    serde_json::to_value(report).unwrap_or(Value::Null)
}

fn catalog_fault(err: crate::catalog::CatalogError) -> StorageError {
    StorageError::Io {
        target: "catalogue".into(),
        detail: err.to_string(),
    }
}

/// Files worth a look at their first bytes: unknown or generic extensions, not documents.
fn needs_sniffing(name: &str, class: FileClass) -> bool {
    if !class.wants_sniffing() {
        return false;
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    !matches!(
        extension.as_str(),
        "pdf"
            | "doc"
            | "docx"
            | "odt"
            | "ods"
            | "xls"
            | "xlsx"
            | "txt"
            | "csv"
            | "html"
            | "htm"
            | "png"
            | "jpg"
            | "jpeg"
            | "md"
            | "qgs"
            | "qgz"
            | "ovr"
            | "log"
    )
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
}

fn broken(reason: String) -> ProbeOutcome {
    ProbeOutcome {
        error: Some(reason),
        ..ProbeOutcome::default()
    }
}

fn outcome_of(probe: &probe::Probe) -> ProbeOutcome {
    ProbeOutcome {
        probe: serde_json::to_value(probe).ok(),
        error: None,
        epsg: probe.epsg,
        width: Some(probe.width as i64),
        height: Some(probe.height as i64),
        bbox: probe.bbox,
        bbox_wgs84: probe.bbox_wgs84,
        footprint_wgs84: probe.footprint_wgs84.as_deref().map(probe::ring_wkt),
    }
}

/// Added, modified and removed files of a scan, with footprints (old and new) for whoever must
/// invalidate caches over them.
fn change_set(changed: &[DalleRecord], scan_id: i64) -> ChangeSet {
    let mut seen = HashSet::new();
    let mut changes = ChangeSet::default();
    for file in changed {
        if !seen.insert(file.id) {
            continue;
        }
        let mut item = ChangedFile {
            path: file.path.clone(),
            class: file.class.clone(),
            epsg: file.epsg,
            bbox: file.bbox,
            bbox_wgs84: file.bbox_wgs84,
            footprint_wgs84: file.footprint_wgs84.clone(),
            previous_footprint_wgs84: None,
        };
        if file.removed_scan_id == Some(scan_id) {
            changes.removed.push(item);
        } else if file.first_scan_id == Some(scan_id) {
            changes.added.push(item);
        } else if file.changed_scan_id == Some(scan_id) {
            item.previous_footprint_wgs84 = Some(file.previous_footprint.clone());
            changes.modified.push(item);
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::StorageSpec;

    fn io_error() -> StorageError {
        StorageError::Io {
            target: "test".into(),
            detail: "connection reset by peer".into(),
        }
    }

    #[tokio::test]
    async fn a_file_failure_is_the_storage_s_only_when_the_storage_fails_too() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lot")).unwrap();
        std::fs::write(dir.path().join("lot/present.jp2"), b"x").unwrap();
        let url = format!("file://{}", dir.path().display());
        let folder = storage::open(StorageSpec::from_url("t", &url).unwrap()).unwrap();
        // The storage answers and the file is there: the file's own fault.
        let reason = file_failure(folder.as_ref(), "lot/present.jp2", io_error())
            .await
            .unwrap();
        assert!(reason.starts_with("cannot read: I/O error"), "{reason}");
        // Gone from the new listing: removed during the scan.
        let gone = StorageError::NotFound {
            path: "lot/gone.jp2".into(),
        };
        let reason = file_failure(folder.as_ref(), "lot/gone.jp2", gone).await.unwrap();
        assert!(
            reason.starts_with("removed from the storage during the scan"),
            "{reason}"
        );
        // A refusal is the file's without asking the storage.
        let refused = StorageError::Permission {
            path: "lot/present.jp2".into(),
        };
        let reason = file_failure(folder.as_ref(), "lot/present.jp2", refused)
            .await
            .unwrap();
        assert_eq!(reason, "cannot read: permission denied: lot/present.jp2");
        // The storage does not answer either: the storage's fault, which stops the scan.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut spec = StorageSpec::from_url("t", &format!("http://127.0.0.1:{closed}/")).unwrap();
        spec.retries = 0;
        let down = storage::open(spec).unwrap();
        let err = file_failure(down.as_ref(), "lot/present.jp2", io_error())
            .await
            .unwrap_err();
        assert!(err.is_storage_wide(), "{err}");
    }
}
