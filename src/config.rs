//! Configuration: the embedded default `config/dallage.toml`, an optional file on top of it, then
//! `DALLAGE_<SECTION>_<KEY>` environment overrides. A bad file or value stops start-up with a
//! message that names the key.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// The default configuration, compiled into the binary so `dallage` runs with no file at all.
pub const EMBEDDED_DEFAULT: &str = include_str!("../config/dallage.toml");

/// The file read when `--config` is not given, if it exists in the working directory.
pub const DEFAULT_CONFIG_PATH: &str = "config/dallage.toml";

const ENV_PREFIX: &str = "DALLAGE_";

/// What went wrong while loading the configuration; every variant names where.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("configuration file {path} is not valid TOML: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// An environment variable does not map to a known section.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable's name.
        var: String,
        /// What is wrong with it.
        message: String,
    },
    /// A key has a value of the wrong type or an unknown name.
    #[error("configuration key `{key}`: {message}")]
    Key {
        /// Dotted path of the key, e.g. `server.listen`.
        key: String,
        /// What is wrong with it.
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// HTTP server.
    pub server: ServerConfig,
    /// Catalogue database.
    pub catalog: CatalogConfig,
    /// Data directory.
    pub data: DataConfig,
    /// Memory and disk caches.
    pub cache: CacheConfig,
    /// Limits on what clients may ask for.
    pub limits: LimitsConfig,
    /// Secrets and API keys.
    pub security: SecurityConfig,
    /// Logging.
    pub log: LogConfig,
}

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

/// `[catalog]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// `sqlite://PATH` or `postgres://...`.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// Connection timeout.
    pub connect_timeout: Seconds,
}

/// `[data]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Data directory.
    pub dir: PathBuf,
}

/// `[cache]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheConfig {
    /// Remote block cache, bytes.
    pub block_cache_size: ByteSize,
    /// Decoded raster block cache, bytes.
    pub decoded_cache_size: ByteSize,
    /// Tile memory tier, bytes.
    pub tile_memory_size: ByteSize,
    /// Tile disk tier, bytes (0 = off).
    pub tile_disk_size: ByteSize,
    /// Folder of the tile disk tier (empty = `<data.dir>/tiles`).
    pub tile_dir: PathBuf,
    /// What a tile outside a layer's coverage gets.
    pub empty_tiles: EmptyTiles,
    /// S3-compatible server of the bucket tier, `http(s)://host[:port]` (empty = no bucket tier).
    pub tile_s3_endpoint: String,
    /// Bucket of the tier.
    pub tile_s3_bucket: String,
    /// Region named in the signatures.
    pub tile_s3_region: String,
    /// Key prefix inside the bucket.
    pub tile_s3_prefix: String,
    /// Access key id.
    pub tile_s3_access_key: String,
    /// Secret access key (better given as `DALLAGE_CACHE_TILE_S3_SECRET_KEY`).
    pub tile_s3_secret_key: Secret,
    /// Bucket in the URL path (MinIO, Garage, Ceph) rather than in the host name (AWS).
    pub tile_s3_path_style: bool,
    /// Time limit of one bucket request.
    pub tile_s3_timeout: Seconds,
    /// Per-layer cache settings, by layer name (layers not listed are cached at every level).
    #[serde(default)]
    pub layers: std::collections::BTreeMap<String, LayerCacheConfig>,
}

/// `[cache.layers."<layer>"]`: whether and at which levels a layer's tiles are cached (tiles
/// outside are still served, drawn on each request).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerCacheConfig {
    /// Cache this layer's tiles at all.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Coarsest level cached.
    #[serde(default)]
    pub min_level: u32,
    /// Finest level cached.
    #[serde(default = "finest_level")]
    pub max_level: u32,
}

fn enabled_by_default() -> bool {
    true
}

fn finest_level() -> u32 {
    u32::MAX
}

impl LayerCacheConfig {
    /// Whether tiles of level `z` are cached.
    pub fn caches(&self, z: u32) -> bool {
        self.enabled && (self.min_level..=self.max_level).contains(&z)
    }
}

