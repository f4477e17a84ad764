//! Areas that limit seeding, truncation and the cache-size estimate: a CRS:84 box, a drawn or
//! administrative polygon (GeoJSON), or both. Communes, EPCI and départements become areas
//! through their imported boundaries (the download module's `boundaries`).

use geo::{BoundingRect, Coord, Intersects, LineString, Polygon, Rect};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::matrix_sets::TileMatrixSet;
use crate::raster::crs::{transform_bbox, transform_points};

/// Most vertices accepted in one area (a detailed commune boundary has a few thousand; the
/// GeoJSON of 50 000 stays within the API's default 4 MiB body limit).
pub const MAX_VERTICES: usize = 50_000;
/// Longest edge, in degrees, projected as a straight line: longer ones are cut first, since a
/// straight edge in longitude and latitude is a curve in a projected CRS (a 100 km parallel
/// sags some 200 m in Lambert-93; 0.01° sags under a millimetre).
const MAX_EDGE_DEGREES: f64 = 0.01;
/// Most vertices once long edges are cut.
const MAX_DENSIFIED: usize = 1_000_000;

/// Polygons in CRS:84 (longitude, latitude): each a list of rings, the first the outer one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Area {
    /// Polygons, rings, positions.
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
    /// Where the polygons come from when they are a named territory (`commune:69123 Lyon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Area {
    /// Reads a GeoJSON Polygon or MultiPolygon, or a Feature / FeatureCollection of them, in
    /// CRS:84 (the only CRS GeoJSON has).
    pub fn from_geojson(value: &Value) -> Result<Area, String> {
        Self::from_geojson_within(value, MAX_VERTICES)
    }

    /// Like [`Area::from_geojson`], with another bound on the vertices (imported boundaries
    /// are trusted with more than a request body).
    pub fn from_geojson_within(value: &Value, max_vertices: usize) -> Result<Area, String> {
        let mut polygons = Vec::new();
        collect(value, &mut polygons)?;
        if polygons.is_empty() {
            return Err("the GeoJSON holds no Polygon or MultiPolygon".into());
        }
        let vertices: usize = polygons.iter().flatten().map(Vec::len).sum();
        if vertices > max_vertices {
            return Err(format!(
                "the area has {vertices} vertices, more than the {max_vertices} allowed"
            ));
        }
        if polygons.iter().any(Vec::is_empty) {
            return Err("each polygon needs an outer ring".into());
        }
        for ring in polygons.iter().flatten() {
            if ring.len() < 4 || ring.first() != ring.last() {
                return Err("each ring needs at least 4 positions, the last equal to the first".into());
            }
            if let Some([lon, lat]) = ring
                .iter()
                .find(|[lon, lat]| !(-180.0..=180.0).contains(lon) || !(-90.0..=90.0).contains(lat))
            {
                return Err(format!("position {lon},{lat} is not a longitude, latitude pair"));
            }
        }
        Ok(Area {
            polygons,
            label: None,
        })
    }

    /// What clients are shown of the area: counts and box, not every vertex.
    pub fn summary(&self) -> Value {
        let mut summary = serde_json::json!({
            "polygons": self.polygons.len(),
            "vertices": self.polygons.iter().flatten().map(Vec::len).sum::<usize>(),
            "bbox": self.bbox(),
        });
        if let Some(label) = &self.label {
            summary["territory"] = Value::from(label.as_str());
        }
        summary
    }

    /// The CRS:84 box around the area.
    pub fn bbox(&self) -> [f64; 4] {
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for [x, y] in self.polygons.iter().flatten().flatten() {
            bbox = [bbox[0].min(*x), bbox[1].min(*y), bbox[2].max(*x), bbox[3].max(*y)];
        }
        bbox
    }
}

fn collect(value: &Value, out: &mut Vec<Vec<Vec<[f64; 2]>>>) -> Result<(), String> {
    let kind = value.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "FeatureCollection" => {
            for feature in value
                .get("features")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                collect(feature, out)?;
            }
        }
        "Feature" => {
            if let Some(geometry) = value.get("geometry").filter(|g| !g.is_null()) {
                collect(geometry, out)?;
            }
        }
        "Polygon" => out.push(rings(value.get("coordinates"))?),
        "MultiPolygon" => {
            let parts = value
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or("MultiPolygon without coordinates")?;
            for part in parts {
                out.push(rings(Some(part))?);
            }
        }
        other => {
            return Err(format!(
                "`{other}` is not a Polygon, MultiPolygon, Feature or FeatureCollection"
            ))
        }
    }
    Ok(())
}

