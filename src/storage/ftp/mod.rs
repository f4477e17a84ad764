//! FTP, explicit FTPS (AUTH TLS) and implicit FTPS storages. Certificates are verified unless
//! the storage says otherwise; passive mode; `MLSD` with a `LIST` fallback (Unix and DOS
//! formats); ranges with `REST` + `RETR`; a small pool of logged-in control connections.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use suppaftp::tokio::{AsyncRustlsConnector, AsyncRustlsFtpStream, TransferStream as FtpTransfer};
use suppaftp::types::FileType;
use suppaftp::{FtpError, Status};
use tokio::io::AsyncReadExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

mod listing;

use listing::parse_listing;

use super::path::{clean_path, join_root};
use super::{ByteStream, Entry, Result, Stats, Storage, StorageError, StorageSpec};
use crate::storage::{StorageType, TlsMode};

type Connection = AsyncRustlsFtpStream;
type TransferStream = FtpTransfer<suppaftp::tokio::AsyncRustlsStream>;

/// A storage reached over FTP or FTPS.
pub struct FtpStorage {
    inner: Arc<Inner>,
}

struct Inner {
    spec: StorageSpec,
    tls: Option<Arc<rustls::ClientConfig>>,
    stats: Stats,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Connection>>,
    mlsd_unsupported: AtomicBool,
}

/// A leased connection. It goes back to the pool only when [`Lease::keep`] says the exchange
/// ended in step; a lease dropped any other way (an error, a time limit that cancelled the
/// operation mid-reply) closes its connection, since its next reply could be a stale one.
struct Lease {
    inner: Arc<Inner>,
    connection: Option<Connection>,
    in_step: bool,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    fn get(&mut self) -> &mut Connection {
        self.connection.as_mut().expect("leased connection")
    }

    /// Returns the connection to the pool: every reply it was sent has been read.
    fn keep(mut self) {
        self.in_step = true;
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.in_step {
            return;
        }
        if let Some(connection) = self.connection.take() {
            if let Ok(mut idle) = self.inner.idle.lock() {
                idle.push(connection);
            }
        }
    }
}

impl FtpStorage {
    /// A storage for `spec` (no connection yet).
    pub fn new(spec: StorageSpec) -> Result<FtpStorage> {
        let tls = match spec.tls {
            TlsMode::None => None,
            _ => Some(super::tls::client_config(&spec)?),
        };
        Ok(FtpStorage {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(spec.concurrency.max(1))),
                spec,
                tls,
                stats: Stats::default(),
                idle: Mutex::new(Vec::new()),
                mlsd_unsupported: AtomicBool::new(false),
            }),
        })
    }
}

impl Inner {
    fn target(&self) -> String {
        self.spec.target()
    }

