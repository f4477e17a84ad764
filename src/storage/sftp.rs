//! SFTP storages (libssh2 through `ssh2`): password or key login, the server's host key pinned
//! on first use and checked afterwards, a small pool of sessions. libssh2 is blocking: every
//! call runs on tokio's blocking threads, never on the async runtime.

use std::io::{Read, Seek, SeekFrom};
use std::net::{TcpStream, ToSocketAddrs};
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use base64::Engine;
use bytes::Bytes;
use futures_util::StreamExt;
use ssh2::{ErrorCode, HashType, Session, Sftp};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::path::{child, clean_path, join_root};
use super::{ByteStream, Entry, Result, Stats, Storage, StorageError, StorageSpec};
use crate::storage::StorageType;

/// libssh2's SFTP error for a missing file.
const SFTP_NO_SUCH_FILE: i32 = 2;
/// libssh2's SFTP error for a refused access.
const SFTP_PERMISSION_DENIED: i32 = 3;

struct Connection {
    // The session must outlive its SFTP channel.
    sftp: Sftp,
    _session: Session,
}

/// A storage reached over SFTP.
pub struct SftpStorage {
    inner: Arc<Inner>,
}

struct Inner {
    spec: StorageSpec,
    stats: Stats,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Connection>>,
    host_key_seen: Mutex<Option<String>>,
}

struct Lease {
    inner: Arc<Inner>,
    connection: Option<Connection>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            if let Ok(mut idle) = self.inner.idle.lock() {
                idle.push(connection);
            }
        }
    }
}

impl SftpStorage {
    /// A storage for `spec` (no connection yet).
    pub fn new(spec: StorageSpec) -> Result<SftpStorage> {
        Ok(SftpStorage {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(spec.concurrency.max(1))),
                spec,
                stats: Stats::default(),
                idle: Mutex::new(Vec::new()),
                host_key_seen: Mutex::new(None),
            }),
        })
    }

    /// Runs `work` with a pooled connection on a blocking thread, retrying transient failures.
    async fn with_connection<T, F>(&self, operation: &str, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&Inner, &Sftp) -> Result<T> + Send + Sync + Clone + 'static,
    {
        let inner = self.inner.clone();
        self.inner
            .spec
            .retry_policy()
            .run(operation, || {
                let inner = inner.clone();
                let work = work.clone();
                async move {
                    let permit = inner
                        .permits
                        .clone()
                        .acquire_owned()
                        .await
                        .map_err(|_| inner.io_error("storage closed".into()))?;
                    let task_inner = inner.clone();
                    tokio::task::spawn_blocking(move || {
                        let pooled = task_inner.idle.lock().ok().and_then(|mut idle| idle.pop());
                        let connection = match pooled {
                            Some(connection) => connection,
                            None => task_inner.connect()?,
                        };
                        let mut lease = Lease {
                            inner: task_inner.clone(),
                            connection: Some(connection),
                            _permit: permit,
                        };
                        let outcome = work(&task_inner, &lease.connection.as_ref().expect("leased").sftp);
                        if outcome.as_ref().is_err_and(StorageError::is_storage_wide) {
                            lease.connection = None;
                        }
                        outcome
                    })
                    .await
                    .map_err(|err| inner.io_error(format!("SFTP worker failed: {err}")))?
                }
            })
            .await
    }
}

impl Inner {
    fn target(&self) -> String {
        self.spec.target()
    }

    fn io_error(&self, detail: String) -> StorageError {
        StorageError::Io {
            target: self.target(),
            detail,
        }
    }

