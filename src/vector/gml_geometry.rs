//! GML geometries (3.2, 3.1 and the GML 2 spellings met in the wild) read from a feature's
//! tree: points, line strings, curves with straight and arc segments, composite and oriented
//! curves, rings, polygons, surfaces with patches, their multi- forms and envelopes; positions
//! from `pos`, `posList`, `coordinates` or `coord`; `srsName` in every spelling.

use super::geometry::{Geometry, Path, Piece, Position};
use super::node::Node;

/// Local names of the GML geometry elements read.
pub(super) const GEOMETRY_NAMES: &[&str] = &[
    "Point",
    "LineString",
    "Curve",
    "CompositeCurve",
    "OrientableCurve",
    "LinearRing",
    "Ring",
    "Polygon",
    "Surface",
    "PolyhedralSurface",
    "CompositeSurface",
    "MultiPoint",
    "MultiCurve",
    "MultiLineString",
    "MultiSurface",
    "MultiPolygon",
    "Envelope",
];

/// What a geometry inherits from its parents, and what reading it found.
#[derive(Debug, Default)]
pub(super) struct Context {
    /// EPSG code from the nearest `srsName`.
    pub srid: Option<u32>,
    /// Dimension from the nearest `srsDimension`.
    pub dimension: Option<usize>,
    /// Whether some position had a z.
    pub has_z: bool,
    /// What was repaired, for the report.
    pub repairs: Vec<String>,
}

type Outcome<T> = Result<T, String>;

/// The EPSG code a `srsName` names: `EPSG:3946`, `urn:ogc:def:crs:EPSG::3946`,
/// `urn:ogc:def:crs:EPSG:3946`, `urn:x-ogc:def:crs:EPSG:3946`,
/// `http://www.opengis.net/def/crs/EPSG/0/3946`, `http://www.opengis.net/gml/srs/epsg.xml#3946`.
pub fn parse_srs_name(name: &str) -> Option<u32> {
    let upper = name.trim().to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper == "CRS:84" {
        return Some(4326);
    }
    let tail = if let Some((_, code)) = upper.rsplit_once("EPSG.XML#") {
        code
    } else if upper.contains("EPSG") {
        upper.rsplit([':', '/']).next()?
    } else {
        return None;
    };
    tail.parse().ok().filter(|code| *code > 0)
}

/// The EPSG code a node names with `srsName`.
pub(super) fn srid_of(node: &Node) -> Option<u32> {
    node.attr("srsName").and_then(parse_srs_name)
}

/// An envelope (`lowerCorner`/`upperCorner`, or two `pos`/`coord`) as a 2D box and its CRS.
pub(super) fn parse_envelope(node: &Node) -> Option<([f64; 4], Option<u32>)> {
    if node.name != "Envelope" && node.name != "Box" {
        return None;
    }
    let numbers =
        |name: &str| -> Option<Vec<f64>> { node.child(name).and_then(|corner| numbers(&corner.text).ok()) };
    let (low, high) = match (numbers("lowerCorner"), numbers("upperCorner")) {
        (Some(low), Some(high)) => (low, high),
        _ => {
            let mut context = Context::default();
            let points = positions(node, &mut context).ok()?;
            let (first, last) = (points.first()?, points.last()?);
            (first.to_vec(), last.to_vec())
        }
    };
    if low.len() < 2 || high.len() < 2 {
        return None;
    }
    Some(([low[0], low[1], high[0], high[1]], srid_of(node)))
}

/// A GML geometry element given in a request (a filter's operand): the geometry, the EPSG
/// code its `srsName` names, whether it has z. An `Envelope` is its rectangle.
pub fn read_gml_geometry(node: &Node) -> Result<(Geometry, Option<u32>), String> {
    if let Some((b, srid)) = parse_envelope(node) {
        return Ok((Geometry::rectangle(b), srid));
    }
    if !GEOMETRY_NAMES.contains(&node.name.as_str()) {
        return Err(format!("{} is not a GML geometry", node.name));
    }
    let mut context = Context::default();
    let geometry = parse_geometry(node, &mut context)?;
    Ok((geometry, context.srid))
}

