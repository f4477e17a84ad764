//! The tile cache: a memory tier (moka, weighed in bytes) over a disk tier (one file per tile
//! under `layer/tms/z/col/row.ext`, written atomically, kept under a size quota), over an
//! optional S3-compatible bucket ([`super::s3`]) shared by several instances. One render
//! per tile however many requests ask for it at once: the memory tier's loader runs once per
//! key and every waiter gets its result.
//!
//! The disk quota survives restarts because it is not a counter kept aside: the tier measures
//! its folder when it opens and keeps the total up to date as it writes and deletes. Past the
//! quota it deletes the least recently used tiles (a disk hit touches the file's time).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;

use super::s3::S3Tier;
use crate::raster::Format;

/// Identifies one tile of one layer in one tile matrix set and format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// Layer name.
    pub layer: Arc<str>,
    /// Tile matrix set identifier.
    pub tms: Arc<str>,
    /// Level.
    pub z: u32,
    /// Row from the top.
    pub row: u32,
    /// Column from the left.
    pub col: u32,
    /// Encoding.
    pub format: Format,
}

impl TileKey {
    /// Where the tile lives under the disk tier's folder (and in the bucket).
    pub(crate) fn relative_path(&self) -> PathBuf {
        PathBuf::from(&*self.layer)
            .join(&*self.tms)
            .join(self.z.to_string())
            .join(self.col.to_string())
            .join(format!("{}.{}", self.row, self.format.extension()))
    }
}

/// An encoded tile and its entity tag.
#[derive(Debug)]
pub struct Tile {
    /// Encoded bytes.
    pub bytes: Bytes,
    /// Strong entity tag (quoted), from the bytes.
    pub etag: String,
}

impl Tile {
    /// A tile of `bytes`.
    pub fn new(bytes: Bytes) -> Tile {
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        Tile {
            etag: format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len()),
            bytes,
        }
    }
}

/// Counters, for tests, benchmarks and `/health`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Tiles rendered.
    pub renders: u64,
    /// Tiles read back from disk.
    pub disk_hits: u64,
    /// Bytes in the disk tier.
    pub disk_bytes: u64,
    /// Tiles deleted to keep the disk tier under its quota.
    pub evicted: u64,
    /// Tiles read back from the S3 tier.
    pub s3_hits: u64,
    /// Requests the S3 tier failed or did not answer.
    pub s3_errors: u64,
}

/// Why a tile could not be produced.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct TileError(pub String);

/// Memory, disk and S3 tiers.
pub struct TileCache {
    memory: moka::future::Cache<TileKey, Arc<Tile>>,
    disk: Option<Arc<DiskTier>>,
    s3: Option<Arc<S3Tier>>,
    renders: AtomicU64,
    /// Bumped by every invalidation: a render that started before one must not be kept,
    /// since it may show what was just invalidated.
    generation: AtomicU64,
}

impl TileCache {
    /// A cache of `memory_bytes` in memory over, when `disk` is given, a folder with a quota.
    pub fn new(memory_bytes: u64, disk: Option<(PathBuf, u64)>) -> TileCache {
        let memory = moka::future::Cache::builder()
            .weigher(|key: &TileKey, tile: &Arc<Tile>| {
                (tile.bytes.len() + key.layer.len() + 64).min(u32::MAX as usize) as u32
            })
            .max_capacity(memory_bytes)
            .support_invalidation_closures()
            .build();
        TileCache {
            memory,
            disk: disk.map(|(dir, quota)| Arc::new(DiskTier::open(dir, quota))),
            s3: None,
            renders: AtomicU64::new(0),
            generation: AtomicU64::new(0),
        }
    }

    /// The same cache over an S3 tier too.
    pub fn with_s3(mut self, tier: S3Tier) -> TileCache {
        self.s3 = Some(Arc::new(tier));
        self
    }

    /// The tile for `key`: from memory, else from disk, else from the bucket (then kept on
    /// disk), else from `render` (then stored in every tier). Concurrent calls for one key
    /// share one render.
    pub async fn get_or_render<F, Fut>(&self, key: &TileKey, render: F) -> Result<Arc<Tile>, TileError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bytes, TileError>>,
    {
        let disk = self.disk.clone();
        let s3 = self.s3.clone();
        let renders = &self.renders;
        let generation = &self.generation;
        let started = generation.load(Ordering::Acquire);
        let tile = self
            .memory
            .try_get_with_by_ref(key, async move {
                if let Some(disk) = &disk {
                    if let Some(bytes) = disk.read(key).await {
                        return Ok(Arc::new(Tile::new(bytes)));
                    }
                }
                if let Some(s3) = &s3 {
                    if let Some(bytes) = s3.read(key).await {
                        if let Some(disk) = &disk {
                            disk.write(key, &bytes).await;
                        }
                        return Ok(Arc::new(Tile::new(bytes)));
                    }
                }
                let bytes = render().await?;
                renders.fetch_add(1, Ordering::Relaxed);
                if generation.load(Ordering::Acquire) == started {
                    if let Some(disk) = &disk {
                        disk.write(key, &bytes).await;
                    }
                    // Awaited: once a seeding run says done, its tiles are in the bucket.
                    if let Some(s3) = &s3 {
                        s3.write(key, &bytes).await;
                    }
                }
                Ok(Arc::new(Tile::new(bytes)))
            })
            .await
            .map_err(|err: Arc<TileError>| (*err).clone())?;
        if self.generation.load(Ordering::Acquire) != started {
            // An invalidation ran while this tile was being drawn: serve it this once, keep
            // nothing (the next request draws it again from the new mosaic).
            self.memory.invalidate(key).await;
            if let Some(disk) = &self.disk {
                disk.remove(key).await;
            }
            if let Some(s3) = &self.s3 {
                s3.remove(key).await;
            }
        }
        Ok(tile)
    }

