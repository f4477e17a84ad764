//! The feature collections served: one per class per deliverable, held in memory with an
//! R-tree of their boxes in CRS:84, each feature's GeoJSON written once when the collection is
//! built (a page is then a concatenation). A collection is rebuilt whole from the catalogue
//! after an import and swapped in at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use futures_util::StreamExt;
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

/// The property holding a PCRS feature's survey date (`datetime` filters on it).
pub const SURVEY_DATE: &str = "dateLeve";

/// One feature as served: only what a page needs, since a deliverable may hold millions.
#[derive(Debug)]
pub struct StoredFeature {
    /// Identifier (`gml:id`).
    pub fid: Box<str>,
    /// Survey date ([`SURVEY_DATE`]), if the feature has one.
    pub survey_date: Option<Box<str>>,
    /// Box in CRS:84.
    pub bbox84: Option<[f64; 4]>,
    /// The linearised geometry in CRS:84, for exact spatial tests (none for a point: its box
    /// is exact).
    shape84: Option<Box<geo::Geometry<f64>>>,
    /// The GeoJSON Feature in CRS:84, written once.
    json84: Box<str>,
    /// Where the properties object starts in `json84`.
    properties_at: u32,
    /// The geometry as stored (ISO WKB in its own CRS, arcs kept), for GML and other CRSs.
    native: Option<Box<[u8]>>,
    /// EPSG code of `native` (0 when unknown).
    srid: u32,
}

/// A property of a collection, typed from the values its features hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Name.
    pub name: String,
    /// The type every value fits.
    pub kind: ValueKind,
    /// Whether a feature may hold several values (a repeated GML property).
    pub repeated: bool,
}

/// The type of a property's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Whole numbers.
    Integer,
    /// Numbers.
    Number,
    /// true / false.
    Boolean,
    /// Text (and anything else, written as JSON text).
    Text,
}

impl ValueKind {
    /// The kind of one JSON value (arrays are looked into by the caller).
    fn of(value: &Value) -> Option<ValueKind> {
        match value {
            Value::Null => None,
            Value::Bool(_) => Some(ValueKind::Boolean),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(ValueKind::Integer),
            Value::Number(_) => Some(ValueKind::Number),
            _ => Some(ValueKind::Text),
        }
    }

    /// The kind fitting values of both kinds.
    fn merge(self, other: ValueKind) -> ValueKind {
        use ValueKind::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Integer, Number) | (Number, Integer) => Number,
            _ => Text,
        }
    }
}

/// What a property's values showed so far.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    kind: Option<ValueKind>,
    repeated: bool,
}

/// What building a collection learns of a feature besides what it keeps.
struct Facts {
    keys: Vec<(String, Seen)>,
    kind: Option<GeometryKind>,
    srid: Option<u32>,
    has_z: bool,
}

impl StoredFeature {
    /// The feature as GeoJSON in CRS:84.
    pub fn geojson(&self) -> &str {
        &self.json84
    }

    /// The properties as a JSON object's text.
    pub fn properties_json(&self) -> &str {
        &self.json84[self.properties_at as usize..self.json84.len() - 1]
    }

    /// The GeoJSON geometry in CRS:84 (`null` when none).
    pub fn geometry_json(&self) -> &str {
        const KEY: &str = ",\"geometry\":";
        const NEXT: &str = ",\"properties\":";
        // An identifier's JSON string can't hold an unescaped quote: the first match is the key.
        let start = self.json84.find(KEY).map_or(0, |at| at + KEY.len());
        let end = (self.properties_at as usize).saturating_sub(NEXT.len());
        self.json84.get(start..end).unwrap_or("null")
    }

    /// The properties.
    pub fn properties(&self) -> Map<String, Value> {
        serde_json::from_str(self.properties_json()).unwrap_or_default()
    }

    /// The geometry as stored, in its own CRS ([`StoredFeature::srid`]), and whether it has z.
    pub fn geometry(&self) -> Option<(Geometry, bool)> {
        read_wkb(self.native.as_deref()?).ok()
    }

