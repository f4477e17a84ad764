//! Configuration: the embedded default `config/dallage.toml`, an optional file on top of it, then
//! `DALLAGE_<SECTION>_<KEY>` environment overrides. A bad file or value stops start-up with a
//! message that names the key.
//!
//! This file merges the sources and names keys; each section is a struct of its own file with
//! its own `check()`. The configuration imports no other module of the crate: modules read
//! their section from it.

mod cache;
mod catalog;
mod limits;
mod security;
mod server;
mod statistics;
mod values;

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use cache::{CacheConfig, EmptyTiles, LayerCacheConfig, S3Config};
pub use catalog::CatalogConfig;
pub use limits::{LimitsConfig, MAX_SEARCH_TEXT};
pub use security::{host_listed, ApiKeyConfig, ApiRole, SecurityConfig};
pub use server::{DataConfig, LogConfig, LogFormat, PublisherConfig, ServerConfig};
pub use statistics::{StatisticsConfig, TERRITORY_TYPES};
pub use values::{ByteSize, Seconds, Secret};

/// The default configuration, compiled into the binary so `dallage` runs with no file at all.
pub const EMBEDDED_DEFAULT: &str = include_str!("../../config/dallage.toml");

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
    /// Who publishes the feeds.
    pub publisher: PublisherConfig,
    /// How the statistics page classes territories.
    pub statistics: StatisticsConfig,
    /// Deprecated keys found while loading, each with what replaces it (logged at start-up).
    #[serde(skip)]
    pub deprecated: Vec<String>,
}

/// A key whose value a section's `check()` refuses: its dotted name and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    /// Dotted path of the key, e.g. `cache.s3.endpoint`.
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

impl KeyError {
    /// The key `key` is wrong because of `message`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> KeyError {
        KeyError {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl From<KeyError> for ConfigError {
    fn from(err: KeyError) -> ConfigError {
        ConfigError::Key {
            key: err.key,
            message: err.message,
        }
    }
}

/// Keys that moved, as `(old, new)` dotted paths: still read, named as deprecated at start-up.
const MOVED_KEYS: &[(&str, &str)] = &[
    ("cache.tile_s3_endpoint", "cache.s3.endpoint"),
    ("cache.tile_s3_bucket", "cache.s3.bucket"),
    ("cache.tile_s3_region", "cache.s3.region"),
    ("cache.tile_s3_prefix", "cache.s3.prefix"),
    ("cache.tile_s3_access_key", "cache.s3.access_key"),
    ("cache.tile_s3_secret_key", "cache.s3.secret_key"),
    ("cache.tile_s3_path_style", "cache.s3.path_style"),
    ("cache.tile_s3_timeout", "cache.s3.timeout"),
];

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
        let mut deprecated = Vec::new();
        let file = match file {
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_PATH)).filter(|p| p.is_file()),
        };
        if let Some(path) = file {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let mut overlay = parse_table(&text, &path.display().to_string())?;
            move_keys(&mut overlay, &mut deprecated);
            merge_tables(&mut table, overlay);
        }
        apply_env(&mut table, env, &mut deprecated)?;
        let mut config = Self::from_table(table)?;
        config.check()?;
        config.deprecated = deprecated;
        Ok(config)
    }

    /// Parses a complete configuration from TOML text (no file, no environment).
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let mut table = parse_table(EMBEDDED_DEFAULT, "<embedded default>")?;
        let mut deprecated = Vec::new();
        let mut overlay = parse_table(text, "<text>")?;
        move_keys(&mut overlay, &mut deprecated);
        merge_tables(&mut table, overlay);
        let mut config = Self::from_table(table)?;
        config.check()?;
        config.deprecated = deprecated;
        Ok(config)
    }

    fn from_table(table: toml::Table) -> Result<Config, ConfigError> {
        serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|err| {
            let key = err.path().to_string();
            let message = err.into_inner().to_string();
            ConfigError::Key { key, message }
        })
    }

    /// Checks what types alone don't say, section by section.
    fn check(&self) -> Result<(), KeyError> {
        self.server.check()?;
        self.catalog.check()?;
        self.cache.check()?;
        self.limits.check()?;
        self.security.check()?;
        self.publisher.check()?;
        self.statistics.check()?;
        self.log.check()
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
    deprecated: &mut Vec<String>,
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
        let mut dotted = format!("{section}.{key}");
        if let Some((old, new)) = MOVED_KEYS.iter().find(|(old, _)| *old == dotted) {
            deprecated.push(format!("{var} (`{old}`) is deprecated: use {}", env_name(new)));
            dotted = new.to_string();
        }
        let Some(slot) = key_slot(table, &dotted) else {
            return Err(ConfigError::Env {
                var,
                message: format!("`{dotted}` is not a configuration key"),
            });
        };
        *slot = value;
    }
    Ok(())
}

/// The value of an existing key, found through sub-tables: `cache.s3_secret_key` reaches
/// `cache.s3.secret_key` (environment names flatten the dots into underscores).
fn key_slot<'a>(table: &'a mut toml::Table, dotted: &str) -> Option<&'a mut toml::Value> {
    let (section, key) = dotted.split_once('.')?;
    let mut current: &mut toml::Table = match table.get_mut(section)? {
        toml::Value::Table(section) => section,
        _ => return None,
    };
    let mut rest = key.to_string();
    loop {
        if current.contains_key(&rest) {
            return current.get_mut(&rest);
        }
        let (sub, tail) = rest.split_once(['.', '_'])?;
        let sub = current.keys().find(|k| k.as_str() == sub)?.clone();
        match current.get_mut(&sub) {
            Some(toml::Value::Table(next)) => {
                current = next;
                rest = tail.to_string();
            }
            _ => return None,
        }
    }
}