    /// Drops from every tier each tile of `layer` that `doomed` selects (given the set, level,
    /// row and column); returns how many tiles were deleted from disk (from the bucket when
    /// there is no disk tier).
    pub async fn invalidate<F>(&self, layer: &str, doomed: F) -> u64
    where
        F: Fn(&str, u32, u32, u32) -> bool + Send + Sync + Clone + 'static,
    {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let layer_name: Arc<str> = Arc::from(layer);
        let memory_doomed = doomed.clone();
        let in_memory = layer_name.clone();
        let _ = self.memory.invalidate_entries_if(move |key, _| {
            key.layer == in_memory && memory_doomed(&key.tms, key.z, key.row, key.col)
        });
        let from_s3 = match &self.s3 {
            Some(s3) => s3.remove_where(Some(layer), doomed.clone()).await,
            None => 0,
        };
        match &self.disk {
            Some(disk) => disk.remove_where(layer_name, doomed).await,
            None => from_s3,
        }
    }

    /// Drops every tile of every layer from every tier.
    pub async fn clear_everything(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.memory.invalidate_all();
        if let Some(s3) = &self.s3 {
            s3.remove_where(None, |_, _, _, _| true).await;
        }
        if let Some(disk) = self.disk.clone() {
            let _ = tokio::task::spawn_blocking(move || {
                for (path, size, _) in files_under(&disk.dir) {
                    if std::fs::remove_file(&path).is_ok() {
                        disk.subtract(size);
                    }
                }
            })
            .await;
        }
    }

    /// Drops every tile of `layer` from every tier.
    pub async fn clear_layer(&self, layer: &str) -> u64 {
        self.invalidate(layer, |_, _, _, _| true).await
    }

    /// The disk tier's folder, if there is one.
    pub fn disk_dir(&self) -> Option<&Path> {
        self.disk.as_ref().map(|d| d.dir.as_path())
    }

    /// Drops the memory tier only (as a restart would).
    pub fn clear_memory(&self) {
        self.memory.invalidate_all();
    }

    /// Counters.
    pub fn stats(&self) -> CacheStats {
        let (disk_hits, disk_bytes, evicted) = self.disk.as_ref().map_or((0, 0, 0), |d| {
            (
                d.hits.load(Ordering::Relaxed),
                d.used.load(Ordering::Relaxed),
                d.evicted.load(Ordering::Relaxed),
            )
        });
        let (s3_hits, s3_errors) = self.s3.as_ref().map_or((0, 0), |s3| {
            (s3.hits.load(Ordering::Relaxed), s3.errors.load(Ordering::Relaxed))
        });
        CacheStats {
            renders: self.renders.load(Ordering::Relaxed),
            disk_hits,
            disk_bytes,
            evicted,
            s3_hits,
            s3_errors,
        }
    }
}

/// Tiles as files under one folder, kept under a quota.
struct DiskTier {
    dir: PathBuf,
    quota: u64,
    used: AtomicU64,
    hits: AtomicU64,
    evicted: AtomicU64,
    evicting: AtomicBool,
}

