//! Feature geometries as PCRS GML carries them: points, paths made of straight and circular-arc
//! pieces, polygons and their collections, 2D or 3D. Arcs are kept as GML gives them (three
//! points each) and turned into straight pieces only for outputs that have no arcs (GeoJSON)
//! and for boxes, so nothing is lost at import.

use serde::{Deserialize, Serialize};

/// A position: x (easting or longitude), y, z (0 when the geometry is 2D).
pub type Position = [f64; 3];

/// Angle between two points of a linearised arc, in degrees (GDAL's default, so our vertices
/// match what `ogr2ogr` writes for the same arc).
const ARC_STEP_DEGREES: f64 = 4.0;

/// One piece of a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Piece {
    /// Straight lines through the points.
    #[serde(rename = "l")]
    Line(Vec<Position>),
    /// Circular arcs through each three points (start, a point on the arc, end); consecutive
    /// arcs share their ends (a GML `ArcString`).
    #[serde(rename = "a")]
    Arcs(Vec<Position>),
}

/// A line made of pieces that follow each other (a GML `LineString`, `Curve`, ring).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Path(pub Vec<Piece>);

/// A geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Geometry {
    /// A point.
    #[serde(rename = "P")]
    Point(Position),
    /// A line (straight or with arcs).
    #[serde(rename = "L")]
    Line(Path),
    /// A polygon: its outer ring, then its holes.
    #[serde(rename = "A")]
    Polygon(Vec<Path>),
    /// Several points.
    #[serde(rename = "MP")]
    MultiPoint(Vec<Position>),
    /// Several lines.
    #[serde(rename = "ML")]
    MultiLine(Vec<Path>),
    /// Several polygons.
    #[serde(rename = "MA")]
    MultiPolygon(Vec<Vec<Path>>),
}

/// The kind of a geometry, as collections and schemas name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GeometryKind {
    /// Point.
    Point,
    /// Line (straight or curved).
    Line,
    /// Polygon.
    Polygon,
    /// Several points.
    MultiPoint,
    /// Several lines.
    MultiLine,
    /// Several polygons.
    MultiPolygon,
}

impl GeometryKind {
    /// The GeoJSON type of geometries of this kind.
    pub fn geojson_type(self) -> &'static str {
        match self {
            Self::Point => "Point",
            Self::Line => "LineString",
            Self::Polygon => "Polygon",
            Self::MultiPoint => "MultiPoint",
            Self::MultiLine => "MultiLineString",
            Self::MultiPolygon => "MultiPolygon",
        }
    }
}

impl Path {
    /// A path of one straight piece.
    pub fn straight(points: Vec<Position>) -> Path {
        Path(vec![Piece::Line(points)])
    }

    /// The path's vertices with every arc replaced by straight pieces.
    pub fn linearized(&self) -> Vec<Position> {
        let mut out: Vec<Position> = Vec::new();
        for piece in &self.0 {
            let points = match piece {
                Piece::Line(points) => points.clone(),
                Piece::Arcs(points) => linearize_arcs(points),
            };
            for point in points {
                // Pieces share their ends: keep one copy.
                if out.last() != Some(&point) {
                    out.push(point);
                }
            }
        }
        out
    }

    /// Whether any piece is an arc.
    pub fn has_arcs(&self) -> bool {
        self.0.iter().any(|piece| matches!(piece, Piece::Arcs(_)))
    }

    fn positions_mut(&mut self) -> impl Iterator<Item = &mut Position> {
        self.0.iter_mut().flat_map(|piece| match piece {
            Piece::Line(points) | Piece::Arcs(points) => points.iter_mut(),
        })
    }

    fn vertex_count(&self) -> usize {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Line(points) | Piece::Arcs(points) => points.len(),
            })
            .sum()
    }
}

impl Geometry {
    /// The polygon of a box (min x, min y, max x, max y).
    pub fn rectangle(b: [f64; 4]) -> Geometry {
        let ring = vec![
            [b[0], b[1], 0.0],
            [b[2], b[1], 0.0],
            [b[2], b[3], 0.0],
            [b[0], b[3], 0.0],
            [b[0], b[1], 0.0],
        ];
        Geometry::Polygon(vec![Path::straight(ring)])
    }

