//! The feature collections served: one per class per deliverable, held in memory with an
//! R-tree of their boxes in CRS:84, each feature's GeoJSON written once when the collection is
//! built (a page is then a concatenation). A collection is rebuilt whole from the catalogue
//! after an import and swapped in at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use geo::Intersects;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use serde_json::{Map, Value};

use super::geometry::{Geometry, GeometryKind, Path};
use super::gml::XmlLimits;
use super::wkb::read_wkb;
use super::VectorError;
use crate::catalog::{Catalog, FeatureRow, Livrable};

/// Transforms points in place between two EPSG codes (x = easting or longitude); false when it
/// can't. Injected by whoever owns PROJ.
pub type Transform = fn(u32, u32, &mut [f64], &mut [f64]) -> bool;

/// Decimals of CRS:84 coordinates in GeoJSON: 1e-9° is under a millimetre.
const DEGREE_DECIMALS: usize = 9;

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// One feature as served.
#[derive(Debug)]
pub struct StoredFeature {
    /// Identifier (`gml:id`).
    pub fid: String,
    /// Properties.
    pub properties: Map<String, Value>,
    /// Geometry in its own CRS.
    pub geometry: Option<Geometry>,
    /// EPSG code of `geometry`.
    pub srid: Option<u32>,
    /// Whether the geometry has a z.
    pub has_z: bool,
    /// Box in CRS:84.
    pub bbox84: Option<[f64; 4]>,
    /// The linearised geometry in CRS:84, for exact spatial tests.
    shape84: Option<geo::Geometry<f64>>,
    /// The GeoJSON Feature in CRS:84, written once.
    json84: Box<str>,
}

impl StoredFeature {
    /// The feature as GeoJSON in CRS:84.
    pub fn geojson(&self) -> &str {
        &self.json84
    }

    /// Whether the geometry meets the CRS:84 box (min lon, min lat, max lon, max lat).
    fn meets(&self, bbox: [f64; 4]) -> bool {
        let Some(own) = self.bbox84 else { return false };
        if own[0] > bbox[2] || own[2] < bbox[0] || own[1] > bbox[3] || own[3] < bbox[1] {
            return false;
        }
        // Wholly inside: no need to look closer.
        if own[0] >= bbox[0] && own[2] <= bbox[2] && own[1] >= bbox[1] && own[3] <= bbox[3] {
            return true;
        }
        let rect = geo::Rect::new(
            geo::coord! {x: bbox[0], y: bbox[1]},
            geo::coord! {x: bbox[2], y: bbox[3]},
        );
        self.shape84.as_ref().is_some_and(|shape| shape.intersects(&rect))
    }
}

/// A collection: the features of one class of one deliverable.
#[derive(Debug)]
pub struct Collection {
    /// Identifier: the deliverable's slug and the class (`lyon-2020-FacadePCRS`).
    pub id: String,
    /// The deliverable.
    pub livrable_id: i64,
    /// The class (`FacadePCRS`).
    pub class: String,
    /// Title.
    pub title: String,
    /// EPSG code of the stored geometries (the most common one).
    pub srid: Option<u32>,
    /// Whether geometries have a z.
    pub has_z: bool,
    /// The geometry kind when all features share one.
    pub kind: Option<GeometryKind>,
    /// Extent in CRS:84.
    pub extent84: Option<[f64; 4]>,
    /// Property names, in first-seen order.
    pub properties: Vec<String>,
    features: Vec<StoredFeature>,
    by_fid: HashMap<String, u32>,
    index: RTree<Entry>,
}

/// A page of a selection.
pub struct Selection<'a> {
    /// Features matching the filter.
    pub matched: usize,
    /// The page asked for.
    pub features: Vec<&'a StoredFeature>,
}

impl Collection {
    /// Number of features.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether the collection is empty.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// A feature by identifier.
    pub fn feature(&self, fid: &str) -> Option<&StoredFeature> {
        self.by_fid.get(fid).map(|index| &self.features[*index as usize])
    }