    /// The geometry in EPSG `epsg` (as stored when `None`), latitude first when asked, with
    /// whether it has z and whether it was reprojected (arcs keep their three points, each
    /// reprojected).
    pub fn geometry_in(
        &self,
        epsg: Option<u32>,
        lat_first: bool,
        transform: Transform,
    ) -> Option<(Geometry, bool, bool)> {
        let (mut geometry, has_z) = self.geometry()?;
        let from = self.srid()?;
        let to = epsg.unwrap_or(from);
        if from != to {
            let mut xs = Vec::new();
            let mut ys = Vec::new();
            geometry.for_each_position_mut(|p| {
                xs.push(p[0]);
                ys.push(p[1]);
            });
            if !transform(from, to, &mut xs, &mut ys) {
                return None;
            }
            let mut at = 0;
            geometry.for_each_position_mut(|p| {
                p[0] = xs[at];
                p[1] = ys[at];
                at += 1;
            });
        }
        if lat_first {
            geometry.for_each_position_mut(|p| p.swap(0, 1));
        }
        Some((geometry, has_z, from != to))
    }

    /// Writes the geometry as GeoJSON in EPSG `epsg` (`lat_first`: latitude first), z kept, arcs
    /// linearised, coordinates to 1e-9° in EPSG:4326, 0.1 mm when reprojected, as stored
    /// otherwise; `null` when there is none or it can't be reprojected.
    pub fn write_geojson_in(&self, out: &mut String, epsg: u32, lat_first: bool, transform: Transform) {
        match self.geometry_in(Some(epsg), lat_first, transform) {
            Some((geometry, has_z, moved)) => {
                let decimals = if epsg == 4326 {
                    9
                } else if moved {
                    4
                } else {
                    10
                };
                geometry.linearized().write_geojson(out, has_z, decimals);
            }
            None => out.push_str("null"),
        }
    }

    /// EPSG code of the stored geometry.
    pub fn srid(&self) -> Option<u32> {
        (self.srid != 0).then_some(self.srid)
    }

    /// The linearised geometry in CRS:84, for spatial tests.
    pub fn shape84(&self) -> Option<std::borrow::Cow<'_, geo::Geometry<f64>>> {
        match &self.shape84 {
            Some(shape) => Some(std::borrow::Cow::Borrowed(&**shape)),
            None => self
                .bbox84
                .map(|b| std::borrow::Cow::Owned(geo::Geometry::Point(geo::Point::new(b[0], b[1])))),
        }
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
    /// Properties, in first-seen order.
    pub properties: Vec<Property>,
    features: Vec<StoredFeature>,
    /// Feature indices sorted by identifier (no second copy of every identifier).
    by_fid: Vec<u32>,
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
    /// The deliverable's slug: its id without the class.
    pub fn livrable_slug(&self) -> &str {
        self.id
            .strip_suffix(&format!("-{}", self.class))
            .unwrap_or(&self.id)
    }

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
        let at = self
            .by_fid
            .partition_point(|index| &*self.features[*index as usize].fid < fid);
        let index = *self.by_fid.get(at)?;
        let feature = &self.features[index as usize];
        (&*feature.fid == fid).then_some(feature)
    }

    /// Every feature, in document order.
    pub fn features(&self) -> &[StoredFeature] {
        &self.features
    }

    /// The features meeting `bbox` (CRS:84) if given and `keep` if given, in document order,
    /// `limit` from `offset`. Without either, a page costs its own features only (a client
    /// reading a whole collection page by page reads it once).
    pub fn select(
        &self,
        bbox: Option<[f64; 4]>,
        keep: Option<&dyn Fn(&StoredFeature) -> bool>,
        offset: usize,
        limit: usize,
    ) -> Selection<'_> {
        let always = |_: &StoredFeature| true;
        let keep: &dyn Fn(&StoredFeature) -> bool = match (keep, bbox) {
            (Some(keep), _) => keep,
            (None, Some(_)) => &always,
            (None, None) => {
                return Selection {
                    matched: self.features.len(),
                    features: self.features.iter().skip(offset).take(limit).collect(),
                }
            }
        };
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
                let hits = self.hits(bbox, keep);
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

impl Collection {
    /// Positions in [`Collection::features`] of the features meeting `bbox` (CRS:84) and
    /// `keep`, in document order.
    pub fn positions(&self, bbox: [f64; 4], keep: &dyn Fn(&StoredFeature) -> bool) -> Vec<usize> {
        self.hits(bbox, keep).into_iter().map(|i| i as usize).collect()
    }

    /// Indices of the features meeting `bbox` and `keep`, sorted.
    fn hits(&self, bbox: [f64; 4], keep: &dyn Fn(&StoredFeature) -> bool) -> Vec<u32> {
        // West east of east crosses the antimeridian: two boxes. South above north holds
        // nothing.
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
        hits
    }
}

