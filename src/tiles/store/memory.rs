//! The memory tier: tiles in a moka cache weighed in bytes. Besides the [`TileStore`] calls it
//! loads a missing tile once however many requests ask for it at once
//! ([`MemoryStore::get_or_load`]): moka runs one loader per key and every waiter gets its result.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

use super::{Doomed, StoreStats, TileStore};
use crate::tiles::key::{Tile, TileKey};

/// Tiles in memory, at most a number of bytes.
pub struct MemoryStore {
    tiles: moka::future::Cache<TileKey, Arc<Tile>>,
    hits: AtomicU64,
}

impl MemoryStore {
    /// A tier of at most `bytes` (each tile weighs its bytes and its key).
    pub fn new(bytes: u64) -> MemoryStore {
        let tiles = moka::future::Cache::builder()
            .weigher(|key: &TileKey, tile: &Arc<Tile>| {
                (tile.bytes.len() + key.layer.len() + 64).min(u32::MAX as usize) as u32
            })
            .max_capacity(bytes)
            .support_invalidation_closures()
            .build();
        MemoryStore {
            tiles,
            hits: AtomicU64::new(0),
        }
    }

    /// The tile of `key`, from memory or from `load` (run once for every concurrent caller,
    /// its tile kept; an error is shared by the callers waiting and not kept).
    pub async fn get_or_load<E, Fut>(&self, key: &TileKey, load: Fut) -> Result<Arc<Tile>, Arc<E>>
    where
        E: Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<Arc<Tile>, E>>,
    {
        self.tiles.try_get_with_by_ref(key, load).await
    }

    /// Forgets every tile.
    pub fn clear(&self) {
        self.tiles.invalidate_all();
    }
}

#[async_trait]
impl TileStore for MemoryStore {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn get(&self, key: &TileKey) -> Option<Bytes> {
        let tile = self.tiles.get(key).await?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(tile.bytes.clone())
    }

    async fn put(&self, key: &TileKey, bytes: &Bytes) {
        self.tiles
            .insert(key.clone(), Arc::new(Tile::new(bytes.clone())))
            .await;
    }

    async fn delete(&self, key: &TileKey) {
        self.tiles.invalidate(key).await;
    }

    /// Counts nothing: entries go in the background, as moka runs the predicate.
    async fn delete_where(&self, layer: Option<&str>, doomed: Doomed) -> u64 {
        let layer: Option<Arc<str>> = layer.map(Arc::from);
        let _ = self.tiles.invalidate_entries_if(move |key, _| {
            layer.as_ref().is_none_or(|layer| key.layer == *layer)
                && doomed(&key.tms, key.z, key.row, key.col)
        });
        0
    }

    fn stats(&self) -> StoreStats {
        StoreStats {
            hits: self.hits.load(Ordering::Relaxed),
            bytes: self.tiles.weighted_size(),
            ..StoreStats::default()
        }
    }
}
