//! Vector deliverables in a download: the features of each class that meet the area (R-tree of
//! boxes first, then the exact geometry; those without a geometry too), written by GDAL in the format and CRS asked and cut to
//! the area, into a temporary folder the archive streams from and drops when it is done.

use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::shape::Shape;
use crate::vector::{Collection, ExportError, ExportFormat, ExportLayer, ExportOptions, Transform, Vectors};

/// The classes of a vector deliverable a selection holds.
#[derive(Debug, Clone)]
pub struct ClassSelection {
    /// The class's collection.
    pub collection: Arc<Collection>,
    /// Positions of the chosen features in [`Collection::features`], in document order.
    pub features: Vec<usize>,
}

impl ClassSelection {
    /// A rough size of the class written: its features' GeoJSON (the formats are within a
    /// factor of two of it), to refuse a too big download before writing it.
    pub fn estimated_bytes(&self) -> u64 {
        let all = self.collection.features();
        self.features.iter().map(|&i| all[i].geojson().len() as u64).sum()
    }
}

/// The classes of deliverable `livrable_id` with their features meeting `shape` (all without
/// one); empty classes are left out. A feature without a geometry can't be placed: when the
/// deliverable meets the area, the area does not leave it out (as GDAL's spatial filters do
/// not); when it does not, nothing is taken.
pub(super) fn classes_over(
    vectors: &Vectors,
    livrable_id: i64,
    shape: Option<&Shape>,
) -> Vec<ClassSelection> {
    let mut collections: Vec<Arc<Collection>> = vectors
        .all()
        .into_iter()
        .filter(|c| c.livrable_id == livrable_id)
        .collect();
    collections.sort_by(|a, b| a.class.cmp(&b.class));
    let Some(shape) = shape else {
        return collections
            .into_iter()
            .filter(|c| !c.is_empty())
            .map(|collection| ClassSelection {
                features: (0..collection.len()).collect(),
                collection,
            })
            .collect();
    };
    let Some(bbox) = shape.bbox() else {
        return Vec::new();
    };
    let placed: Vec<Vec<usize>> = collections
        .iter()
        .map(|c| c.positions(bbox, &|f| f.shape84().is_some_and(|g| shape.meets(&g))))
        .collect();
    if placed.iter().all(Vec::is_empty) {
        return Vec::new();
    }
    collections
        .into_iter()
        .zip(placed)
        .filter_map(|(collection, mut features)| {
            let placeless = collection
                .features()
                .iter()
                .enumerate()
                .filter(|(_, f)| f.bbox84.is_none());
            features.extend(placeless.map(|(i, _)| i));
            features.sort_unstable();
            (!features.is_empty()).then_some(ClassSelection { collection, features })
        })
        .collect()
}

/// How vector deliverables are written.
#[derive(Debug, Clone, Copy)]
pub struct VectorOutput {
    /// The format (`format=`).
    pub format: ExportFormat,
    /// EPSG code of the files (`crs=`; each class's own when `None`).
    pub epsg: Option<u32>,
}

impl Default for VectorOutput {
    fn default() -> VectorOutput {
        VectorOutput {
            format: ExportFormat::Geopackage,
            epsg: None,
        }
    }
}

/// One written file.
#[derive(Debug, Clone)]
pub struct ExtractFile {
    /// Position of its deliverable in the selections.
    pub livrable: usize,
    /// Its name in the deliverable's folder of the archive.
    pub name: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its size.
    pub size: u64,
    /// Its SHA-256, hexadecimal.
    pub sha256: String,
}

/// The vector deliverables of a selection, written; the folder goes when this is dropped.
#[derive(Debug, Default)]
pub struct Extracts {
    _folder: Option<tempfile::TempDir>,
    /// The files, per deliverable in selection order, by name.
    pub files: Vec<ExtractFile>,
}

/// One deliverable's classes to write.
pub(super) struct VectorPart<'a> {
    /// Its position in the selections.
    pub index: usize,
    /// Its slug (the GeoPackage's and GML document's name).
    pub slug: &'a str,
    /// Its last change, written where a format keeps a time.
    pub time: &'a str,
    /// Its classes.
    pub classes: &'a [ClassSelection],
}

/// Writes the deliverables' classes (blocking: GDAL), cut to `shape` when given.
pub(super) fn write(
    parts: &[VectorPart],
    shape: Option<&Shape>,
    output: VectorOutput,
    transform: Transform,
) -> Result<Extracts, ExportError> {
    if parts.iter().all(|p| p.classes.is_empty()) {
        return Ok(Extracts::default());
    }
    let io = |err: std::io::Error| ExportError::Gdal {
        what: "the temporary folder".into(),
        detail: err.to_string(),
    };
    let folder = tempfile::Builder::new()
        .prefix("dallage-extract-")
        .tempdir()
        .map_err(io)?;
    let clip = shape.map(Shape::rings);
    let mut files = Vec::new();
    for part in parts.iter().filter(|p| !p.classes.is_empty()) {
        let own = folder.path().join(part.index.to_string());
        std::fs::create_dir(&own).map_err(io)?;
        let layers: Vec<ExportLayer> = part
            .classes
            .iter()
            .map(|class| ExportLayer {
                name: class.collection.class.clone(),
                collection: &class.collection,
                features: class
                    .features
                    .iter()
                    .map(|&i| &class.collection.features()[i])
                    .collect(),
            })
            .collect();
        let options = ExportOptions {
            format: output.format,
            epsg: output.epsg,
            properties: None,
            clip: clip.as_deref(),
            transform,
            time: part.time,
        };
        for path in crate::vector::export(&layers, &options, &own, part.slug)? {
            // Hashed now: the manifests and the ETag need it before a byte is sent.
            let mut sha = Sha256::new();
            let size = std::io::copy(&mut std::fs::File::open(&path).map_err(io)?, &mut sha).map_err(io)?;
            files.push(ExtractFile {
                livrable: part.index,
                name: path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                size,
                sha256: sha.finalize().iter().map(|b| format!("{b:02x}")).collect(),
                path,
            });
        }
    }
    Ok(Extracts {
        _folder: Some(folder),
        files,
    })
}