/// The collections served, kept in step with imports; cheap to clone.
#[derive(Clone)]
pub struct Vectors {
    by_id: Arc<RwLock<HashMap<String, Arc<Collection>>>>,
    changes: tokio::sync::broadcast::Sender<super::changes::VectorChange>,
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
            changes: tokio::sync::broadcast::channel(64).0,
            catalog,
            transform,
            settings,
        }
    }

    /// What each rebuild changes, for those who keep derived things (the tile cache).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<super::changes::VectorChange> {
        self.changes.subscribe()
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

    /// Rebuilds the collections of one deliverable from the catalogue and swaps them in. Rows
    /// stream from the catalogue to a blocking thread that turns each into a served feature as
    /// it comes, so they are never all held at once.
    pub async fn rebuild(&self, livrable_id: i64) -> Result<(), VectorError> {
        let livrable = self.catalog.livrable(livrable_id).await?;
        let livrable_slug = livrable.slug.clone();
        let transform = self.transform;
        let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<FeatureRow>>(4);
        let builder = tokio::task::spawn_blocking(move || {
            let mut classes: Vec<Partial> = Vec::new();
            let mut add = |row: FeatureRow| {
                let at = match classes.iter().position(|partial| partial.class == row.class) {
                    Some(at) => at,
                    None => {
                        classes.push(Partial::new(row.class.clone()));
                        classes.len() - 1
                    }
                };
                classes[at].add(row, transform);
            };
            // Affleurant rows wait for all the rows: their attributes join across classes.
            let mut affleurants = Vec::new();
            while let Some(batch) = batches.blocking_recv() {
                for row in batch {
                    if super::affleurant::in_join(&row.class) {
                        affleurants.push(row);
                    } else {
                        add(row);
                    }
                }
            }
            super::affleurant::join(&mut affleurants);
            affleurants.into_iter().for_each(&mut add);
            classes
                .into_iter()
                .map(|partial| partial.finish(&livrable))
                .collect::<Vec<_>>()
        });
        let mut rows = self.catalog.livrable_feature_stream(livrable_id);
        let mut batch = Vec::with_capacity(1000);
        let mut failed = None;
        while let Some(row) = rows.next().await {
            match row {
                Ok(row) => batch.push(row),
                Err(err) => {
                    failed = Some(err);
                    break;
                }
            }
            if batch.len() == 1000 && sender.send(std::mem::take(&mut batch)).await.is_err() {
                break;
            }
        }
        if !batch.is_empty() {
            let _ = sender.send(batch).await;
        }
        drop(sender);
        drop(rows);
        let built = builder
            .await
            .map_err(|err| VectorError::Worker(err.to_string()))?;
        if let Some(err) = failed {
            return Err(err.into());
        }
        let built: Vec<Arc<Collection>> = built.into_iter().map(Arc::new).collect();
        let old: Vec<Arc<Collection>> = {
            let mut map = self
                .by_id
                .write()
                .map_err(|_| VectorError::Worker("the collection registry is poisoned".into()))?;
            let old = map
                .values()
                .filter(|collection| collection.livrable_id == livrable_id)
                .cloned()
                .collect();
            map.retain(|_, collection| collection.livrable_id != livrable_id);
            for collection in &built {
                map.insert(collection.id.clone(), collection.clone());
            }
            old
        };
        if self.changes.receiver_count() > 0 {
            let slug = livrable_slug.clone();
            let change = tokio::task::spawn_blocking(move || {
                super::changes::change_between(livrable_id, &slug, &old, &built)
            })
            .await
            .map_err(|err| VectorError::Worker(err.to_string()))?;
            // A rebuild that changed nothing (files found unchanged) drops no tile.
            if !change.boxes84.is_empty() {
                let _ = self.changes.send(change);
            }
        }
        Ok(())
    }
}

/// A collection being built, feature by feature.
struct Partial {
    class: String,
    features: Vec<StoredFeature>,
    properties: Vec<(String, Seen)>,
    kinds: Vec<GeometryKind>,
    srids: HashMap<u32, usize>,
    has_z: bool,
}

impl Partial {
    fn new(class: String) -> Partial {
        Partial {
            class,
            features: Vec::new(),
            properties: Vec::new(),
            kinds: Vec::new(),
            srids: HashMap::new(),
            has_z: false,
        }
    }