/// Reads the geometry element `node`.
pub(super) fn parse_geometry(node: &Node, context: &mut Context) -> Outcome<Geometry> {
    inherit(node, context);
    match node.name.as_str() {
        "Point" => Ok(Geometry::Point(point(node, context)?)),
        "LineString" | "Curve" | "CompositeCurve" | "OrientableCurve" | "LinearRing" | "Ring" => {
            Ok(Geometry::Line(curve(node, context)?))
        }
        "Polygon" => Ok(Geometry::Polygon(polygon(node, context)?)),
        "Surface" | "PolyhedralSurface" | "CompositeSurface" => {
            let mut polygons = surfaces(node, context)?;
            if polygons.len() == 1 && node.name == "Surface" {
                Ok(Geometry::Polygon(polygons.remove(0)))
            } else {
                Ok(Geometry::MultiPolygon(polygons))
            }
        }
        "MultiPoint" => {
            let mut points = Vec::new();
            for member in members(node, &["pointMember", "pointMembers"]) {
                let mut inner = context.child();
                points.push(point(member, &mut inner)?);
                context.absorb(inner);
            }
            Ok(Geometry::MultiPoint(points))
        }
        "MultiCurve" | "MultiLineString" => {
            let mut paths = Vec::new();
            for member in members(node, &["curveMember", "curveMembers", "lineStringMember"]) {
                let mut inner = context.child();
                inherit(member, &mut inner);
                paths.push(curve(member, &mut inner)?);
                context.absorb(inner);
            }
            Ok(Geometry::MultiLine(paths))
        }
        "MultiSurface" | "MultiPolygon" => {
            let mut polygons = Vec::new();
            for member in members(node, &["surfaceMember", "surfaceMembers", "polygonMember"]) {
                let mut inner = context.child();
                inherit(member, &mut inner);
                match member.name.as_str() {
                    "Polygon" => polygons.push(polygon(member, &mut inner)?),
                    _ => polygons.extend(surfaces(member, &mut inner)?),
                }
                context.absorb(inner);
            }
            Ok(Geometry::MultiPolygon(polygons))
        }
        "Envelope" => {
            let (b, _) = parse_envelope(node).ok_or("an Envelope without two corners")?;
            Ok(Geometry::rectangle(b))
        }
        other => Err(format!("gml:{other} is not a geometry this server reads")),
    }
}

impl Context {
    /// A context for a member geometry: same CRS and dimension, its own findings.
    fn child(&self) -> Context {
        Context {
            srid: self.srid,
            dimension: self.dimension,
            has_z: false,
            repairs: Vec::new(),
        }
    }

    /// Takes in what reading a member found.
    fn absorb(&mut self, inner: Context) {
        self.has_z |= inner.has_z;
        if self.srid.is_none() {
            self.srid = inner.srid;
        }
        self.repairs.extend(inner.repairs);
    }
}

/// Applies a node's own `srsName` and `srsDimension`.
fn inherit(node: &Node, context: &mut Context) {
    if let Some(name) = node.attr("srsName") {
        match parse_srs_name(name) {
            Some(srid) => context.srid = Some(srid),
            None => context
                .repairs
                .push(format!("srsName {name:?} names no EPSG code; ignored")),
        }
    }
    if let Some(dimension) = node.attr("srsDimension").and_then(|d| d.trim().parse().ok()) {
        context.dimension = Some(dimension);
    }
}

/// The geometry elements inside member elements (`curveMember/Curve`, `curveMembers/*`).
fn members<'a>(node: &'a Node, names: &[&str]) -> Vec<&'a Node> {
    node.children
        .iter()
        .filter(|child| names.contains(&child.name.as_str()))
        .flat_map(|member| member.children.iter())
        .collect()
}

fn point(node: &Node, context: &mut Context) -> Outcome<Position> {
    inherit(node, context);
    let points = positions(node, context)?;
    match points.as_slice() {
        [only] => Ok(*only),
        [] => Err("a Point without a position".into()),
        _ => Err(format!("a Point with {} positions", points.len())),
    }
}

/// A curve of any kind as a path.
fn curve(node: &Node, context: &mut Context) -> Outcome<Path> {
    inherit(node, context);
    match node.name.as_str() {
        "LineString" | "LinearRing" | "LineStringSegment" => {
            let points = positions(node, context)?;
            if points.len() < 2 {
                return Err(format!("a {} with {} position(s)", node.name, points.len()));
            }
            Ok(Path::straight(points))
        }
        "Curve" => {
            let segments = node.child("segments").ok_or("a Curve without segments")?;
            let mut pieces = Vec::new();
            for segment in &segment_nodes(segments) {
                pieces.push(segment_piece(segment, context)?);
            }
            if pieces.is_empty() {
                return Err("a Curve without segments".into());
            }
            Ok(Path(pieces))
        }
        "CompositeCurve" | "Ring" => {
            let mut pieces = Vec::new();
            for member in members(node, &["curveMember"]) {
                pieces.extend(curve(member, context)?.0);
            }
            if pieces.is_empty() {
                return Err(format!("a {} without members", node.name));
            }
            Ok(Path(pieces))
        }
        "OrientableCurve" => {
            let base = node
                .child("baseCurve")
                .and_then(|base| base.children.first())
                .ok_or("an OrientableCurve without baseCurve")?;
            let mut path = curve(base, context)?;
            if node.attr("orientation") == Some("-") {
                path.0.reverse();
                for piece in &mut path.0 {
                    match piece {
                        Piece::Line(points) | Piece::Arcs(points) => points.reverse(),
                    }
                }
            }
            Ok(path)
        }
        other => Err(format!("gml:{other} is not a curve this server reads")),
    }
}