/// What a tile outside a layer's coverage gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmptyTiles {
    /// HTTP 204 with no body (the cheapest; web map libraries draw nothing).
    NoContent,
    /// A transparent tile (white for JPEG), the same bytes for every such request.
    Transparent,
}

/// `[limits]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest GetMap width.
    pub max_image_width: u32,
    /// Largest GetMap height.
    pub max_image_height: u32,
    /// Most features in one page.
    pub max_features_per_page: u32,
    /// Largest bulk download.
    pub max_download_size: ByteSize,
    /// Deepest folder a scan follows.
    pub scan_max_depth: u32,
    /// Most files a scan lists.
    pub scan_max_files: u64,
    /// Time allowed for one storage operation.
    pub storage_timeout: Seconds,
    /// Largest JSON API page.
    pub max_page_size: u32,
    /// Longest value of a query parameter of the JSON API (search texts, codes), in characters.
    pub max_query_text: u32,
}

/// `[security]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    /// Secret for credential encryption; empty = key file in the data dir.
    pub secret_key: Secret,
    /// Admin API keys.
    pub api_keys: Vec<ApiKeyConfig>,
    /// Hosts that storages may name (`name`, an IP address, or `*.domain`); empty = any.
    #[serde(default)]
    pub storage_hosts: Vec<String>,
}

/// One API key of `[[security.api_keys]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// Who holds it (shown in logs, never the key).
    pub name: String,
    /// What it may do.
    pub role: ApiRole,
    /// For porteurs: the SIRENs whose projects the key may change.
    #[serde(default)]
    pub sirens: Vec<String>,
    /// Hex SHA-256 of the key.
    #[serde(default)]
    pub key_sha256: Option<String>,
    /// The key in clear (prefer `key_sha256`).
    #[serde(default)]
    pub key: Option<Secret>,
}

/// Role of an API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiRole {
    /// Everything.
    Admin,
    /// Only its own projects.
    Porteur,
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

/// A string that never shows in `Debug` output or logs.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    /// The secret itself; call only where it is used, never to print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("\"***\"")
        }
    }
}

/// A size in bytes, written as a number or as a string with a unit ("64 MiB").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// Parses "123", "512 KiB", "64MiB", "2 GiB", "10 GB".
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a size (expected e.g. 512, \"64 MiB\")"))?;
        let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" => 1_000,
            "kib" | "k" => 1 << 10,
            "mb" => 1_000_000,
            "mib" | "m" => 1 << 20,
            "gb" => 1_000_000_000,
            "gib" | "g" => 1 << 30,
            "tb" => 1_000_000_000_000,
            "tib" | "t" => 1 << 40,
            other => return Err(format!("unknown size unit `{other}` in `{text}`")),
        };
        Ok(ByteSize((number * factor as f64).round() as u64))
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match NumberOrText::deserialize(deserializer)? {
            NumberOrText::Number(n) if n >= 0 => Ok(ByteSize(n as u64)),
            NumberOrText::Number(n) => Err(serde::de::Error::custom(format!(
                "size must not be negative, got {n}"
            ))),
            NumberOrText::Text(text) => ByteSize::parse(&text).map_err(serde::de::Error::custom),
        }
    }
}

/// A duration, written as a number of seconds or as a string with a unit ("500 ms", "5 min").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub Duration);

impl Seconds {
    /// Parses "30", "500 ms", "30 s", "5 min", "2 h", "1 d".
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a duration (expected e.g. 30, \"500 ms\")"))?;
        let seconds = match unit.trim().to_ascii_lowercase().as_str() {
            "ms" => number / 1000.0,
            "" | "s" | "sec" => number,
            "min" | "m" => number * 60.0,
            "h" => number * 3600.0,
            "d" => number * 86400.0,
            other => return Err(format!("unknown duration unit `{other}` in `{text}`")),
        };
        Ok(Seconds(Duration::from_secs_f64(seconds)))
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match NumberOrText::deserialize(deserializer)? {
            NumberOrText::Number(n) if n >= 0 => Ok(Seconds(Duration::from_secs(n as u64))),
            NumberOrText::Number(n) => Err(serde::de::Error::custom(format!(
                "duration must not be negative, got {n}"
            ))),
            NumberOrText::Text(text) => Seconds::parse(&text).map_err(serde::de::Error::custom),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(i64),
    Text(String),
}

