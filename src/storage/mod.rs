//! Storage access: one small trait, [`Storage`], over HTTP(S) directory listings, FTP/FTPS,
//! SFTP and local folders; a shared block cache for range reads; and the GDAL virtual file
//! handler (`/vsidallage/...`) through which GDAL reads remote files without downloading them.
//!
//! Every byte read from a remote storage goes through this module, whether the scanner probes
//! a header, the mosaic decodes a dalle or a download streams a file.

mod cache;
mod file;
mod ftp;
mod http;
mod kind;
pub mod listing;
mod path;
mod retry;
mod sftp;
mod spec;
mod tls;
pub mod vsi;

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use serde::Serialize;

pub use cache::{BlockCache, FileVersion};
pub use kind::{StorageType, TlsMode};
pub use path::clean_path;
pub use spec::{default_port, percent_decode, StorageSpec, StorageSpecError};

/// A file or folder found on a storage. Paths are relative to the storage's start folder,
/// `/`-separated, without a leading slash (the start folder itself is `""`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Path relative to the start folder.
    pub path: String,
    /// Folder or file.
    pub is_dir: bool,
    /// Size in bytes, when known.
    pub size: Option<u64>,
    /// Whether `size` is only the rounded figure of a listing ("1.2M").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub size_approximate: bool,
    /// Last modification, RFC 3339, when known.
    pub mtime: Option<String>,
    /// HTTP entity tag, when known.
    pub etag: Option<String>,
}

impl Entry {
    /// The last path segment.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// A file entry with only a path.
    pub fn file(path: impl Into<String>) -> Entry {
        Entry {
            path: path.into(),
            is_dir: false,
            size: None,
            size_approximate: false,
            mtime: None,
            etag: None,
        }
    }
}

/// What went wrong talking to a storage. Messages name the cause and never carry credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The host name does not resolve.
    #[error("unknown host `{host}`: {detail}")]
    Dns {
        /// The host.
        host: String,
        /// Resolver message.
        detail: String,
    },
    /// Nothing listens at the address, or the connection was cut.
    #[error("cannot connect to {target}: {detail}")]
    Connect {
        /// host:port.
        target: String,
        /// Why.
        detail: String,
    },
    /// No answer in time.
    #[error("{operation} took longer than {seconds} s")]
    Timeout {
        /// What was being done.
        operation: String,
        /// The limit.
        seconds: u64,
    },
    /// TLS handshake or certificate failure.
    #[error("TLS failure with {target}: {detail}")]
    Tls {
        /// host:port.
        target: String,
        /// Why (e.g. the certificate is not trusted).
        detail: String,
    },
    /// Login refused.
    #[error("authentication refused by {target}: {detail}")]
    Auth {
        /// host:port.
        target: String,
        /// Server message.
        detail: String,
    },
    /// The SSH host key differs from the one pinned on first use.
    #[error("the SSH host key of {target} changed: pinned {pinned}, now {seen}")]
    HostKey {
        /// host:port.
        target: String,
        /// Pinned fingerprint.
        pinned: String,
        /// Fingerprint seen now.
        seen: String,
    },
    /// No such file or folder.
    #[error("not found: {path}")]
    NotFound {
        /// The path.
        path: String,
    },
    /// The server refuses access to this path.
    #[error("permission denied: {path}")]
    Permission {
        /// The path.
        path: String,
    },
    /// The server refuses to send this file without saying why (FTP `550` "Failed to open
    /// file.", which vsftpd answers for a missing and an unreadable file alike).
    #[error("the server refuses to send `{path}`: {detail}")]
    Unreadable {
        /// The file.
        path: String,
        /// The server's reply.
        detail: String,
    },
    /// A transfer of this file started, then the server reported it failed (FTP `426`, `451`
    /// after the data): the bytes received may be short.
    #[error("the transfer of `{path}` failed: {detail}")]
    Transfer {
        /// The file.
        path: String,
        /// The server's reply.
        detail: String,
    },
    /// A folder listing could not be understood.
    #[error("cannot understand the listing of `{path}`: {detail}")]
    Listing {
        /// The folder.
        path: String,
        /// What was wrong.
        detail: String,
    },
    /// The server answered something unexpected.
    #[error("unexpected answer from {target}: {detail}")]
    Protocol {
        /// host:port.
        target: String,
        /// The answer.
        detail: String,
    },
    /// A file is too large to be read whole from a server that ignores ranges.
    #[error("`{path}` is {size} bytes and the server does not support range requests (limit {limit} bytes)")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The path tries to leave the storage's start folder.
    #[error("path `{path}` leaves the storage's folder")]
    OutsideRoot {
        /// The path asked for.
        path: String,
    },
    /// Any other I/O failure.
    #[error("I/O error on {target}: {detail}")]
    Io {
        /// What was being accessed.
        target: String,
        /// Why.
        detail: String,
    },
}