    /// The kind of this geometry.
    pub fn kind(&self) -> GeometryKind {
        match self {
            Self::Point(_) => GeometryKind::Point,
            Self::Line(_) => GeometryKind::Line,
            Self::Polygon(_) => GeometryKind::Polygon,
            Self::MultiPoint(_) => GeometryKind::MultiPoint,
            Self::MultiLine(_) => GeometryKind::MultiLine,
            Self::MultiPolygon(_) => GeometryKind::MultiPolygon,
        }
    }

    /// Every path of the geometry (lines, rings).
    fn paths(&self) -> Vec<&Path> {
        match self {
            Self::Point(_) | Self::MultiPoint(_) => Vec::new(),
            Self::Line(path) => vec![path],
            Self::Polygon(rings) => rings.iter().collect(),
            Self::MultiLine(paths) => paths.iter().collect(),
            Self::MultiPolygon(polygons) => polygons.iter().flatten().collect(),
        }
    }

    /// Every position, arcs' control points included, for transforms and axis swaps.
    pub fn for_each_position_mut(&mut self, mut visit: impl FnMut(&mut Position)) {
        match self {
            Self::Point(position) => visit(position),
            Self::MultiPoint(positions) => positions.iter_mut().for_each(visit),
            Self::Line(path) => path.positions_mut().for_each(visit),
            Self::Polygon(rings) | Self::MultiLine(rings) => {
                rings.iter_mut().flat_map(Path::positions_mut).for_each(visit)
            }
            Self::MultiPolygon(polygons) => polygons
                .iter_mut()
                .flatten()
                .flat_map(Path::positions_mut)
                .for_each(visit),
        }
    }

    /// Number of stored positions (arcs' control points included).
    pub fn vertex_count(&self) -> usize {
        match self {
            Self::Point(_) => 1,
            Self::MultiPoint(points) => points.len(),
            _ => self.paths().iter().map(|path| path.vertex_count()).sum(),
        }
    }

    /// Whether the geometry holds circular arcs.
    pub fn has_arcs(&self) -> bool {
        self.paths().iter().any(|path| path.has_arcs())
    }

    /// The same geometry with arcs replaced by straight pieces.
    pub fn linearized(&self) -> Geometry {
        let straight = |path: &Path| Path::straight(path.linearized());
        match self {
            Self::Point(_) | Self::MultiPoint(_) => self.clone(),
            Self::Line(path) => Self::Line(straight(path)),
            Self::Polygon(rings) => Self::Polygon(rings.iter().map(straight).collect()),
            Self::MultiLine(paths) => Self::MultiLine(paths.iter().map(straight).collect()),
            Self::MultiPolygon(polygons) => Self::MultiPolygon(
                polygons
                    .iter()
                    .map(|rings| rings.iter().map(straight).collect())
                    .collect(),
            ),
        }
    }

    /// The 2D box (min x, min y, max x, max y) of the geometry, arcs followed.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        let mut grow = |p: &Position| {
            bbox[0] = bbox[0].min(p[0]);
            bbox[1] = bbox[1].min(p[1]);
            bbox[2] = bbox[2].max(p[0]);
            bbox[3] = bbox[3].max(p[1]);
        };
        match self {
            Self::Point(position) => grow(position),
            Self::MultiPoint(positions) => positions.iter().for_each(grow),
            _ => {
                for path in self.paths() {
                    path.linearized().iter().for_each(&mut grow);
                }
            }
        }
        (bbox[0] <= bbox[2] && bbox[1] <= bbox[3]).then_some(bbox)
    }

    /// Writes the GeoJSON geometry (arcs linearised); `z` keeps the third coordinate;
    /// `decimals` rounds x and y (z keeps every digit it has).
    pub fn write_geojson(&self, out: &mut String, z: bool, decimals: usize) {
        out.push_str("{\"type\":\"");
        out.push_str(self.kind().geojson_type());
        out.push_str("\",\"coordinates\":");
        let write_path = |out: &mut String, path: &Path| {
            let points: Vec<Position> = path.linearized();
            write_positions(out, &points, z, decimals);
        };
        let write_rings = |out: &mut String, rings: &[Path]| {
            out.push('[');
            for (index, ring) in rings.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_path(out, ring);
            }
            out.push(']');
        };
        match self {
            Geometry::Point(position) => write_position(out, position, z, decimals),
            Geometry::MultiPoint(positions) => write_positions(out, positions, z, decimals),
            Geometry::Line(path) => write_path(out, path),
            Geometry::Polygon(rings) | Geometry::MultiLine(rings) => write_rings(out, rings),
            Geometry::MultiPolygon(polygons) => {
                out.push('[');
                for (index, rings) in polygons.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_rings(out, rings);
                }
                out.push(']');
            }
        }
        out.push('}');
    }
}

