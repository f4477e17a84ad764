//! HTTP(S) storages: folders are the directory listings web servers make (Apache, nginx,
//! lighttpd, IIS, `python -m http.server`, or any page of links under the start URL); files
//! are read with `Range` requests, or whole (bounded) from servers that ignore ranges.

use std::ops::Range;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use reqwest::header::{self, HeaderMap};
use reqwest::StatusCode;
use tokio::sync::Semaphore;

use super::listing;
use super::path::clean_path;
use super::{ByteStream, Entry, Result, Stats, Storage, StorageError, StorageSpec};
use crate::storage::StorageType;

const RANGES_UNKNOWN: u8 = 0;
const RANGES_YES: u8 = 1;
const RANGES_NO: u8 = 2;

/// A storage reached over HTTP(S).
pub struct HttpStorage {
    spec: StorageSpec,
    base: url::Url,
    client: reqwest::Client,
    stats: Stats,
    permits: Semaphore,
    ranges: AtomicU8,
    /// Whole files read from servers that ignore `Range`, so one read serves them all.
    whole_files: moka::sync::Cache<String, Bytes>,
}

/// Redirects are followed (up to 10) only within the storage's own host: a storage may move
/// a folder or go from http to https, but never send dallage to another machine, which would
/// bypass `security.storage_hosts`.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt
            .previous()
            .first()
            .and_then(|url| url.host_str().map(str::to_owned));
        if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else if first.as_deref() == attempt.url().host_str() {
            attempt.follow()
        } else {
            let message = format!(
                "redirected to another host, {}; declare that address as the storage instead",
                attempt.url().host_str().unwrap_or("?")
            );
            attempt.error(message)
        }
    })
}

impl HttpStorage {
    /// A client for `spec` (no request yet).
    pub fn new(spec: StorageSpec) -> Result<HttpStorage> {
        let base = spec.url.clone().ok_or_else(|| StorageError::Io {
            target: spec.target(),
            detail: "an http storage needs a URL".into(),
        })?;
        let tls = super::tls::client_config(&spec)?;
        let client = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .connect_timeout(spec.timeout.min(Duration::from_secs(15)))
            .timeout(spec.timeout)
            .pool_max_idle_per_host(spec.concurrency)
            .user_agent(concat!("dallage/", env!("CARGO_PKG_VERSION")))
            .redirect(same_host_redirects())
            .build()
            .map_err(|err| StorageError::Io {
                target: spec.target(),
                detail: err.to_string(),
            })?;
        let whole_file_limit = spec.max_full_read.max(1);
        Ok(HttpStorage {
            permits: Semaphore::new(spec.concurrency.max(1)),
            base,
            client,
            stats: Stats::default(),
            ranges: AtomicU8::new(RANGES_UNKNOWN),
            whole_files: moka::sync::Cache::builder()
                .weigher(|_: &String, bytes: &Bytes| bytes.len().min(u32::MAX as usize) as u32)
                .max_capacity(whole_file_limit)
                .time_to_idle(Duration::from_secs(600))
                .build(),
            spec,
        })
    }

    /// The URL of a relative path (each segment percent-encoded).
    fn url_of(&self, path: &str, dir: bool) -> Result<url::Url> {
        let clean = clean_path(path)?;
        let mut url = self.base.clone();
        {
            let mut segments = url.path_segments_mut().map_err(|_| StorageError::Io {
                target: self.spec.target(),
                detail: "the start URL can't have a path".into(),
            })?;
            segments.pop_if_empty();
            for segment in clean.split('/').filter(|s| !s.is_empty()) {
                segments.push(segment);
            }
            if dir {
                segments.push("");
            }
        }
        Ok(url)
    }

    fn request(&self, method: reqwest::Method, url: url::Url) -> reqwest::RequestBuilder {
        let request = self.client.request(method, url);
        match &self.spec.username {
            Some(user) => request.basic_auth(user.expose(), self.spec.password.as_ref().map(|p| p.expose())),
            None => request,
        }
    }

