//! The running parts of a server — configuration, catalogue, blocking pool, scanner, mosaics,
//! tile service — built once at start-up (`open_state`) and handed piece by piece to whoever
//! serves them (the HTTP handlers take only the parts they use). Nothing here is HTTP.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::raster::Mosaics;
use crate::scan::Scanner;
use crate::tiles::Tiles;
use crate::vector::style::{StyleBook, Styles};
use crate::vector::Vectors;
use crate::workers::Workers;

/// Whether start-up work (registration, first scans) is finished; cheap to clone and shared.
#[derive(Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    /// Marks the service ready (or not).
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::SeqCst);
    }

    /// Whether start-up work is finished.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The running parts of a server; cheap to clone.
#[derive(Clone)]
pub struct Services {
    config: Arc<Config>,
    catalog: Catalog,
    workers: Workers,
    scanner: Scanner,
    mosaics: Mosaics,
    tiles: Tiles,
    vectors: Vectors,
    styles: Arc<StyleBook>,
    download_slots: crate::download::DownloadSlots,
    ready: Readiness,
}

impl Services {
    /// State over a loaded configuration, an open catalogue and the blocking pool. Not ready
    /// until [`Services::set_ready`] (start-up scans finished).
    pub fn new(config: Config, catalog: Catalog, workers: Workers, styles: Styles) -> Services {
        let scanner = Scanner::new(catalog.clone(), workers.clone(), &config);
        let mosaics = Mosaics::new(catalog.clone(), workers.clone(), scanner.limits().storage_timeout);
        let tiles = Tiles::new(&config, mosaics.clone(), workers.clone());
        let vectors = Vectors::new(
            catalog.clone(),
            crate::raster::crs::transform_points,
            crate::vector::Settings {
                limits: crate::vector::XmlLimits::from_config(&config.limits),
                storage_timeout: scanner.limits().storage_timeout,
            },
        );
        let styles = Arc::new(StyleBook::new(styles));
        tiles.attach_vectors(vectors.clone(), styles.clone());
        let download_slots = crate::download::DownloadSlots::new(
            config.limits.max_downloads as usize,
            config.limits.max_downloads_per_client as usize,
            config.limits.max_downloads_per_storage as usize,
        );
        Services {
            config: Arc::new(config),
            catalog,
            workers,
            scanner,
            mosaics,
            tiles,
            vectors,
            styles,
            download_slots,
            ready: Readiness::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The configuration, shared.
    pub fn shared_config(&self) -> Arc<Config> {
        self.config.clone()
    }

    /// The catalogue.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The blocking pool.
    pub fn workers(&self) -> &Workers {
        &self.workers
    }

    /// The scanner.
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// The mosaics being served.
    pub fn mosaics(&self) -> &Mosaics {
        &self.mosaics
    }

    /// The tile service and its cache.
    pub fn tiles(&self) -> &Tiles {
        &self.tiles
    }

    /// The downloads running, counted against the limits (shared by every worker).
    pub fn download_slots(&self) -> &crate::download::DownloadSlots {
        &self.download_slots
    }

    /// The map styles.
    pub fn styles(&self) -> &Arc<StyleBook> {
        &self.styles
    }

    /// Adds the SLD documents uploaded through the API to the styles, each deliverable's own
    /// apart (at start-up). A stored
    /// document that no longer parses (a later, stricter reader) is logged and left out.
    pub async fn load_uploaded_styles(&self) -> Result<(), crate::catalog::CatalogError> {
        for document in self.catalog.style_documents().await? {
            match crate::vector::style::parse_sld(document.body.as_bytes(), Some(&document.name)) {
                Ok(styles) => self.styles.set_document(&document.name, styles),
                Err(err) => {
                    tracing::warn!(document = %document.name, error = %err, "uploaded style left out")
                }
            }
        }
        for (livrable_id, name) in self.catalog.livrable_styles().await? {
            self.styles.set_livrable_style(livrable_id, Some(&name));
        }
        Ok(())
    }

    /// The vector collections being served.
    pub fn vectors(&self) -> &Vectors {
        &self.vectors
    }

    /// Builds every mosaic and keeps them, and the tiles cached over them, in step with scans
    /// (call once at start-up).
    pub async fn start_mosaics(&self) {
        if let Err(err) = self.mosaics.rebuild_all().await {
            tracing::warn!(error = %err, "mosaics not built");
        }
        self.mosaics.follow(self.scanner.subscribe());
        self.tiles.follow();
        self.tiles.follow_vectors();
        if let Err(err) = self.vectors.rebuild_all().await {
            tracing::warn!(error = %err, "vector collections not built");
        }
        self.vectors.follow(self.scanner.subscribe());
    }

    /// Marks the service ready (or not) for `/health`.
    pub fn set_ready(&self, ready: bool) {
        self.ready.set(ready);
    }

    /// Whether start-up work is finished.
    pub fn is_ready(&self) -> bool {
        self.ready.get()
    }

    /// The readiness flag, shared with whoever reports it.
    pub fn readiness(&self) -> &Readiness {
        &self.ready
    }
}
