//! Imports a vector file (GML with our reader, GeoPackage, Shapefile and GeoJSON through GDAL)
//! into a deliverable: read as a stream on a blocking thread, written to
//! the catalogue batch by batch inside one transaction, so memory stays bounded whatever the
//! file's size and the file's features change all at once. An unchanged file (same size and
//! modification time) is not read again.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::gml::{GmlFeature, GmlReader, Notice, XmlLimits};
use super::ogr::{is_ogr_file, read_ogr};
use super::validate::{Rules, Validation};
use super::wkb::write_wkb;
use super::VectorError;
use crate::catalog::{Catalog, FeatureRow};

/// Features handed to the catalogue at a time.
const BATCH: usize = 2000;
/// Notices kept in a report (all are counted).
const NOTICES_KEPT: usize = 100;

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// What the XML may hold.
    pub limits: XmlLimits,
    /// CRS of geometries that name none (the deliverable's declared one).
    pub default_srid: Option<u32>,
    /// Import even when the file looks unchanged.
    pub force: bool,
}

/// What importing one file did.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file.
    pub path: String,
    /// Whether it was left as imported before (same size and time).
    pub unchanged: bool,
    /// Features imported.
    pub features: u64,
    /// Features per class.
    pub classes: BTreeMap<String, u64>,
    /// Features without a geometry (PCRS has classes without one, e.g. `AffleurantPCRS`).
    pub without_geometry: u64,
    /// Features whose geometry has a z.
    pub with_z: u64,
    /// Everything repaired or not kept, counted.
    pub notice_count: u64,
    /// The first notices.
    pub notices: Vec<Notice>,
    /// Bytes read.
    pub bytes: u64,
    /// SHA-256 of the file.
    pub digest: String,
    /// Time taken, seconds.
    pub seconds: f64,
    /// Conformity to CNIG PCRS v2.0 (GML files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
}

/// A file as its storage lists it: what tells an unchanged file from a changed one.
#[derive(Debug, Clone, PartialEq)]
pub struct FileIdentity {
    /// Its path in the storage (or on disk): the key of its features.
    pub key: String,
    /// Size in bytes.
    pub size: i64,
    /// Modification time, if known.
    pub mtime: Option<String>,
}

impl FileIdentity {
    /// The identity of a local file, keyed by `key`.
    pub fn of_local(path: &Path, key: &str) -> Result<FileIdentity, VectorError> {
        let metadata = std::fs::metadata(path).map_err(|source| VectorError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Ok(FileIdentity {
            key: key.to_string(),
            size: metadata.len() as i64,
            mtime: metadata
                .modified()
                .ok()
                .map(|time| chrono::DateTime::<chrono::Utc>::from(time).to_rfc3339()),
        })
    }
}

/// The report of the previous import when the file has not changed since (same size and time).
pub async fn unchanged(
    catalog: &Catalog,
    livrable_id: i64,
    file: &FileIdentity,
) -> Result<Option<FileReport>, VectorError> {
    let Some(previous) = catalog.vector_file(livrable_id, &file.key).await? else {
        return Ok(None);
    };
    if previous.size != file.size || previous.mtime != file.mtime || previous.digest.is_empty() {
        return Ok(None);
    }
    let mut report = serde_json::from_str::<StoredReport>(&previous.report)
        .map(|stored| stored.into_report(&file.key))
        .unwrap_or_else(|_| FileReport::empty(&file.key));
    report.unchanged = true;
    Ok(Some(report))
}

/// Imports the GML file at `path` (a local copy of `file`) into deliverable `livrable_id`,
/// unless `options.force` is off and it has not changed since its last import.
pub async fn import_file(
    catalog: &Catalog,
    livrable_id: i64,
    path: &Path,
    file: &FileIdentity,
    options: ImportOptions,
) -> Result<FileReport, VectorError> {
    let key = file.key.as_str();
    let in_file = |source: VectorError| VectorError::File {
        path: key.to_string(),
        source: Box::new(source),
    };
    if !options.force {
        if let Some(report) = unchanged(catalog, livrable_id, file).await? {
            return Ok(report);
        }
    }
    let started = Instant::now();
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<FeatureRow>>(4);
    let owned = path.to_path_buf();
    let reader = tokio::task::spawn_blocking(move || read_batches(&owned, options, sender));
    let mut import = catalog.begin_vector_import(livrable_id, key).await?;
    let mut insert_error = None;
    while let Some(batch) = batches.recv().await {
        if let Err(err) = import.insert(&batch).await {
            insert_error = Some(err);
            break;
        }
    }
    // Dropping the receiver stops the reader at its next batch.
    drop(batches);
    let read = reader.await.map_err(|err| VectorError::Worker(err.to_string()))?;
    if let Some(err) = insert_error {
        return Err(in_file(err.into()));
    }
    let mut report = read.map_err(in_file)?;
    report.path = key.to_string();
    report.seconds = started.elapsed().as_secs_f64();
    let stored = serde_json::to_string(&report).unwrap_or_else(|_| "{}".into());
    import
        .finish(file.size, file.mtime.as_deref(), &report.digest, &stored)
        .await?;
    Ok(report)
}

/// The report as stored, read back for an unchanged file.
#[derive(serde::Deserialize)]
struct StoredReport {
    features: u64,
    classes: BTreeMap<String, u64>,
    without_geometry: u64,
    with_z: u64,
    notice_count: u64,
    bytes: u64,
    digest: String,
    #[serde(default)]
    validation: Option<Validation>,
}

impl StoredReport {
    fn into_report(self, key: &str) -> FileReport {
        FileReport {
            path: key.to_string(),
            unchanged: false,
            features: self.features,
            classes: self.classes,
            without_geometry: self.without_geometry,
            with_z: self.with_z,
            notice_count: self.notice_count,
            notices: Vec::new(),
            bytes: self.bytes,
            digest: self.digest,
            seconds: 0.0,
            validation: self.validation,
        }
    }
}

impl FileReport {
    fn empty(key: &str) -> FileReport {
        FileReport {
            path: key.to_string(),
            unchanged: false,
            features: 0,
            classes: BTreeMap::new(),
            without_geometry: 0,
            with_z: 0,
            notice_count: 0,
            notices: Vec::new(),
            bytes: 0,
            digest: String::new(),
            seconds: 0.0,
            validation: None,
        }
    }
}

/// Features counted into the report and sent to the catalogue in batches.
struct Batcher {
    report: FileReport,
    batch: Vec<FeatureRow>,
    sender: tokio::sync::mpsc::Sender<Vec<FeatureRow>>,
}

impl Batcher {
    fn push(&mut self, feature: GmlFeature) -> Result<(), VectorError> {
        let report = &mut self.report;
        report.features += 1;
        *report.classes.entry(feature.class.clone()).or_default() += 1;
        report.without_geometry += u64::from(feature.geometry.is_none());
        report.with_z += u64::from(feature.has_z);
        self.batch.push(row_of(feature, report.features));
        if self.batch.len() == BATCH {
            self.send()?;
        }
        Ok(())
    }

