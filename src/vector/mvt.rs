//! Mapbox Vector Tiles (version 2.1): the features of collections meeting a tile, in tile
//! coordinates (4 096 units a side), simplified to a unit (so coarser as the zoom goes down),
//! clipped to the tile and a buffer around it, with their properties (all, or those asked for).
//! The protobuf messages are declared with prost; the geometry commands are the spec's.

use std::collections::HashMap;
use std::sync::Arc;

use geo::{BooleanOps, Simplify};
use serde_json::Value;

use super::{Collection, Deadline, Geometry, Piece, StoredFeature, Transform};

/// Units of a tile side.
pub const EXTENT: u32 = 4096;
/// Units kept around the tile, so lines and symbols join across tiles.
pub const BUFFER: u32 = 64;
/// The media type.
pub const MEDIA_TYPE: &str = "application/vnd.mapbox-vector-tile";

/// The protobuf messages of `vector_tile.proto` (spec 2.1).
mod proto {
    /// A tile: its layers.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Tile {
        /// Layers.
        #[prost(message, repeated, tag = "3")]
        pub layers: Vec<Layer>,
    }

    /// A value of a property.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Value {
        /// Text.
        #[prost(string, optional, tag = "1")]
        pub string_value: Option<String>,
        /// 64-bit float.
        #[prost(double, optional, tag = "3")]
        pub double_value: Option<f64>,
        /// Signed integer.
        #[prost(sint64, optional, tag = "6")]
        pub sint_value: Option<i64>,
        /// Boolean.
        #[prost(bool, optional, tag = "7")]
        pub bool_value: Option<bool>,
    }

    /// A feature.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Feature {
        /// Identifier.
        #[prost(uint64, optional, tag = "1")]
        pub id: Option<u64>,
        /// Pairs of key and value indexes.
        #[prost(uint32, repeated, packed = "true", tag = "2")]
        pub tags: Vec<u32>,
        /// 1 point, 2 line, 3 polygon.
        #[prost(int32, optional, tag = "3")]
        pub r#type: Option<i32>,
        /// Commands and zig-zag parameters.
        #[prost(uint32, repeated, packed = "true", tag = "4")]
        pub geometry: Vec<u32>,
    }

    /// A layer.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Layer {
        /// Always 2.
        #[prost(uint32, required, tag = "15")]
        pub version: u32,
        /// Name.
        #[prost(string, required, tag = "1")]
        pub name: String,
        /// Features.
        #[prost(message, repeated, tag = "2")]
        pub features: Vec<Feature>,
        /// Property names.
        #[prost(string, repeated, tag = "3")]
        pub keys: Vec<String>,
        /// Property values.
        #[prost(message, repeated, tag = "4")]
        pub values: Vec<Value>,
        /// Units a side.
        #[prost(uint32, optional, tag = "5")]
        pub extent: Option<u32>,
    }
}

/// Why a tile could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MvtError {
    /// The request ran past its time budget.
    #[error("making the vector tile took longer than the request timeout")]
    Timeout,
}

/// A tile: its box in a CRS (x first).
#[derive(Debug, Clone, Copy)]
pub struct TileBox {
    /// EPSG code of the tile matrix set.
    pub epsg: u32,
    /// min x, min y, max x, max y.
    pub bbox: [f64; 4],
}

/// What one tile holds, for tests and logs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TileSummary {
    /// Features per layer name.
    pub features: Vec<(String, usize)>,
}

/// Encodes the features of `layers` (MVT layer name, collection) meeting `tile`; `keep` limits
/// the properties written (all when `None`).
pub fn encode_tile(
    layers: &[(String, Arc<Collection>)],
    tile: TileBox,
    transform: Transform,
    keep: Option<&[String]>,
    deadline: &Deadline,
) -> Result<(Vec<u8>, TileSummary), MvtError> {
    use prost::Message;
    let mut out = proto::Tile::default();
    let mut summary = TileSummary::default();
    let Some(bbox84) = buffered_box84(tile, transform) else {
        return Ok((out.encode_to_vec(), summary));
    };
    for (name, collection) in layers {
        let selection = collection.select(Some(bbox84), None, 0, usize::MAX);
        let mut layer = LayerBuilder::new(name);
        for (count, feature) in selection.features.into_iter().enumerate() {
            if count % 256 == 0 && deadline.expired() {
                return Err(MvtError::Timeout);
            }
            let Some((kind, commands)) = feature_geometry(feature, tile, transform) else {
                continue;
            };
            layer.push(feature, kind, commands, keep);
        }
        summary.features.push((name.clone(), layer.layer.features.len()));
        if !layer.layer.features.is_empty() {
            out.layers.push(layer.layer);
        }
    }
    Ok((out.encode_to_vec(), summary))
}

