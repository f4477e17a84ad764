//! The scanner: walks a deliverable's storage, classifies what it finds, probes images through
//! GDAL reading only their headers, records fingerprints so rescans re-probe only what changed,
//! and summarises the deliverable with a PCRS conformity report. Scans are persisted jobs
//! (queued → listing → probing → done | failed | partial); a partial scan resumes where the
//! storage fault stopped it.

pub mod classify;
mod job;
pub mod jp2;
pub mod probe;
mod report;
pub mod summary;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::catalog::{Catalog, CatalogError, ScanEvent, ScanRecord, ScanState};
use crate::config::Config;
use crate::storage::StorageError;
use crate::workers::Workers;

/// Why a scan could not start.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The deliverable has no active storage.
    #[error("livrable {0} has no storage declared")]
    NoStorage(i64),
    /// The catalogue failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The storage's settings can't be used.
    #[error("storage settings: {0}")]
    Spec(String),
    /// The storage refused to open.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Limits of a scan.
#[derive(Debug, Clone, Copy)]
pub struct ScanLimits {
    /// Deepest folder followed.
    pub max_depth: u32,
    /// Most files listed.
    pub max_files: u64,
    /// Time allowed for one storage operation.
    pub storage_timeout: Duration,
}

/// Runs scans; cheap to clone.
#[derive(Clone)]
pub struct Scanner {
    inner: Arc<Inner>,
}

struct Inner {
    catalog: Catalog,
    workers: Workers,
    limits: ScanLimits,
    running: Mutex<HashMap<i64, i64>>,
    events: broadcast::Sender<ScanEvent>,
    shutdown: CancellationToken,
}

impl Scanner {
    /// A scanner over the catalogue, probing on `workers`.
    pub fn new(catalog: Catalog, workers: Workers, config: &Config) -> Scanner {
        let (events, _) = broadcast::channel(256);
        Scanner {
            inner: Arc::new(Inner {
                catalog,
                workers,
                limits: ScanLimits {
                    max_depth: config.limits.scan_max_depth,
                    max_files: config.limits.scan_max_files,
                    storage_timeout: config.limits.storage_timeout.0,
                },
                running: Mutex::new(HashMap::new()),
                events,
                shutdown: CancellationToken::new(),
            }),
        }
    }

    /// The limits scans run under (storage timeout, depth, file count).
    pub fn limits(&self) -> ScanLimits {
        self.inner.limits
    }

    /// Events of finished scans.
    pub fn subscribe(&self) -> broadcast::Receiver<ScanEvent> {
        self.inner.events.subscribe()
    }

    /// Stops running scans at the next folder or file; they end `partial`, resumable.
    pub fn shutdown(&self) {
        self.inner.shutdown.cancel();
    }

    /// The scan running for a deliverable, if any.
    pub fn running_scan(&self, livrable_id: i64) -> Option<i64> {
        self.inner.running.lock().ok()?.get(&livrable_id).copied()
    }

    /// Starts a scan of the deliverable (or resumes its partial one, or returns the one
    /// already running). The scan goes on in the background.
    pub async fn start(&self, livrable_id: i64, trigger: &str) -> Result<ScanRecord, ScanError> {
        let (record, _) = self.launch(livrable_id, trigger).await?;
        Ok(record)
    }

