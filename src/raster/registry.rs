//! The mosaics being served, one per raster deliverable, rebuilt from the catalogue at start-up
//! and after every scan. A request sees either the old mosaic or the new one, never a mix.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::decode::DecodedCache;
use super::mosaic::{self, Mosaic};
use crate::catalog::{
    ActeurRole, Catalog, CatalogError, Licence, Livrable, Project, ScanEvent, StorageRecord,
};
use crate::storage::{self, vsi, FileSource, Storage};
use crate::workers::Workers;

/// Why a mosaic could not be (re)built.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The catalogue failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The storage could not be opened.
    #[error("storage of livrable {livrable}: {detail}")]
    Storage {
        /// Deliverable.
        livrable: i64,
        /// Why.
        detail: String,
    },
    /// The worker pool refused the job.
    #[error(transparent)]
    Worker(#[from] crate::workers::WorkerError),
}

/// A mosaic rebuilt after a scan that changed dalles: what caches over it must forget.
#[derive(Debug, Clone)]
pub struct MosaicChange {
    /// Layer name.
    pub layer: String,
    /// The scan.
    pub scan_id: i64,
    /// Added, modified and removed dalles (with previous footprints).
    pub changed: Arc<Vec<crate::catalog::DalleRecord>>,
    /// The changes could not be read: everything cached over the layer must go.
    pub whole_layer: bool,
}

/// Every served mosaic, by layer name; cheap to clone.
#[derive(Clone)]
pub struct Mosaics {
    by_name: Arc<RwLock<HashMap<String, Arc<Mosaic>>>>,
    catalog: Catalog,
    workers: Workers,
    /// Time allowed for one storage operation while decoding.
    storage_timeout: std::time::Duration,
    changes: tokio::sync::broadcast::Sender<MosaicChange>,
}

impl Mosaics {
    /// An empty registry.
    pub fn new(catalog: Catalog, workers: Workers, storage_timeout: std::time::Duration) -> Mosaics {
        Mosaics {
            by_name: Arc::new(RwLock::new(HashMap::new())),
            catalog,
            workers,
            storage_timeout,
            changes: tokio::sync::broadcast::channel(64).0,
        }
    }

