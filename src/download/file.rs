//! One file of a deliverable, streamed from its storage: the whole file in one transfer, or a
//! byte range read block by block (memory bounded either way), its length checked against what
//! the last scan saw. A whole file read to its end leaves its SHA-256 in the catalogue for the
//! Metalink lists.

use std::ops::Range;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::catalog::{Catalog, StorageRecord};
use crate::storage::{self, Storage};

/// Why a download stopped.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// A storage failed or a file changed: the transfer is broken off.
    #[error("{path} on storage {storage}: {detail}")]
    File {
        /// The file.
        path: String,
        /// The storage's id.
        storage: i64,
        /// What happened.
        detail: String,
    },
}

/// Chunks in flight between the storage and the client.
const CHANNEL_CHUNKS: usize = 8;
/// Most bytes asked of a storage at once when reading a range.
const RANGE_BLOCK: u64 = 4 << 20;

/// Streams bytes `range` of file `dalle_id` at `path` (`size` bytes when scanned) from
/// `storage`.
pub fn stream_file(
    catalog: Catalog,
    storage: StorageRecord,
    (dalle_id, path): (i64, String),
    size: u64,
    range: Range<u64>,
    timeout: Duration,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    tokio::spawn(async move {
        let failed = |detail: String| DownloadError::File {
            path: path.clone(),
            storage: storage.id,
            detail,
        };
        let result = async {
            let opened = open_shared(&catalog, &storage, timeout).map_err(failed)?;
            if range == (0..size) {
                let digests = whole(opened.as_ref(), &path, size, &sender, &failed).await?;
                if let Some((sha256, crc32)) = digests {
                    let _ = catalog.record_digests(dalle_id, size, (&sha256, crc32)).await;
                }
                Ok(())
            } else {
                part(opened.as_ref(), &path, range, &sender, &failed).await
            }
        }
        .await;
        if let Err(err) = result {
            tracing::warn!(error = %err, "file download broken off");
            let _ = sender.send(Err(std::io::Error::other(err.to_string()))).await;
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}

type Sender = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

/// The storage's client the map renderer uses when it has one mounted (so downloads and maps
/// share its connections and their limit), else a new one.
pub(super) fn open_shared(
    catalog: &Catalog,
    record: &StorageRecord,
    timeout: Duration,
) -> Result<std::sync::Arc<dyn Storage>, String> {
    let spec = catalog
        .storage_spec(record, timeout)
        .map_err(|err| err.to_string())?;
    if let Some(mounted) = storage::vsi::mounted(&spec.key) {
        return Ok(mounted);
    }
    storage::open(spec).map_err(|err| err.to_string())
}

/// Sends the whole file: its SHA-256 and CRC-32 when the client took it all.
async fn whole(
    storage: &dyn Storage,
    path: &str,
    size: u64,
    sender: &Sender,
    failed: &impl Fn(String) -> DownloadError,
) -> Result<Option<(String, u32)>, DownloadError> {
    let mut stream = storage
        .read_stream(path)
        .await
        .map_err(|err| failed(err.to_string()))?;
    storage.stats().record(0);
    let mut read = 0u64;
    let mut sha = Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| failed(err.to_string()))?;
        read += chunk.len() as u64;
        sha.update(&chunk);
        crc.update(&chunk);
        storage.stats().record_bytes(chunk.len() as u64);
        if read > size {
            return Err(failed(format!(
                "longer than the {size} bytes the last scan saw: it changed since"
            )));
        }
        if sender.send(Ok(chunk)).await.is_err() {
            return Ok(None);
        }
    }
    if read != size {
        return Err(failed(format!("{read} bytes where the last scan saw {size}")));
    }
    let sha256 = sha.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Some((sha256, crc.finalize())))
}

async fn part(
    storage: &dyn Storage,
    path: &str,
    range: Range<u64>,
    sender: &Sender,
    failed: &impl Fn(String) -> DownloadError,
) -> Result<(), DownloadError> {
    let mut at = range.start;
    while at < range.end {
        let end = (at + RANGE_BLOCK).min(range.end);
        let block = storage
            .read_range(path, at..end)
            .await
            .map_err(|err| failed(err.to_string()))?;
        if block.len() as u64 != end - at {
            return Err(failed(format!(
                "bytes {at}-{end} came {} long: the file changed since the scan",
                block.len()
            )));
        }
        if sender.send(Ok(block)).await.is_err() {
            return Ok(());
        }
        at = end;
    }
    Ok(())
}