fn rings(value: Option<&Value>) -> Result<Vec<Vec<[f64; 2]>>, String> {
    let rings = value
        .and_then(Value::as_array)
        .ok_or("a polygon needs coordinates")?;
    rings
        .iter()
        .map(|ring| {
            ring.as_array()
                .ok_or("a ring must be an array of positions")?
                .iter()
                .map(|position| match position.as_array().map(Vec::as_slice) {
                    Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                        (Some(x), Some(y)) => Ok([x, y]),
                        _ => Err("positions are numbers".to_string()),
                    },
                    _ => Err("a position is [longitude, latitude]".to_string()),
                })
                .collect()
        })
        .collect()
}

/// A plan's area in a tile matrix set's CRS: a box (the CRS:84 box and the polygons' box
/// projected and intersected) and, for polygons, their projected shape.
#[derive(Debug, Clone, Default)]
pub struct Region {
    /// Box in the set's CRS (none: everywhere).
    pub bbox: Option<[f64; 4]>,
    /// Polygons in the set's CRS, each with its box (none: the whole box).
    pub shape: Option<Vec<(Rect<f64>, Polygon<f64>)>>,
}

impl Region {
    /// Projects a box and an area into `set`'s CRS; an error when they cannot be projected
    /// or do not overlap.
    pub fn new(set: &TileMatrixSet, bbox: Option<[f64; 4]>, area: Option<&Area>) -> Result<Region, String> {
        Self::project(set, bbox, area)
            .ok_or_else(|| format!("the plan's bbox or area cannot be projected into {}", set.id))
            .and_then(|region| match region.bbox {
                Some(b) if b[0] >= b[2] || b[1] >= b[3] => Err("the bbox and the area do not overlap".into()),
                _ => Ok(region),
            })
    }

    fn project(set: &TileMatrixSet, bbox: Option<[f64; 4]>, area: Option<&Area>) -> Option<Region> {
        let epsg = set.crs.epsg;
        let project = |b: [f64; 4]| transform_bbox(4326, epsg, b).filter(|b| b.iter().all(|v| v.is_finite()));
        let mut region = Region {
            bbox: match bbox {
                Some(b) => Some(project(b)?),
                None => None,
            },
            shape: None,
        };
        if let Some(area) = area {
            let shape = project_area(area, epsg)?;
            let own = project(area.bbox())?;
            region.bbox = Some(match region.bbox {
                Some(b) => [
                    b[0].max(own[0]),
                    b[1].max(own[1]),
                    b[2].min(own[2]),
                    b[3].min(own[3]),
                ],
                None => own,
            });
            region.shape = Some(shape);
        }
        Some(region)
    }

    /// Whether a box of the set's CRS meets the region (more than along an edge).
    pub fn meets(&self, bbox: [f64; 4]) -> bool {
        if let Some(b) = self.bbox {
            if bbox[0] >= b[2] || bbox[2] <= b[0] || bbox[1] >= b[3] || bbox[3] <= b[1] {
                return false;
            }
        }
        let Some(shape) = &self.shape else {
            return true;
        };
        // A tile that only touches a polygon's edge does not count, as with the box.
        let inset = (bbox[2] - bbox[0]).abs().max((bbox[3] - bbox[1]).abs()) * 1e-9;
        let tile = Rect::new(
            Coord {
                x: bbox[0] + inset,
                y: bbox[1] + inset,
            },
            Coord {
                x: bbox[2] - inset,
                y: bbox[3] - inset,
            },
        );
        shape
            .iter()
            .any(|(around, polygon)| around.intersects(&tile) && polygon.intersects(&tile))
    }
}

fn project_area(area: &Area, epsg: u32) -> Option<Vec<(Rect<f64>, Polygon<f64>)>> {
    let mut polygons = Vec::new();
    let mut vertices = 0;
    for rings in &area.polygons {
        let mut projected = Vec::new();
        for ring in rings {
            let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = densify(ring).into_iter().unzip();
            vertices += xs.len();
            if vertices > MAX_DENSIFIED
                || !transform_points(4326, epsg, &mut xs, &mut ys)
                || xs.iter().chain(&ys).any(|v| !v.is_finite())
            {
                return None;
            }
            projected.push(LineString::from(
                xs.into_iter().zip(ys).collect::<Vec<(f64, f64)>>(),
            ));
        }
        let mut rings = projected.into_iter();
        let outer = rings.next()?;
        let polygon = Polygon::new(outer, rings.collect());
        polygons.push((polygon.bounding_rect()?, polygon));
    }
    Some(polygons)
}

