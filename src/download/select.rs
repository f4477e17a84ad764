//! What a download holds: the dalles of raster deliverables whose footprint meets an area
//! (more than along an edge, as tile seeding counts them), each with its side files (world
//! file, `.prj`, `.aux.xml`, `.tab`), the features of vector deliverables that meet it, and for
//! each deliverable whether the caller may have them.

use std::collections::BTreeMap;

use super::shape::Shape;
use super::vector::{classes_over, ClassSelection};
use serde::Serialize;

pub use crate::catalog::Permission;
use crate::catalog::{Catalog, CatalogError, DalleRecord, Livrable, Project, StorageRecord};
use crate::tiles::area::Area;
use crate::vector::Vectors;

/// Classes of files that are images (the rest of a folder are side files or others).
const IMAGE_CLASSES: &[&str] = &["jpeg2000", "geotiff"];
/// Classes of files vector deliverables are imported from.
const VECTOR_CLASSES: &[&str] = &["gml", "geopackage"];

/// Why a selection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// The request names nothing to select, or something that does not exist.
    #[error("{0}")]
    Request(String),
    /// The catalogue failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// Where and what to select.
#[derive(Debug, Clone, Default)]
pub struct SelectionRequest {
    /// The area in CRS:84 (a territory's boundary, a drawn polygon), if any.
    pub area: Option<Area>,
    /// A CRS:84 box, if any (with an area: both must be met).
    pub bbox: Option<[f64; 4]>,
    /// Deliverables by id or slug (none: every deliverable of `project`, or of all).
    pub livrables: Vec<String>,
    /// A project by id or slug.
    pub project: Option<String>,
    /// Only what scans found new or changed since then.
    pub since: Option<Since>,
}

impl SelectionRequest {
    /// The area and box as one shape (none: the whole deliverables).
    pub fn shape(&self) -> Option<Shape> {
        (self.area.is_some() || self.bbox.is_some()).then(|| Shape::new(self.area.as_ref(), self.bbox))
    }
}

/// Since when files count, for a download of what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// After this scan (`scan:42`): what the scans after it found new or changed.
    Scan(i64),
    /// Scans finished on or after this date or time (`2024-06-01`, RFC 3339).
    Date(String),
}

impl Since {
    /// Reads `scan:N`, `YYYY-MM-DD` or an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Since, String> {
        if let Some(id) = text.strip_prefix("scan:") {
            return id
                .parse()
                .map(Since::Scan)
                .map_err(|_| format!("since `{text}`: scan:N needs a scan number"));
        }
        let is_date = crate::catalog::validate::check_date(text).is_ok();
        if is_date || chrono::DateTime::parse_from_rfc3339(text).is_ok() {
            return Ok(Since::Date(text.to_string()));
        }
        Err(format!(
            "since `{text}` must be scan:N, YYYY-MM-DD or an RFC 3339 time"
        ))
    }

    /// The first scan of a deliverable whose findings count (past every scan: none count).
    async fn first_scan(&self, catalog: &Catalog, livrable_id: i64) -> Result<i64, CatalogError> {
        Ok(match self {
            Since::Scan(id) => id.saturating_add(1),
            Since::Date(date) => catalog
                .livrable_scans(livrable_id, 10_000)
                .await?
                .into_iter()
                .filter(|scan| {
                    scan.finished_at
                        .as_deref()
                        .is_some_and(|done| done >= date.as_str())
                })
                .map(|scan| scan.id)
                .min()
                .unwrap_or(i64::MAX),
        })
    }
}

/// A file to put in a download.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectedFile {
    /// Its record in the catalogue.
    pub dalle_id: i64,
    /// Path in its storage.
    pub path: String,
    /// Size in bytes, as the last scan saw it.
    pub size: u64,
    /// Modification time, as the last scan saw it.
    pub mtime: Option<String>,
    /// Entity tag, as the last scan saw it.
    pub etag: Option<String>,
    /// Whether it is an image (else a side file of one).
    pub image: bool,
    /// Its SHA-256 when a download has read it whole since it last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Its CRC-32, known with `sha256`.
    #[serde(skip)]
    pub crc32: Option<u32>,
    /// Its footprint in CRS:84 (images).
    #[serde(skip)]
    pub footprint: Option<Vec<[f64; 2]>>,
}

/// One deliverable's share of a selection.
#[derive(Debug, Clone, Serialize)]
pub struct LivrableSelection {
    /// The deliverable.
    #[serde(skip)]
    pub livrable: Livrable,
    /// Its project's slug.
    pub project: String,
    /// Its storage.
    #[serde(skip)]
    pub storage: StorageRecord,
    /// Whether the caller may download it.
    pub permission: Permission,
    /// Its files: images sorted by path, each followed by its side files.
    pub files: Vec<SelectedFile>,
    /// Its vector classes with the features chosen, by class name.
    #[serde(skip)]
    pub classes: Vec<ClassSelection>,
}

