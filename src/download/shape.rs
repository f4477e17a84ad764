//! The place of a selection: its area and box in CRS:84 as polygons, to test dalle footprints
//! and features against and to cut vector deliverables to.

use geo::{Area as _, BooleanOps, BoundingRect, Coord, Intersects, LineString, MultiPolygon, Polygon};

use crate::tiles::area::Area;

/// Share of a dalle's footprint an area must cover for the dalle to count: one that only
/// touches the area's edge is left out. Footprints are stored to 1e-8° (about a millimetre),
/// so a shared edge can overlap by a millimetre's sliver (5e-6 of a 200 m dalle); 1e-4 is a
/// 2 cm strip of it.
const MIN_SHARE: f64 = 1e-4;

/// The area and box of a selection, in CRS:84, as polygons to test footprints and features
/// against and to cut vector deliverables to.
#[derive(Debug, Clone)]
pub struct Shape {
    polygons: MultiPolygon<f64>,
}

impl Shape {
    /// Its box (none when empty).
    pub(super) fn bbox(&self) -> Option<[f64; 4]> {
        let rect = self.polygons.bounding_rect()?;
        Some([rect.min().x, rect.min().y, rect.max().x, rect.max().y])
    }

    /// Whether a geometry meets the shape.
    pub(super) fn meets(&self, geometry: &geo::Geometry<f64>) -> bool {
        self.polygons.intersects(geometry)
    }

    /// Its polygons as rings of `[lon, lat]`.
    pub(super) fn rings(&self) -> Vec<Vec<Vec<[f64; 2]>>> {
        let ring = |line: &LineString<f64>| line.coords().map(|c| [c.x, c.y]).collect::<Vec<_>>();
        self.polygons
            .iter()
            .map(|polygon| {
                std::iter::once(ring(polygon.exterior()))
                    .chain(polygon.interiors().iter().map(ring))
                    .collect()
            })
            .collect()
    }

    pub(super) fn new(area: Option<&Area>, bbox: Option<[f64; 4]>) -> Shape {
        let ring = |points: &[[f64; 2]]| {
            LineString::from(
                points
                    .iter()
                    .map(|[x, y]| Coord { x: *x, y: *y })
                    .collect::<Vec<_>>(),
            )
        };
        let mut polygons: MultiPolygon<f64> = match area {
            Some(area) => MultiPolygon::new(
                area.polygons
                    .iter()
                    .filter_map(|rings| {
                        let (outer, holes) = rings.split_first()?;
                        Some(Polygon::new(ring(outer), holes.iter().map(|h| ring(h)).collect()))
                    })
                    .collect(),
            ),
            None => MultiPolygon::new(Vec::new()),
        };
        if let Some([w, s, e, n]) = bbox {
            let rect = MultiPolygon::new(vec![Polygon::new(
                ring(&[[w, s], [e, s], [e, n], [w, n], [w, s]]),
                vec![],
            )]);
            polygons = if area.is_some() {
                polygons.intersection(&rect)
            } else {
                rect
            };
        }
        Shape { polygons }
    }

    /// Whether the area covers some of a footprint (more than its edge).
    pub(super) fn covers_some_of(&self, footprint: &[[f64; 2]]) -> bool {
        let polygon = Polygon::new(
            LineString::from(
                footprint
                    .iter()
                    .map(|[x, y]| Coord { x: *x, y: *y })
                    .collect::<Vec<_>>(),
            ),
            vec![],
        );
        let (Some(around), Some(own)) = (self.polygons.bounding_rect(), polygon.bounding_rect()) else {
            return false;
        };
        if !around.intersects(&own) || !self.polygons.intersects(&polygon) {
            return false;
        }
        let whole = polygon.unsigned_area();
        whole > 0.0
            && self
                .polygons
                .intersection(&MultiPolygon::new(vec![polygon]))
                .unsigned_area()
                > whole * MIN_SHARE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> Vec<[f64; 2]> {
        vec![[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    }

    #[test]
    fn a_dalle_touching_the_edge_only_is_left_out() {
        let area = Area {
            polygons: vec![vec![square(0.0, 0.0, 1.0)]],
            label: None,
        };
        let shape = Shape::new(Some(&area), None);
        assert!(shape.covers_some_of(&square(0.5, 0.5, 1.0)), "overlapping");
        assert!(shape.covers_some_of(&square(0.2, 0.2, 0.1)), "inside");
        assert!(
            !shape.covers_some_of(&square(1.0, 0.0, 1.0)),
            "touching the east edge"
        );
        assert!(!shape.covers_some_of(&square(1.0, 1.0, 1.0)), "touching a corner");
        assert!(!shape.covers_some_of(&square(3.0, 3.0, 1.0)), "away");
        // Box and area together: both must be met.
        let both = Shape::new(Some(&area), Some([0.0, 0.0, 0.5, 0.5]));
        assert!(!both.covers_some_of(&square(0.6, 0.6, 0.3)));
        assert!(both.covers_some_of(&square(0.4, 0.4, 0.3)));
    }
}
