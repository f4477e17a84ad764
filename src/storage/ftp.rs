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
use suppaftp::tokio::{AsyncRustlsConnector, AsyncRustlsFtpStream, TransferStream as FtpTransfer};
use suppaftp::types::FileType;
use suppaftp::{FtpError, Status};
use tokio::io::AsyncReadExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::path::{child, clean_path, join_root};
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

/// Parses `MLSD` or `LIST` lines (Unix or DOS) into entries of folder `dir`. A line no format
/// explains is logged (it may be a file the scan will not see); a listing none of whose lines
/// is understood is an error.
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
            parse_mlsd_line(line)
        } else {
            parse_list_line(line)
        };
        match parsed {
            Some(Listed::Entry {
                name,
                is_dir,
                size,
                mtime,
            }) => entries.push(Entry {
                path: child(dir, &name),
                is_dir,
                size: (!is_dir).then_some(size.unwrap_or(0)),
                size_approximate: false,
                mtime,
                etag: None,
            }),
            Some(Listed::Skipped) => {}
            None => {
                unparsed += 1;
                tracing::warn!(folder = dir, line, "FTP listing line not understood: skipped");
            }
        }
    }
    if entries.is_empty() && unparsed > 0 {
        return Err(StorageError::Listing {
            path: dir.to_string(),
            detail: format!("none of the {unparsed} lines is a known FTP listing format"),
        });
    }
    Ok(entries)
}

/// One line of a folder listing.
#[derive(Debug, PartialEq)]
enum Listed {
    /// A file or folder.
    Entry {
        name: String,
        is_dir: bool,
        size: Option<u64>,
        mtime: Option<String>,
    },
    /// The folder itself or its parent.
    Skipped,
}

/// One `MLSD` line (RFC 3659 §7.2): `fact=value;…; name`, the name after the one space that
/// ends the facts. Only `type`, `size` and `modify` are read, case ignored, so facts a server
/// adds (ProFTPD's `UNIX.mode=00` for a mode-000 file) never hide a file.
fn parse_mlsd_line(line: &str) -> Option<Listed> {
    let (facts, name) = line.split_once(' ')?;
    if name.is_empty() || name == "." || name == ".." {
        return Some(Listed::Skipped);
    }
    let (mut is_dir, mut size, mut mtime) = (false, None, None);
    for fact in facts.split(';').filter(|f| !f.is_empty()) {
        let (key, value) = fact.split_once('=')?;
        match key.to_ascii_lowercase().as_str() {
            "type" => match value.to_ascii_lowercase().as_str() {
                "dir" => is_dir = true,
                "cdir" | "pdir" => return Some(Listed::Skipped),
                // `file`, and links (`OS.unix=slink:…`) read as files, as LIST shows them.
                _ => {}
            },
            "size" | "sizd" => size = value.parse::<u64>().ok(),
            "modify" => mtime = mlsd_time(value),
            _ => {}
        }
    }
    Some(Listed::Entry {
        name: name.to_string(),
        is_dir,
        size,
        mtime,
    })
}