    /// Sends a request within the storage's concurrency limit, mapping failures to typed errors.
    async fn send(&self, request: reqwest::RequestBuilder, path: &str) -> Result<reqwest::Response> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| self.io("storage closed"))?;
        let response = request.send().await.map_err(|err| self.transport_error(&err))?;
        self.check_status(response.status(), path)?;
        Ok(response)
    }

    fn check_status(&self, status: StatusCode, path: &str) -> Result<()> {
        match status {
            s if s.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => Err(StorageError::Auth {
                target: self.spec.target(),
                detail: if self.spec.username.is_some() {
                    "HTTP 401: the username or password is wrong".into()
                } else {
                    "HTTP 401: this server needs a username and password".into()
                },
            }),
            StatusCode::FORBIDDEN => Err(StorageError::Permission {
                path: path.to_string(),
            }),
            StatusCode::NOT_FOUND | StatusCode::GONE => Err(StorageError::NotFound {
                path: path.to_string(),
            }),
            StatusCode::RANGE_NOT_SATISFIABLE => Ok(()),
            s if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => Err(StorageError::Protocol {
                target: self.spec.target(),
                detail: format!("HTTP {s} for {path}"),
            }),
            s => Err(StorageError::Protocol {
                target: self.spec.target(),
                detail: format!("HTTP {s} for {path}"),
            }),
        }
    }

    fn transport_error(&self, err: &reqwest::Error) -> StorageError {
        let chain = error_chain(err);
        let target = self.spec.target();
        if err.is_timeout() {
            StorageError::Timeout {
                operation: format!("HTTP request to {target}"),
                seconds: self.spec.timeout.as_secs(),
            }
        } else if chain.contains("dns error")
            || chain.contains("failed to lookup")
            || chain.contains("Name or service not known")
        {
            StorageError::Dns {
                host: self.spec.host.clone(),
                detail: last_cause(&chain),
            }
        } else if chain.contains("certificate")
            || chain.contains("tls")
            || chain.contains("TLS")
            || chain.contains("handshake")
        {
            StorageError::Tls {
                target,
                detail: super::tls::explain(&last_cause(&chain)),
            }
        } else if err.is_connect() {
            StorageError::Connect {
                target,
                detail: last_cause(&chain),
            }
        } else {
            StorageError::Io {
                target,
                detail: last_cause(&chain),
            }
        }
    }

    fn io(&self, detail: &str) -> StorageError {
        StorageError::Io {
            target: self.spec.target(),
            detail: detail.to_string(),
        }
    }

    /// Reads a whole file (bounded by `max_full_read`), for servers that ignore ranges.
    async fn whole_file(&self, path: &str, response: reqwest::Response) -> Result<Bytes> {
        if let Some(bytes) = self.whole_files.get(path) {
            return Ok(bytes);
        }
        let limit = self.spec.max_full_read;
        if let Some(length) = response.content_length() {
            if length > limit {
                return Err(StorageError::TooLarge {
                    path: path.to_string(),
                    size: length,
                    limit,
                });
            }
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|err| self.transport_error(&err))?;
            self.stats.record(chunk.len() as u64);
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(StorageError::TooLarge {
                    path: path.to_string(),
                    size: body.len() as u64 + chunk.len() as u64,
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        let bytes = Bytes::from(body);
        self.whole_files.insert(path.to_string(), bytes.clone());
        Ok(bytes)
    }
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn last_cause(chain: &str) -> String {
    chain.rsplit(": ").next().unwrap_or(chain).to_string()
}

/// Size, modification time and entity tag from response headers.
fn entry_from_headers(path: &str, headers: &HeaderMap, status: StatusCode) -> Entry {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let size = if status == StatusCode::PARTIAL_CONTENT {
        text(header::CONTENT_RANGE).and_then(|range| range.rsplit('/').next().and_then(|n| n.parse().ok()))
    } else {
        text(header::CONTENT_LENGTH).and_then(|n| n.parse().ok())
    };
    let mtime = text(header::LAST_MODIFIED)
        .and_then(|date| chrono::DateTime::parse_from_rfc2822(&date).ok())
        .map(|date| {
            date.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        });
    Entry {
        path: path.to_string(),
        is_dir: false,
        size,
        size_approximate: false,
        mtime,
        etag: text(header::ETAG),
    }
}

#[async_trait]
impl Storage for HttpStorage {
    fn key(&self) -> &str {
        &self.spec.key
    }

    fn kind(&self) -> StorageType {
        StorageType::Http
    }

    fn block_size(&self) -> u64 {
        64 << 10
    }

    fn stats(&self) -> &Stats {
        &self.stats
    }

    async fn list(&self, dir: &str) -> Result<Vec<Entry>> {
        let dir = clean_path(dir)?;
        let url = self.url_of(&dir, true)?;
        let policy = self.spec.retry_policy();
        let (page_url, content_type, body) = policy
            .run("HTTP folder listing", || async {
                let request = self
                    .request(reqwest::Method::GET, url.clone())
                    .header(header::ACCEPT, "text/html, application/json;q=0.9, */*;q=0.5");
                let response = self.send(request, &dir).await?;
                let page_url = response.url().clone();
                let content_type = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let body = response.bytes().await.map_err(|err| self.transport_error(&err))?;
                self.stats.record(body.len() as u64);
                Ok((page_url, content_type, body))
            })
            .await?;
        let text = String::from_utf8_lossy(&body);
        let listed =
            listing::parse(&text, &content_type, &page_url).map_err(|detail| StorageError::Listing {
                path: dir.clone(),
                detail,
            })?;
        // Keep what lies below this folder; a page may link anywhere.
        let mut entries = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in listed {
            let Some(relative) = listing::relative_to(&self.base, &item.url) else {
                continue;
            };
            let Ok(relative) = clean_path(&relative) else {
                continue;
            };
            let below = if dir.is_empty() {
                !relative.is_empty()
            } else {
                relative.starts_with(&format!("{dir}/"))
            };
            if below && seen.insert(relative.clone()) {
                entries.push(Entry {
                    path: relative,
                    is_dir: item.is_dir,
                    size: item.size,
                    size_approximate: item.size_approximate,
                    mtime: item.mtime,
                    etag: None,
                });
            }
        }
        Ok(entries)
    }

    async fn stat(&self, path: &str) -> Result<Entry> {
        let path = clean_path(path)?;
        let url = self.url_of(&path, false)?;
        self.spec
            .retry_policy()
            .run("HTTP HEAD", || async {
                let response = self
                    .send(self.request(reqwest::Method::HEAD, url.clone()), &path)
                    .await;
                let response = match response {
                    // Some servers refuse HEAD: ask for the first byte instead.
                    Err(StorageError::Protocol { .. }) => {
                        let request = self
                            .request(reqwest::Method::GET, url.clone())
                            .header(header::RANGE, "bytes=0-0");
                        self.send(request, &path).await?
                    }
                    other => other?,
                };
                self.stats.record(0);
                Ok(entry_from_headers(&path, response.headers(), response.status()))
            })
            .await
    }

    async fn read_range(&self, path: &str, range: Range<u64>) -> Result<Bytes> {
        let path = clean_path(path)?;
        if range.start >= range.end {
            return Ok(Bytes::new());
        }
        if self.ranges.load(Ordering::Relaxed) == RANGES_NO {
            if let Some(bytes) = self.whole_files.get(&path) {
                return Ok(slice(&bytes, range));
            }
        }
        let url = self.url_of(&path, false)?;
        self.spec
            .retry_policy()
            .run("HTTP range read", || async {
                let request = self
                    .request(reqwest::Method::GET, url.clone())
                    .header(header::RANGE, format!("bytes={}-{}", range.start, range.end - 1));
                let response = self.send(request, &path).await?;
                match response.status() {
                    StatusCode::PARTIAL_CONTENT => {
                        self.ranges.store(RANGES_YES, Ordering::Relaxed);
                        let body = response.bytes().await.map_err(|err| self.transport_error(&err))?;
                        self.stats.record(body.len() as u64);
                        Ok(body)
                    }
                    StatusCode::RANGE_NOT_SATISFIABLE => Ok(Bytes::new()),
                    _ => {
                        self.ranges.store(RANGES_NO, Ordering::Relaxed);
                        let whole = self.whole_file(&path, response).await?;
                        Ok(slice(&whole, range.clone()))
                    }
                }
            })
            .await
    }

    async fn read_stream(&self, path: &str) -> Result<ByteStream> {
        let path = clean_path(path)?;
        let url = self.url_of(&path, false)?;
        let response = self
            .spec
            .retry_policy()
            .run("HTTP download", || async {
                self.send(self.request(reqwest::Method::GET, url.clone()), &path)
                    .await
            })
            .await?;
        let target = self.spec.target();
        let stream = response.bytes_stream().map_err(move |err| StorageError::Io {
            target: target.clone(),
            detail: err.to_string(),
        });
        Ok(stream.boxed())
    }
}

fn slice(bytes: &Bytes, range: Range<u64>) -> Bytes {
    let start = (range.start as usize).min(bytes.len());
    let end = (range.end as usize).min(bytes.len());
    bytes.slice(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A one-connection-per-answer HTTP server on loopback that redirects every request to
    /// `location(port)`.
    fn redirecting_server(location: fn(u16) -> String) -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(8) {
                let Ok(mut stream) = stream else { continue };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let path = String::from_utf8_lossy(&request);
                let answer = if path.starts_with("GET /moved/") {
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]".to_string()
                } else {
                    format!(
                        "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        location(port)
                    )
                };
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        port
    }

    fn storage(port: u16) -> HttpStorage {
        let mut spec = StorageSpec::new("test", StorageType::Http);
        spec.url = Some(url::Url::parse(&format!("http://127.0.0.1:{port}/ortho/")).unwrap());
        spec.retries = 0;
        HttpStorage::new(spec).unwrap()
    }

    #[tokio::test]
    async fn redirects_stay_on_the_storage_host() {
        let other_host = redirecting_server(|port| format!("http://localhost:{port}/moved/"));
        let err = storage(other_host).list("").await.unwrap_err();
        assert!(err.to_string().contains("another host"), "{err}");
        let same_host = redirecting_server(|port| format!("http://127.0.0.1:{port}/moved/"));
        let listed = storage(same_host).list("").await;
        assert!(
            !listed
                .as_ref()
                .is_err_and(|e| e.to_string().contains("another host")),
            "{listed:?}"
        );
    }
}