impl Config {
    /// Loads the embedded default, then `file` (or `config/dallage.toml` if present when `file`
    /// is `None`), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_with_env(file, std::env::vars())
    }

    /// Like [`Config::load`] with an explicit environment (tests).
    pub fn load_with_env(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = parse_table(EMBEDDED_DEFAULT, "<embedded default>")?;
        let file = match file {
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_PATH)).filter(|p| p.is_file()),
        };
        if let Some(path) = file {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let overlay = parse_table(&text, &path.display().to_string())?;
            merge_tables(&mut table, overlay);
        }
        apply_env(&mut table, env)?;
        let config = Self::from_table(table)?;
        config.validate()?;
        Ok(config)
    }

    /// Parses a complete configuration from TOML text (no file, no environment).
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let mut table = parse_table(EMBEDDED_DEFAULT, "<embedded default>")?;
        merge_tables(&mut table, parse_table(text, "<text>")?);
        let config = Self::from_table(table)?;
        config.validate()?;
        Ok(config)
    }

    fn from_table(table: toml::Table) -> Result<Config, ConfigError> {
        serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|err| {
            let key = err.path().to_string();
            let message = err.into_inner().to_string();
            ConfigError::Key { key, message }
        })
    }

    /// Semantic checks that types alone don't express.
    /// The bucket tier's settings, when it is on.
    pub fn tile_s3(&self) -> Option<crate::tiles::S3Settings> {
        let cache = &self.cache;
        (!cache.tile_s3_endpoint.is_empty()).then(|| crate::tiles::S3Settings {
            endpoint: cache.tile_s3_endpoint.clone(),
            bucket: cache.tile_s3_bucket.clone(),
            region: cache.tile_s3_region.clone(),
            prefix: cache.tile_s3_prefix.clone(),
            access_key: cache.tile_s3_access_key.clone(),
            secret_key: cache.tile_s3_secret_key.clone(),
            path_style: cache.tile_s3_path_style,
            timeout: cache.tile_s3_timeout.0,
        })
    }

    fn validate_tile_s3(&self) -> Result<(), ConfigError> {
        match self.tile_s3().map(|settings| settings.check()) {
            Some(Err((key, message))) => Err(ConfigError::Key {
                key: key.to_string(),
                message,
            }),
            _ => Ok(()),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let key_error = |key: &str, message: String| ConfigError::Key {
            key: key.to_string(),
            message,
        };
        let url = &self.catalog.url;
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(key_error(
                "catalog.url",
                format!("`{url}` is neither sqlite://PATH nor postgres://..."),
            ));
        }
        if self.catalog.max_connections == 0 {
            return Err(key_error("catalog.max_connections", "must be at least 1".into()));
        }
        let public_url = &self.server.public_url;
        if !(public_url.is_empty() || public_url.starts_with("http://") || public_url.starts_with("https://"))
        {
            return Err(key_error(
                "server.public_url",
                format!("`{public_url}` must start with http:// or https://"),
            ));
        }
        if self.server.blocking_queue == 0 {
            return Err(key_error("server.blocking_queue", "must be at least 1".into()));
        }
        if self.server.request_timeout.0.is_zero() {
            return Err(key_error(
                "server.request_timeout",
                "must be more than zero".into(),
            ));
        }
        if self.server.max_body_size.0 < 1024 {
            return Err(key_error("server.max_body_size", "must be at least 1 KiB".into()));
        }
        for (name, value) in [
            ("limits.max_image_width", self.limits.max_image_width),
            ("limits.max_image_height", self.limits.max_image_height),
            ("limits.max_features_per_page", self.limits.max_features_per_page),
            ("limits.max_page_size", self.limits.max_page_size),
            ("limits.max_query_text", self.limits.max_query_text),
        ] {
            if value == 0 {
                return Err(key_error(name, "must be at least 1".into()));
            }
        }
        if self.limits.max_query_text as usize > crate::catalog::MAX_SEARCH_TEXT {
            return Err(key_error(
                "limits.max_query_text",
                format!("must be at most {}", crate::catalog::MAX_SEARCH_TEXT),
            ));
        }
        if self.limits.storage_timeout.0.is_zero() {
            return Err(key_error(
                "limits.storage_timeout",
                "must be more than zero".into(),
            ));
        }
        self.validate_tile_s3()?;
        for (index, host) in self.security.storage_hosts.iter().enumerate() {
            let name = host.strip_prefix("*.").unwrap_or(host);
            let bracketed = name
                .strip_prefix('[')
                .and_then(|inner| inner.strip_suffix(']'))
                .is_some_and(|inner| inner.parse::<std::net::Ipv6Addr>().is_ok());
            let plain = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
                && (!name.contains(':') || name.parse::<std::net::Ipv6Addr>().is_ok());
            if !(plain || bracketed) {
                return Err(key_error(
                    &format!("security.storage_hosts[{index}]"),
                    format!("`{host}` is not a host name, an IP address or `*.domain` (no scheme, port or path; write internationalised names in their xn-- form)"),
                ));
            }
        }
        for (index, key) in self.security.api_keys.iter().enumerate() {
            let at = |field: &str| format!("security.api_keys[{index}].{field}");
            if key.name.trim().is_empty() {
                return Err(key_error(&at("name"), "must not be empty".into()));
            }
            match (&key.key_sha256, &key.key) {
                (Some(hex), None) => {
                    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                        return Err(key_error(&at("key_sha256"), "must be 64 hex digits".into()));
                    }
                }
                (None, Some(plain)) => {
                    if plain.expose().len() < 16 {
                        return Err(key_error(&at("key"), "must be at least 16 characters".into()));
                    }
                }
                _ => {
                    return Err(key_error(
                        &at("key"),
                        "give exactly one of `key_sha256` and `key`".into(),
                    ))
                }
            }
            if key.role == ApiRole::Porteur && key.sirens.is_empty() {
                return Err(key_error(
                    &at("sirens"),
                    "a porteur key needs at least one SIREN".into(),
                ));
            }
        }
        if let Err(message) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return Err(key_error("log.level", message.to_string()));
        }
        Ok(())
    }

    /// Number of blocking workers, resolving 0 to two per core: a worker often waits, for a
    /// block another worker is decoding or for a storage read, and a waiting worker leaves
    /// its core to the others (cold tiles: 107 instead of 72 tiles/s on 2 cores).
    pub fn blocking_workers(&self) -> usize {
        match self.server.blocking_workers {
            0 => 2 * num_cpus::get().max(1),
            configured => configured,
        }
    }

    /// Number of HTTP workers, resolving 0 to the number of cores.
    pub fn http_workers(&self) -> usize {
        resolve_workers(self.server.http_workers)
    }
}