    /// Mosaics rebuilt after scans that changed dalles, as they happen.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<MosaicChange> {
        self.changes.subscribe()
    }

    /// A mosaic by layer name.
    pub fn get(&self, name: &str) -> Option<Arc<Mosaic>> {
        self.by_name.read().ok()?.get(name).cloned()
    }

    /// Every mosaic, by name.
    pub fn all(&self) -> Vec<Arc<Mosaic>> {
        let mut all: Vec<Arc<Mosaic>> = self
            .by_name
            .read()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Builds the mosaic of every raster deliverable.
    pub async fn rebuild_all(&self) -> Result<(), RegistryError> {
        let mut offset = 0;
        loop {
            let page = self.catalog.list_livrables(500, offset).await?;
            let count = page.items.len() as i64;
            for livrable in page.items.iter().filter(|l| l.nature.is_raster()) {
                if let Err(err) = self.rebuild(livrable.id).await {
                    tracing::warn!(livrable = livrable.id, error = %err, "mosaic not built");
                }
            }
            offset += count;
            if count < 500 {
                return Ok(());
            }
        }
    }

    /// (Re)builds one deliverable's mosaic from the catalogue and swaps it in; removes it when
    /// the deliverable has no active storage or no readable image.
    pub async fn rebuild(&self, livrable_id: i64) -> Result<(), RegistryError> {
        let catalog = &self.catalog;
        let livrable = catalog.livrable(livrable_id).await?;
        let storage = match catalog.active_storage(livrable_id).await? {
            Some(storage) if livrable.nature.is_raster() => storage,
            _ => {
                self.remove(&livrable.slug);
                return Ok(());
            }
        };
        let project = catalog.project(livrable.project_id).await?;
        let opened = self.mount(livrable_id, &storage)?;
        let files = catalog.storage_files(storage.id).await?;
        // Tell GDAL's handler what is there, folder by folder.
        vsi::remember_files(opened.key(), files.iter().map(|f| f.entry()).collect());
        let dalles: Vec<(u32, mosaic::Dalle)> = files
            .iter()
            .filter(|f| f.class == "jpeg2000" || f.class == "geotiff")
            .filter_map(|record| {
                mosaic::dalle_from_record(record, FileSource::of(opened.as_ref(), &record.path))
            })
            .collect();
        if dalles.is_empty() {
            self.remove(&livrable.slug);
            return Ok(());
        }
        let info = layer_info(&livrable, &project);
        let count = dalles.len();
        // Extents go through PROJ: on a worker, like all GDAL work.
        let built = self
            .workers
            .run(move || mosaic::build(livrable_id, info, dalles))
            .await?;
        if let Ok(mut map) = self.by_name.write() {
            map.insert(livrable.slug.clone(), built);
        }
        tracing::info!(layer = %livrable.slug, dalles = count, "mosaic ready");
        Ok(())
    }

    /// Opens the deliverable's storage and mounts it for GDAL's handler.
    fn mount(&self, livrable_id: i64, storage: &StorageRecord) -> Result<Arc<dyn Storage>, RegistryError> {
        let failed = |detail: String| RegistryError::Storage {
            livrable: livrable_id,
            detail,
        };
        let spec = self
            .catalog
            .storage_spec(storage, self.storage_timeout)
            .map_err(|err| failed(err.to_string()))?;
        let opened: Arc<dyn Storage> = storage::open(spec).map_err(|err| failed(err.to_string()))?;
        vsi::mount(opened.clone());
        Ok(opened)
    }

    fn remove(&self, name: &str) {
        if let Ok(mut map) = self.by_name.write() {
            map.remove(name);
        }
    }

    /// Rebuilds mosaics as scans finish (`events`, from the scanner), dropping decoded blocks
    /// of changed dalles.
    pub fn follow(&self, events: tokio::sync::broadcast::Receiver<ScanEvent>) {
        let mosaics = self.clone();
        ScanEvent::for_each_done(events, move |event| {
            let mosaics = mosaics.clone();
            async move { mosaics.after_scan(event).await }
        });
    }

    /// A scan ended: decoded blocks of changed dalles go, the mosaic is rebuilt, then caches
    /// over it are told.
    async fn after_scan(&self, event: ScanEvent) {
        let (changed, whole_layer) = match self.catalog.scan_changed_files(event.scan_id).await {
            Ok(changed) => (changed, false),
            Err(err) => {
                tracing::warn!(scan = event.scan_id, error = %err, "change set unreadable: caches over the layer dropped");
                (Vec::new(), true)
            }
        };
        for file in &changed {
            DecodedCache::global().forget_dalle(file.id);
        }
        if let Err(err) = self.rebuild(event.livrable_id).await {
            tracing::warn!(livrable = event.livrable_id, error = %err, "mosaic not rebuilt");
        }
        // Caches over the mosaic learn of the change once the new mosaic serves, so
        // nothing re-caches the old picture.
        let worth_telling = whole_layer || !changed.is_empty();
        if let (true, Ok(livrable)) = (worth_telling, self.catalog.livrable(event.livrable_id).await) {
            let _ = self.changes.send(MosaicChange {
                layer: livrable.slug,
                scan_id: event.scan_id,
                changed: Arc::new(changed),
                whole_layer,
            });
        }
    }
}

/// What the services say of a deliverable's layer: names, titles, holder, licence.
fn layer_info(livrable: &Livrable, project: &Project) -> mosaic::LayerInfo {
    let licence = match livrable.licence {
        Licence::OuvertLo => "Licence Ouverte Etalab 2.0",
        Licence::OuvertOdbl => "Open Database License (ODbL)",
        Licence::Ferme => "licence fermée",
    };
    let holder = project
        .acteurs
        .iter()
        .find(|a| matches!(a.role, ActeurRole::Aplc | ActeurRole::Porteur))
        .and_then(|a| a.nom.clone());
    mosaic::LayerInfo {
        name: livrable.slug.clone(),
        title: livrable.nom.clone(),
        description: format!("{} — {} ({}).", project.nom, livrable.nom, livrable.nature),
        project: project.slug.clone(),
        project_title: project.nom.clone(),
        attribution: holder,
        licence: licence.to_string(),
    }
}