    /// A logged-in connection from the pool, or a new one.
    async fn lease(self: &Arc<Self>) -> Result<Lease> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| self.io_error("storage closed".into()))?;
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let connection = match pooled {
            Some(connection) => connection,
            None => {
                self.spec
                    .retry_policy()
                    .run("FTP login", || self.connect())
                    .await?
            }
        };
        Ok(Lease {
            inner: self.clone(),
            connection: Some(connection),
            in_step: false,
            _permit: permit,
        })
    }

    async fn connect(&self) -> Result<Connection> {
        let address = resolve(&self.spec.host, self.spec.port).await?;
        let timeout = self.spec.timeout;
        let connector = || -> Result<AsyncRustlsConnector> {
            let config = self
                .tls
                .clone()
                .ok_or_else(|| self.io_error("no TLS configuration".into()))?;
            Ok(AsyncRustlsConnector::from(tokio_rustls::TlsConnector::from(
                config,
            )))
        };
        let mut stream = match self.spec.tls {
            TlsMode::Implicit => {
                let connecting = Connection::connect_secure_implicit(address, connector()?, &self.spec.host);
                tokio::time::timeout(timeout, connecting)
                    .await
                    .map_err(|_| self.timeout("FTPS connection"))?
                    .map_err(|err| self.map_error(err, ""))?
            }
            _ => {
                let plain = Connection::connect_timeout(address, timeout)
                    .await
                    .map_err(|err| self.map_error(err, ""))?;
                if self.spec.tls == TlsMode::Explicit {
                    plain
                        .into_secure(connector()?, &self.spec.host)
                        .await
                        .map_err(|err| self.map_error(err, ""))?
                } else {
                    plain
                }
            }
        };
        // Servers behind NAT often announce a private address in PASV: use the control one.
        stream.set_passive_nat_workaround(true);
        let user = self
            .spec
            .username
            .as_ref()
            .map(|u| u.expose().to_string())
            .unwrap_or_else(|| "anonymous".into());
        let password = self
            .spec
            .password
            .as_ref()
            .map(|p| p.expose().to_string())
            .unwrap_or_else(|| "dallage@".into());
        stream
            .login(user.as_str(), password.as_str())
            .await
            .map_err(|err| match err {
                FtpError::UnexpectedResponse(response) => StorageError::Auth {
                    target: self.target(),
                    detail: format!("{} {}", response.status.code(), response_text(&response.body)),
                },
                other => self.map_error(other, ""),
            })?;
        if self.spec.tls == TlsMode::Implicit {
            // Implicit FTPS encrypts the control connection from the start, but data
            // connections stay clear until PROT P (explicit mode sends it after AUTH TLS).
            for command in ["PBSZ 0", "PROT P"] {
                stream
                    .custom_command(command, &[Status::CommandOk])
                    .await
                    .map_err(|err| self.map_error(err, ""))?;
            }
        }
        stream
            .transfer_type(FileType::Binary)
            .await
            .map_err(|err| self.map_error(err, ""))?;
        self.stats.record_connection();
        Ok(stream)
    }

    fn map_error(&self, err: FtpError, path: &str) -> StorageError {
        match err {
            FtpError::ConnectionError(io) => match io.kind() {
                std::io::ErrorKind::TimedOut => self.timeout("FTP operation"),
                std::io::ErrorKind::ConnectionRefused => StorageError::Connect {
                    target: self.target(),
                    detail: "connection refused".into(),
                },
                _ => StorageError::Connect {
                    target: self.target(),
                    detail: io.to_string(),
                },
            },
            FtpError::SecureError(detail) => StorageError::Tls {
                target: self.target(),
                detail: super::tls::explain(&detail),
            },
            FtpError::UnexpectedResponse(response) => {
                let text = response_text(&response.body);
                match response.status {
                    Status::NotLoggedIn => StorageError::Auth {
                        target: self.target(),
                        detail: text,
                    },
                    Status::FileUnavailable if text.to_ascii_lowercase().contains("permission") => {
                        StorageError::Permission {
                            path: path.to_string(),
                        }
                    }
                    Status::FileUnavailable | Status::BadFilename => StorageError::NotFound {
                        path: path.to_string(),
                    },
                    status if status.code() >= 500 => StorageError::Protocol {
                        target: self.target(),
                        detail: format!("{} {text}", status.code()),
                    },
                    status => StorageError::Io {
                        target: self.target(),
                        detail: format!("{} {text}", status.code()),
                    },
                }
            }
            other => StorageError::Protocol {
                target: self.target(),
                detail: other.to_string(),
            },
        }
    }

    fn timeout(&self, operation: &str) -> StorageError {
        StorageError::Timeout {
            operation: format!("{operation} with {}", self.target()),
            seconds: self.spec.timeout.as_secs(),
        }
    }

    fn io_error(&self, detail: String) -> StorageError {
        StorageError::Io {
            target: self.target(),
            detail,
        }
    }

    fn server_path(&self, relative: &str) -> String {
        join_root(&self.spec.root, relative)
    }

    /// One attempt at listing a folder: `MLSD`, or `LIST` where `MLSD` is not implemented.
    async fn list_once(self: &Arc<Self>, dir: &str) -> Result<Vec<Entry>> {
        let mut lease = self.lease().await?;
        let server_dir = self.server_path(dir);
        // CWD then a bare listing: names with spaces survive every server this way.
        if let Err(err) = lease.get().cwd(&server_dir).await {
            if answered(&err) {
                lease.keep();
            }
            let mapped = self.map_error(err, dir);
            return Err(match mapped {
                StorageError::Protocol { .. } => StorageError::NotFound {
                    path: dir.to_string(),
                },
                other => other,
            });
        }
        let mut lines = None;
        if !self.mlsd_unsupported.load(Ordering::Relaxed) {
            match lease.get().mlsd(None).await {
                Ok(found) => lines = Some((found, true)),
                Err(FtpError::UnexpectedResponse(response)) if response.status.code() >= 500 => {
                    self.mlsd_unsupported.store(true, Ordering::Relaxed);
                }
                Err(err) => return Err(self.map_error(err, dir)),
            }
        }
        let (lines, machine) = match lines {
            Some(found) => found,
            None => match lease.get().list(None).await {
                Ok(found) => (found, false),
                Err(err) => return Err(self.map_error(err, dir)),
            },
        };
        lease.keep();
        self.stats.record(lines.iter().map(|l| l.len() as u64 + 2).sum());
        parse_listing(dir, &lines, machine)
    }

    /// One attempt at reading bytes `range` of a file: `REST` + `RETR`, then the transfer
    /// ended as the server allows.
    ///
    /// One byte more than the range is read, so a range that reaches the end of the file meets
    /// the end of the transfer, which the server closes with its completion reply: no `ABOR`
    /// (the case of every small file read whole). A range that stops inside the file abandons
    /// the rest of the transfer (see [`Inner::abandon`]).
    async fn read_range_once(self: &Arc<Self>, path: &str, range: Range<u64>) -> Result<Bytes> {
        let mut lease = self.lease().await?;
        let server_path = self.server_path(path);
        let wanted = (range.end - range.start) as usize;
        if range.start > 0 {
            lease
                .get()
                .resume_transfer(range.start as usize)
                .await
                .map_err(|err| self.map_error(err, path))?;
        }
        let mut transfer = match lease.get().retr_as_stream(&server_path).await {
            Ok(transfer) => transfer,
            Err(err) => {
                if answered(&err) {
                    lease.keep();
                }
                return Err(self.refusal(err, path));
            }
        };
        let mut buffer = vec![0u8; wanted + 1];
        let mut filled = 0;
        let mut reached_end = false;
        while filled < buffer.len() {
            match transfer.read(&mut buffer[filled..]).await {
                Ok(0) => {
                    reached_end = true;
                    break;
                }
                Ok(n) => filled += n,
                // The data connection broke: the lease is dropped with its connection.
                Err(err) => return Err(self.io_error(format!("reading {path}: {err}"))),
            }
        }
        buffer.truncate(filled.min(wanted));
        self.stats.record(buffer.len() as u64);
        if reached_end {
            match transfer.finish().await {
                Ok(()) => lease.keep(),
                Err(FtpError::UnexpectedResponse(response)) => {
                    // The server says the transfer failed (426, 451…): what came may be short.
                    lease.keep();
                    return Err(StorageError::Transfer {
                        path: path.to_string(),
                        detail: format!("{} {}", response.status.code(), response_text(&response.body)),
                    });
                }
                Err(err) => return Err(self.map_error(err, path)),
            }
        } else {
            self.abandon(lease, transfer).await;
        }
        Ok(Bytes::from(buffer))
    }

    /// Ends a transfer we no longer need, leaving the control connection in step for the next
    /// read from the pool.
    ///
    /// The data connection is closed first, so the transfer ends whatever the server was doing;
    /// its reply (`426`, `451`, or `226` when it had already sent everything) is read; `ABOR` is
    /// sent and its reply read (`226`, `225` "no transfer to abort" from vsftpd and pyftpdlib,
    /// Pure-FTPd's `226`, `500` from a server without `ABOR`). Servers differ in how many
    /// replies they send for these two events (ProFTPD and IIS may answer `ABOR` with `426` then
    /// `226`), so a `PWD` follows, and every reply before its `257` is skipped: only then is the
    /// connection known to be in step. A fault or a silent server costs the connection, never
    /// the bytes already read.
    async fn abandon(&self, mut lease: Lease, transfer: TransferStream) {
        drop(transfer);
        let connection = lease.get();
        let ending = async {
            match connection
                .custom_command(
                    "ABOR",
                    &[Status::ClosingDataConnection, Status::DataConnectionOpen],
                )
                .await
            {
                Ok(_) | Err(FtpError::UnexpectedResponse(_)) => {}
                Err(err) => return Err(err),
            }
            resynchronise(connection).await
        };
        match tokio::time::timeout(self.spec.timeout, ending).await {
            Ok(Ok(())) => lease.keep(),
            Ok(Err(err)) => {
                tracing::debug!(target = %self.target(), error = %err, "FTP connection dropped after ABOR");
            }
            Err(_) => {
                tracing::debug!(target = %self.target(), "no answer to ABOR in time: FTP connection dropped")
            }
        }
    }

    /// The error for a `RETR` the server refused. `550` covers a missing file and a refused
    /// one alike (vsftpd says "Failed to open file." for both): the server's words are kept.
    fn refusal(&self, err: FtpError, path: &str) -> StorageError {
        if let FtpError::UnexpectedResponse(response) = &err {
            if response.status == Status::FileUnavailable {
                let text = response_text(&response.body);
                let lower = text.to_ascii_lowercase();
                if lower.contains("no such") || lower.contains("not found") || lower.contains("not exist") {
                    return StorageError::NotFound {
                        path: path.to_string(),
                    };
                }
                if lower.contains("permission") || lower.contains("denied") {
                    return StorageError::Permission {
                        path: path.to_string(),
                    };
                }
                return StorageError::Unreadable {
                    path: path.to_string(),
                    detail: format!("550 {text}"),
                };
            }
        }
        self.map_error(err, path)
    }
}