/// The environment variable of a dotted key.
fn env_name(dotted: &str) -> String {
    format!("{ENV_PREFIX}{}", dotted.replace('.', "_").to_ascii_uppercase())
}

/// Moves keys of [`MOVED_KEYS`] found in `table` (a file's) to their new place, noting each.
fn move_keys(table: &mut toml::Table, deprecated: &mut Vec<String>) {
    for (old, new) in MOVED_KEYS {
        let (old_section, old_key) = old.split_once('.').unwrap_or(("", old));
        let Some(toml::Value::Table(section)) = table.get_mut(old_section) else {
            continue;
        };
        let Some(value) = section.remove(old_key) else {
            continue;
        };
        deprecated.push(format!("configuration key `{old}` is deprecated: write `{new}`"));
        let mut parts: Vec<&str> = new.split('.').collect();
        let leaf = parts.pop().unwrap_or_default();
        if let Some(place) = table_at(table, &parts) {
            // A key written in its new place as well wins over the old one.
            place.entry(leaf.to_string()).or_insert(value);
        }
    }
}

/// The sub-table at `path`, made when missing (`None` when a value that is not a table is
/// in the way).
fn table_at<'a>(table: &'a mut toml::Table, path: &[&str]) -> Option<&'a mut toml::Table> {
    let Some((first, rest)) = path.split_first() else {
        return Some(table);
    };
    match table
        .entry(first.to_string())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
    {
        toml::Value::Table(next) => table_at(next, rest),
        _ => None,
    }
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
    use std::time::Duration;

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
        let bucket = "[cache.s3]\nbucket = \"tiles\"\naccess_key = \"id\"\n";
        let with = |extra: &str| {
            load(
                &format!("{bucket}{extra}"),
                &[("DALLAGE_CACHE_S3_SECRET_KEY", "s3cr3t-value")],
            )
        };
        let config = with("endpoint = \"http://127.0.0.1:9000\"\n").unwrap();
        let s3 = &config.cache.s3;
        assert!(s3.enabled());
        assert_eq!(
            (s3.bucket.as_str(), s3.secret_key.expose()),
            ("tiles", "s3cr3t-value")
        );
        assert!(!format!("{config:?}").contains("s3cr3t"));
        assert!(config.deprecated.is_empty(), "{:?}", config.deprecated);
        for (extra, key) in [
            (
                "endpoint = \"http://127.0.0.1:9000/tiles\"\n",
                "cache.s3.endpoint",
            ),
            ("endpoint = \"s3://bucket\"\n", "cache.s3.endpoint"),
            (
                "endpoint = \"http://127.0.0.1:9000\"\nregion = \"\"\n",
                "cache.s3.region",
            ),
        ] {
            let err = with(extra).unwrap_err().to_string();
            assert!(err.contains(key), "{extra}: {err}");
        }
        let err = load(&format!("{bucket}endpoint = \"http://h:1\"\n"), &[]).unwrap_err();
        assert!(err.to_string().contains("cache.s3.secret_key"), "{err}");
        assert!(!load("", &[]).unwrap().cache.s3.enabled(), "off by default");
    }

    #[test]
    fn the_old_flat_bucket_keys_still_work_and_are_named_deprecated() {
        let config = load(
            "[cache]\ntile_s3_endpoint = \"http://127.0.0.1:9000\"\ntile_s3_bucket = \"tiles\"\n\
             tile_s3_access_key = \"id\"\ntile_s3_timeout = \"3 s\"\n",
            &[("DALLAGE_CACHE_TILE_S3_SECRET_KEY", "s3cr3t-value")],
        )
        .unwrap();
        let s3 = &config.cache.s3;
        assert_eq!(
            (
                s3.endpoint.as_str(),
                s3.bucket.as_str(),
                s3.secret_key.expose(),
                s3.timeout.0
            ),
            (
                "http://127.0.0.1:9000",
                "tiles",
                "s3cr3t-value",
                Duration::from_secs(3)
            )
        );
        let notes = config.deprecated.join("\n");
        for named in [
            "cache.tile_s3_endpoint",
            "cache.s3.endpoint",
            "DALLAGE_CACHE_TILE_S3_SECRET_KEY",
            "DALLAGE_CACHE_S3_SECRET_KEY",
        ] {
            assert!(notes.contains(named), "{named} in {notes}");
        }
        // The new place wins when both are written.
        let both =
            Config::from_toml("[cache]\ntile_s3_prefix = \"old/\"\n[cache.s3]\nprefix = \"new/\"\n").unwrap();
        assert_eq!(both.cache.s3.prefix, "new/");
        let err = load("", &[("DALLAGE_CACHE_S3_NOPE", "1")]).unwrap_err();
        assert!(err.to_string().contains("cache.s3_nope"), "{err}");
    }

    #[test]
    fn secrets_do_not_print() {
        let config = load("[security]\nsecret_key = \"hunter2-very-secret\"\n", &[]).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