/// The tile and its buffer in CRS:84.
fn buffered_box84(tile: TileBox, transform: Transform) -> Option<[f64; 4]> {
    let [x0, y0, x1, y1] = tile.bbox;
    let pad = f64::from(BUFFER) / f64::from(EXTENT);
    let (dx, dy) = ((x1 - x0) * pad, (y1 - y0) * pad);
    let mut xs = vec![
        x0 - dx,
        x1 + dx,
        x1 + dx,
        x0 - dx,
        (x0 + x1) / 2.0,
        (x0 + x1) / 2.0,
    ];
    let mut ys = vec![y0 - dy, y0 - dy, y1 + dy, y1 + dy, y0 - dy, y1 + dy];
    if !transform(tile.epsg, 4326, &mut xs, &mut ys) {
        return None;
    }
    let fold = |v: &[f64]| {
        v.iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)))
    };
    let ((w, e), (s, n)) = (fold(&xs), fold(&ys));
    Some([w, s, e, n])
}

/// One layer being filled: its features and the shared key and value tables.
struct LayerBuilder {
    layer: proto::Layer,
    keys: HashMap<String, u32>,
    values: HashMap<ValueKey, u32>,
}

impl LayerBuilder {
    fn new(name: &str) -> LayerBuilder {
        LayerBuilder {
            layer: proto::Layer {
                version: 2,
                name: name.to_string(),
                extent: Some(EXTENT),
                ..Default::default()
            },
            keys: HashMap::new(),
            values: HashMap::new(),
        }
    }

    fn push(&mut self, feature: &StoredFeature, kind: i32, geometry: Vec<u32>, keep: Option<&[String]>) {
        let mut tags = Vec::new();
        let mut add = |builder: &mut LayerBuilder, key: &str, value: &Value| {
            let Some(encoded) = mvt_value(value) else { return };
            let key_index = builder.key(key);
            let value_index = builder.value(encoded);
            tags.push(key_index);
            tags.push(value_index);
        };
        add(self, "fid", &Value::String(feature.fid.to_string()));
        for (key, value) in feature.properties() {
            if keep.is_some_and(|keep| !keep.contains(&key)) {
                continue;
            }
            add(self, &key, &value);
        }
        let id = self.layer.features.len() as u64 + 1;
        self.layer.features.push(proto::Feature {
            id: Some(id),
            tags,
            r#type: Some(kind),
            geometry,
        });
    }

    fn key(&mut self, key: &str) -> u32 {
        if let Some(index) = self.keys.get(key) {
            return *index;
        }
        let index = self.layer.keys.len() as u32;
        self.layer.keys.push(key.to_string());
        self.keys.insert(key.to_string(), index);
        index
    }

    fn value(&mut self, value: proto::Value) -> u32 {
        // Values are told apart by type and content.
        let identity = ValueKey::of(&value);
        if let Some(index) = self.values.get(&identity) {
            return *index;
        }
        let index = self.layer.values.len() as u32;
        self.layer.values.push(value);
        self.values.insert(identity, index);
        index
    }
}

/// What tells two values apart in a layer's table: their type and content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey {
    Text(String),
    Double(u64),
    Integer(i64),
    Boolean(bool),
}

impl ValueKey {
    fn of(value: &proto::Value) -> ValueKey {
        if let Some(text) = &value.string_value {
            ValueKey::Text(text.clone())
        } else if let Some(double) = value.double_value {
            ValueKey::Double(double.to_bits())
        } else if let Some(integer) = value.sint_value {
            ValueKey::Integer(integer)
        } else {
            ValueKey::Boolean(value.bool_value.unwrap_or_default())
        }
    }
}