    /// The features meeting `bbox` (CRS:84) if given and `keep`, in document order, `limit`
    /// from `offset`.
    pub fn select(
        &self,
        bbox: Option<[f64; 4]>,
        keep: &dyn Fn(&StoredFeature) -> bool,
        offset: usize,
        limit: usize,
    ) -> Selection<'_> {
        match bbox {
            None => {
                let mut matched = 0;
                let mut features = Vec::new();
                for feature in self.features.iter().filter(|feature| keep(feature)) {
                    if matched >= offset && features.len() < limit {
                        features.push(feature);
                    }
                    matched += 1;
                }
                Selection { matched, features }
            }
            Some(bbox) => {
                // West east of east crosses the antimeridian: two boxes. South above north
                // holds nothing.
                let boxes: Vec<[f64; 4]> = if bbox[1] > bbox[3] {
                    Vec::new()
                } else if bbox[0] > bbox[2] {
                    vec![
                        [bbox[0], bbox[1], 180.0, bbox[3]],
                        [-180.0, bbox[1], bbox[2], bbox[3]],
                    ]
                } else {
                    vec![bbox]
                };
                let mut hits: Vec<u32> = Vec::new();
                for part in &boxes {
                    let envelope = AABB::from_corners([part[0], part[1]], [part[2], part[3]]);
                    hits.extend(
                        self.index
                            .locate_in_envelope_intersecting(envelope)
                            .map(|entry| entry.data)
                            .filter(|index| {
                                let feature = &self.features[*index as usize];
                                feature.meets(*part) && keep(feature)
                            }),
                    );
                }
                hits.sort_unstable();
                hits.dedup();
                Selection {
                    matched: hits.len(),
                    features: hits
                        .iter()
                        .skip(offset)
                        .take(limit)
                        .map(|index| &self.features[*index as usize])
                        .collect(),
                }
            }
        }
    }
}

/// The collections served, kept in step with imports; cheap to clone.
#[derive(Clone)]
pub struct Vectors {
    by_id: Arc<RwLock<HashMap<String, Arc<Collection>>>>,
    pub(super) catalog: Catalog,
    transform: Transform,
    pub(super) settings: Settings,
}

/// How deliverables' files are imported as scans find them.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// What the XML may hold.
    pub limits: XmlLimits,
    /// Time allowed for one storage operation.
    pub storage_timeout: std::time::Duration,
}

impl Vectors {
    /// No collections yet; `transform` reprojects to CRS:84.
    pub fn new(catalog: Catalog, transform: Transform, settings: Settings) -> Vectors {
        Vectors {
            by_id: Arc::new(RwLock::new(HashMap::new())),
            catalog,
            transform,
            settings,
        }
    }

    /// A collection by id.
    pub fn get(&self, id: &str) -> Option<Arc<Collection>> {
        self.by_id.read().ok()?.get(id).cloned()
    }

    /// Every collection, by id.
    pub fn all(&self) -> Vec<Arc<Collection>> {
        let mut all: Vec<Arc<Collection>> = self
            .by_id
            .read()
            .map(|map| map.values().cloned().collect())
            .unwrap_or_default();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    /// Builds the collections of every deliverable holding features.
    pub async fn rebuild_all(&self) -> Result<(), VectorError> {
        for livrable_id in self.catalog.vector_livrables().await? {
            self.rebuild(livrable_id).await?;
        }
        Ok(())
    }

    /// Rebuilds the collections of one deliverable from the catalogue and swaps them in.
    pub async fn rebuild(&self, livrable_id: i64) -> Result<(), VectorError> {
        let livrable = self.catalog.livrable(livrable_id).await?;
        let rows = self.catalog.livrable_features(livrable_id).await?;
        let transform = self.transform;
        let built = tokio::task::spawn_blocking(move || build_collections(&livrable, rows, transform))
            .await
            .map_err(|err| VectorError::Worker(err.to_string()))?;
        let mut map = self
            .by_id
            .write()
            .map_err(|_| VectorError::Worker("the collection registry is poisoned".into()))?;
        map.retain(|_, collection| collection.livrable_id != livrable_id);
        for collection in built {
            map.insert(collection.id.clone(), Arc::new(collection));
        }
        Ok(())
    }
}

/// Groups a deliverable's rows by class into collections.
fn build_collections(livrable: &Livrable, rows: Vec<FeatureRow>, transform: Transform) -> Vec<Collection> {
    let mut by_class: Vec<(String, Vec<FeatureRow>)> = Vec::new();
    for row in rows {
        match by_class.iter_mut().find(|(class, _)| *class == row.class) {
            Some((_, list)) => list.push(row),
            None => by_class.push((row.class.clone(), vec![row])),
        }
    }
    by_class
        .into_iter()
        .map(|(class, rows)| build_collection(livrable, class, rows, transform))
        .collect()
}

fn build_collection(
    livrable: &Livrable,
    class: String,
    rows: Vec<FeatureRow>,
    transform: Transform,
) -> Collection {
    let mut features = Vec::with_capacity(rows.len());
    let mut properties: Vec<String> = Vec::new();
    let mut kinds: Vec<GeometryKind> = Vec::new();
    let mut srids: HashMap<u32, usize> = HashMap::new();
    let mut has_z = false;
    for row in rows {
        let feature = stored_feature(row, transform);
        for key in feature.properties.keys() {
            if !properties.contains(key) {
                properties.push(key.clone());
            }
        }
        if let Some(geometry) = &feature.geometry {
            if !kinds.contains(&geometry.kind()) {
                kinds.push(geometry.kind());
            }
        }
        if let Some(srid) = feature.srid {
            *srids.entry(srid).or_default() += 1;
        }
        has_z |= feature.has_z;
        features.push(feature);
    }
    let entries: Vec<Entry> = features
        .iter()
        .enumerate()
        .filter_map(|(index, feature)| {
            let b = feature.bbox84?;
            Some(GeomWithData::new(
                Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                index as u32,
            ))
        })
        .collect();
    let extent84 = features
        .iter()
        .filter_map(|f| f.bbox84)
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]);
    let by_fid = features
        .iter()
        .enumerate()
        .rev()
        .map(|(index, feature)| (feature.fid.clone(), index as u32))
        .collect();
    Collection {
        id: format!("{}-{class}", livrable.slug),
        livrable_id: livrable.id,
        title: format!("{} — {class}", livrable.nom),
        class,
        srid: srids
            .into_iter()
            .max_by_key(|(srid, count)| (*count, *srid))
            .map(|(srid, _)| srid),
        has_z,
        kind: (kinds.len() == 1).then(|| kinds[0]),
        extent84,
        properties,
        features,
        by_fid,
        index: RTree::bulk_load(entries),
    }
}