    fn add(&mut self, row: FeatureRow, transform: Transform) {
        let (feature, facts) = stored_feature(row, transform);
        for (key, seen) in facts.keys {
            match self.properties.iter_mut().find(|(name, _)| *name == key) {
                Some((_, known)) => {
                    known.kind = match (known.kind, seen.kind) {
                        (Some(a), Some(b)) => Some(a.merge(b)),
                        (a, b) => a.or(b),
                    };
                    known.repeated |= seen.repeated;
                }
                None => self.properties.push((key, seen)),
            }
        }
        if let Some(kind) = facts.kind {
            if !self.kinds.contains(&kind) {
                self.kinds.push(kind);
            }
        }
        if let Some(srid) = facts.srid {
            *self.srids.entry(srid).or_default() += 1;
        }
        self.has_z |= facts.has_z;
        self.features.push(feature);
    }

    /// The collection: its R-tree, extent and identifier index.
    fn finish(mut self, livrable: &Livrable) -> Collection {
        self.features.shrink_to_fit();
        let features = self.features;
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
        // Stable: of features sharing an identifier, the first in the document is found.
        let mut by_fid: Vec<u32> = (0..features.len() as u32).collect();
        by_fid.sort_by(|a, b| features[*a as usize].fid.cmp(&features[*b as usize].fid));
        let class = self.class;
        Collection {
            id: format!("{}-{class}", livrable.slug),
            livrable_id: livrable.id,
            title: format!("{} — {class}", livrable.nom),
            class,
            srid: self
                .srids
                .into_iter()
                .max_by_key(|(srid, count)| (*count, *srid))
                .map(|(srid, _)| srid),
            has_z: self.has_z,
            kind: (self.kinds.len() == 1).then(|| self.kinds[0]),
            extent84,
            properties: self
                .properties
                .into_iter()
                .map(|(name, seen)| Property {
                    name,
                    kind: seen.kind.unwrap_or(ValueKind::Text),
                    repeated: seen.repeated,
                })
                .collect(),
            features,
            by_fid,
            index: RTree::bulk_load(entries),
        }
    }
}

#[cfg(test)]
impl StoredFeature {
    /// A feature without geometry holding `properties` (a JSON object), for the filters' tests.
    pub(crate) fn for_tests(properties: &str) -> StoredFeature {
        let row = FeatureRow {
            class: "Test".into(),
            fid: "test".into(),
            srid: None,
            has_z: false,
            bbox: None,
            properties: properties.into(),
            geometry: None,
        };
        stored_feature(row, |_, _, _, _| false).0
    }
}

/// A stored row turned into a served feature: geometry parsed, reprojected to CRS:84 for its
/// box, its exact shape and its GeoJSON (the stored properties go in as they are).
fn stored_feature(row: FeatureRow, transform: Transform) -> (StoredFeature, Facts) {
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
    let mut json = String::with_capacity(128 + row.properties.len());
    json.push_str("{\"type\":\"Feature\",\"id\":");
    json.push_str(&Value::String(row.fid.clone()).to_string());
    json.push_str(",\"geometry\":");
    match &geometry84 {
        Some(geometry) => geometry.write_geojson(&mut json, row.has_z, DEGREE_DECIMALS),
        None => json.push_str("null"),
    }
    json.push_str(",\"properties\":");
    let properties_at = json.len() as u32;
    json.push_str(if properties.is_empty() {
        "{}"
    } else {
        &row.properties
    });
    json.push('}');
    let shape84 = geometry84
        .as_ref()
        .filter(|geometry| !matches!(geometry, Geometry::Point(_)))
        .map(|geometry| Box::new(to_geo(geometry)));
    let feature = StoredFeature {
        fid: row.fid.into_boxed_str(),
        survey_date: properties
            .get(SURVEY_DATE)
            .and_then(Value::as_str)
            .map(Into::into),
        bbox84: geometry84.as_ref().and_then(Geometry::bbox),
        shape84,
        json84: json.into_boxed_str(),
        properties_at,
        native: row.geometry.map(Vec::into_boxed_slice),
        srid: srid.unwrap_or(0),
    };
    let facts = Facts {
        keys: properties
            .into_iter()
            .map(|(key, value)| (key, seen_in(&value)))
            .collect(),
        kind: geometry.as_ref().map(Geometry::kind),
        srid,
        has_z: row.has_z,
    };
    (feature, facts)
}

/// What one value shows of its property's type.
fn seen_in(value: &Value) -> Seen {
    match value {
        Value::Array(items) => Seen {
            kind: items.iter().filter_map(ValueKind::of).reduce(ValueKind::merge),
            repeated: true,
        },
        other => Seen {
            kind: ValueKind::of(other),
            repeated: false,
        },
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
pub fn to_geo(geometry: &Geometry) -> geo::Geometry<f64> {
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