/// A property value as MVT types it (arrays and objects as their JSON text; nulls left out).
fn mvt_value(value: &Value) -> Option<proto::Value> {
    let mut out = proto::Value::default();
    match value {
        Value::Null => return None,
        Value::Bool(b) => out.bool_value = Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => out.sint_value = Some(i),
            None => out.double_value = n.as_f64(),
        },
        Value::String(text) => out.string_value = Some(text.clone()),
        other => out.string_value = Some(other.to_string()),
    }
    Some(out)
}

/// The feature's geometry type and commands in the tile, `None` when nothing is left of it.
fn feature_geometry(feature: &StoredFeature, tile: TileBox, transform: Transform) -> Option<(i32, Vec<u32>)> {
    let (geometry, _, _) = feature.geometry_in(Some(tile.epsg), false, transform)?;
    let geometry = if geometry.has_arcs() {
        geometry.linearized()
    } else {
        geometry
    };
    let [x0, y0, x1, y1] = tile.bbox;
    let (sx, sy) = (f64::from(EXTENT) / (x1 - x0), f64::from(EXTENT) / (y1 - y0));
    let at = |p: &[f64; 3]| geo::coord! { x: (p[0] - x0) * sx, y: (y1 - p[1]) * sy };
    let line = |path: &super::Path| -> geo::LineString<f64> {
        path.0
            .iter()
            .flat_map(|piece| match piece {
                Piece::Line(points) | Piece::Arcs(points) => points.iter(),
            })
            .map(at)
            .collect()
    };
    let low = -f64::from(BUFFER);
    let high = f64::from(EXTENT + BUFFER);
    let frame = geo::Rect::new(geo::coord! {x: low, y: low}, geo::coord! {x: high, y: high}).to_polygon();
    let mut commands = Vec::new();
    match &geometry {
        Geometry::Point(_) | Geometry::MultiPoint(_) => {
            let points: Vec<[i64; 2]> = match &geometry {
                Geometry::Point(p) => vec![*p],
                Geometry::MultiPoint(points) => points.clone(),
                _ => Vec::new(),
            }
            .iter()
            .map(at)
            .filter(|c| c.x >= low && c.x <= high && c.y >= low && c.y <= high)
            .map(|c| [c.x.round() as i64, c.y.round() as i64])
            .collect();
            if points.is_empty() {
                return None;
            }
            let mut cursor = [0i64; 2];
            commands.push(command(1, points.len()));
            for point in points {
                push_delta(&mut commands, &mut cursor, point);
            }
            Some((1, commands))
        }
        Geometry::Line(_) | Geometry::MultiLine(_) => {
            let lines: Vec<geo::LineString<f64>> = match &geometry {
                Geometry::Line(path) => vec![line(path)],
                Geometry::MultiLine(paths) => paths.iter().map(line).collect(),
                _ => Vec::new(),
            };
            let lines = geo::MultiLineString::new(lines);
            // Most features lie wholly inside the tile and its buffer: clipping is for the others.
            let clipped = if inside(&lines, low, high) {
                lines.simplify(1.0)
            } else {
                frame.clip(&lines, false).simplify(1.0)
            };
            let mut cursor = [0i64; 2];
            for part in &clipped.0 {
                let points = rounded(part);
                if points.len() < 2 {
                    continue;
                }
                commands.push(command(1, 1));
                push_delta(&mut commands, &mut cursor, points[0]);
                commands.push(command(2, points.len() - 1));
                for point in &points[1..] {
                    push_delta(&mut commands, &mut cursor, *point);
                }
            }
            (!commands.is_empty()).then_some((2, commands))
        }
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => {
            let polygons: Vec<geo::Polygon<f64>> = match &geometry {
                Geometry::Polygon(rings) => vec![polygon_of(rings, &line)],
                Geometry::MultiPolygon(all) => all.iter().map(|rings| polygon_of(rings, &line)).collect(),
                _ => Vec::new(),
            };
            let polygons = geo::MultiPolygon::new(polygons);
            let clipped = if inside(&polygons, low, high) {
                polygons.simplify(1.0)
            } else {
                polygons.intersection(&frame).simplify(1.0)
            };
            let mut cursor = [0i64; 2];
            for polygon in &clipped.0 {
                // Exterior rings clockwise on screen (positive area with y down), holes the other way.
                push_ring(&mut commands, &mut cursor, polygon.exterior(), true);
                for hole in polygon.interiors() {
                    push_ring(&mut commands, &mut cursor, hole, false);
                }
            }
            (!commands.is_empty()).then_some((3, commands))
        }
    }
}

