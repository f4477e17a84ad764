//! Everything needed to reach a storage: protocol, address, start folder, credentials, TLS
//! and limits. Built from a catalogue record (credentials opened) or from a URL on the
//! command line.

use std::time::Duration;

use crate::config::Secret;
use crate::storage::{StorageType, TlsMode};

use super::retry::RetryPolicy;

/// A storage's connection parameters.
#[derive(Clone)]
pub struct StorageSpec {
    /// Key in `/vsidallage/<key>/` paths and cache keys (`s<id>` for catalogue storages).
    pub key: String,
    /// Protocol.
    pub kind: StorageType,
    /// For HTTP: the start URL (ends with `/`).
    pub url: Option<url::Url>,
    /// Host name or address (empty for `file`).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Start folder on the server (absolute, for FTP/SFTP/file).
    pub root: String,
    /// Login.
    pub username: Option<Secret>,
    /// Password.
    pub password: Option<Secret>,
    /// SSH private key (PEM), instead of or with a password.
    pub private_key: Option<Secret>,
    /// FTP TLS mode.
    pub tls: TlsMode,
    /// Accept any certificate.
    pub tls_insecure: bool,
    /// An extra trusted certificate (PEM).
    pub tls_ca_cert: Option<String>,
    /// Pinned SSH host key fingerprint (`SHA256:...`).
    pub host_key: Option<String>,
    /// Time limit per operation.
    pub timeout: Duration,
    /// Retries of transient failures.
    pub retries: u32,
    /// Most operations in flight at once on this storage.
    pub concurrency: usize,
    /// Largest file read whole from an HTTP server that ignores ranges.
    pub max_full_read: u64,
}

impl std::fmt::Debug for StorageSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageSpec")
            .field("key", &self.key)
            .field("kind", &self.kind)
            .field("target", &self.target())
            .field("root", &self.root)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

/// Why a URL can't describe a storage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StorageSpecError(pub String);

impl StorageSpec {
    /// Defaults for `kind` with nothing set.
    pub fn new(key: impl Into<String>, kind: StorageType) -> StorageSpec {
        StorageSpec {
            key: key.into(),
            kind,
            url: None,
            host: String::new(),
            port: default_port(kind, TlsMode::None),
            root: "/".into(),
            username: None,
            password: None,
            private_key: None,
            tls: TlsMode::None,
            tls_insecure: false,
            tls_ca_cert: None,
            host_key: None,
            timeout: Duration::from_secs(30),
            retries: 3,
            concurrency: default_concurrency(kind),
            max_full_read: 256 << 20,
        }
    }

    /// Parses `http(s)://`, `ftp://`, `ftps://` (explicit), `ftps+implicit://`, `sftp://`
    /// or `file://` URLs. A user in the URL is taken; a password in it is refused (give it
    /// through the environment instead, so it stays out of shell history and process lists).
    pub fn from_url(key: &str, text: &str) -> Result<StorageSpec, StorageSpecError> {
        let url =
            url::Url::parse(text).map_err(|err| StorageSpecError(format!("`{text}` is not a URL: {err}")))?;
        if url.password().is_some() {
            return Err(StorageSpecError(
                "put the password in an environment variable (--password-env), not in the URL".into(),
            ));
        }
        let (kind, tls) = match url.scheme() {
            "http" | "https" => (StorageType::Http, TlsMode::None),
            "ftp" => (StorageType::Ftp, TlsMode::None),
            "ftps" => (StorageType::Ftp, TlsMode::Explicit),
            "ftps+implicit" => (StorageType::Ftp, TlsMode::Implicit),
            "sftp" => (StorageType::Sftp, TlsMode::None),
            "file" => (StorageType::File, TlsMode::None),
            other => {
                return Err(StorageSpecError(format!(
                    "unsupported scheme `{other}` (http, https, ftp, ftps, ftps+implicit, sftp, file)"
                )))
            }
        };
        let mut spec = StorageSpec::new(key, kind);
        spec.tls = tls;
        if !url.username().is_empty() {
            let user = percent_decode(url.username());
            spec.username = Some(Secret(user));
        }
        match kind {
            StorageType::Http => {
                let mut base = url.clone();
                if !base.path().ends_with('/') {
                    let path = format!("{}/", base.path());
                    base.set_path(&path);
                }
                let _ = base.set_username("");
                spec.host = base.host_str().unwrap_or_default().to_string();
                spec.port = base.port_or_known_default().unwrap_or(80);
                spec.root = percent_decode(base.path());
                spec.url = Some(base);
            }
            StorageType::File => {
                spec.root = url
                    .to_file_path()
                    .map_err(|_| StorageSpecError(format!("`{text}` is not a local path")))?
                    .to_string_lossy()
                    .into_owned();
            }
            StorageType::Ftp | StorageType::Sftp => {
                spec.host = url
                    .host_str()
                    .filter(|h| !h.is_empty())
                    .ok_or_else(|| StorageSpecError(format!("`{text}` has no host")))?
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string();
                spec.port = url.port().unwrap_or(default_port(kind, tls));
                let path = percent_decode(url.path());
                spec.root = if path.is_empty() { "/".into() } else { path };
            }
        }
        Ok(spec)
    }