impl DiskTier {
    fn open(dir: PathBuf, quota: u64) -> DiskTier {
        let used = files_under(&dir).iter().map(|(_, size, _)| size).sum();
        DiskTier {
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
    async fn write(self: &Arc<DiskTier>, key: &TileKey, bytes: &Bytes) {
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

    async fn remove_where<F>(self: &Arc<DiskTier>, layer: Arc<str>, doomed: F) -> u64
    where
        F: Fn(&str, u32, u32, u32) -> bool + Send + Sync + 'static,
    {
        let tier = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut removed = 0;
            for (path, size, _) in files_under(&tier.dir.join(&*layer)) {
                let Some((tms, z, col, row)) = parse_tile_path(&tier.dir.join(&*layer), &path) else {
                    continue;
                };
                if doomed(&tms, z, row, col) && std::fs::remove_file(&path).is_ok() {
                    removed += 1;
                    tier.used
                        .fetch_sub(size.min(tier.used.load(Ordering::Relaxed)), Ordering::Relaxed);
                }
            }
            removed
        })
        .await
        .unwrap_or(0)
    }
}

/// `tms/z/col/row.ext` under `layer_dir`.
fn parse_tile_path(layer_dir: &Path, path: &Path) -> Option<(String, u32, u32, u32)> {
    let relative = path.strip_prefix(layer_dir).ok()?;
    let parts: Vec<&str> = relative.iter().filter_map(|p| p.to_str()).collect();
    let [tms, z, col, file] = parts.as_slice() else {
        return None;
    };
    let row = file.split('.').next()?;
    Some((
        tms.to_string(),
        z.parse().ok()?,
        col.parse().ok()?,
        row.parse().ok()?,
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(row: u32) -> TileKey {
        TileKey {
            layer: Arc::from("ortho"),
            tms: Arc::from("WebMercatorQuad"),
            z: 18,
            row,
            col: 7,
            format: Format::Png,
        }
    }

    #[tokio::test]
    async fn one_render_for_concurrent_requests_then_disk_after_restart() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Arc::new(TileCache::new(1 << 20, Some((dir.path().to_path_buf(), 1 << 20))));
        let mut waiting = Vec::new();
        for _ in 0..8 {
            let cache = cache.clone();
            waiting.push(tokio::spawn(async move {
                cache
                    .get_or_render(&key(1), || async {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok(Bytes::from_static(b"tile one"))
                    })
                    .await
                    .unwrap()
            }));
        }
        for handle in waiting {
            assert_eq!(&handle.await.unwrap().bytes[..], b"tile one");
        }
        assert_eq!(cache.stats().renders, 1);
        assert!(dir.path().join("ortho/WebMercatorQuad/18/7/1.png").exists());

        // A new cache over the same folder (a restart): served from disk, quota measured.
        let reopened = TileCache::new(1 << 20, Some((dir.path().to_path_buf(), 1 << 20)));
        assert_eq!(reopened.stats().disk_bytes, 8);
        let tile = reopened
            .get_or_render(&key(1), || async { Err(TileError("must not render".into())) })
            .await
            .unwrap();
        assert_eq!(&tile.bytes[..], b"tile one");
        assert_eq!(
            reopened.stats(),
            CacheStats {
                renders: 0,
                disk_hits: 1,
                disk_bytes: 8,
                evicted: 0,
                s3_hits: 0,
                s3_errors: 0,
            }
        );
    }

    #[tokio::test]
    async fn errors_are_not_cached_and_invalidation_reaches_both_tiers() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(1 << 20, Some((dir.path().to_path_buf(), 1 << 20)));
        let failed = cache
            .get_or_render(&key(2), || async { Err(TileError("storage down".into())) })
            .await;
        assert_eq!(failed.unwrap_err().0, "storage down");
        for row in 0..4 {
            cache
                .get_or_render(&key(row), || async move { Ok(Bytes::from(vec![row as u8; 10])) })
                .await
                .unwrap();
        }
        let removed = cache
            .invalidate("ortho", |tms, z, row, _| {
                tms == "WebMercatorQuad" && z == 18 && row >= 2
            })
            .await;
        assert_eq!(removed, 2);
        assert_eq!(cache.stats().disk_bytes, 20);
        cache
            .get_or_render(&key(3), || async { Ok(Bytes::from_static(b"again")) })
            .await
            .unwrap();
        assert_eq!(cache.stats().renders, 5, "row 3 rendered again");
        let kept = cache
            .get_or_render(&key(0), || async { Err(TileError("must not render".into())) })
            .await;
        assert!(kept.is_ok());
    }

    #[tokio::test]
    async fn disk_quota_evicts_least_recently_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(1 << 20, Some((dir.path().to_path_buf(), 1000)));
        for row in 0..15 {
            cache
                .get_or_render(&key(row), || async { Ok(Bytes::from(vec![0u8; 100])) })
                .await
                .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // Eviction runs in the background once the quota is passed.
        for _ in 0..100 {
            if cache.stats().disk_bytes <= 1000
                && !cache.disk.as_ref().unwrap().evicting.load(Ordering::Acquire)
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let on_disk = files_under(dir.path());
        let total: u64 = on_disk.iter().map(|(_, size, _)| size).sum();
        assert!(total <= 1000, "{total} bytes on disk");
        assert!(cache.stats().evicted >= 5);
        assert!(
            dir.path().join("ortho/WebMercatorQuad/18/7/14.png").exists(),
            "newest kept"
        );
        assert!(
            !dir.path().join("ortho/WebMercatorQuad/18/7/0.png").exists(),
            "oldest evicted"
        );
    }
}