/// Whether every coordinate lies within [low, high] on both axes.
fn inside(geometry: &impl geo::CoordsIter<Scalar = f64>, low: f64, high: f64) -> bool {
    geometry
        .coords_iter()
        .all(|c| c.x >= low && c.x <= high && c.y >= low && c.y <= high)
}

fn polygon_of(
    rings: &[super::Path],
    line: &dyn Fn(&super::Path) -> geo::LineString<f64>,
) -> geo::Polygon<f64> {
    let mut rings = rings.iter().map(line);
    let exterior = rings.next().unwrap_or_else(|| geo::LineString::new(Vec::new()));
    geo::Polygon::new(exterior, rings.collect())
}

/// Integer tile positions, consecutive repeats dropped.
fn rounded(line: &geo::LineString<f64>) -> Vec<[i64; 2]> {
    let mut out: Vec<[i64; 2]> = Vec::with_capacity(line.0.len());
    for c in &line.0 {
        let p = [c.x.round() as i64, c.y.round() as i64];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

fn push_ring(commands: &mut Vec<u32>, cursor: &mut [i64; 2], ring: &geo::LineString<f64>, exterior: bool) {
    let mut points = rounded(ring);
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    if points.len() < 3 {
        return;
    }
    let area: i64 = (0..points.len())
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % points.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum();
    if area == 0 {
        return;
    }
    if (area > 0) != exterior {
        points.reverse();
    }
    commands.push(command(1, 1));
    push_delta(commands, cursor, points[0]);
    commands.push(command(2, points.len() - 1));
    for point in &points[1..] {
        push_delta(commands, cursor, *point);
    }
    commands.push(command(7, 1));
}

fn command(id: u32, count: usize) -> u32 {
    (id & 0x7) | ((count as u32) << 3)
}

fn zigzag(value: i64) -> u32 {
    ((value << 1) ^ (value >> 63)) as u32
}

fn push_delta(commands: &mut Vec<u32>, cursor: &mut [i64; 2], point: [i64; 2]) {
    commands.push(zigzag(point[0] - cursor[0]));
    commands.push(zigzag(point[1] - cursor[1]));
    *cursor = point;
}

/// A decoded feature: its geometry type (1 point, 2 line, 3 polygon) and properties.
pub type DecodedFeature = (i32, serde_json::Map<String, Value>);

/// Decodes a tile into (layer name, its features), for tests.
pub fn decode_tile(bytes: &[u8]) -> Result<Vec<(String, Vec<DecodedFeature>)>, prost::DecodeError> {
    use prost::Message;
    let tile = proto::Tile::decode(bytes)?;
    Ok(tile
        .layers
        .into_iter()
        .map(|layer| {
            let features = layer
                .features
                .iter()
                .map(|feature| {
                    let properties = feature
                        .tags
                        .chunks_exact(2)
                        .filter_map(|pair| {
                            let key = layer.keys.get(pair[0] as usize)?.clone();
                            let value = layer.values.get(pair[1] as usize)?;
                            let json = if let Some(text) = &value.string_value {
                                Value::String(text.clone())
                            } else if let Some(i) = value.sint_value {
                                Value::from(i)
                            } else if let Some(d) = value.double_value {
                                Value::from(d)
                            } else {
                                Value::from(value.bool_value.unwrap_or_default())
                            };
                            Some((key, json))
                        })
                        .collect();
                    (feature.r#type.unwrap_or_default(), properties)
                })
                .collect();
            (layer.name, features)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_follow_the_spec() {
        // The spec's example: a point at (25, 17) is [9, 50, 34].
        let mut commands = vec![command(1, 1)];
        push_delta(&mut commands, &mut [0, 0], [25, 17]);
        assert_eq!(commands, [9, 50, 34]);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        // A clockwise square (y down) stays as it is for an exterior ring.
        let square: geo::LineString<f64> =
            vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)].into();
        let mut out = Vec::new();
        push_ring(&mut out, &mut [0, 0], &square, true);
        assert_eq!(out, [9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15]);
    }
}
