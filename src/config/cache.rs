//! `[cache]`: the block caches, the tile cache's memory, disk and bucket tiers, per-layer
//! settings.

use std::path::PathBuf;

use serde::Deserialize;

use super::{ByteSize, KeyError, Seconds, Secret};

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
    /// Memory for vector tiles (MVT) made, bytes (0 = made on every request).
    pub vector_tile_memory_size: ByteSize,
    /// Tile disk tier, bytes (0 = off).
    pub tile_disk_size: ByteSize,
    /// Folder of the tile disk tier (empty = `<data.dir>/tiles`).
    pub tile_dir: PathBuf,
    /// What a tile outside a layer's coverage gets.
    pub empty_tiles: EmptyTiles,
    /// The bucket tier (`[cache.s3]`).
    pub s3: S3Config,
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

/// `[cache.s3]`: the bucket tier of the tile cache, an S3-compatible bucket below memory and
/// disk (off while `endpoint` is empty). Its keys were once flat in `[cache]`
/// (`tile_s3_endpoint`…); those are still read, and named as deprecated at start-up.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    /// S3-compatible server, `http(s)://host[:port]` (empty = no bucket tier).
    pub endpoint: String,
    /// Bucket of the tier.
    pub bucket: String,
    /// Region named in the signatures (`us-east-1` for most servers that ignore it).
    pub region: String,
    /// Key prefix inside the bucket (`tiles/`), possibly empty.
    pub prefix: String,
    /// Access key id.
    pub access_key: String,
    /// Secret access key (better given as `DALLAGE_CACHE_S3_SECRET_KEY`).
    pub secret_key: Secret,
    /// Bucket in the URL path (MinIO, Garage, Ceph) rather than in the host name (AWS).
    pub path_style: bool,
    /// Time limit of one bucket request.
    pub timeout: Seconds,
}

impl S3Config {
    /// Whether the bucket tier is on.
    pub fn enabled(&self) -> bool {
        !self.endpoint.is_empty()
    }

    /// The bucket these settings name (the endpoint and bucket name checked).
    pub fn bucket(&self) -> Result<rusty_s3::Bucket, KeyError> {
        let endpoint = url::Url::parse(&self.endpoint)
            .map_err(|err| KeyError::new("cache.s3.endpoint", format!("`{}`: {err}", self.endpoint)))?;
        let style = if self.path_style {
            rusty_s3::UrlStyle::Path
        } else {
            rusty_s3::UrlStyle::VirtualHost
        };
        rusty_s3::Bucket::new(endpoint, style, self.bucket.clone(), self.region.clone())
            .map_err(|err| KeyError::new("cache.s3.bucket", format!("`{}`: {err}", self.bucket)))
    }

    /// Checks every setting of an enabled tier without connecting.
    pub fn check(&self) -> Result<(), KeyError> {
        if !self.enabled() {
            return Ok(());
        }
        let endpoint = url::Url::parse(&self.endpoint).ok();
        if !endpoint.as_ref().is_some_and(|url| {
            matches!(url.scheme(), "http" | "https") && url.host_str().is_some() && url.path() == "/"
        }) {
            return Err(KeyError::new(
                "cache.s3.endpoint",
                format!(
                    "`{}` must be http(s)://host[:port], without a path",
                    self.endpoint
                ),
            ));
        }
        for (name, value) in [
            ("cache.s3.bucket", &self.bucket),
            ("cache.s3.region", &self.region),
            ("cache.s3.access_key", &self.access_key),
            ("cache.s3.secret_key", &self.secret_key.0),
        ] {
            if value.is_empty() {
                return Err(KeyError::new(name, "is required when cache.s3.endpoint is set"));
            }
        }
        if self.timeout.0.is_zero() {
            return Err(KeyError::new("cache.s3.timeout", "must be more than zero"));
        }
        self.bucket().map(|_| ())
    }
}

impl CacheConfig {
    /// Checks the bucket tier and the per-layer levels.
    pub fn check(&self) -> Result<(), KeyError> {
        self.s3.check()?;
        for (layer, settings) in &self.layers {
            if settings.min_level > settings.max_level {
                return Err(KeyError::new(
                    format!("cache.layers.\"{layer}\".min_level"),
                    format!("{} is above max_level {}", settings.min_level, settings.max_level),
                ));
            }
        }
        Ok(())
    }
}
