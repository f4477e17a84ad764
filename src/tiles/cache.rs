//! The tile cache: a memory tier over the tiers below it — a disk tier (a folder with a quota),
//! an optional S3-compatible bucket shared by several instances — each a [`TileStore`] of
//! `tiles::store`. One render per tile however many requests ask for it at once: the memory
//! tier loads a key once and every waiter gets the result. A tile found in a lower tier is
//! copied into the tiers above it; a drawn tile is written to every tier before it is answered.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;

use super::key::{Tile, TileKey};
use super::store::{DiskStore, Doomed, MemoryStore, StoreStats, TileStore};

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

/// The memory tier over the tiers below it, nearest first.
pub struct TileCache {
    memory: MemoryStore,
    disk: Option<DiskStore>,
    lower: Vec<Arc<dyn TileStore>>,
    renders: AtomicU64,
    /// Bumped by every invalidation: a render that started before one must not be kept,
    /// since it may show what was just invalidated.
    generation: AtomicU64,
}

impl TileCache {
    /// A cache of `memory_bytes` in memory over, when `disk` is given, a folder with a quota.
    pub fn new(memory_bytes: u64, disk: Option<(std::path::PathBuf, u64)>) -> TileCache {
        let disk = disk.map(|(dir, quota)| DiskStore::open(dir, quota));
        let lower: Vec<Arc<dyn TileStore>> = disk
            .iter()
            .map(|disk| Arc::new(disk.clone()) as Arc<dyn TileStore>)
            .collect();
        TileCache {
            memory: MemoryStore::new(memory_bytes),
            disk,
            lower,
            renders: AtomicU64::new(0),
            generation: AtomicU64::new(0),
        }
    }

    /// The same cache over one more tier, below the others (the bucket below the disk).
    pub fn with_tier(mut self, tier: Arc<dyn TileStore>) -> TileCache {
        self.lower.push(tier);
        self
    }

    /// The tile for `key`: from memory, else from the nearest lower tier that holds it (then
    /// copied into the tiers above that one), else from `render` (then stored in every tier).
    /// Concurrent calls for one key share one render.
    pub async fn get_or_render<F, Fut>(&self, key: &TileKey, render: F) -> Result<Arc<Tile>, TileError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bytes, TileError>>,
    {
        let started = self.generation.load(Ordering::Acquire);
        let load = async {
            for (depth, tier) in self.lower.iter().enumerate() {
                if let Some(bytes) = tier.get(key).await {
                    for above in &self.lower[..depth] {
                        above.put(key, &bytes).await;
                    }
                    return Ok(Arc::new(Tile::new(bytes)));
                }
            }
            let bytes = render().await?;
            self.renders.fetch_add(1, Ordering::Relaxed);
            if self.generation.load(Ordering::Acquire) == started {
                // Awaited: once a seeding run says done, its tiles are in every tier.
                for tier in &self.lower {
                    tier.put(key, &bytes).await;
                }
            }
            Ok(Arc::new(Tile::new(bytes)))
        };
        let tile = self
            .memory
            .get_or_load(key, load)
            .await
            .map_err(|err: Arc<TileError>| (*err).clone())?;
        if self.generation.load(Ordering::Acquire) != started {
            // An invalidation ran while this tile was being drawn: serve it this once, keep
            // nothing (the next request draws it again from the new mosaic).
            self.memory.delete(key).await;
            for tier in &self.lower {
                tier.delete(key).await;
            }
        }
        Ok(tile)
    }

    /// Drops from every tier each tile of `layer` that `doomed` selects (given the set, level,
    /// row and column); returns how many tiles the nearest lower tier deleted (the disk's, or
    /// the bucket's when there is no disk tier).
    pub async fn invalidate<F>(&self, layer: &str, doomed: F) -> u64
    where
        F: Fn(&str, u32, u32, u32) -> bool + Send + Sync + 'static,
    {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.delete_everywhere(Some(layer), Arc::new(doomed)).await
    }

    /// Drops every tile of every layer from every tier.
    pub async fn clear_everything(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.delete_everywhere(None, Arc::new(|_: &str, _, _, _| true))
            .await;
    }

    /// Deletes from memory, then from the lower tiers far to near, so that no tier is
    /// refilled from one below it that still holds the tile; returns the nearest one's count.
    async fn delete_everywhere(&self, layer: Option<&str>, doomed: Doomed) -> u64 {
        self.memory.delete_where(layer, doomed.clone()).await;
        let mut nearest = 0;
        for tier in self.lower.iter().rev() {
            nearest = tier.delete_where(layer, doomed.clone()).await;
        }
        nearest
    }

    /// Drops every tile of `layer` from every tier.
    pub async fn clear_layer(&self, layer: &str) -> u64 {
        self.invalidate(layer, |_, _, _, _| true).await
    }

    /// The disk tier's folder, if there is one.
    pub fn disk_dir(&self) -> Option<&Path> {
        self.disk.as_ref().map(DiskStore::dir)
    }

    /// Drops the memory tier only (as a restart would).
    pub fn clear_memory(&self) {
        self.memory.clear();
    }

    /// Counters.
    pub fn stats(&self) -> CacheStats {
        let of = |name: &str| -> StoreStats {
            self.lower
                .iter()
                .find(|tier| tier.name() == name)
                .map(|tier| tier.stats())
                .unwrap_or_default()
        };
        let (disk, s3) = (of("disk"), of("s3"));
        CacheStats {
            renders: self.renders.load(Ordering::Relaxed),
            disk_hits: disk.hits,
            disk_bytes: disk.bytes,
            evicted: disk.evicted,
            s3_hits: s3.hits,
            s3_errors: s3.errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::Format;

    fn walkdir_sizes(dir: &Path) -> u64 {
        let mut total = 0;
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap().flatten() {
                let metadata = entry.metadata().unwrap();
                if metadata.is_dir() {
                    folders.push(entry.path());
                } else {
                    total += metadata.len();
                }
            }
        }
        total
    }

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
            if cache.stats().disk_bytes <= 1000 && !cache.disk.as_ref().unwrap().evicting() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let total: u64 = walkdir_sizes(dir.path());
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