    fn note(&mut self, notices: Vec<Notice>) {
        for notice in notices {
            self.report.notice_count += 1;
            if self.report.notices.len() < NOTICES_KEPT {
                self.report.notices.push(notice);
            }
        }
    }

    fn send(&mut self) -> Result<(), VectorError> {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if !batch.is_empty() && self.sender.blocking_send(batch).is_err() {
            return Err(VectorError::Worker(
                "the catalogue stopped taking features".into(),
            ));
        }
        Ok(())
    }
}

/// Reads the file on a blocking thread (GML with our reader, other formats through GDAL) and
/// sends its features in batches.
fn read_batches(
    path: &Path,
    options: ImportOptions,
    sender: tokio::sync::mpsc::Sender<Vec<FeatureRow>>,
) -> Result<FileReport, VectorError> {
    let mut batcher = Batcher {
        report: FileReport::empty(""),
        batch: Vec::with_capacity(BATCH),
        sender,
    };
    if is_ogr_file(&path.to_string_lossy()) {
        let mut notices = Vec::new();
        read_ogr(path, options.default_srid, &mut notices, &mut |feature| {
            batcher.push(feature)
        })?;
        batcher.note(notices);
        batcher.send()?;
        let (bytes, digest) = digest_of(path)?;
        batcher.report.bytes = bytes;
        batcher.report.digest = digest;
        return Ok(batcher.report);
    }
    let input = std::fs::File::open(path).map_err(|source| VectorError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut reader = GmlReader::new(input, options.limits, options.default_srid);
    let rules = Rules::pcrs();
    let mut validation = Validation::default();
    while let Some(mut feature) = reader.next_feature()? {
        validation.check(rules, &feature);
        rules.type_values(&mut feature);
        batcher.push(feature)?;
        if batcher.batch.is_empty() {
            batcher.note(reader.take_notices());
        }
    }
    batcher.note(reader.take_notices());
    batcher.send()?;
    batcher.report.bytes = reader.bytes_read();
    batcher.report.digest = reader.digest();
    batcher.report.validation = Some(validation);
    Ok(batcher.report)
}

/// Size and SHA-256 of a file, read in pieces.
fn digest_of(path: &Path) -> Result<(u64, String), VectorError> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let io = |source| VectorError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut digest = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let count = file.read(&mut buffer).map_err(io)?;
        if count == 0 {
            break;
        }
        digest.update(&buffer[..count]);
        total += count as u64;
    }
    Ok((
        total,
        digest.finalize().iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

/// A feature as the catalogue stores it; one without `gml:id` gets `Class.rank`.
fn row_of(feature: GmlFeature, rank: u64) -> FeatureRow {
    let bbox = feature.geometry.as_ref().and_then(|geometry| geometry.bbox());
    FeatureRow {
        fid: feature.id.unwrap_or_else(|| format!("{}.{rank}", feature.class)),
        class: feature.class,
        srid: feature.srid.map(i64::from),
        has_z: feature.has_z,
        bbox,
        properties: serde_json::Value::Object(feature.properties).to_string(),
        geometry: feature
            .geometry
            .as_ref()
            .map(|geometry| write_wkb(geometry, feature.has_z)),
    }
}