/// A stored row turned into a served feature: geometry parsed, reprojected to CRS:84 for its
/// box, its exact shape and its GeoJSON.
fn stored_feature(row: FeatureRow, transform: Transform) -> StoredFeature {
    let properties = match serde_json::from_str::<Value>(&row.properties) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let geometry: Option<Geometry> = row
        .geometry
        .as_deref()
        .and_then(|wkb| read_wkb(wkb).ok())
        .map(|(g, _)| g);
    let srid = row.srid.and_then(|srid| u32::try_from(srid).ok());
    let geometry84 = match (&geometry, srid) {
        (Some(geometry), Some(srid)) => to_crs84(geometry, srid, transform),
        _ => None,
    };
    let mut json = String::with_capacity(256);
    json.push_str("{\"type\":\"Feature\",\"id\":");
    json.push_str(&Value::String(row.fid.clone()).to_string());
    json.push_str(",\"geometry\":");
    match &geometry84 {
        Some(geometry) => geometry.write_geojson(&mut json, row.has_z, DEGREE_DECIMALS),
        None => json.push_str("null"),
    }
    json.push_str(",\"properties\":");
    json.push_str(&Value::Object(properties.clone()).to_string());
    json.push('}');
    StoredFeature {
        fid: row.fid,
        properties,
        bbox84: geometry84.as_ref().and_then(Geometry::bbox),
        shape84: geometry84.as_ref().map(to_geo),
        geometry,
        srid,
        has_z: row.has_z,
        json84: json.into_boxed_str(),
    }
}

/// The geometry linearised and reprojected to CRS:84 (longitude first).
pub(super) fn to_crs84(geometry: &Geometry, srid: u32, transform: Transform) -> Option<Geometry> {
    let mut linear = geometry.linearized();
    if srid == 4326 {
        return Some(linear);
    }
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    linear.for_each_position_mut(|p| {
        xs.push(p[0]);
        ys.push(p[1]);
    });
    if !transform(srid, 4326, &mut xs, &mut ys) {
        return None;
    }
    let mut index = 0;
    linear.for_each_position_mut(|p| {
        p[0] = xs[index];
        p[1] = ys[index];
        index += 1;
    });
    Some(linear)
}

/// A linear geometry as a `geo` geometry (2D).
fn to_geo(geometry: &Geometry) -> geo::Geometry<f64> {
    let line = |path: &Path| -> geo::LineString<f64> {
        path.linearized()
            .iter()
            .map(|p| geo::coord! {x: p[0], y: p[1]})
            .collect()
    };
    let polygon = |rings: &Vec<Path>| -> geo::Polygon<f64> {
        let mut rings = rings.iter().map(line);
        let exterior = rings.next().unwrap_or_else(|| geo::LineString::new(Vec::new()));
        geo::Polygon::new(exterior, rings.collect())
    };
    match geometry {
        Geometry::Point(p) => geo::Geometry::Point(geo::Point::new(p[0], p[1])),
        Geometry::MultiPoint(points) => {
            geo::Geometry::MultiPoint(points.iter().map(|p| geo::Point::new(p[0], p[1])).collect())
        }
        Geometry::Line(path) => geo::Geometry::LineString(line(path)),
        Geometry::Polygon(rings) => geo::Geometry::Polygon(polygon(rings)),
        Geometry::MultiLine(paths) => geo::Geometry::MultiLineString(paths.iter().map(line).collect()),
        Geometry::MultiPolygon(polygons) => {
            geo::Geometry::MultiPolygon(polygons.iter().map(polygon).collect())
        }
    }
}