    /// Starts (or resumes) a scan and waits for its end.
    pub async fn scan_to_end(&self, livrable_id: i64, trigger: &str) -> Result<ScanRecord, ScanError> {
        let (record, handle) = self.launch(livrable_id, trigger).await?;
        match handle {
            Some(handle) => {
                let _ = handle.await;
            }
            None => {
                // Already running: wait for it through the catalogue.
                while self.running_scan(livrable_id) == Some(record.id) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        Ok(self.inner.catalog.scan(record.id).await?)
    }

    async fn launch(
        &self,
        livrable_id: i64,
        trigger: &str,
    ) -> Result<(ScanRecord, Option<tokio::task::JoinHandle<()>>), ScanError> {
        let catalog = &self.inner.catalog;
        if let Some(scan_id) = self.running_scan(livrable_id) {
            return Ok((catalog.scan(scan_id).await?, None));
        }
        let storage = catalog
            .active_storage(livrable_id)
            .await?
            .ok_or(ScanError::NoStorage(livrable_id))?;
        let latest = catalog.livrable_scans(livrable_id, 1).await?.into_iter().next();
        let record = match latest {
            Some(scan)
                if scan.storage_id == storage.id
                    && matches!(scan.state, ScanState::Partial | ScanState::Queued) =>
            {
                scan
            }
            _ => catalog.create_scan(livrable_id, storage.id, trigger).await?,
        };
        // Claim the deliverable, unless another caller just did (the guard ends here: no
        // lock is held across an await).
        let already = {
            let mut running = self
                .inner
                .running
                .lock()
                .map_err(|_| ScanError::Spec("scanner state poisoned".into()))?;
            match running.get(&livrable_id) {
                Some(scan_id) => Some(*scan_id),
                None => {
                    running.insert(livrable_id, record.id);
                    None
                }
            }
        };
        if let Some(scan_id) = already {
            return Ok((catalog.scan(scan_id).await?, None));
        }
        let inner = self.inner.clone();
        let scan_id = record.id;
        let handle = tokio::spawn(async move {
            let outcome = job::run(&inner, scan_id).await;
            let state = match outcome {
                Ok(state) => state,
                Err(err) => {
                    tracing::error!(scan = scan_id, error = %err, "scan failed");
                    let message = err.to_string();
                    let _ = inner
                        .catalog
                        .finish_scan(scan_id, ScanState::Failed, Some(&message), None, None, None)
                        .await;
                    ScanState::Failed
                }
            };
            if let Ok(mut running) = inner.running.lock() {
                running.remove(&livrable_id);
            }
            let _ = inner.events.send(ScanEvent {
                livrable_id,
                scan_id,
                state,
            });
        });
        Ok((record, Some(handle)))
    }

    /// At start-up: scans a crash left running become partial (resumable).
    pub async fn recover(&self) -> Result<(), ScanError> {
        for scan in self.inner.catalog.unfinished_scans().await? {
            if matches!(scan.state, ScanState::Listing | ScanState::Probing) {
                self.inner
                    .catalog
                    .set_scan_state(
                        scan.id,
                        ScanState::Partial,
                        Some("interrupted: the server stopped during the scan"),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// Runs scheduled rescans (per storage `scan_interval`) and resumes partial scans, every
    /// `period`, until shutdown.
    pub fn spawn_scheduler(&self, period: Duration) {
        let scanner = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = scanner.inner.shutdown.cancelled() => return,
                    _ = ticker.tick() => {}
                }
                if let Err(err) = scanner.schedule_once().await {
                    tracing::warn!(error = %err, "scan scheduler");
                }
            }
        });
    }

    /// One pass of the scheduler: starts the rescans that are due and resumes partial scans.
    pub async fn schedule_once(&self) -> Result<(), ScanError> {
        let catalog = &self.inner.catalog;
        let now = chrono::Utc::now();
        for storage in catalog.active_storages().await? {
            if self.running_scan(storage.livrable_id).is_some() {
                continue;
            }
            let latest = catalog
                .livrable_scans(storage.livrable_id, 1)
                .await?
                .into_iter()
                .next();
            let due = match (&latest, storage.scan_interval) {
                (Some(scan), _) if scan.state == ScanState::Partial => true,
                (Some(scan), Some(interval)) => scan
                    .finished_at
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .is_none_or(|t| (now - t.with_timezone(&chrono::Utc)).num_seconds() >= interval),
                (None, Some(_)) => true,
                _ => false,
            };
            if due {
                let trigger = if latest.as_ref().is_some_and(|s| s.state == ScanState::Partial) {
                    "resume"
                } else {
                    "schedule"
                };
                if let Err(err) = self.start(storage.livrable_id, trigger).await {
                    tracing::warn!(livrable = storage.livrable_id, error = %err, "scheduled scan not started");
                }
            }
        }
        Ok(())
    }
}
