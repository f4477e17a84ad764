//! The disk tier: one file per tile under `layer/tms/z/col/row.ext`, written atomically,
//! kept under a size quota. The quota survives restarts because it is not a counter kept aside:
//! the tier measures its folder when it opens and keeps the total up to date as it writes and
//! deletes. Past the quota it deletes the least recently used tiles (a read touches the file's
//! time).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;

use super::{Doomed, StoreStats, TileStore};
use crate::tiles::key::{parse_relative, TileKey};

/// Tiles as files under one folder (`layer/tms/z/col/row.ext`), kept under a quota; cheap to
/// clone.
#[derive(Clone)]
pub struct DiskStore {
    inner: Arc<Disk>,
}

struct Disk {
    dir: PathBuf,
    quota: u64,
    used: AtomicU64,
    hits: AtomicU64,
    evicted: AtomicU64,
    evicting: AtomicBool,
}

impl DiskStore {
    /// The folder `dir`, kept under `quota` bytes; its size is measured now, so the quota
    /// holds across restarts.
    pub fn open(dir: PathBuf, quota: u64) -> DiskStore {
        DiskStore {
            inner: Arc::new(Disk::open(dir, quota)),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Whether a sweep for the quota is running (tests wait for it).
    pub fn evicting(&self) -> bool {
        self.inner.evicting.load(Ordering::Acquire)
    }
}

impl Disk {
    fn open(dir: PathBuf, quota: u64) -> Disk {
        let used = files_under(&dir).iter().map(|(_, size, _)| size).sum();
        Disk {
            dir,
            quota,
            used: AtomicU64::new(used),
            hits: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
            evicting: AtomicBool::new(false),
        }
    }

    async fn read(&self, key: &TileKey) -> Option<Bytes> {
        let path = self.dir.join(key.relative_path());
        let bytes = tokio::fs::read(&path).await.ok()?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        // The file's time is its last use, for the least-recently-used eviction.
        drop(tokio::task::spawn_blocking(move || {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|file| file.set_modified(SystemTime::now()))
        }));
        Some(Bytes::from(bytes))
    }

    /// Writes under a temporary name then renames, so a reader never sees half a tile. A
    /// failed write only costs a later re-render.
    async fn write(self: &Arc<Disk>, key: &TileKey, bytes: &Bytes) {
        let path = self.dir.join(key.relative_path());
        let previous = tokio::fs::metadata(&path).await.map(|m| m.len()).unwrap_or(0);
        // The whole file name stays in the temporary one: two formats of one tile (12.png,
        // 12.jpg) may be written at once.
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("tile");
        let serial = WRITES.fetch_add(1, Ordering::Relaxed);
        let temporary = path.with_file_name(format!("{name}.tmp{}-{serial}", std::process::id()));
        let written = async {
            tokio::fs::create_dir_all(path.parent().expect("tile path has a folder")).await?;
            tokio::fs::write(&temporary, bytes).await?;
            tokio::fs::rename(&temporary, &path).await
        }
        .await;
        if let Err(err) = written {
            tracing::warn!(path = %path.display(), error = %err, "tile not written to disk");
            let _ = tokio::fs::remove_file(&temporary).await;
            return;
        }
        let used = self.used.fetch_add(bytes.len() as u64, Ordering::Relaxed) + bytes.len() as u64;
        self.subtract(previous);
        let used = used.saturating_sub(previous);
        if used > self.quota && !self.evicting.swap(true, Ordering::AcqRel) {
            let tier = self.clone();
            tokio::task::spawn_blocking(move || loop {
                tier.evict();
                tier.evicting.store(false, Ordering::Release);
                // Writes that came during the sweep skipped it: sweep again if they overfilled.
                if tier.used.load(Ordering::Relaxed) <= tier.quota
                    || tier.evicting.swap(true, Ordering::AcqRel)
                {
                    break;
                }
            });
        }
    }

    /// Deletes the least recently used tiles until the folder is at 90 % of its quota.
    fn evict(&self) {
        let mut files = files_under(&self.dir);
        let measured: u64 = files.iter().map(|(_, size, _)| size).sum();
        // Re-base the counter on what is really there (another process may write here too),
        // keeping what writes added during the walk.
        let counted = self.used.load(Ordering::Relaxed);
        let _ = self
            .used
            .compare_exchange(counted, measured, Ordering::AcqRel, Ordering::Relaxed);
        let target = self.quota / 10 * 9;
        let mut left = measured;
        files.sort_by_key(|(_, _, time)| *time);
        for (path, size, _) in files {
            if left <= target {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                left -= size;
                self.evicted.fetch_add(1, Ordering::Relaxed);
                self.subtract(size);
            }
        }
    }

    /// Takes `bytes` off the counter without going below zero.
    fn subtract(&self, bytes: u64) {
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |used| {
                Some(used.saturating_sub(bytes))
            });
    }

    /// Deletes one tile's file.
    async fn remove(&self, key: &TileKey) {
        let path = self.dir.join(key.relative_path());
        if let Ok(metadata) = tokio::fs::metadata(&path).await {
            if tokio::fs::remove_file(&path).await.is_ok() {
                self.subtract(metadata.len());
            }
        }
    }

    /// Deletes the files of `layer` (every layer when `None`) that `doomed` selects.
    async fn remove_where(self: &Arc<Disk>, layer: Option<String>, doomed: Doomed) -> u64 {
        let tier = self.clone();
        tokio::task::spawn_blocking(move || {
            let root = match &layer {
                Some(layer) => tier.dir.join(layer),
                None => tier.dir.clone(),
            };
            let mut removed = 0;
            for (path, size, _) in files_under(&root) {
                let Some(relative) = path.strip_prefix(&root).ok().and_then(|p| p.to_str()) else {
                    continue;
                };
                // Without a layer, the first folder of each path is its layer.
                let tile = match layer {
                    Some(_) => Some(relative),
                    None => relative.split_once('/').map(|(_, tile)| tile),
                };
                let Some((tms, z, col, row)) = tile.and_then(parse_relative) else {
                    continue;
                };
                if doomed(tms, z, row, col) && std::fs::remove_file(&path).is_ok() {
                    removed += 1;
                    tier.subtract(size);
                }
            }
            removed
        })
        .await
        .unwrap_or(0)
    }
}

#[async_trait]
impl TileStore for DiskStore {
    fn name(&self) -> &'static str {
        "disk"
    }

    async fn get(&self, key: &TileKey) -> Option<Bytes> {
        self.inner.read(key).await
    }

    async fn put(&self, key: &TileKey, bytes: &Bytes) {
        self.inner.write(key, bytes).await
    }

    async fn delete(&self, key: &TileKey) {
        self.inner.remove(key).await
    }

    async fn delete_where(&self, layer: Option<&str>, doomed: Doomed) -> u64 {
        self.inner.remove_where(layer.map(str::to_string), doomed).await
    }

    fn stats(&self) -> StoreStats {
        StoreStats {
            hits: self.inner.hits.load(Ordering::Relaxed),
            bytes: self.inner.used.load(Ordering::Relaxed),
            evicted: self.inner.evicted.load(Ordering::Relaxed),
            errors: 0,
        }
    }
}

/// Every file under `dir`: path, size, last modification.
fn files_under(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            if metadata.is_dir() {
                // Dot folders (seeding checkpoints) are not tiles: never counted nor evicted.
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    folders.push(entry.path());
                }
            } else {
                let time = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                files.push((entry.path(), metadata.len(), time));
            }
        }
    }
    files
}