    /// Connects, checks the host key, logs in and opens the SFTP channel (blocking).
    fn connect(&self) -> Result<Connection> {
        let target = self.target();
        let address = (self.spec.host.as_str(), self.spec.port)
            .to_socket_addrs()
            .map_err(|err| StorageError::Dns {
                host: self.spec.host.clone(),
                detail: err.to_string(),
            })?
            .next()
            .ok_or_else(|| StorageError::Dns {
                host: self.spec.host.clone(),
                detail: "no address".into(),
            })?;
        let tcp =
            TcpStream::connect_timeout(&address, self.spec.timeout).map_err(|err| match err.kind() {
                std::io::ErrorKind::TimedOut => StorageError::Timeout {
                    operation: format!("SSH connection to {target}"),
                    seconds: self.spec.timeout.as_secs(),
                },
                _ => StorageError::Connect {
                    target: target.clone(),
                    detail: err.to_string(),
                },
            })?;
        let mut session = Session::new().map_err(|err| self.io_error(err.to_string()))?;
        session.set_timeout(self.spec.timeout.as_millis().min(u32::MAX as u128) as u32);
        session.set_tcp_stream(tcp);
        session.handshake().map_err(|err| StorageError::Protocol {
            target: target.clone(),
            detail: format!("SSH handshake: {}", err.message()),
        })?;
        self.check_host_key(&session)?;
        let user = self
            .spec
            .username
            .as_ref()
            .map(|u| u.expose())
            .unwrap_or("anonymous");
        let mut authenticated = false;
        if let Some(key) = &self.spec.private_key {
            let passphrase = self.spec.password.as_ref().map(|p| p.expose());
            authenticated = session
                .userauth_pubkey_memory(user, None, key.expose(), passphrase)
                .is_ok();
        }
        if !authenticated {
            if let Some(password) = &self.spec.password {
                session
                    .userauth_password(user, password.expose())
                    .map_err(|err| StorageError::Auth {
                        target: target.clone(),
                        detail: err.message().to_string(),
                    })?;
            }
        }
        if !session.authenticated() {
            return Err(StorageError::Auth {
                target,
                detail: "the server accepted neither the key nor the password".into(),
            });
        }
        let sftp = session.sftp().map_err(|err| StorageError::Protocol {
            target,
            detail: format!("opening the SFTP subsystem: {}", err.message()),
        })?;
        self.stats.record_connection();
        Ok(Connection {
            sftp,
            _session: session,
        })
    }

    /// Trust on first use: remember the key seen; refuse a different one later.
    fn check_host_key(&self, session: &Session) -> Result<()> {
        let hash = session
            .host_key_hash(HashType::Sha256)
            .ok_or_else(|| StorageError::Protocol {
                target: self.target(),
                detail: "the server sent no host key".into(),
            })?;
        let kind = session
            .host_key()
            .map(|(_, kind)| format!("{kind:?}"))
            .unwrap_or_default();
        let fingerprint = format!(
            "SHA256:{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(hash)
        );
        if let Some(pinned) = &self.spec.host_key {
            if !pinned.ends_with(&fingerprint) {
                return Err(StorageError::HostKey {
                    target: self.target(),
                    pinned: pinned.clone(),
                    seen: fingerprint,
                });
            }
        }
        if let Ok(mut seen) = self.host_key_seen.lock() {
            *seen = Some(if kind.is_empty() {
                fingerprint
            } else {
                format!("{kind} {fingerprint}")
            });
        }
        Ok(())
    }

    fn map_error(&self, err: &ssh2::Error, path: &str) -> StorageError {
        match err.code() {
            ErrorCode::SFTP(SFTP_NO_SUCH_FILE) => StorageError::NotFound {
                path: path.to_string(),
            },
            ErrorCode::SFTP(SFTP_PERMISSION_DENIED) => StorageError::Permission {
                path: path.to_string(),
            },
            ErrorCode::Session(-9) => StorageError::Timeout {
                operation: format!("SFTP operation with {}", self.target()),
                seconds: self.spec.timeout.as_secs(),
            },
            ErrorCode::Session(_) => StorageError::Connect {
                target: self.target(),
                detail: err.message().to_string(),
            },
            ErrorCode::SFTP(code) => StorageError::Io {
                target: self.target(),
                detail: format!("SFTP error {code}: {}", err.message()),
            },
        }
    }

    fn server_path(&self, relative: &str) -> String {
        join_root(&self.spec.root, relative)
    }
}