fn resolve_workers(configured: usize) -> usize {
    if configured == 0 {
        num_cpus::get().max(1)
    } else {
        configured
    }
}

fn parse_table(text: &str, origin: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|err| ConfigError::Syntax {
        path: origin.to_string(),
        message: err.to_string().trim().to_string(),
    })
}

/// Deep-merges `overlay` into `base`: tables merge key by key, other values replace.
fn merge_tables(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(overlay_table)) => {
                merge_tables(base_table, overlay_table)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Applies `DALLAGE_<SECTION>_<KEY>` variables. The section is matched against the sections
/// of the default configuration, so keys with underscores work (`DALLAGE_SERVER_MAX_BODY_SIZE`).
fn apply_env(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(), ConfigError> {
    let mut sections: Vec<String> = table.keys().cloned().collect();
    // Longest first, so a section name that prefixes another can't steal its variables.
    sections.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut vars: Vec<(String, String)> = env
        .into_iter()
        .filter(|(name, _)| name.starts_with(ENV_PREFIX))
        .collect();
    vars.sort();
    for (var, raw) in vars {
        let rest = &var[ENV_PREFIX.len()..];
        let Some(section) = sections.iter().find(|section| {
            let prefix = format!("{}_", section.to_ascii_uppercase());
            rest.starts_with(&prefix)
        }) else {
            // Variables like DALLAGE_TEST_* belong to the test harness, not to the config.
            if sections.iter().any(|s| rest.eq_ignore_ascii_case(s)) {
                return Err(ConfigError::Env {
                    var,
                    message: "names a section but no key (expected DALLAGE_<SECTION>_<KEY>)".into(),
                });
            }
            continue;
        };
        let key = rest[section.len() + 1..].to_ascii_lowercase();
        let value = parse_env_value(&raw);
        let Some(toml::Value::Table(section_table)) = table.get_mut(section.as_str()) else {
            return Err(ConfigError::Env {
                var,
                message: format!("section `{section}` is not a table"),
            });
        };
        if !section_table.contains_key(&key) {
            return Err(ConfigError::Env {
                var,
                message: format!("`{section}.{key}` is not a configuration key"),
            });
        }
        section_table.insert(key, value);
    }
    Ok(())
}

/// Reads an environment value as a TOML value when it is one (`8`, `true`, `[...]`), else as
/// a plain string (`127.0.0.1:8080`, `sqlite://data/x.db`).
fn parse_env_value(raw: &str) -> toml::Value {
    let document = format!("value = {raw}");
    match document.parse::<toml::Table>() {
        Ok(mut parsed) => parsed
            .remove("value")
            .unwrap_or_else(|| toml::Value::String(raw.to_string())),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, text).unwrap();
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        Config::load_with_env(Some(&path), env)
    }

    #[test]
    fn embedded_default_loads() {
        let config = load("", &[]).unwrap();
        assert_eq!(config.server.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.catalog.url, "sqlite://data/dallage.db");
        assert_eq!(config.cache.block_cache_size, ByteSize(256 << 20));
        assert_eq!(config.server.request_timeout, Seconds(Duration::from_secs(60)));
    }

    #[test]
    fn file_overrides_default_and_env_overrides_file() {
        let config = load(
            "[server]\nlisten = \"127.0.0.1:9000\"\nmax_body_size = \"1 MiB\"\n",
            &[
                ("DALLAGE_SERVER_MAX_BODY_SIZE", "2048"),
                ("DALLAGE_LIMITS_MAX_IMAGE_WIDTH", "100"),
            ],
        )
        .unwrap();
        assert_eq!(config.server.listen.port(), 9000);
        assert_eq!(config.server.max_body_size, ByteSize(2048));
        assert_eq!(config.limits.max_image_width, 100);
    }

    #[test]
    fn env_string_values_and_inline_tables() {
        let config = load(
            "",
            &[
                ("DALLAGE_CATALOG_URL", "sqlite://x.db"),
                (
                    "DALLAGE_SECURITY_API_KEYS",
                    "[{name=\"ci\", role=\"admin\", key=\"0123456789abcdef\"}]",
                ),
            ],
        )
        .unwrap();
        assert_eq!(config.catalog.url, "sqlite://x.db");
        assert_eq!(config.security.api_keys[0].role, ApiRole::Admin);
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = load("[server]\nlisten = \"nowhere\"\n", &[]).unwrap_err();
        assert!(err.to_string().contains("server.listen"), "{err}");
        let err = load("[cache]\nblock_cache_size = \"12 parsecs\"\n", &[]).unwrap_err();
        assert!(err.to_string().contains("cache.block_cache_size"), "{err}");
        let err = load("[server]\nlisten_port = 3\n", &[]).unwrap_err();
        assert!(err.to_string().contains("listen_port"), "{err}");
        let err = load("[catalog]\nurl = \"mysql://x\"\n", &[]).unwrap_err();
        assert!(err.to_string().contains("catalog.url"), "{err}");
        let err = load("[limits]\nmax_image_width = -3\n", &[]).unwrap_err();
        assert!(err.to_string().contains("limits.max_image_width"), "{err}");
        for bad in [
            "http://ftp.example.fr",
            "ftp.example.fr:21",
            "data.example.fr/pcrs",
            "",
            "*.",
        ] {
            let text = format!("[security]\nstorage_hosts = [\"{bad}\"]\n");
            let err = Config::from_toml(&text).unwrap_err();
            assert!(
                err.to_string().contains("security.storage_hosts[0]"),
                "{bad}: {err}"
            );
        }
        let good =
            "[security]\nstorage_hosts = [\"127.0.0.1\", \"::1\", \"*.example.fr\", \"ftp.example.fr\"]\n";
        assert_eq!(Config::from_toml(good).unwrap().security.storage_hosts.len(), 4);
        let err = load("", &[("DALLAGE_SERVER_NOPE", "1")]).unwrap_err();
        assert!(err.to_string().contains("DALLAGE_SERVER_NOPE"), "{err}");
        let err = load("[log]\nlevel = \"dallage=loud\"\n", &[]).unwrap_err();
        assert!(err.to_string().contains("log.level"), "{err}");
        let err = load("[server\n", &[]).unwrap_err();
        assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
    }

    #[test]
    fn api_key_rules() {
        let err = load(
            "[[security.api_keys]]\nname=\"p\"\nrole=\"porteur\"\nkey=\"0123456789abcdef\"\n",
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("security.api_keys[0].sirens"), "{err}");
        let err = load(
            "[[security.api_keys]]\nname=\"a\"\nrole=\"admin\"\nkey_sha256=\"zz\"\n",
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("key_sha256"), "{err}");
    }

    #[test]
    fn sizes_and_durations_parse() {
        assert_eq!(ByteSize::parse("64 MiB").unwrap(), ByteSize(64 << 20));
        assert_eq!(ByteSize::parse("10GB").unwrap(), ByteSize(10_000_000_000));
        assert!(ByteSize::parse("ten").is_err());
        assert_eq!(Seconds::parse("500 ms").unwrap().0, Duration::from_millis(500));
        assert_eq!(Seconds::parse("5 min").unwrap().0, Duration::from_secs(300));
        assert!(Seconds::parse("5 fortnights").is_err());
    }

    #[test]
    fn the_bucket_tier_is_checked_at_start_up() {
        let bucket = "[cache]\ntile_s3_bucket = \"tiles\"\ntile_s3_access_key = \"id\"\n";
        let with = |extra: &str| {
            load(
                &format!("{bucket}{extra}"),
                &[("DALLAGE_CACHE_TILE_S3_SECRET_KEY", "s3cr3t-value")],
            )
        };
        let config = with("tile_s3_endpoint = \"http://127.0.0.1:9000\"\n").unwrap();
        let settings = config.tile_s3().unwrap();
        assert_eq!(
            (settings.bucket.as_str(), settings.secret_key.expose()),
            ("tiles", "s3cr3t-value")
        );
        assert!(!format!("{config:?}").contains("s3cr3t"));
        for (extra, key) in [
            (
                "tile_s3_endpoint = \"http://127.0.0.1:9000/tiles\"\n",
                "cache.tile_s3_endpoint",
            ),
            ("tile_s3_endpoint = \"s3://bucket\"\n", "cache.tile_s3_endpoint"),
            (
                "tile_s3_endpoint = \"http://127.0.0.1:9000\"\ntile_s3_region = \"\"\n",
                "cache.tile_s3_region",
            ),
        ] {
            let err = with(extra).unwrap_err().to_string();
            assert!(err.contains(key), "{extra}: {err}");
        }
        let err = load(&format!("{bucket}tile_s3_endpoint = \"http://h:1\"\n"), &[]).unwrap_err();
        assert!(err.to_string().contains("cache.tile_s3_secret_key"), "{err}");
        assert!(load("", &[]).unwrap().tile_s3().is_none(), "off by default");
    }

    #[test]
    fn secrets_do_not_print() {
        let config = load("[security]\nsecret_key = \"hunter2-very-secret\"\n", &[]).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