impl LivrableSelection {
    /// Images selected.
    pub fn images(&self) -> usize {
        self.files.iter().filter(|f| f.image).count()
    }

    /// Bytes of every file.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// Features chosen per vector class.
    pub fn features(&self) -> BTreeMap<String, usize> {
        self.classes
            .iter()
            .map(|c| (c.collection.class.clone(), c.features.len()))
            .collect()
    }

    /// Counts and bytes per kind of file (its extension, lower case).
    pub fn by_format(&self) -> BTreeMap<String, (usize, u64)> {
        let mut formats: BTreeMap<String, (usize, u64)> = BTreeMap::new();
        for file in &self.files {
            let entry = formats.entry(extension_of(&file.path)).or_default();
            entry.0 += 1;
            entry.1 += file.size;
        }
        formats
    }
}

/// The extension that names a file's kind (`jp2`, `j2w`, `aux.xml`).
fn extension_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.ends_with(".aux.xml") {
        return "aux.xml".into();
    }
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_string())
        .unwrap_or_default()
}

/// The deliverables asked for (with an active storage), with their projects.
async fn livrables_of(
    catalog: &Catalog,
    vectors: &Vectors,
    request: &SelectionRequest,
) -> Result<Vec<(Livrable, Project, StorageRecord)>, SelectError> {
    let mut chosen: Vec<Livrable> = Vec::new();
    for key in &request.livrables {
        let found = match key.parse::<i64>() {
            Ok(id) => catalog.livrable(id).await,
            Err(_) => catalog.livrable_by_slug(key).await,
        };
        chosen.push(found.map_err(|_| SelectError::Request(format!("livrable `{key}` does not exist")))?);
    }
    if request.livrables.is_empty() {
        match &request.project {
            Some(key) => {
                let project = match key.parse::<i64>() {
                    Ok(id) => catalog.project(id).await,
                    Err(_) => catalog.project_by_slug(key).await,
                }
                .map_err(|_| SelectError::Request(format!("project `{key}` does not exist")))?;
                chosen = catalog.project_livrables(project.id).await?;
            }
            None => {
                let mut ids: Vec<i64> = catalog
                    .current_images(None)
                    .await?
                    .iter()
                    .map(|image| image.livrable_id)
                    .chain(vectors.all().iter().map(|c| c.livrable_id))
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                for id in ids {
                    chosen.push(catalog.livrable(id).await?);
                }
            }
        }
    }
    let mut out = Vec::new();
    for livrable in chosen {
        let Some(storage) = catalog.active_storage(livrable.id).await? else {
            continue;
        };
        let project = catalog.project(livrable.project_id).await?;
        out.push((livrable, project, storage));
    }
    Ok(out)
}

/// Selects the files and features of the deliverables asked for over the area; `manages` says
/// whether the caller is a project's porteur (or an admin).
pub async fn select(
    catalog: &Catalog,
    vectors: &Vectors,
    request: &SelectionRequest,
    manages: impl Fn(&Project) -> bool,
) -> Result<Vec<LivrableSelection>, SelectError> {
    let shape = request.shape();
    let mut selections = Vec::new();
    for (livrable, project, storage) in livrables_of(catalog, vectors, request).await? {
        let mut listed = catalog.storage_files(storage.id).await?;
        let mut vectors_changed = true;
        if let Some(since) = &request.since {
            let first = since.first_scan(catalog, livrable.id).await?;
            let changed = |f: &DalleRecord| {
                f.first_scan_id
                    .max(f.changed_scan_id)
                    .is_some_and(|scan| scan >= first)
            };
            // A vector deliverable counts whole when a later scan found one of its files new
            // or changed (features are not dated by scan).
            vectors_changed = listed.iter().any(|f| {
                VECTOR_CLASSES.contains(&f.class.as_str()) && f.removed_scan_id.is_none() && changed(f)
            });
            // Images found or changed by a later scan; side files stay for those kept.
            listed.retain(|f| !IMAGE_CLASSES.contains(&f.class.as_str()) || changed(f));
        }
        let files = files_over(&listed, shape.as_ref());
        let classes = if vectors_changed {
            classes_over(vectors, livrable.id, shape.as_ref())
        } else {
            Vec::new()
        };
        if files.is_empty() && classes.is_empty() {
            continue;
        }
        let permission = Permission::of(&livrable, &storage, manages(&project));
        selections.push(LivrableSelection {
            project: project.slug.clone(),
            livrable,
            storage,
            permission,
            files,
            classes,
        });
    }
    Ok(selections)
}

