#![warn(missing_docs)]
//! dallage publishes PCRS deliverables — 5 cm orthophoto dalles (JPEG 2000, GeoTIFF) and vector
//! PCRS (CNIG GML) — straight from the HTTP, FTP(S), SFTP or local storages where they are kept.
//!
//! The library holds everything; `main.rs` only parses the command line. See the README for the
//! map of modules and DESIGN.md for the data flow.

#[macro_use]
mod text_enum;

pub mod atom;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod demo;
pub mod download;
pub mod error;
pub mod http;
pub mod ogc;
pub mod raster;
pub mod scan;
pub mod services;
pub mod storage;
pub mod tiles;
pub mod vector;
pub mod web;
pub mod workers;

pub use error::Error;
pub use services::Services;

use config::{Config, LogConfig, LogFormat};

/// Installs the global log subscriber: `RUST_LOG` if set, else `log.level`; text or JSON lines
/// on standard error. Noisy dependencies are held at `warn` unless the filter names them.
pub fn init_logging(config: &LogConfig) {
    let directives = std::env::var("RUST_LOG").unwrap_or_else(|_| config.level.clone());
    let mut directives = directives;
    // suppaftp warns each time a transfer is abandoned on purpose (every FTP range that stops
    // inside a file): held at `error`.
    for (quiet, level) in [
        ("sqlx", "warn"),
        ("actix_server", "warn"),
        ("h2", "warn"),
        ("hyper", "warn"),
        ("rustls", "warn"),
        ("suppaftp", "error"),
    ] {
        if !directives.contains(quiet) {
            directives.push_str(&format!(",{quiet}={level}"));
        }
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = match config.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Process-wide settings for GDAL, applied once before any GDAL call: no side-car lookups on
/// remote storages, one decoding thread per worker (the pool provides the parallelism) unless
/// the environment sets these variables.
pub fn init_gdal() {
    for (key, value) in [
        ("GDAL_PAM_ENABLED", "NO"),
        ("GDAL_NUM_THREADS", "1"),
        // Decoded blocks live in our own cache (cache.decoded_cache_size); GDAL's only needs
        // to hold a block between the reads of its bands.
        ("GDAL_CACHEMAX", "64"),
        (
            "CPL_VSIL_CURL_ALLOWED_EXTENSIONS",
            ".jp2,.tif,.tiff,.j2w,.tfw,.xml",
        ),
    ] {
        // The environment wins (GDAL_NUM_THREADS=2 lets OpenJPEG use a core left idle while
        // other workers wait for the block being decoded).
        if std::env::var_os(key).is_none() {
            let _ = gdal::config::set_config_option(key, value);
        }
    }
    // Debian's libgdal links OpenBLAS, which otherwise starts a thread per core.
    if std::env::var_os("OPENBLAS_NUM_THREADS").is_none() {
        std::env::set_var("OPENBLAS_NUM_THREADS", "1");
    }
}

/// Makes `ring` the process-wide TLS provider (every rustls user here is built on it).
pub fn init_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Opens what a server needs: the credential sealer, the catalogue and the blocking pool.
/// Also sizes the shared block cache and installs GDAL's handler for remote files.
pub async fn open_state(config: Config) -> Result<Services, Error> {
    storage::BlockCache::init_global(config.cache.block_cache_size.0);
    raster::DecodedCache::init_global(config.cache.decoded_cache_size.0);
    storage::vsi::install();
    let sealer = catalog::Sealer::from_config(&config.security.secret_key, &config.data.dir)?;
    let catalog = catalog::Catalog::connect(&config.catalog, sealer).await?;
    let styles = vector::style::Styles::load(config.data.styles.as_deref())?;
    let workers = workers::Workers::start(config.blocking_workers(), config.server.blocking_queue);
    let services = Services::new(config, catalog, workers, styles);
    services.load_uploaded_styles().await?;
    Ok(services)
}
