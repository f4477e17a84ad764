//! Areas that limit seeding, truncation and the cache-size estimate: a CRS:84 box, a drawn or
//! administrative polygon (GeoJSON), or both. Communes, EPCI and départements become polygons
//! here once their boundaries are imported (download issue).

use geo::{Coord, Intersects, LineString, MultiPolygon, Polygon, Rect};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::tms::TileMatrixSet;
use crate::raster::crs::{transform_bbox, transform_points};

/// Most vertices accepted in one area (a detailed commune boundary has a few thousand).
pub const MAX_VERTICES: usize = 200_000;

/// Polygons in CRS:84 (longitude, latitude): each a list of rings, the first the outer one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Area {
    /// Polygons, rings, positions.
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

impl Area {
    /// Reads a GeoJSON Polygon or MultiPolygon, or a Feature / FeatureCollection of them, in
    /// CRS:84 (the only CRS GeoJSON has).
    pub fn from_geojson(value: &Value) -> Result<Area, String> {
        let mut polygons = Vec::new();
        collect(value, &mut polygons)?;
        if polygons.is_empty() {
            return Err("the GeoJSON holds no Polygon or MultiPolygon".into());
        }
        let vertices: usize = polygons.iter().flatten().map(Vec::len).sum();
        if vertices > MAX_VERTICES {
            return Err(format!(
                "the area has {vertices} vertices, more than the {MAX_VERTICES} allowed"
            ));
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
        Ok(Area { polygons })
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
    /// Shape in the set's CRS (none: the whole box).
    pub shape: Option<MultiPolygon<f64>>,
}

impl Region {
    /// Projects a box and an area into `set`'s CRS; `None` when they cannot be projected.
    pub fn new(set: &TileMatrixSet, bbox: Option<[f64; 4]>, area: Option<&Area>) -> Option<Region> {
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

    /// Whether a box of the set's CRS meets the region.
    pub fn meets(&self, bbox: [f64; 4]) -> bool {
        if let Some(b) = self.bbox {
            if bbox[0] >= b[2] || bbox[2] <= b[0] || bbox[1] >= b[3] || bbox[3] <= b[1] {
                return false;
            }
        }
        match &self.shape {
            None => true,
            Some(shape) => shape.intersects(&Rect::new(
                Coord {
                    x: bbox[0],
                    y: bbox[1],
                },
                Coord {
                    x: bbox[2],
                    y: bbox[3],
                },
            )),
        }
    }
}

fn project_area(area: &Area, epsg: u32) -> Option<MultiPolygon<f64>> {
    let mut polygons = Vec::new();
    for rings in &area.polygons {
        let mut projected = Vec::new();
        for ring in rings {
            let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = ring.iter().map(|[x, y]| (*x, *y)).unzip();
            if !transform_points(4326, epsg, &mut xs, &mut ys) || xs.iter().chain(&ys).any(|v| !v.is_finite())
            {
                return None;
            }
            projected.push(LineString::from(
                xs.into_iter().zip(ys).collect::<Vec<(f64, f64)>>(),
            ));
        }
        let mut rings = projected.into_iter();
        let outer = rings.next()?;
        polygons.push(Polygon::new(outer, rings.collect()));
    }
    Some(MultiPolygon(polygons))
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
}