impl StorageError {
    /// Whether trying again later may succeed (the storage is down or slow, not wrong).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StorageError::Connect { .. }
                | StorageError::Timeout { .. }
                | StorageError::Io { .. }
                | StorageError::Protocol { .. }
                | StorageError::Transfer { .. }
        )
    }

    /// Whether the error may concern the whole storage (connection, login, TLS, a broken
    /// connection) rather than one file. A scan that meets one while reading a file checks
    /// that the storage still answers before it decides (see `scan`): only then is it a fault
    /// of the storage, which stops the scan.
    pub fn is_storage_wide(&self) -> bool {
        matches!(
            self,
            StorageError::Dns { .. }
                | StorageError::Connect { .. }
                | StorageError::Timeout { .. }
                | StorageError::Tls { .. }
                | StorageError::Auth { .. }
                | StorageError::HostKey { .. }
                | StorageError::Io { .. }
        )
    }

    /// A short machine-readable kind: `dns`, `connect`, `timeout`, `tls`, `auth`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            StorageError::Dns { .. } => "dns",
            StorageError::Connect { .. } => "connect",
            StorageError::Timeout { .. } => "timeout",
            StorageError::Tls { .. } => "tls",
            StorageError::Auth { .. } => "auth",
            StorageError::HostKey { .. } => "host_key",
            StorageError::NotFound { .. } => "not_found",
            StorageError::Permission { .. } => "permission",
            StorageError::Listing { .. } => "listing",
            StorageError::Unreadable { .. } => "unreadable",
            StorageError::Transfer { .. } => "transfer",
            StorageError::Protocol { .. } => "protocol",
            StorageError::TooLarge { .. } => "too_large",
            StorageError::OutsideRoot { .. } => "outside_root",
            StorageError::Io { .. } => "io",
        }
    }
}

/// Result of storage operations.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Counters of what a storage transferred, for tests and benchmarks.
#[derive(Debug, Default)]
pub struct Stats {
    /// Bytes received from the storage (file contents and listings).
    pub bytes_read: AtomicU64,
    /// Requests made (listings, stats, range reads).
    pub requests: AtomicU64,
    /// Connections opened (FTP logins, SSH sessions): a pool that stays in step opens few.
    pub connections: AtomicU64,
}

/// What every storage of the process transferred since start (served by `/metrics`).
static PROCESS_STATS: Stats = Stats::new();

impl Stats {
    const fn new() -> Stats {
        Stats {
            bytes_read: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        }
    }

    /// The sum over every storage of the process since start: counts never go down, even
    /// when a storage is replaced after a rescan.
    pub fn process() -> &'static Stats {
        &PROCESS_STATS
    }

    pub(crate) fn record(&self, bytes: u64) {
        for stats in [self, &PROCESS_STATS] {
            stats.bytes_read.fetch_add(bytes, Ordering::Relaxed);
            stats.requests.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Bytes of a stream already counted as one request (a whole file sent on).
    pub(crate) fn record_bytes(&self, bytes: u64) {
        for stats in [self, &PROCESS_STATS] {
            stats.bytes_read.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    pub(crate) fn record_connection(&self) {
        for stats in [self, &PROCESS_STATS] {
            stats.connections.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Connections opened so far.
    pub fn connection_count(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Bytes received so far.
    pub fn bytes(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Requests made so far.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// A stream of file contents.
pub type ByteStream = BoxStream<'static, Result<Bytes>>;

/// A place where deliverable files are kept. Paths are relative to the start folder (see
/// [`Entry`]); implementations refuse paths that would leave it.
#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// The key naming this storage in `/vsidallage/<key>/...` paths and cache keys.
    fn key(&self) -> &str;

    /// Protocol.
    fn kind(&self) -> StorageType;

    /// The unit of range reads that suits the protocol (an FTP range costs a data connection,
    /// so it reads bigger pieces than HTTP).
    fn block_size(&self) -> u64;

    /// Transfer counters.
    fn stats(&self) -> &Stats;

    /// The folder's entries (not recursive).
    async fn list(&self, dir: &str) -> Result<Vec<Entry>>;

    /// One entry, with size and modification time.
    async fn stat(&self, path: &str) -> Result<Entry>;

    /// Bytes `range` of a file (the end is clamped to the file's size).
    async fn read_range(&self, path: &str, range: Range<u64>) -> Result<Bytes>;

    /// The whole file as a stream.
    async fn read_stream(&self, path: &str) -> Result<ByteStream>;

    /// For local storages, the file's path on this machine (GDAL then reads it directly).
    fn local_path(&self, _path: &str) -> Option<std::path::PathBuf> {
        None
    }

    /// For SFTP storages, the host key fingerprint seen on connection.
    fn host_key_seen(&self) -> Option<String> {
        None
    }
}

/// Where a file's bytes are, for GDAL: a file of this machine, or a path on a storage that
/// GDAL reaches through the `Storage` trait.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileSource {
    /// A file of this machine (a `file` storage): GDAL reads it directly.
    Local(std::path::PathBuf),
    /// A file on the storage whose key is `storage`.
    Remote {
        /// The storage's key.
        storage: String,
        /// The file's path in it.
        path: String,
    },
}

impl FileSource {
    /// The source of `path` on `storage`.
    pub fn of(storage: &dyn Storage, path: &str) -> FileSource {
        match storage.local_path(path) {
            Some(local) => FileSource::Local(local),
            None => FileSource::Remote {
                storage: storage.key().to_string(),
                path: path.to_string(),
            },
        }
    }

    /// What GDAL opens. A remote file is `/vsidallage/<storage>/<path>`: GDAL hands that name
    /// to the virtual file handler `vsi::install` registered, which finds the storage mounted
    /// under that key (`vsi::mount`) and answers GDAL's reads with its `read_range` through
    /// the shared block cache. This is the only place that name is made.
    pub fn gdal_path(&self) -> String {
        match self {
            FileSource::Local(path) => path.to_string_lossy().into_owned(),
            FileSource::Remote { storage, path } => format!("{}{storage}/{path}", vsi::PREFIX),
        }
    }
}

/// Opens a storage from its specification (no network activity until the first call).
pub fn open(spec: StorageSpec) -> Result<Arc<dyn Storage>> {
    Ok(match spec.kind {
        StorageType::Http => Arc::new(http::HttpStorage::new(spec)?),
        StorageType::Ftp => Arc::new(ftp::FtpStorage::new(spec)?),
        StorageType::Sftp => Arc::new(sftp::SftpStorage::new(spec)?),
        StorageType::File => Arc::new(file::FileStorage::new(spec)?),
    })
}
