//! The tiers of the tile cache behind one small trait, [`TileStore`]: memory (`memory.rs`),
//! a folder with a quota (`disk.rs`), an S3-compatible bucket (`s3.rs`). The cache
//! (`tiles::cache`) stacks them; a new tier, or a store shared by several instances, is one
//! file implementing the trait.

mod disk;
mod memory;
mod s3;

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

pub use disk::DiskStore;
pub use memory::MemoryStore;
pub use s3::S3Store;

use super::key::TileKey;

/// Which tiles of a layer to delete, given the set, level, row and column of each.
pub type Doomed = Arc<dyn Fn(&str, u32, u32, u32) -> bool + Send + Sync>;

/// What a tier counts, for tests, benchmarks and `/health`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Tiles read back.
    pub hits: u64,
    /// Bytes held, where the tier keeps count (the folder's quota).
    pub bytes: u64,
    /// Tiles deleted to stay under a quota.
    pub evicted: u64,
    /// Requests that failed or were not answered.
    pub errors: u64,
}

/// A place where tiles are kept. A tier never fails a tile: a read it cannot answer is a miss
/// and a write it cannot make is logged and counted, since either only costs a redraw.
#[async_trait]
pub trait TileStore: Send + Sync {
    /// The tier's name in logs and counters (`memory`, `disk`, `s3`).
    fn name(&self) -> &'static str;

    /// The bytes kept for `key`, if any.
    async fn get(&self, key: &TileKey) -> Option<Bytes>;

    /// Keeps `bytes` as `key`.
    async fn put(&self, key: &TileKey, bytes: &Bytes);

    /// Forgets `key`.
    async fn delete(&self, key: &TileKey);

    /// Forgets the tiles of `layer` (of every layer when `None`) that `doomed` selects;
    /// returns how many.
    async fn delete_where(&self, layer: Option<&str>, doomed: Doomed) -> u64;

    /// Counters.
    fn stats(&self) -> StoreStats;
}