/// The images of a storage's listing over the shape (all without one), each followed by its
/// side files.
fn files_over(listed: &[DalleRecord], shape: Option<&Shape>) -> Vec<SelectedFile> {
    let present: Vec<&DalleRecord> = listed.iter().filter(|f| f.removed_scan_id.is_none()).collect();
    let mut images: Vec<&DalleRecord> = present
        .iter()
        .copied()
        .filter(|f| IMAGE_CLASSES.contains(&f.class.as_str()) && f.error.is_none())
        .filter(|f| match shape {
            Some(shape) => footprint_of(f).is_some_and(|ring| shape.covers_some_of(&ring)),
            None => true,
        })
        .collect();
    images.sort_by(|a, b| a.path.cmp(&b.path));
    let mut files = Vec::new();
    for image in images {
        files.push(selected(image, true));
        let (folder, name) = image.path.rsplit_once('/').unwrap_or(("", &image.path));
        let stem = name.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(name);
        let mut sides: Vec<&DalleRecord> = present
            .iter()
            .copied()
            .filter(|f| f.path != image.path && !IMAGE_CLASSES.contains(&f.class.as_str()))
            .filter(|f| {
                let (side_folder, side_name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
                side_folder == folder && side_name.starts_with(&format!("{stem}."))
            })
            .collect();
        sides.sort_by(|a, b| a.path.cmp(&b.path));
        files.extend(sides.into_iter().map(|side| selected(side, false)));
    }
    files
}

fn selected(record: &DalleRecord, image: bool) -> SelectedFile {
    SelectedFile {
        dalle_id: record.id,
        path: record.path.clone(),
        size: u64::try_from(record.size).unwrap_or(0),
        mtime: record.mtime.clone(),
        etag: record.etag.clone(),
        image,
        sha256: record.sha256.clone(),
        crc32: record.crc32,
        footprint: if image { footprint_of(record) } else { None },
    }
}

/// A dalle's CRS:84 footprint: its probed outline, else its box.
fn footprint_of(record: &DalleRecord) -> Option<Vec<[f64; 2]>> {
    if let Some(ring) = record.footprint_wgs84.as_deref().and_then(ring_of_wkt) {
        return Some(ring);
    }
    let [w, s, e, n] = record.bbox_wgs84?;
    Some(vec![[w, s], [e, s], [e, n], [w, n], [w, s]])
}

/// The outer ring of a WKT `POLYGON` (the footprints the probe writes).
fn ring_of_wkt(wkt: &str) -> Option<Vec<[f64; 2]>> {
    let body = wkt.trim().strip_prefix("POLYGON")?.trim();
    let inner = body.strip_prefix("((")?;
    let ring = inner.split(')').next()?;
    let points: Option<Vec<[f64; 2]>> = ring
        .split(',')
        .map(|pair| {
            let mut numbers = pair.split_whitespace().map(str::parse::<f64>);
            match (numbers.next(), numbers.next()) {
                (Some(Ok(x)), Some(Ok(y))) => Some([x, y]),
                _ => None,
            }
        })
        .collect();
    points.filter(|p| p.len() >= 4)
}

/// An area given as GeoJSON (CRS:84, or `crs` when given) or as WKT `POLYGON` /
/// `MULTIPOLYGON` in EPSG `crs` (CRS:84 by default), in CRS:84.
pub fn area_from_text(text: &str, crs: Option<u32>) -> Result<Area, String> {
    let trimmed = text.trim();
    let mut area = if trimmed.starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(trimmed).map_err(|err| format!("the area is not JSON: {err}"))?;
        if crs.is_some_and(|epsg| epsg != 4326) {
            // Projected GeoJSON: read its numbers as they are, then reproject below.
            Area::from_geojson_within(&value, crate::tiles::area::MAX_VERTICES)
                .or_else(|_| projected_geojson(&value))?
        } else {
            Area::from_geojson(&value)?
        }
    } else {
        Area {
            polygons: polygons_of_wkt(trimmed)?,
            label: None,
        }
    };
    if let Some(epsg) = crs.filter(|epsg| *epsg != 4326) {
        for ring in area.polygons.iter_mut().flatten() {
            let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = ring.iter().map(|[x, y]| (*x, *y)).unzip();
            if !crate::raster::crs::transform_points(epsg, 4326, &mut xs, &mut ys) {
                return Err(format!("the area cannot be projected from EPSG:{epsg} to CRS:84"));
            }
            for (position, (x, y)) in ring.iter_mut().zip(xs.into_iter().zip(ys)) {
                *position = [x, y];
            }
        }
    }
    Ok(area)
}

