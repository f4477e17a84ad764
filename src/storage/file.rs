//! Local storages: a folder on the server's own disk (declared by admins only). GDAL reads
//! these files directly; the trait serves listings, stats and downloads.

use std::ops::Range;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::path::{child, clean_path};
use super::{ByteStream, Entry, Result, Stats, Storage, StorageError, StorageSpec};
use crate::storage::StorageType;

/// A folder on this machine.
pub struct FileStorage {
    spec: StorageSpec,
    root: PathBuf,
    stats: Stats,
}

impl FileStorage {
    /// A storage over `spec.root`.
    pub fn new(spec: StorageSpec) -> Result<FileStorage> {
        let root = PathBuf::from(&spec.root);
        if !root.is_absolute() {
            return Err(StorageError::Io {
                target: spec.root.clone(),
                detail: "a file storage needs an absolute path".into(),
            });
        }
        Ok(FileStorage {
            spec,
            root,
            stats: Stats::default(),
        })
    }

    /// The local path of a relative path, refusing symbolic links that lead outside the root.
    fn resolve(&self, path: &str) -> Result<PathBuf> {
        let clean = clean_path(path)?;
        let full = self.root.join(&clean);
        match (full.canonicalize(), self.root.canonicalize()) {
            (Ok(real), Ok(root)) if !real.starts_with(&root) => {
                Err(StorageError::OutsideRoot { path: clean })
            }
            _ => Ok(full),
        }
    }

    fn io_error(&self, path: &str, err: std::io::Error) -> StorageError {
        match err.kind() {
            std::io::ErrorKind::NotFound => StorageError::NotFound {
                path: path.to_string(),
            },
            std::io::ErrorKind::PermissionDenied => StorageError::Permission {
                path: path.to_string(),
            },
            _ => StorageError::Io {
                target: self.spec.root.clone(),
                detail: format!("{path}: {err}"),
            },
        }
    }
}

fn entry_from_metadata(path: &str, metadata: &std::fs::Metadata) -> Entry {
    Entry {
        path: path.to_string(),
        is_dir: metadata.is_dir(),
        size: metadata.is_file().then_some(metadata.len()),
        size_approximate: false,
        mtime: metadata.modified().ok().map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        }),
        etag: None,
    }
}

#[async_trait]
impl Storage for FileStorage {
    fn key(&self) -> &str {
        &self.spec.key
    }

    fn kind(&self) -> StorageType {
        StorageType::File
    }

    fn block_size(&self) -> u64 {
        64 << 10
    }

    fn stats(&self) -> &Stats {
        &self.stats
    }

    async fn list(&self, dir: &str) -> Result<Vec<Entry>> {
        let dir = clean_path(dir)?;
        let full = self.resolve(&dir)?;
        let mut reader = tokio::fs::read_dir(&full)
            .await
            .map_err(|err| self.io_error(&dir, err))?;
        let mut entries = Vec::new();
        while let Some(item) = reader
            .next_entry()
            .await
            .map_err(|err| self.io_error(&dir, err))?
        {
            let name = item.file_name().to_string_lossy().into_owned();
            // Follows symbolic links, like a web or FTP server would.
            let Ok(metadata) = tokio::fs::metadata(item.path()).await else {
                continue;
            };
            entries.push(entry_from_metadata(&child(&dir, &name), &metadata));
        }
        self.stats.record(0);
        Ok(entries)
    }

    async fn stat(&self, path: &str) -> Result<Entry> {
        let path = clean_path(path)?;
        let metadata = tokio::fs::metadata(self.resolve(&path)?)
            .await
            .map_err(|err| self.io_error(&path, err))?;
        Ok(entry_from_metadata(&path, &metadata))
    }

    async fn read_range(&self, path: &str, range: Range<u64>) -> Result<Bytes> {
        let path = clean_path(path)?;
        let mut file = tokio::fs::File::open(self.resolve(&path)?)
            .await
            .map_err(|err| self.io_error(&path, err))?;
        file.seek(std::io::SeekFrom::Start(range.start))
            .await
            .map_err(|err| self.io_error(&path, err))?;
        let mut buffer = Vec::with_capacity(range.end.saturating_sub(range.start) as usize);
        file.take(range.end.saturating_sub(range.start))
            .read_to_end(&mut buffer)
            .await
            .map_err(|err| self.io_error(&path, err))?;
        self.stats.record(buffer.len() as u64);
        Ok(Bytes::from(buffer))
    }

    async fn read_stream(&self, path: &str) -> Result<ByteStream> {
        let path = clean_path(path)?;
        let file = tokio::fs::File::open(self.resolve(&path)?)
            .await
            .map_err(|err| self.io_error(&path, err))?;
        let target = self.spec.root.clone();
        let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 << 10).map_err(move |err| {
            StorageError::Io {
                target: target.clone(),
                detail: err.to_string(),
            }
        });
        Ok(stream.boxed())
    }

    fn local_path(&self, path: &str) -> Option<PathBuf> {
        self.resolve(path).ok().filter(|p| Path::new(p).is_file())
    }
}