/// Whether the server answered (with an unexpected reply): the reply was read, so the control
/// connection is still in step.
fn answered(err: &FtpError) -> bool {
    matches!(err, FtpError::UnexpectedResponse(_))
}

/// Replies the server may still owe after a transfer was abandoned, skipped before `PWD`'s.
const MAX_STALE_REPLIES: usize = 4;

/// Sends `PWD` and reads replies until its `257`: whatever the server still owed before it
/// (the end of an abandoned transfer, the reply to an `ABOR`) is skipped.
async fn resynchronise(connection: &mut Connection) -> Result<(), FtpError> {
    let mut reply = connection.custom_command("PWD", &[Status::PathCreated]).await;
    for _ in 0..MAX_STALE_REPLIES {
        match reply {
            Ok(_) => return Ok(()),
            Err(FtpError::UnexpectedResponse(_)) => {
                reply = connection.read_response(Status::PathCreated).await;
            }
            Err(err) => return Err(err),
        }
    }
    reply.map(|_| ())
}

async fn resolve(host: &str, port: u16) -> Result<std::net::SocketAddr> {
    let mut addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|err| StorageError::Dns {
            host: host.to_string(),
            detail: err.to_string(),
        })?;
    addresses.next().ok_or_else(|| StorageError::Dns {
        host: host.to_string(),
        detail: "no address".into(),
    })
}