/// A GeoJSON polygon whose coordinates are not longitudes and latitudes (a projected CRS named
/// by the request): read without the range check.
fn projected_geojson(value: &serde_json::Value) -> Result<Area, String> {
    let coordinates = value
        .get("geometry")
        .unwrap_or(value)
        .get("coordinates")
        .ok_or("the GeoJSON holds no coordinates")?;
    let kind = value
        .get("geometry")
        .unwrap_or(value)
        .get("type")
        .and_then(|t| t.as_str());
    let polygon = |rings: &serde_json::Value| -> Result<Vec<Vec<[f64; 2]>>, String> {
        serde_json::from_value::<Vec<Vec<Vec<f64>>>>(rings.clone())
            .map_err(|err| format!("bad coordinates: {err}"))
            .map(|rings| {
                rings
                    .into_iter()
                    .map(|ring| {
                        ring.into_iter()
                            .filter(|p| p.len() >= 2)
                            .map(|p| [p[0], p[1]])
                            .collect()
                    })
                    .collect()
            })
    };
    let polygons = match kind {
        Some("Polygon") => vec![polygon(coordinates)?],
        Some("MultiPolygon") => coordinates
            .as_array()
            .ok_or("bad MultiPolygon")?
            .iter()
            .map(polygon)
            .collect::<Result<_, _>>()?,
        _ => return Err("the area must be a Polygon or a MultiPolygon".into()),
    };
    Ok(Area {
        polygons,
        label: None,
    })
}

/// The polygons of a WKT `POLYGON` or `MULTIPOLYGON` (2D; a z is dropped).
fn polygons_of_wkt(wkt: &str) -> Result<Vec<Vec<Vec<[f64; 2]>>>, String> {
    let upper = wkt.to_ascii_uppercase();
    let body = if let Some(rest) = upper.strip_prefix("MULTIPOLYGON") {
        rest
    } else if let Some(rest) = upper.strip_prefix("POLYGON") {
        rest
    } else {
        return Err("the area must be GeoJSON, or WKT POLYGON or MULTIPOLYGON".into());
    };
    let multi = upper.starts_with("MULTI");
    let body = body
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim();
    let mut polygons: Vec<Vec<Vec<[f64; 2]>>> = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in body.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth == if multi { 2 } else { 1 } {
                    polygons.push(Vec::new());
                }
                current.clear();
            }
            ')' => {
                if depth == if multi { 3 } else { 2 } {
                    let ring: Result<Vec<[f64; 2]>, String> = current
                        .split(',')
                        .map(|pair| {
                            let numbers: Vec<f64> =
                                pair.split_whitespace().filter_map(|n| n.parse().ok()).collect();
                            match numbers.as_slice() {
                                [x, y, ..] => Ok([*x, *y]),
                                _ => Err(format!("`{}` is not a position", pair.trim())),
                            }
                        })
                        .collect();
                    polygons.last_mut().ok_or("unbalanced parentheses")?.push(ring?);
                }
                depth -= 1;
                current.clear();
            }
            _ => current.push(c),
        }
    }
    if depth != 0 || polygons.is_empty() || polygons.iter().any(Vec::is_empty) {
        return Err("the WKT polygon is not well formed".into());
    }
    for ring in polygons.iter().flatten() {
        if ring.len() < 4 || ring.first() != ring.last() {
            return Err("each ring needs at least 4 positions, the last equal to the first".into());
        }
    }
    Ok(polygons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Vec<[f64; 2]> {
        vec![[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    }

    #[test]
    fn areas_are_read_from_wkt_and_geojson() {
        let wkt = area_from_text("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))", None).unwrap();
        assert_eq!(wkt.polygons, vec![vec![square(0.0, 0.0, 1.0)]]);
        let multi = area_from_text(
            "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((2 2,3 2,3 3,2 3,2 2),(2.2 2.2,2.4 2.2,2.4 2.4,2.2 2.2)))",
            None,
        )
        .unwrap();
        assert_eq!((multi.polygons.len(), multi.polygons[1].len()), (2, 2));
        let json = area_from_text(
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#,
            None,
        )
        .unwrap();
        assert_eq!(json.polygons, wkt.polygons);
        assert!(area_from_text("POLYGON((0 0, 1 0, 1 1))", None).is_err());
        assert!(area_from_text("POINT(1 2)", None)
            .unwrap_err()
            .contains("WKT POLYGON"));
    }

    #[test]
    fn footprints_and_kinds_are_read() {
        let ring = ring_of_wkt("POLYGON((4.8 45.7, 4.9 45.7, 4.9 45.8, 4.8 45.8, 4.8 45.7))").unwrap();
        assert_eq!(ring.len(), 5);
        assert_eq!(ring[1], [4.9, 45.7]);
        assert!(ring_of_wkt("POINT(1 2)").is_none());
        assert_eq!(extension_of("a/b/X.JP2"), "jp2");
        assert_eq!(extension_of("a/x.jp2.aux.xml"), "aux.xml");
    }
}