/// `YYYYMMDDHHMMSS[.sss]` (UTC) as RFC 3339.
fn mlsd_time(value: &str) -> Option<String> {
    let digits = value.get(..14)?;
    let time = chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?;
    Some(time.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// One `LIST` line, Unix (`ls -l`) or DOS (IIS) format.
fn parse_list_line(line: &str) -> Option<Listed> {
    if let Some(listed) = parse_unix_line(line, chrono::Utc::now()) {
        return Some(listed);
    }
    let file = ListParser::parse_dos(line).ok()?;
    let name = file.name();
    if name.is_empty() || name == "." || name == ".." {
        return Some(Listed::Skipped);
    }
    let mtime = chrono::DateTime::<chrono::Utc>::from(file.modified())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Some(Listed::Entry {
        name: name.to_string(),
        is_dir: file.is_directory(),
        size: Some(file.size() as u64),
        mtime: Some(mtime),
    })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A Unix `ls -l` line, found by its date rather than by counting columns: the size is the
/// number before the month, the name what follows the time or year after one space. So a
/// permission string with an ACL or SELinux mark (`-rw-r--r--+`), an owner or group with
/// spaces (`domain users` on a NAS), or a missing group do not hide a file. Dates without a
/// year are in the last twelve months before `now`; `2024-06-30 14:05` (long-iso) works too.
fn parse_unix_line(line: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Listed> {
    let kind = line.chars().next()?;
    if !matches!(kind, '-' | 'd' | 'l') || !line.get(1..10)?.chars().all(|c| "rwxsStT-".contains(c)) {
        return None;
    }
    // Tokens with their byte offsets, to cut the name out of the original line.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (index, c) in line.char_indices().chain([(line.len(), ' ')]) {
        match (c == ' ', start) {
            (true, Some(from)) => {
                tokens.push((from, &line[from..index]));
                start = None;
            }
            (false, None) => start = Some(index),
            _ => {}
        }
    }
    let number = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    for at in 2..tokens.len().saturating_sub(2) {
        let (size, month, day, last) = (tokens[at - 1].1, tokens[at].1, tokens[at + 1].1, tokens[at + 2]);
        let (date, name_from) = if let Some(month) = MONTHS.iter().position(|m| month.eq_ignore_ascii_case(m))
        {
            if !number(size) || !number(day) || at + 3 > tokens.len() {
                continue;
            }
            let Some(date) = ls_date(month as u32 + 1, day, last.1, now) else {
                continue;
            };
            (date, last.0 + last.1.len())
        } else if number(size) && month.len() == 10 && month.as_bytes()[4] == b'-' {
            // long-iso: SIZE YYYY-MM-DD HH:MM NAME
            let Ok(date) = chrono::NaiveDateTime::parse_from_str(&format!("{month} {day}"), "%Y-%m-%d %H:%M")
            else {
                continue;
            };
            (date, tokens[at + 1].0 + day.len())
        } else {
            continue;
        };
        let mut name = line.get(name_from + 1..)?;
        if kind == 'l' {
            name = name.split(" -> ").next().unwrap_or(name);
        }
        if name.is_empty() || name == "." || name == ".." {
            return Some(Listed::Skipped);
        }
        return Some(Listed::Entry {
            name: name.to_string(),
            is_dir: kind == 'd',
            size: size.parse().ok(),
            mtime: Some(date.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        });
    }
    None
}

/// The date of `ls -l`: `Jun 30 14:05` (this year, or last year when that would be more than
/// a day ahead of `now`) or `Jun 30 2024`.
fn ls_date(
    month: u32,
    day: &str,
    time_or_year: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::NaiveDateTime> {
    use chrono::Datelike;
    let day: u32 = day.parse().ok()?;
    if let Some((hours, minutes)) = time_or_year.split_once(':') {
        let time = chrono::NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)?;
        let this_year = chrono::NaiveDate::from_ymd_opt(now.year(), month, day).map(|d| d.and_time(time));
        return match this_year {
            Some(date) if date <= now.naive_utc() + chrono::Duration::days(1) => Some(date),
            _ => chrono::NaiveDate::from_ymd_opt(now.year() - 1, month, day).map(|d| d.and_time(time)),
        };
    }
    let year: i32 = time_or_year.parse().ok()?;
    chrono::NaiveDate::from_ymd_opt(year, month, day).map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
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
        let mut lease = inner.lease().await?;
        let server_path = inner.server_path(&path);
        let mut transfer = match lease.get().retr_as_stream(&server_path).await {
            Ok(transfer) => transfer,
            Err(err) => {
                if answered(&err) {
                    lease.keep();
                }
                return Err(inner.refusal(err, &path));
            }
        };
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
        // ProFTPD's facts, a mode-000 file among them, and a name with spaces and a `;`.
        let proftpd = vec![
            "modify=20261205050433;perm=dfr;size=60436;type=file;unique=FE00U52448F;UNIX.group=0;UNIX.mode=00;UNIX.owner=0; illisible.jp2".to_string(),
            "modify=20261205050433.123;perm=adfr;size=90;type=file;UNIX.mode=0644; lot 1; été.j2w".to_string(),
            "Type=cdir;Modify=20261205050433; /pieges".to_string(),
            "type=OS.unix=slink:/x;size=11; lien.jp2".to_string(),
        ];
        let entries = parse_listing("p", &proftpd, true).unwrap();
        let names: Vec<(&str, Option<u64>)> = entries.iter().map(|e| (e.path.as_str(), e.size)).collect();
        assert_eq!(
            names,
            [
                ("p/illisible.jp2", Some(60436)),
                ("p/lot 1; été.j2w", Some(90)),
                ("p/lien.jp2", Some(11))
            ]
        );
        assert_eq!(entries[1].mtime.as_deref(), Some("2026-12-05T05:04:33Z"));
    }

    #[test]
    fn unix_lines_are_found_by_their_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .unwrap()
            .to_utc();
        let entry = |line: &str| match parse_unix_line(line, now) {
            Some(Listed::Entry {
                name,
                is_dir,
                size,
                mtime,
            }) => (name, is_dir, size, mtime.unwrap_or_default()),
            other => panic!("{line}: {other:?}"),
        };
        for line in [
            "-rw-r--r--+   1 1000     1000         4096 Jun 30 14:05 a b.jp2",
            "-rw-r--r--.   1 1000     1000         4096 Jun 30 14:05 a b.jp2",
            "-rw-r--r--    1 jean-pierre  domain users  4096 Jun 30 14:05 a b.jp2",
            "-rw-r--r--    1 1000   4096 Jun 30 14:05 a b.jp2",
        ] {
            assert_eq!(
                entry(line),
                ("a b.jp2".into(), false, Some(4096), "2026-06-30T14:05:00Z".into()),
                "{line}"
            );
        }
        // A date ahead of now is last year's; a year instead of a time; folders; links; long-iso.
        assert_eq!(
            entry("-rw-r--r-- 1 u g 9 Dec 24 09:00 x.jp2").3,
            "2025-12-24T09:00:00Z"
        );
        assert_eq!(
            entry("-rw-r--r-- 1 ftp ftp 6291456000 Jun 30  2024 big.jp2"),
            (
                "big.jp2".into(),
                false,
                Some(6291456000),
                "2024-06-30T00:00:00Z".into()
            )
        );
        assert!(entry("drwxr-xr-x 2 u g 4096 Jun 30 14:05 Dalles été 2024").1);
        assert_eq!(
            entry("lrwxrwxrwx 1 root root 11 Dec  5 05:04 disparue.jp2 -> absente.jp2").0,
            "disparue.jp2"
        );
        assert_eq!(
            entry("-rw-r--r-- 1 u g 12 2024-06-30 14:05 iso.jp2").3,
            "2024-06-30T14:05:00Z"
        );
        assert_eq!(
            parse_unix_line("drwxr-xr-x 2 u g 4096 Jun 30 14:05 ..", now),
            Some(Listed::Skipped)
        );
        assert_eq!(parse_unix_line("total 12", now), None);
    }

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