/// A reply's text without its leading code (`550 Failed to open file.` → `Failed to open
/// file.`), so messages that add the code do not say it twice.
fn response_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let without_code = match text.as_bytes() {
        [a, b, c, b' ' | b'-', ..] if [a, b, c].iter().all(|d| d.is_ascii_digit()) => &text[4..],
        _ => text,
    };
    without_code.trim().to_string()
}

#[async_trait]
impl Storage for FtpStorage {
    fn key(&self) -> &str {
        &self.inner.spec.key
    }

    fn kind(&self) -> StorageType {
        StorageType::Ftp
    }

    fn block_size(&self) -> u64 {
        // Each range is a new data connection (and TLS handshake): read big pieces.
        256 << 10
    }

    fn stats(&self) -> &Stats {
        &self.inner.stats
    }

    async fn list(&self, dir: &str) -> Result<Vec<Entry>> {
        let dir = clean_path(dir)?;
        let inner = self.inner.clone();
        self.inner
            .spec
            .retry_policy()
            .run("FTP folder listing", || inner.list_once(&dir))
            .await
    }

    async fn stat(&self, path: &str) -> Result<Entry> {
        let path = clean_path(path)?;
        let inner = self.inner.clone();
        self.inner
            .spec
            .retry_policy()
            .run("FTP SIZE", || async {
                let mut lease = inner.lease().await?;
                let server_path = inner.server_path(&path);
                let size = match lease.get().size(&server_path).await {
                    Ok(size) => size as u64,
                    Err(err) => {
                        if answered(&err) {
                            lease.keep();
                        }
                        return Err(inner.map_error(err, &path));
                    }
                };
                let mtime = match lease.get().mdtm(&server_path).await {
                    Ok(time) => Some(time.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                    Err(err) if answered(&err) => None,
                    Err(err) => return Err(inner.map_error(err, &path)),
                };
                lease.keep();
                inner.stats.record(0);
                Ok(Entry {
                    path: path.clone(),
                    is_dir: false,
                    size: Some(size),
                    size_approximate: false,
                    mtime,
                    etag: None,
                })
            })
            .await
    }

    async fn read_range(&self, path: &str, range: Range<u64>) -> Result<Bytes> {
        let path = clean_path(path)?;
        if range.start >= range.end {
            return Ok(Bytes::new());
        }
        let inner = self.inner.clone();
        self.inner
            .spec
            .retry_policy()
            .run("FTP range read", || inner.read_range_once(&path, range.clone()))
            .await
    }

    async fn read_stream(&self, path: &str) -> Result<ByteStream> {
        let path = clean_path(path)?;
        let inner = self.inner.clone();
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes>>(4);
        let server_path = inner.server_path(&path);
        // Opening is retried: a pooled connection the server dropped (a restart) fails at once,
        // and the next attempt opens a new one.
        let (lease, mut transfer) = self
            .inner
            .spec
            .retry_policy()
            .run("FTP download", || async {
                let mut lease = inner.lease().await?;
                match lease.get().retr_as_stream(&server_path).await {
                    Ok(transfer) => Ok((lease, transfer)),
                    Err(err) => {
                        if answered(&err) {
                            lease.keep();
                        }
                        Err(inner.refusal(err, &path))
                    }
                }
            })
            .await?;
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 256 << 10];
            loop {
                let read = tokio::time::timeout(inner.spec.timeout, transfer.read(&mut buffer)).await;
                match read {
                    Ok(Ok(0)) => {
                        // A failed ending means the bytes sent may be short: say so, so that a
                        // download is never silently truncated.
                        match transfer.finish().await {
                            Ok(()) => lease.keep(),
                            Err(FtpError::UnexpectedResponse(response)) => {
                                lease.keep();
                                let failure = StorageError::Transfer {
                                    path: path.clone(),
                                    detail: format!(
                                        "{} {}",
                                        response.status.code(),
                                        response_text(&response.body)
                                    ),
                                };
                                let _ = sender.send(Err(failure)).await;
                            }
                            Err(err) => {
                                let _ = sender.send(Err(inner.map_error(err, &path))).await;
                            }
                        }
                        return;
                    }
                    Ok(Ok(n)) => {
                        inner.stats.record(n as u64);
                        let chunk = Bytes::copy_from_slice(&buffer[..n]);
                        if sender.send(Ok(chunk)).await.is_err() {
                            // The reader went away: stop the transfer.
                            inner.abandon(lease, transfer).await;
                            return;
                        }
                    }
                    Ok(Err(err)) => {
                        let failure = inner.io_error(format!("reading {path}: {err}"));
                        let _ = sender.send(Err(failure)).await;
                        return;
                    }
                    Err(_) => {
                        let _ = sender.send(Err(inner.timeout("FTP transfer"))).await;
                        return;
                    }
                }
            }
        });
        Ok(tokio_stream::wrappers::ReceiverStream::new(receiver).boxed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_texts_lose_their_code_once() {
        assert_eq!(
            response_text(b"550 Failed to open file.\r\n"),
            "Failed to open file."
        );
        assert_eq!(
            response_text(b"225 No transfer to ABOR.\r\n"),
            "No transfer to ABOR."
        );
        assert_eq!(
            response_text(b"211-Features:\r\n MLSD\r\n211 End"),
            "Features:\r\n MLSD\r\n211 End"
        );
        assert_eq!(response_text(b"no code here"), "no code here");
    }
}
