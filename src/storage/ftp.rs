//! FTP, explicit FTPS (AUTH TLS) and implicit FTPS storages. Certificates are verified unless
//! the storage says otherwise; passive mode; `MLSD` with a `LIST` fallback (Unix and DOS
//! formats); ranges with `REST` + `RETR`; a small pool of logged-in control connections.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use suppaftp::list::ListParser;
use suppaftp::tokio::{AsyncRustlsConnector, AsyncRustlsFtpStream};
use suppaftp::types::FileType;
use suppaftp::{FtpError, Status};
use tokio::io::AsyncReadExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::path::{child, clean_path, join_root};
use super::{ByteStream, Entry, Result, Stats, Storage, StorageError, StorageSpec};
use crate::catalog::{StorageType, TlsMode};

type Connection = AsyncRustlsFtpStream;

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

/// A pooled connection, returned to the pool when healthy.
struct Lease {
    inner: Arc<Inner>,
    connection: Option<Connection>,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    fn get(&mut self) -> &mut Connection {
        self.connection.as_mut().expect("leased connection")
    }

    /// Drops the connection instead of pooling it (after an error it may be out of step).
    fn discard(mut self) {
        self.connection = None;
    }
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
                Err(err) => {
                    let mapped = self.map_error(err, dir);
                    lease.discard();
                    return Err(mapped);
                }
            }
        }
        let (lines, machine) = match lines {
            Some(found) => found,
            None => match lease.get().list(None).await {
                Ok(found) => (found, false),
                Err(err) => {
                    let mapped = self.map_error(err, dir);
                    lease.discard();
                    return Err(mapped);
                }
            },
        };
        self.stats.record(lines.iter().map(|l| l.len() as u64 + 2).sum());
        parse_listing(dir, &lines, machine)
    }

    async fn read_range_once(self: &Arc<Self>, path: &str, range: Range<u64>) -> Result<Bytes> {
        let mut lease = self.lease().await?;
        let server_path = self.server_path(path);
        let wanted = (range.end - range.start) as usize;
        let connection = lease.get();
        if range.start > 0 {
            connection
                .resume_transfer(range.start as usize)
                .await
                .map_err(|err| self.map_error(err, path))?;
        }
        let mut transfer = match connection.retr_as_stream(&server_path).await {
            Ok(transfer) => transfer,
            Err(err) => {
                let mapped = self.map_error(err, path);
                if mapped.is_storage_wide() {
                    lease.discard();
                }
                return Err(mapped);
            }
        };
        let mut buffer = vec![0u8; wanted];
        let mut filled = 0;
        let mut at_end = false;
        while filled < wanted {
            match transfer.read(&mut buffer[filled..]).await {
                Ok(0) => {
                    at_end = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(err) => {
                    lease.discard();
                    return Err(self.io_error(format!("reading {path}: {err}")));
                }
            }
        }
        buffer.truncate(filled);
        self.stats.record(filled as u64);
        // Either the file ended (normal completion) or we stop early: ABOR the rest.
        let closed = if at_end {
            transfer.finish().await
        } else {
            lease.get().abort(transfer).await
        };
        if closed.is_err() {
            // The bytes are good; the control connection may not be: don't pool it.
            lease.discard();
        }
        Ok(Bytes::from(buffer))
    }
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

fn response_text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).trim().to_string()
}