fn entry_from_stat(path: &str, stat: &ssh2::FileStat) -> Entry {
    Entry {
        path: path.to_string(),
        is_dir: stat.is_dir(),
        size: (!stat.is_dir()).then_some(stat.size.unwrap_or(0)),
        size_approximate: false,
        mtime: stat
            .mtime
            .and_then(|t| chrono::DateTime::from_timestamp(t as i64, 0))
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        etag: None,
    }
}

#[async_trait]
impl Storage for SftpStorage {
    fn key(&self) -> &str {
        &self.inner.spec.key
    }

    fn kind(&self) -> StorageType {
        StorageType::Sftp
    }

    fn block_size(&self) -> u64 {
        128 << 10
    }

    fn stats(&self) -> &Stats {
        &self.inner.stats
    }

    async fn list(&self, dir: &str) -> Result<Vec<Entry>> {
        let dir = clean_path(dir)?;
        let listed_dir = dir.clone();
        self.with_connection("SFTP folder listing", move |inner, sftp| {
            let items = sftp
                .readdir(Path::new(&inner.server_path(&listed_dir)))
                .map_err(|err| inner.map_error(&err, &listed_dir))?;
            inner.stats.record(items.len() as u64 * 64);
            Ok(items
                .into_iter()
                .filter_map(|(path, stat)| {
                    let name = path.file_name()?.to_string_lossy().into_owned();
                    (name != "." && name != "..").then(|| entry_from_stat(&child(&listed_dir, &name), &stat))
                })
                .collect())
        })
        .await
    }

    async fn stat(&self, path: &str) -> Result<Entry> {
        let path = clean_path(path)?;
        let relative = path.clone();
        self.with_connection("SFTP stat", move |inner, sftp| {
            let stat = sftp
                .stat(Path::new(&inner.server_path(&relative)))
                .map_err(|err| inner.map_error(&err, &relative))?;
            inner.stats.record(0);
            Ok(entry_from_stat(&relative, &stat))
        })
        .await
    }

    async fn read_range(&self, path: &str, range: Range<u64>) -> Result<Bytes> {
        let path = clean_path(path)?;
        if range.start >= range.end {
            return Ok(Bytes::new());
        }
        let relative = path.clone();
        self.with_connection("SFTP range read", move |inner, sftp| {
            let mut file = sftp
                .open(Path::new(&inner.server_path(&relative)))
                .map_err(|err| inner.map_error(&err, &relative))?;
            let io_error = |err: std::io::Error| inner.io_error(format!("reading {relative}: {err}"));
            file.seek(SeekFrom::Start(range.start)).map_err(io_error)?;
            let mut buffer = Vec::with_capacity((range.end - range.start) as usize);
            file.take(range.end - range.start)
                .read_to_end(&mut buffer)
                .map_err(io_error)?;
            inner.stats.record(buffer.len() as u64);
            Ok(Bytes::from(buffer))
        })
        .await
    }

    async fn read_stream(&self, path: &str) -> Result<ByteStream> {
        // Stream in 1 MiB range reads: each is retried on its own, and the reader's pace
        // decides how much is in flight.
        let path = clean_path(path)?;
        let size = self.stat(&path).await?.size.unwrap_or(0);
        let chunk = 1u64 << 20;
        let storage = SftpStorage {
            inner: self.inner.clone(),
        };
        let stream = futures_util::stream::unfold(0u64, move |offset| {
            let storage = SftpStorage {
                inner: storage.inner.clone(),
            };
            let path = path.clone();
            async move {
                if offset >= size {
                    return None;
                }
                let end = (offset + chunk).min(size);
                let result = storage.read_range(&path, offset..end).await;
                // After an error the stream ends: a download is never silently short.
                let next = if result.is_ok() { end } else { size };
                Some((result, next))
            }
        });
        Ok(stream.boxed())
    }

    fn host_key_seen(&self) -> Option<String> {
        self.inner.host_key_seen.lock().ok().and_then(|seen| seen.clone())
    }
}