/// The ring's positions with edges longer than [`MAX_EDGE_DEGREES`] cut evenly.
fn densify(ring: &[[f64; 2]]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(ring.len());
    for pair in ring.windows(2) {
        let ([x0, y0], [x1, y1]) = (pair[0], pair[1]);
        let steps = ((x1 - x0).abs().max((y1 - y0).abs()) / MAX_EDGE_DEGREES)
            .ceil()
            .max(1.0) as usize;
        for step in 0..steps {
            let t = step as f64 / steps as f64;
            out.push((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t));
        }
    }
    out.extend(ring.last().map(|[x, y]| (*x, *y)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_geojson_and_refuses_what_is_not_an_area() {
        let triangle = json!({"type": "Polygon", "coordinates": [[[4.88, 45.81], [4.89, 45.81], [4.88, 45.82], [4.88, 45.81]]]});
        let area = Area::from_geojson(&json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": triangle}
        ]}))
        .unwrap();
        assert_eq!(area.bbox(), [4.88, 45.81, 4.89, 45.82]);
        for (bad, says) in [
            (
                json!({"type": "Point", "coordinates": [4.8, 45.8]}),
                "is not a Polygon",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[4.8, 45.8], [4.9, 45.8], [4.8, 45.8]]]}),
                "at least 4",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[845000, 6520000], [846000, 6520000], [845000, 6521000], [845000, 6520000]]]}),
                "longitude",
            ),
            (json!({"type": "FeatureCollection", "features": []}), "no Polygon"),
        ] {
            let err = Area::from_geojson(&bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    fn square(w: f64, s: f64, e: f64, n: f64) -> Area {
        Area::from_geojson(
            &json!({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}),
        )
        .unwrap()
    }

    #[test]
    fn regions_refuse_empty_polygons_and_areas_apart_from_the_bbox() {
        let empty = Area::from_geojson(&json!({"type": "Polygon", "coordinates": []})).unwrap_err();
        assert!(empty.contains("outer ring"), "{empty}");
        let set = crate::tiles::matrix_sets::get("2154_5cm").unwrap();
        let area = square(4.88, 45.81, 4.89, 45.82);
        let err = Region::new(set, Some([5.0, 46.0, 5.1, 46.1]), Some(&area)).unwrap_err();
        assert!(err.contains("do not overlap"), "{err}");
        assert!(Region::new(set, Some([4.0, 45.0, 5.0, 46.0]), Some(&area)).is_ok());
    }

    #[test]
    fn long_edges_are_cut_before_projection_and_touching_tiles_do_not_count() {
        // A 1° parallel is cut into 0.01° pieces: in Lambert-93 it bends with the parallel.
        let ring = [[2.0, 46.0], [3.0, 46.0], [3.0, 47.0], [2.0, 46.0]];
        let cut = densify(&ring);
        assert!(cut.len() > 200, "{}", cut.len());
        assert_eq!(cut.first(), Some(&(2.0, 46.0)));
        assert_eq!(cut.last(), Some(&(2.0, 46.0)));
        let set = crate::tiles::matrix_sets::get("2154_5cm").unwrap();
        // Around Lambert-93's central meridian (3°E) the 46°N parallel dips between 2.5°E and
        // 3.5°E, about 120 m below its ends: a straight edge between the corners cuts it off.
        let region = Region::new(set, None, Some(&square(2.5, 46.0, 3.5, 47.0))).unwrap();
        let (_, polygon) = &region.shape.as_ref().unwrap()[0];
        let lowest = polygon
            .exterior()
            .points()
            .map(|p| p.y())
            .fold(f64::MAX, f64::min);
        let corner = transform_bbox(4326, 2154, [2.5, 46.0, 2.5, 46.0]).unwrap()[1];
        assert!(
            corner - lowest > 50.0,
            "the south edge sags below its corners: {}",
            corner - lowest
        );
        // A box sharing only an edge with the area does not meet it.
        let region = Region::new(set, None, Some(&square(4.88, 45.81, 4.89, 45.82))).unwrap();
        let [x0, y0, x1, _] = region.bbox.unwrap();
        assert!(!region.meets([x0 - 100.0, y0, x0, y0 + 10.0]));
        assert!(region.meets([x0, y0, x1, y0 + 100.0]));
    }
}