/// Parses `MLSD` or `LIST` lines (Unix or DOS) into entries of folder `dir`.
pub(crate) fn parse_listing(dir: &str, lines: &[String], machine: bool) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut unparsed = 0;
    for line in lines
        .iter()
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .filter(|l| !l.trim().is_empty())
    {
        if !machine && line.starts_with("total ") {
            continue;
        }
        let parsed = if machine {
            ListParser::parse_mlsd(line).map_err(|e| e.to_string())
        } else {
            ListParser::parse_posix(line)
                .or_else(|_| ListParser::parse_dos(line))
                .map_err(|e| e.to_string())
        };
        let file: suppaftp::list::File = match parsed {
            Ok(file) => file,
            Err(_) => {
                unparsed += 1;
                continue;
            }
        };
        let name = file.name();
        if name == "." || name == ".." || name.is_empty() {
            continue;
        }
        let mtime = chrono::DateTime::<chrono::Utc>::from(file.modified())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        entries.push(Entry {
            path: child(dir, name),
            is_dir: file.is_directory(),
            size: (!file.is_directory()).then_some(file.size() as u64),
            size_approximate: false,
            mtime: Some(mtime),
            etag: None,
        });
    }
    if entries.is_empty() && unparsed > 0 {
        return Err(StorageError::Listing {
            path: dir.to_string(),
            detail: format!("none of the {unparsed} lines is a known FTP listing format"),
        });
    }
    Ok(entries)
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
                        let mapped = inner.map_error(err, &path);
                        if mapped.is_storage_wide() {
                            lease.discard();
                        }
                        return Err(mapped);
                    }
                };
                let mtime = lease
                    .get()
                    .mdtm(&server_path)
                    .await
                    .ok()
                    .map(|time| time.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
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
        let mut lease = inner.lease().await?;
        let server_path = inner.server_path(&path);
        let transfer = lease.get().retr_as_stream(&server_path).await;
        let mut transfer = match transfer {
            Ok(transfer) => transfer,
            Err(err) => {
                let mapped = inner.map_error(err, &path);
                lease.discard();
                return Err(mapped);
            }
        };
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 256 << 10];
            loop {
                match transfer.read(&mut buffer).await {
                    Ok(0) => {
                        if transfer.finish().await.is_err() {
                            lease.discard();
                        }
                        return;
                    }
                    Ok(n) => {
                        inner.stats.record(n as u64);
                        if sender
                            .send(Ok(Bytes::copy_from_slice(&buffer[..n])))
                            .await
                            .is_err()
                        {
                            // The reader went away: stop the transfer.
                            if lease.get().abort(transfer).await.is_err() {
                                lease.discard();
                            }
                            return;
                        }
                    }
                    Err(err) => {
                        let _ = sender
                            .send(Err(inner.io_error(format!("reading {path}: {err}"))))
                            .await;
                        lease.discard();
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
    fn parses_unix_dos_and_mlsd_listings() {
        let unix = vec![
            "total 12".to_string(),
            "drwxr-xr-x    2 1000     1000         4096 Jun 30 14:05 Dalles été 2024".to_string(),
            "-rw-r--r--    1 1000     1000      1234567 Jun 30  2024 2024-0846200-6526400-LA93-0M05-RVB.jp2"
                .to_string(),
        ];
        let entries = parse_listing("ortho", &unix, false).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            (entries[0].path.as_str(), entries[0].is_dir),
            ("ortho/Dalles été 2024", true)
        );
        assert_eq!(entries[1].size, Some(1234567));
        let dos = vec![
            "06-30-24  02:05PM       <DIR>          Dalles 2024".to_string(),
            "06-30-24  02:05PM              1234567 a b.jp2".to_string(),
        ];
        let entries = parse_listing("", &dos, false).unwrap();
        assert_eq!(
            (entries[0].path.as_str(), entries[0].is_dir),
            ("Dalles 2024", true)
        );
        assert_eq!(
            (entries[1].path.as_str(), entries[1].size),
            ("a b.jp2", Some(1234567))
        );
        let mlsd = vec![
            "type=file;size=1234567;modify=20240630140500;perm=r; a.jp2".to_string(),
            "type=dir;modify=20240630140500;perm=el; sub dir".to_string(),
            "type=cdir;modify=20240630140500; .".to_string(),
        ];
        let entries = parse_listing("x", &mlsd, true).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].mtime.as_deref(), Some("2024-06-30T14:05:00Z"));
        assert!(entries[1].is_dir);
        assert!(parse_listing("", &["garbage line".to_string()], false).is_err());
    }
}