    /// `host:port` (or the folder for local storages), for messages.
    pub fn target(&self) -> String {
        match self.kind {
            StorageType::File => self.root.clone(),
            _ => format!("{}:{}", self.host, self.port),
        }
    }

    /// The retry policy these limits give.
    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            timeout: self.timeout,
            retries: self.retries,
            first_backoff: Duration::from_millis(250),
        }
    }
}

/// The usual port of a protocol.
pub fn default_port(kind: StorageType, tls: TlsMode) -> u16 {
    match (kind, tls) {
        (StorageType::Ftp, TlsMode::Implicit) => 990,
        (StorageType::Ftp, _) => 21,
        (StorageType::Sftp, _) => 22,
        (StorageType::Http, _) => 80,
        (StorageType::File, _) => 0,
    }
}

/// Operations in flight at once: FTP servers often cap connections per user at a handful.
fn default_concurrency(kind: StorageType) -> usize {
    match kind {
        StorageType::Http => 8,
        StorageType::Ftp => 3,
        StorageType::Sftp => 4,
        StorageType::File => 8,
    }
}

/// Decodes `%XX` escapes (UTF-8), leaving malformed ones as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_every_protocol() {
        let spec = StorageSpec::from_url("k", "https://data.example.fr/pcrs/ortho").unwrap();
        assert_eq!(spec.kind, StorageType::Http);
        assert_eq!(spec.url.unwrap().as_str(), "https://data.example.fr/pcrs/ortho/");
        let spec = StorageSpec::from_url("k", "ftps://jeu@ftp3.ign.fr/Ortho/Dalles%20JP2").unwrap();
        assert_eq!(
            (spec.kind, spec.tls, spec.port),
            (StorageType::Ftp, TlsMode::Explicit, 21)
        );
        assert_eq!(spec.root, "/Ortho/Dalles JP2");
        assert_eq!(spec.username.unwrap().expose(), "jeu");
        let spec = StorageSpec::from_url("k", "ftps+implicit://ftp.example.fr").unwrap();
        assert_eq!(
            (spec.tls, spec.port, spec.root.as_str()),
            (TlsMode::Implicit, 990, "/")
        );
        let spec = StorageSpec::from_url("k", "sftp://u@127.0.0.1:2222/data").unwrap();
        assert_eq!(
            (spec.kind, spec.port, spec.host.as_str()),
            (StorageType::Sftp, 2222, "127.0.0.1")
        );
        let spec = StorageSpec::from_url("k", "file:///srv/pcrs").unwrap();
        assert_eq!((spec.kind, spec.root.as_str()), (StorageType::File, "/srv/pcrs"));
        assert!(StorageSpec::from_url("k", "ftp://u:pw@x/").is_err());
        assert!(StorageSpec::from_url("k", "gopher://x/").is_err());
        assert!(!format!(
            "{:?}",
            StorageSpec::from_url("k", "ftp://secret-user@x/").unwrap()
        )
        .contains("secret-user"));
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("Dalles%20%C3%A9t%C3%A9"), "Dalles été");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
