//! The block cache shared by every reader of remote files: fixed-size blocks of a file version,
//! bounded in bytes (moka). Consecutive missing blocks are fetched with one range request.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use bytes::{Bytes, BytesMut};

use super::{Result, Storage};

/// One version of one file: a changed size, date or entity tag makes a new version, so a
/// rewritten file never serves stale blocks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileVersion {
    /// Storage key.
    pub storage: Arc<str>,
    /// Path in the storage.
    pub path: Arc<str>,
    /// Size in bytes.
    pub size: u64,
    /// Modification time and/or entity tag.
    pub stamp: Arc<str>,
}

impl FileVersion {
    /// The version of an entry listed by `storage`.
    pub fn of(storage: &str, entry: &super::Entry) -> FileVersion {
        FileVersion {
            storage: storage.into(),
            path: entry.path.as_str().into(),
            size: entry.size.unwrap_or(0),
            stamp: format!(
                "{}|{}",
                entry.mtime.as_deref().unwrap_or(""),
                entry.etag.as_deref().unwrap_or("")
            )
            .into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BlockKey {
    file: FileVersion,
    block_size: u64,
    index: u64,
}

/// A byte-bounded cache of file blocks.
#[derive(Clone)]
pub struct BlockCache {
    blocks: moka::sync::Cache<BlockKey, Bytes>,
}

static GLOBAL: OnceLock<BlockCache> = OnceLock::new();

impl BlockCache {
    /// A cache holding at most `capacity` bytes.
    pub fn new(capacity: u64) -> BlockCache {
        BlockCache {
            blocks: moka::sync::Cache::builder()
                .weigher(|_: &BlockKey, block: &Bytes| block.len().max(1).min(u32::MAX as usize) as u32)
                .max_capacity(capacity.max(1))
                .build(),
        }
    }

    /// Sets the size of the process-wide cache (first call wins).
    pub fn init_global(capacity: u64) -> &'static BlockCache {
        GLOBAL.get_or_init(|| BlockCache::new(capacity))
    }

    /// The process-wide cache (256 MiB unless [`BlockCache::init_global`] said otherwise).
    pub fn global() -> &'static BlockCache {
        GLOBAL.get_or_init(|| BlockCache::new(256 << 20))
    }

    /// Bytes held.
    pub fn weighted_size(&self) -> u64 {
        self.blocks.run_pending_tasks();
        self.blocks.weighted_size()
    }

    /// Reads `range` of `file` (clamped to its size), from the cache where possible.
    pub async fn read(&self, storage: &dyn Storage, file: &FileVersion, range: Range<u64>) -> Result<Bytes> {
        let end = range.end.min(file.size);
        if range.start >= end {
            return Ok(Bytes::new());
        }
        let block_size = storage.block_size().max(1);
        let first = range.start / block_size;
        let last = (end - 1) / block_size;
        let key = |index| BlockKey {
            file: file.clone(),
            block_size,
            index,
        };
        let mut blocks: Vec<Option<Bytes>> =
            (first..=last).map(|index| self.blocks.get(&key(index))).collect();
        // Fetch each run of missing blocks with one request.
        let mut index = 0;
        while index < blocks.len() {
            if blocks[index].is_some() {
                index += 1;
                continue;
            }
            let run_start = index;
            while index < blocks.len() && blocks[index].is_none() {
                index += 1;
            }
            let from = (first + run_start as u64) * block_size;
            let to = ((first + index as u64) * block_size).min(file.size);
            let fetched = storage.read_range(&file.path, from..to).await?;
            for (offset, slot) in blocks[run_start..index].iter_mut().enumerate() {
                let start = (offset as u64 * block_size) as usize;
                let stop = (start + block_size as usize).min(fetched.len());
                let block = fetched.slice(start.min(fetched.len())..stop);
                self.blocks
                    .insert(key(first + run_start as u64 + offset as u64), block.clone());
                *slot = Some(block);
            }
        }
        // Assemble the requested bytes.
        let mut out = BytesMut::with_capacity((end - range.start) as usize);
        for (offset, block) in blocks.iter().enumerate() {
            let block = block.as_ref().expect("every block fetched");
            let block_start = (first + offset as u64) * block_size;
            let from = range.start.saturating_sub(block_start) as usize;
            let to = ((end - block_start) as usize).min(block.len());
            if from < to {
                out.extend_from_slice(&block[from..to]);
            }
        }
        Ok(out.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::StorageType;
    use crate::storage::{ByteStream, Entry, Stats};
    use async_trait::async_trait;

    struct Memory {
        data: Vec<u8>,
        stats: Stats,
    }

    #[async_trait]
    impl Storage for Memory {
        fn key(&self) -> &str {
            "m"
        }
        fn kind(&self) -> StorageType {
            StorageType::File
        }
        fn block_size(&self) -> u64 {
            10
        }
        fn stats(&self) -> &Stats {
            &self.stats
        }
        async fn list(&self, _: &str) -> Result<Vec<Entry>> {
            Ok(vec![])
        }
        async fn stat(&self, path: &str) -> Result<Entry> {
            Ok(Entry::file(path))
        }
        async fn read_range(&self, _: &str, range: Range<u64>) -> Result<Bytes> {
            self.stats.record(range.end - range.start);
            Ok(Bytes::copy_from_slice(
                &self.data[range.start as usize..(range.end as usize).min(self.data.len())],
            ))
        }
        async fn read_stream(&self, _: &str) -> Result<ByteStream> {
            unimplemented!()
        }
    }

    #[tokio::test]
    async fn serves_ranges_and_fetches_each_block_once() {
        let data: Vec<u8> = (0..95u8).collect();
        let storage = Memory {
            data: data.clone(),
            stats: Stats::default(),
        };
        let cache = BlockCache::new(1 << 20);
        let file = FileVersion {
            storage: "m".into(),
            path: "a".into(),
            size: 95,
            stamp: "1".into(),
        };
        assert_eq!(
            &cache.read(&storage, &file, 5..27).await.unwrap()[..],
            &data[5..27]
        );
        assert_eq!(
            storage.stats.request_count(),
            1,
            "one request for the three missing blocks"
        );
        assert_eq!(storage.stats.bytes(), 30);
        assert_eq!(
            &cache.read(&storage, &file, 12..18).await.unwrap()[..],
            &data[12..18]
        );
        assert_eq!(storage.stats.request_count(), 1, "served from the cache");
        assert_eq!(
            &cache.read(&storage, &file, 25..200).await.unwrap()[..],
            &data[25..95]
        );
        assert_eq!(storage.stats.request_count(), 2);
        assert!(cache.read(&storage, &file, 95..100).await.unwrap().is_empty());
        // Another version of the file does not see the old blocks.
        let changed = FileVersion {
            stamp: "2".into(),
            ..file
        };
        cache.read(&storage, &changed, 0..5).await.unwrap();
        assert_eq!(storage.stats.request_count(), 3);
    }
}