fn write_positions(out: &mut String, positions: &[Position], z: bool, decimals: usize) {
    out.push('[');
    for (index, position) in positions.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_position(out, position, z, decimals);
    }
    out.push(']');
}

fn write_position(out: &mut String, position: &Position, z: bool, decimals: usize) {
    out.push('[');
    write_number(out, position[0], decimals);
    out.push(',');
    write_number(out, position[1], decimals);
    if z {
        out.push(',');
        write_number(out, position[2], 6);
    }
    out.push(']');
}

/// A number rounded to `decimals`, trailing zeros dropped (`12.5`, not `12.500000000`).
pub fn write_number(out: &mut String, value: f64, decimals: usize) {
    use std::fmt::Write;
    if !value.is_finite() {
        out.push_str("null");
        return;
    }
    let start = out.len();
    let _ = write!(out, "{value:.decimals$}");
    if out[start..].contains('.') {
        let trimmed = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(trimmed);
    }
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

/// Straight pieces along circular arcs through each three points (`start, mid, end, mid, end…`),
/// one vertex every [`ARC_STEP_DEGREES`], the control points kept; z follows the angle.
pub fn linearize_arcs(points: &[Position]) -> Vec<Position> {
    let mut out = Vec::new();
    if points.len() < 3 {
        return points.to_vec();
    }
    out.push(points[0]);
    let mut index = 0;
    while index + 2 < points.len() {
        let (start, mid, end) = (points[index], points[index + 1], points[index + 2]);
        arc_points(start, mid, end, &mut out);
        index += 2;
    }
    // An even count leaves a last point no arc reaches: keep it as a straight piece.
    if index + 1 < points.len() {
        out.push(points[points.len() - 1]);
    }
    out
}

/// Appends the vertices of the arc start → mid → end after `start` (already in `out`).
fn arc_points(start: Position, mid: Position, end: Position, out: &mut Vec<Position>) {
    let Some((center, radius)) = circle_through(start, mid, end) else {
        // Collinear: the arc is a straight line.
        out.push(mid);
        out.push(end);
        return;
    };
    let angle = |p: Position| (p[1] - center[1]).atan2(p[0] - center[0]);
    let (a0, a1, a2) = (angle(start), angle(mid), angle(end));
    let full_circle = start[0] == end[0] && start[1] == end[1];
    // Counter-clockwise when the turn start → mid → end is to the left.
    let cross = (mid[0] - start[0]) * (end[1] - mid[1]) - (mid[1] - start[1]) * (end[0] - mid[0]);
    let ccw = if full_circle { true } else { cross > 0.0 };
    let sweep = |from: f64, to: f64| {
        let tau = std::f64::consts::TAU;
        let delta = if ccw {
            (to - from).rem_euclid(tau)
        } else {
            -(from - to).rem_euclid(tau)
        };
        if delta == 0.0 && full_circle {
            if ccw {
                tau / 2.0
            } else {
                -tau / 2.0
            }
        } else {
            delta
        }
    };
    let step = ARC_STEP_DEGREES.to_radians();
    for (from, to, z_from, z_to, end_point) in
        [(a0, a1, start[2], mid[2], mid), (a1, a2, mid[2], end[2], end)]
    {
        let delta = sweep(from, to);
        let count = (delta.abs() / step).ceil().max(1.0) as usize;
        for k in 1..count {
            let t = k as f64 / count as f64;
            let theta = from + delta * t;
            out.push([
                center[0] + radius * theta.cos(),
                center[1] + radius * theta.sin(),
                z_from + (z_to - z_from) * t,
            ]);
        }
        out.push(end_point);
    }
}

/// The centre and radius of the circle through three points; `None` when they are in line.
/// Three points where the first and last coincide describe a full circle whose diameter
/// joins them to the middle one.
fn circle_through(a: Position, b: Position, c: Position) -> Option<([f64; 2], f64)> {
    if a[0] == c[0] && a[1] == c[1] {
        let center = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        let radius = ((a[0] - center[0]).powi(2) + (a[1] - center[1]).powi(2)).sqrt();
        return (radius > 0.0).then_some((center, radius));
    }
    // Relative to `a`, for precision with Lambert coordinates in the millions.
    let (bx, by) = (b[0] - a[0], b[1] - a[1]);
    let (cx, cy) = (c[0] - a[0], c[1] - a[1]);
    let d = 2.0 * (bx * cy - by * cx);
    let scale = (bx.abs() + by.abs() + cx.abs() + cy.abs()).powi(2);
    if d.abs() <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
        return None;
    }
    let b2 = bx * bx + by * by;
    let c2 = cx * cx + cy * cy;
    let ux = (cy * b2 - by * c2) / d;
    let uy = (bx * c2 - cx * b2) / d;
    Some(([a[0] + ux, a[1] + uy], (ux * ux + uy * uy).sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_circle_passes_through_its_control_points_and_stays_on_the_circle() {
        let points = linearize_arcs(&[[1.0, 0.0, 10.0], [0.0, 1.0, 20.0], [-1.0, 0.0, 30.0]]);
        assert_eq!(points.first(), Some(&[1.0, 0.0, 10.0]));
        assert_eq!(points.last(), Some(&[-1.0, 0.0, 30.0]));
        assert!(points.contains(&[0.0, 1.0, 20.0]));
        // Each quarter (start → mid, mid → end) in steps of at most 4°: 23 pieces each.
        assert_eq!(points.len(), 47);
        for p in &points {
            assert!(((p[0].powi(2) + p[1].powi(2)).sqrt() - 1.0).abs() < 1e-9);
            assert!(p[1] >= -1e-12, "the arc goes through y > 0: {p:?}");
        }
    }

    #[test]
    fn a_clockwise_arc_goes_the_short_way_and_z_follows() {
        let points = linearize_arcs(&[[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, -1.0, 2.0]]);
        assert!(points.iter().all(|p| p[0] >= -1e-12));
        let z: Vec<f64> = points.iter().map(|p| p[2]).collect();
        assert!(z.windows(2).all(|pair| pair[0] <= pair[1]));
    }

    #[test]
    fn collinear_arcs_are_straight_and_numbers_are_short() {
        assert_eq!(
            linearize_arcs(&[[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [2.0, 2.0, 0.0]]).len(),
            3
        );
        let mut out = String::new();
        write_number(&mut out, 12.5000, 9);
        out.push(' ');
        write_number(&mut out, -0.0000000001, 9);
        out.push(' ');
        write_number(&mut out, 293.99, 6);
        assert_eq!(out, "12.5 0 293.99");
    }

    #[test]
    fn boxes_follow_arcs_beyond_their_control_points() {
        let arc = Geometry::Line(Path(vec![Piece::Arcs(vec![
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [-1.0, 0.0, 0.0],
        ])]));
        let bbox = arc.bbox().unwrap();
        assert!((bbox[3] - 1.0).abs() < 1e-12);
        let square = Geometry::Polygon(vec![Path(vec![
            Piece::Arcs(vec![[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
            Piece::Line(vec![[0.0, 1.0, 0.0], [0.0, -1.0, 0.0]]),
        ])]);
        assert!((square.bbox().unwrap()[2] - 1.0).abs() < 1e-12);
        let mut json = String::new();
        square.write_geojson(&mut json, false, 3);
        assert!(
            json.starts_with("{\"type\":\"Polygon\",\"coordinates\":[[[0,-1],"),
            "{json}"
        );
    }
}
