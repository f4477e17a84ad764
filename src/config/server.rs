//! `[server]`, `[data]` and `[log]`: how the process listens, where it keeps its files, what it
//! logs.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

use super::{ByteSize, KeyError, Seconds};

/// `[server]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address the HTTP server binds to.
    pub listen: SocketAddr,
    /// Public base URL for links in documents; empty = from the request.
    pub public_url: String,
    /// HTTP worker threads; 0 = one per core.
    pub http_workers: usize,
    /// Blocking worker threads (GDAL); 0 = two per core.
    pub blocking_workers: usize,
    /// Jobs that may wait for a blocking worker.
    pub blocking_queue: usize,
    /// Longest time a request may take.
    pub request_timeout: Seconds,
    /// Largest request body.
    pub max_body_size: ByteSize,
    /// Grace period after a shutdown signal.
    pub shutdown_timeout: Seconds,
}

/// `[data]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Data directory.
    pub dir: PathBuf,
    /// A folder of SLD styles added to the shipped ones (a file that does not parse stops the
    /// start with its name and line).
    #[serde(default)]
    pub styles: Option<PathBuf>,
}

/// `[publisher]`: who publishes the ATOM feeds and metadata records.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherConfig {
    /// Title of the download service feed.
    pub title: String,
    /// Its subtitle.
    pub subtitle: String,
    /// Its rights statement (each deliverable's entry names its own licence).
    pub rights: String,
    /// The contact's name.
    pub name: String,
    /// The contact's e-mail address.
    pub email: String,
}

impl PublisherConfig {
    /// Checks that the e-mail address looks like one (the feeds' author must have one).
    pub fn check(&self) -> Result<(), KeyError> {
        let valid = self.email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !self.email.contains(' ')
        });
        if !valid {
            return Err(KeyError::new(
                "publisher.email",
                format!("`{}` is not an e-mail address", self.email),
            ));
        }
        Ok(())
    }
}

/// `[log]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// tracing EnvFilter directive.
    pub level: String,
    /// Output format.
    pub format: LogFormat,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl ServerConfig {
    /// Checks what types alone don't say.
    pub fn check(&self) -> Result<(), KeyError> {
        let public_url = &self.public_url;
        if !(public_url.is_empty() || public_url.starts_with("http://") || public_url.starts_with("https://"))
        {
            return Err(KeyError::new(
                "server.public_url",
                format!("`{public_url}` must start with http:// or https://"),
            ));
        }
        if self.blocking_queue == 0 {
            return Err(KeyError::new("server.blocking_queue", "must be at least 1"));
        }
        if self.request_timeout.0.is_zero() {
            return Err(KeyError::new("server.request_timeout", "must be more than zero"));
        }
        if self.max_body_size.0 < 1024 {
            return Err(KeyError::new("server.max_body_size", "must be at least 1 KiB"));
        }
        Ok(())
    }
}

impl LogConfig {
    /// Checks that the level is a filter tracing understands.
    pub fn check(&self) -> Result<(), KeyError> {
        tracing_subscriber::EnvFilter::try_new(&self.level)
            .map(|_| ())
            .map_err(|message| KeyError::new("log.level", message.to_string()))
    }
}
