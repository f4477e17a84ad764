//! Keeps the collections in step with scans: when a deliverable's scan ends, the GML files it
//! found are imported (unchanged ones skipped, changed ones replaced, vanished ones dropped)
//! and the deliverable's collections are rebuilt. GML, GeoPackage and Shapefile (with its side
//! files) are imported. Files on a local storage are read in place; others are first streamed
//! into a temporary folder, so memory stays bounded.

use std::sync::Arc;

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::import::{import_file, unchanged, FileIdentity, FileReport, ImportOptions};
use super::{VectorError, Vectors};
use crate::catalog::{DalleRecord, ScanEvent};
use crate::storage::{self, Storage};

/// One import at a time: two imports of one file would fight over its transaction.
static IMPORTING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Vectors {
    /// Imports deliverables' vector files as their scans end `done` (`events`, from the
    /// scanner; a partial scan lists only part of the storage, and importing from it would drop
    /// the features of the files it did not reach).
    pub fn follow(&self, events: tokio::sync::broadcast::Receiver<ScanEvent>) {
        let vectors = self.clone();
        ScanEvent::for_each_done(events, move |event| {
            let vectors = vectors.clone();
            async move {
                if let Err(err) = vectors.import_livrable(event.livrable_id).await {
                    tracing::warn!(livrable = event.livrable_id, error = %err, "vector files not imported");
                }
            }
        });
    }

    /// Imports the vector files the last scan of `livrable_id` found, drops the features of files
    /// gone since, and rebuilds its collections when anything changed. Returns a report per file.
    pub async fn import_livrable(&self, livrable_id: i64) -> Result<Vec<FileReport>, VectorError> {
        let _one_at_a_time = IMPORTING.lock().await;
        let Some(storage) = self.catalog.active_storage(livrable_id).await? else {
            return Ok(Vec::new());
        };
        let livrable = self.catalog.livrable(livrable_id).await?;
        // One listing: the sources, and the side files a Shapefile copied from afar needs.
        let listed = self.catalog.storage_files(storage.id).await?;
        let files: Vec<&DalleRecord> = listed.iter().filter(|file| is_vector_source(file)).collect();
        let previous = self.catalog.vector_files(livrable_id).await?;
        let mut changed = false;
        for gone in previous
            .iter()
            .filter(|old| !files.iter().any(|file| file.path == old.path))
        {
            self.catalog.delete_vector_file(livrable_id, &gone.path).await?;
            changed = true;
        }
        let mut reports = Vec::new();
        if !files.is_empty() {
            let spec = self
                .catalog
                .storage_spec(&storage, self.settings.storage_timeout)?;
            let opened = storage::open(spec).map_err(|err| VectorError::Worker(err.to_string()))?;
            let options = ImportOptions {
                limits: self.settings.limits,
                default_srid: livrable.crs.and_then(|crs| u32::try_from(crs).ok()),
                force: false,
            };
            for file in &files {
                match self
                    .import_one(&opened, livrable_id, file, &listed, options)
                    .await
                {
                    Ok(report) => {
                        changed |= !report.unchanged;
                        reports.push(report);
                    }
                    Err(err) => {
                        tracing::warn!(livrable = %livrable.slug, file = %file.path, error = %err, "GML file not imported")
                    }
                }
            }
        }
        if changed
            || self
                .all()
                .iter()
                .all(|collection| collection.livrable_id != livrable_id)
        {
            self.rebuild(livrable_id).await?;
        }
        let features: u64 = reports.iter().map(|report| report.features).sum();
        if !reports.is_empty() {
            tracing::info!(livrable = %livrable.slug, files = reports.len(), features, "vector files imported");
        }
        Ok(reports)
    }

    async fn import_one(
        &self,
        opened: &Arc<dyn Storage>,
        livrable_id: i64,
        file: &DalleRecord,
        listed: &[DalleRecord],
        options: ImportOptions,
    ) -> Result<FileReport, VectorError> {
        let identity = FileIdentity {
            key: file.path.clone(),
            size: file.size,
            mtime: file.mtime.clone(),
        };
        if let Some(report) = unchanged(&self.catalog, livrable_id, &identity).await? {
            return Ok(report);
        }
        if let Some(local) = opened.local_path(&file.path) {
            return import_file(&self.catalog, livrable_id, &local, &identity, options).await;
        }
        // A Shapefile needs its side files beside it: the files sharing its stem.
        let (stem, _) = split_extension(&file.path);
        let mut parts = vec![file.path.clone()];
        if file.class == "shapefile" {
            parts.extend(
                listed
                    .iter()
                    .map(|sibling| sibling.path.clone())
                    .filter(|path| path != &file.path && split_extension(path).0 == stem),
            );
        }
        let folder = tempfile::tempdir().map_err(|err| VectorError::Worker(err.to_string()))?;
        let local_name = |path: &str| {
            let (_, ext) = split_extension(path);
            folder.path().join(if ext.is_empty() {
                "copy".to_string()
            } else {
                format!("copy.{ext}")
            })
        };
        for part in &parts {
            copy_to(opened.as_ref(), part, &local_name(part)).await?;
        }
        import_file(
            &self.catalog,
            livrable_id,
            &local_name(&file.path),
            &identity,
            options,
        )
        .await
    }
}

/// Whether a listed file is imported: GML, GeoPackage, the `.shp` of a Shapefile.
fn is_vector_source(file: &DalleRecord) -> bool {
    match file.class.as_str() {
        "gml" | "geopackage" => true,
        "shapefile" => split_extension(&file.path).1.eq_ignore_ascii_case("shp"),
        _ => false,
    }
}

/// A path's stem and extension (`a/b.shp` → `a/b`, `shp`; none → the path, "").
fn split_extension(path: &str) -> (&str, &str) {
    let name_start = path.rfind('/').map(|at| at + 1).unwrap_or(0);
    match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => (&path[..name_start + dot], &path[name_start + dot + 1..]),
        _ => (path, ""),
    }
}

/// Streams a remote file into `target`.
async fn copy_to(storage: &dyn Storage, path: &str, target: &std::path::Path) -> Result<(), VectorError> {
    let failed = |detail: String| VectorError::File {
        path: path.to_string(),
        source: Box::new(VectorError::Worker(detail)),
    };
    let mut out = tokio::fs::File::create(target)
        .await
        .map_err(|err| failed(err.to_string()))?;
    let mut stream = storage
        .read_stream(path)
        .await
        .map_err(|err| failed(err.to_string()))?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| failed(err.to_string()))?;
        out.write_all(&chunk)
            .await
            .map_err(|err| failed(err.to_string()))?;
    }
    out.flush().await.map_err(|err| failed(err.to_string()))
}