fn segment_nodes(segments: &Node) -> Vec<&Node> {
    segments.children.iter().collect()
}

fn segment_piece(segment: &Node, context: &mut Context) -> Outcome<Piece> {
    inherit(segment, context);
    let points = positions(segment, context)?;
    match segment.name.as_str() {
        "LineStringSegment" | "LineString" => {
            if points.len() < 2 {
                return Err("a LineStringSegment with fewer than 2 positions".into());
            }
            Ok(Piece::Line(points))
        }
        "Arc" | "ArcString" => {
            if points.len() < 3 || points.len() % 2 == 0 {
                return Err(format!(
                    "an {} with {} positions (3, 5, 7… expected)",
                    segment.name,
                    points.len()
                ));
            }
            Ok(Piece::Arcs(points))
        }
        "Circle" => {
            if points.len() != 3 {
                return Err(format!("a Circle with {} positions (3 expected)", points.len()));
            }
            // The whole circle: start, the point opposite, start again.
            let opposite = opposite_on_circle(&points).ok_or("a Circle through three aligned points")?;
            Ok(Piece::Arcs(vec![points[0], opposite, points[0]]))
        }
        other => Err(format!(
            "segment gml:{other} is not read (straight and circular segments are)"
        )),
    }
}

/// On the circle through three points, the point opposite the first.
fn opposite_on_circle(points: &[Position]) -> Option<Position> {
    let [a, b, c] = [points[0], points[1], points[2]];
    let (bx, by, cx, cy) = (b[0] - a[0], b[1] - a[1], c[0] - a[0], c[1] - a[1]);
    let d = 2.0 * (bx * cy - by * cx);
    if d == 0.0 {
        return None;
    }
    let (b2, c2) = (bx * bx + by * by, cx * cx + cy * cy);
    let (ux, uy) = ((cy * b2 - by * c2) / d, (bx * c2 - cx * b2) / d);
    Some([a[0] + 2.0 * ux, a[1] + 2.0 * uy, b[2]])
}

/// A polygon: outer ring, then holes (GML 3 `exterior`/`interior`, GML 2 `outerBoundaryIs`/
/// `innerBoundaryIs`).
fn polygon(node: &Node, context: &mut Context) -> Outcome<Vec<Path>> {
    inherit(node, context);
    let mut rings = Vec::new();
    for boundary in ["exterior", "outerBoundaryIs", "interior", "innerBoundaryIs"] {
        for child in node.children.iter().filter(|child| child.name == boundary) {
            let ring = child
                .children
                .first()
                .ok_or_else(|| format!("an empty {boundary}"))?;
            rings.push(curve(ring, context)?);
        }
        if boundary == "outerBoundaryIs" && rings.is_empty() {
            return Err(format!("a {} without exterior", node.name));
        }
    }
    Ok(rings)
}

/// The polygons of a surface (its patches) or of a composite (its members).
fn surfaces(node: &Node, context: &mut Context) -> Outcome<Vec<Vec<Path>>> {
    inherit(node, context);
    match node.name.as_str() {
        "Polygon" => Ok(vec![polygon(node, context)?]),
        "Surface" | "PolyhedralSurface" => {
            let patches = node
                .child("patches")
                .or_else(|| node.child("polygonPatches"))
                .ok_or_else(|| format!("a {} without patches", node.name))?;
            patches
                .children
                .iter()
                .map(|patch| polygon(patch, context))
                .collect()
        }
        "CompositeSurface" => {
            let mut polygons = Vec::new();
            for member in members(node, &["surfaceMember"]) {
                polygons.extend(surfaces(member, context)?);
            }
            Ok(polygons)
        }
        other => Err(format!("gml:{other} is not a surface this server reads")),
    }
}

/// Parses whitespace-separated numbers.
fn numbers(text: &str) -> Outcome<Vec<f64>> {
    text.split_ascii_whitespace()
        .map(|word| {
            word.parse::<f64>()
                .map_err(|_| format!("{word:?} is not a number"))
        })
        .collect()
}

/// The positions of an element: `posList`, `pos` / `pointProperty` / `Point` children,
/// `coordinates` or GML 2 `coord`.
fn positions(node: &Node, context: &mut Context) -> Outcome<Vec<Position>> {
    if let Some(list) = node.child("posList") {
        let dimension = list
            .attr("srsDimension")
            .and_then(|d| d.trim().parse().ok())
            .or(context.dimension);
        let values = numbers(&list.text)?;
        let dimension = match dimension {
            Some(dimension @ (2 | 3)) => dimension,
            Some(other) => return Err(format!("srsDimension {other} (2 or 3 expected)")),
            None => guess_dimension(values.len(), context),
        };
        if values.len() % dimension != 0 {
            return Err(format!(
                "a posList of {} numbers is not a list of {dimension}D positions",
                values.len()
            ));
        }
        context.has_z |= dimension == 3;
        return Ok(values.chunks(dimension).map(to_position).collect());
    }
    if let Some(coordinates) = node.child("coordinates") {
        return coordinates_text(coordinates, context);
    }
    let mut out = Vec::new();
    for child in &node.children {
        match child.name.as_str() {
            "pos" => {
                let values = numbers(&child.text)?;
                if !(2..=3).contains(&values.len()) {
                    return Err(format!("a pos of {} numbers", values.len()));
                }
                context.has_z |= values.len() == 3;
                out.push(to_position(&values));
            }
            "pointProperty" | "pointRep" => {
                let point_node = child.child("Point").ok_or("a pointProperty without Point")?;
                out.push(point(point_node, context)?);
            }
            "Point" => out.push(point(child, context)?),
            "coord" => {
                let axis = |name: &str| child.child(name).and_then(|n| n.text.trim().parse::<f64>().ok());
                let (x, y) = (
                    axis("X").ok_or("a coord without X")?,
                    axis("Y").ok_or("a coord without Y")?,
                );
                let z = axis("Z");
                context.has_z |= z.is_some();
                out.push([x, y, z.unwrap_or(0.0)]);
            }
            _ => {}
        }
    }
    Ok(out)
}

fn to_position(values: &[f64]) -> Position {
    [values[0], values[1], values.get(2).copied().unwrap_or(0.0)]
}

/// Without `srsDimension`: 2 (GML's default) unless the count only fits 3.
fn guess_dimension(count: usize, context: &mut Context) -> usize {
    if count % 2 != 0 && count % 3 == 0 {
        context
            .repairs
            .push("a posList without srsDimension holds 3D positions (its count is odd); read as 3D".into());
        3
    } else {
        2
    }
}

/// GML 2 `coordinates`: tuples separated by `ts` (space), values by `cs` (comma), `decimal`.
fn coordinates_text(node: &Node, context: &mut Context) -> Outcome<Vec<Position>> {
    let cs = node.attr("cs").unwrap_or(",");
    let ts = node.attr("ts").unwrap_or(" ");
    let decimal = node.attr("decimal").unwrap_or(".");
    let mut out = Vec::new();
    let tuples: Vec<&str> = if ts.trim().is_empty() {
        node.text.split_ascii_whitespace().collect()
    } else {
        node.text
            .split(ts)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect()
    };
    for tuple in tuples {
        let values: Vec<f64> = tuple
            .split(cs)
            .map(|value| {
                let value = value.trim();
                let value = if decimal == "." {
                    value.to_string()
                } else {
                    value.replace(decimal, ".")
                };
                value
                    .parse::<f64>()
                    .map_err(|_| format!("{value:?} is not a number"))
            })
            .collect::<Outcome<_>>()?;
        if !(2..=3).contains(&values.len()) {
            return Err(format!("a coordinate tuple of {} values", values.len()));
        }
        context.has_z |= values.len() == 3;
        out.push(to_position(&values));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_srs_name_spelling_names_the_same_code() {
        for name in [
            "EPSG:3946",
            "urn:ogc:def:crs:EPSG::3946",
            "urn:ogc:def:crs:EPSG:3946",
            "urn:ogc:def:crs:EPSG:6.6:3946",
            "urn:x-ogc:def:crs:EPSG:3946",
            "http://www.opengis.net/def/crs/EPSG/0/3946",
            "http://www.opengis.net/gml/srs/epsg.xml#3946",
            " epsg:3946 ",
        ] {
            assert_eq!(parse_srs_name(name), Some(3946), "{name}");
        }
        assert_eq!(parse_srs_name("Lambert93"), None);
        assert_eq!(parse_srs_name("EPSG:"), None);
    }
}
