//! Features written as GetFeature answers them: GML 3.2 and 3.1.1 members (geometries with
//! their arcs, in the CRS and axis order asked for, `gml:id` on every GML object), GeoJSON
//! features, CSV rows with WKT. Names that are not XML names are made so, the same way the
//! schema of DescribeFeatureType does.

use std::fmt::Write;

use serde_json::{Map, Value};

use crate::raster::crs::transform_points;
use crate::vector::{write_number, Collection, Geometry, Path, Piece, Position, StoredFeature};

use super::params::SrsName;

/// The namespace of the feature types.
pub const NAMESPACE: &str = "urn:x-dallage:features";
/// Its prefix.
pub const PREFIX: &str = "dallage";
/// The name of the geometry property.
pub const GEOMETRY: &str = "geometry";

/// The GML version written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gml {
    /// GML 3.2 (`http://www.opengis.net/gml/3.2`).
    V32,
    /// GML 3.1.1 (`http://www.opengis.net/gml`).
    V311,
}

impl Gml {
    /// The GML namespace.
    pub fn namespace(self) -> &'static str {
        match self {
            Gml::V32 => "http://www.opengis.net/gml/3.2",
            Gml::V311 => "http://www.opengis.net/gml",
        }
    }

    /// Where its schema is.
    pub fn schema(self) -> &'static str {
        match self {
            Gml::V32 => "http://schemas.opengis.net/gml/3.2.1/gml.xsd",
            Gml::V311 => "http://schemas.opengis.net/gml/3.1.1/base/gml.xsd",
        }
    }
}

/// A name made an XML name (NCName): characters that can't be in one become `_`, and a name
/// that can't start one gets a `_` in front.
pub fn xml_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    for (index, c) in name.chars().enumerate() {
        let ok = c.is_alphanumeric() || c == '_' || (index > 0 && matches!(c, '-' | '.'));
        if index == 0 && !(c.is_alphabetic() || c == '_') {
            out.push('_');
            if c.is_alphanumeric() || matches!(c, '-' | '.') {
                out.push(c);
                continue;
            }
        }
        out.push(if ok { c } else { '_' });
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The feature type name of a collection, without its prefix.
pub fn type_name(collection: &Collection) -> String {
    xml_name(&collection.id)
}

/// Escapes XML text or an attribute value (quick-xml's escaping, as the XML writer's).
pub fn escape_into(out: &mut String, text: &str) {
    out.push_str(&quick_xml::escape::escape(text));
}

/// A feature's geometry in `srs` (the stored CRS when `None`), axes in the order `srs` names
/// them, with whether it has z and how many decimals its coordinates deserve (`None`: as
/// stored).
pub fn geometry_in(
    feature: &StoredFeature,
    srs: Option<&SrsName>,
) -> Option<(Geometry, bool, Option<usize>)> {
    let (epsg, lat_first) = srs.map_or((None, false), |srs| (Some(srs.epsg), srs.lat_first));
    let (geometry, has_z, moved) = feature.geometry_in(epsg, lat_first, transform_points)?;
    let decimals = moved.then_some(if epsg == Some(4326) { 9 } else { 4 });
    Some((geometry, has_z, decimals))
}

fn number(out: &mut String, value: f64, decimals: Option<usize>) {
    match decimals {
        Some(decimals) => write_number(out, value, decimals),
        None => {
            let _ = write!(out, "{value}");
        }
    }
}

/// Writes GML geometries of one feature, numbering their `gml:id`s.
struct GmlGeometry<'a> {
    out: &'a mut String,
    id: &'a str,
    next: usize,
    has_z: bool,
    decimals: Option<usize>,
}

impl GmlGeometry<'_> {
    /// Opens `gml:{name}` with a fresh `gml:id`, and the CRS on the outermost one.
    fn open(&mut self, name: &str, srs: Option<&str>) {
        let _ = write!(self.out, "<gml:{name} gml:id=\"{}.g{}\"", self.id, self.next);
        self.next += 1;
        if let Some(srs) = srs {
            self.out.push_str(" srsName=\"");
            escape_into(self.out, srs);
            self.out.push('"');
            if self.has_z {
                self.out.push_str(" srsDimension=\"3\"");
            }
        }
        self.out.push('>');
    }

    fn close(&mut self, name: &str) {
        let _ = write!(self.out, "</gml:{name}>");
    }

    fn positions(&mut self, tag: &str, points: &[Position]) {
        let _ = write!(self.out, "<gml:{tag}");
        if self.has_z && tag == "posList" {
            self.out.push_str(" srsDimension=\"3\"");
        }
        self.out.push('>');
        for (index, p) in points.iter().enumerate() {
            if index > 0 {
                self.out.push(' ');
            }
            number(self.out, p[0], self.decimals);
            self.out.push(' ');
            number(self.out, p[1], self.decimals);
            if self.has_z {
                self.out.push(' ');
                number(self.out, p[2], None);
            }
        }
        let _ = write!(self.out, "</gml:{tag}>");
    }

    fn geometry(&mut self, geometry: &Geometry, srs: &str) {
        match geometry {
            Geometry::Point(p) => self.point(p, Some(srs)),
            Geometry::Line(path) => self.line(path, Some(srs)),
            Geometry::Polygon(rings) => self.polygon(rings, Some(srs)),
            Geometry::MultiPoint(points) => {
                self.open("MultiPoint", Some(srs));
                for p in points {
                    self.out.push_str("<gml:pointMember>");
                    self.point(p, None);
                    self.out.push_str("</gml:pointMember>");
                }
                self.close("MultiPoint");
            }
            Geometry::MultiLine(paths) => {
                self.open("MultiCurve", Some(srs));
                for path in paths {
                    self.out.push_str("<gml:curveMember>");
                    self.line(path, None);
                    self.out.push_str("</gml:curveMember>");
                }
                self.close("MultiCurve");
            }
            Geometry::MultiPolygon(polygons) => {
                self.open("MultiSurface", Some(srs));
                for rings in polygons {
                    self.out.push_str("<gml:surfaceMember>");
                    self.polygon(rings, None);
                    self.out.push_str("</gml:surfaceMember>");
                }
                self.close("MultiSurface");
            }
        }
    }

    fn point(&mut self, p: &Position, srs: Option<&str>) {
        self.open("Point", srs);
        self.positions("pos", std::slice::from_ref(p));
        self.close("Point");
    }

    /// A straight path is a `LineString`; one with arcs a `Curve` of segments.
    fn line(&mut self, path: &Path, srs: Option<&str>) {
        if !path.has_arcs() {
            self.open("LineString", srs);
            self.positions("posList", &path.linearized());
            self.close("LineString");
            return;
        }
        self.open("Curve", srs);
        self.segments(path);
        self.close("Curve");
    }

    fn segments(&mut self, path: &Path) {
        self.out.push_str("<gml:segments>");
        for piece in &path.0 {
            let (tag, points) = match piece {
                Piece::Line(points) => ("LineStringSegment", points),
                Piece::Arcs(points) if points.len() == 3 => ("Arc", points),
                Piece::Arcs(points) => ("ArcString", points),
            };
            let _ = write!(self.out, "<gml:{tag}>");
            self.positions("posList", points);
            let _ = write!(self.out, "</gml:{tag}>");
        }
        self.out.push_str("</gml:segments>");
    }

    fn polygon(&mut self, rings: &[Path], srs: Option<&str>) {
        self.open("Polygon", srs);
        for (index, ring) in rings.iter().enumerate() {
            let side = if index == 0 { "exterior" } else { "interior" };
            let _ = write!(self.out, "<gml:{side}>");
            if ring.has_arcs() {
                self.out.push_str("<gml:Ring><gml:curveMember>");
                self.open("Curve", None);
                self.segments(ring);
                self.close("Curve");
                self.out.push_str("</gml:curveMember></gml:Ring>");
            } else {
                self.out.push_str("<gml:LinearRing>");
                self.positions("posList", &ring.linearized());
                self.out.push_str("</gml:LinearRing>");
            }
            let _ = write!(self.out, "</gml:{side}>");
        }
        self.close("Polygon");
    }
}

/// What a page writes of each feature: its properties (all when `None`) and geometry, in
/// which CRS.
pub struct Shape<'a> {
    /// Properties asked for.
    pub properties: Option<&'a [String]>,
    /// CRS of the answer (stored when `None`).
    pub srs: Option<&'a SrsName>,
}

impl Shape<'_> {
    fn wants(&self, name: &str) -> bool {
        self.properties
            .is_none_or(|wanted| wanted.iter().any(|w| w == name))
    }
}

/// Writes one feature as a GML element of type `dallage:{type}`; `extra` goes on the element
/// (namespaces of a bare feature).
pub fn gml_feature(
    out: &mut String,
    collection: &Collection,
    feature: &StoredFeature,
    shape: &Shape,
    extra: &str,
) {
    let name = type_name(collection);
    let id = xml_name(&feature.fid);
    let _ = write!(out, "<{PREFIX}:{name}{extra} gml:id=\"");
    escape_into(out, &id);
    out.push_str("\">");
    let properties = feature.properties();
    for property in &collection.properties {
        if !shape.wants(&property.name) {
            continue;
        }
        let Some(value) = properties.get(&property.name) else {
            continue;
        };
        let tag = xml_name(&property.name);
        let items = match value {
            Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in items.iter().filter(|item| !item.is_null()) {
            let _ = write!(out, "<{PREFIX}:{tag}>");
            escape_into(out, &text_of(item));
            let _ = write!(out, "</{PREFIX}:{tag}>");
        }
    }
    if shape.wants(GEOMETRY) {
        // Without SRSNAME, the stored CRS by its URN, in that URN's axis order.
        let stored = SrsName::urn(feature.srid().unwrap_or(4326));
        let srs = shape.srs.unwrap_or(&stored);
        let srs_name = srs.text.clone();
        if let Some((geometry, has_z, decimals)) = geometry_in(feature, Some(srs)) {
            let _ = write!(out, "<{PREFIX}:{GEOMETRY}>");
            let mut writer = GmlGeometry {
                out,
                id: &id,
                next: 0,
                has_z,
                decimals,
            };
            writer.geometry(&geometry, &srs_name);
            let _ = write!(out, "</{PREFIX}:{GEOMETRY}>");
        }
    }
    let _ = write!(out, "</{PREFIX}:{name}>");
}

/// A value as text (strings as they are, anything else as JSON).
fn text_of(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::String(text) => std::borrow::Cow::Borrowed(text),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

/// Writes one feature as GeoJSON: the stored CRS:84 text when nothing is asked of it.
pub fn geojson_feature(out: &mut String, feature: &StoredFeature, shape: &Shape) {
    if shape.properties.is_none() && shape.srs.is_none() {
        out.push_str(feature.geojson());
        return;
    }
    out.push_str("{\"type\":\"Feature\",\"id\":");
    out.push_str(&Value::String(feature.fid.to_string()).to_string());
    out.push_str(",\"geometry\":");
    match (shape.srs, shape.wants(GEOMETRY)) {
        (_, false) => out.push_str("null"),
        (None, true) => out.push_str(feature.geometry_json()),
        // GeoJSON is always easting (longitude) first.
        (Some(srs), true) => feature.write_geojson_in(out, srs.epsg, false, transform_points),
    }
    out.push_str(",\"properties\":");
    match shape.properties {
        None => out.push_str(feature.properties_json()),
        Some(wanted) => {
            let kept: Map<String, Value> = feature
                .properties()
                .into_iter()
                .filter(|(name, _)| wanted.iter().any(|w| w == name))
                .collect();
            out.push_str(&Value::Object(kept).to_string());
        }
    }
    out.push('}');
}

/// The CSV header of a collection: `id`, its properties, `wkt`.
pub fn csv_header(out: &mut String, collection: &Collection, shape: &Shape) {
    out.push_str("id");
    for property in collection.properties.iter().filter(|p| shape.wants(&p.name)) {
        out.push(',');
        csv_field(out, &property.name);
    }
    if shape.wants(GEOMETRY) {
        out.push_str(",wkt");
    }
    out.push_str("\r\n");
}

/// One CSV row.
pub fn csv_row(out: &mut String, collection: &Collection, feature: &StoredFeature, shape: &Shape) {
    csv_field(out, &feature.fid);
    let properties = feature.properties();
    for property in collection.properties.iter().filter(|p| shape.wants(&p.name)) {
        out.push(',');
        match properties.get(&property.name) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                let joined: Vec<String> = items.iter().map(|v| text_of(v).into_owned()).collect();
                csv_field(out, &joined.join("|"));
            }
            Some(value) => csv_field(out, &text_of(value)),
        }
    }
    if shape.wants(GEOMETRY) {
        out.push(',');
        if let Some((geometry, has_z, decimals)) = geometry_in(feature, shape.srs) {
            let mut wkt = String::new();
            write_wkt(&mut wkt, &geometry.linearized(), has_z, decimals);
            csv_field(out, &wkt);
        }
    }
    out.push_str("\r\n");
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(out: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

/// A linear geometry as WKT.
pub fn write_wkt(out: &mut String, geometry: &Geometry, has_z: bool, decimals: Option<usize>) {
    let z = if has_z { " Z" } else { "" };
    let position = |out: &mut String, p: &Position| {
        number(out, p[0], decimals);
        out.push(' ');
        number(out, p[1], decimals);
        if has_z {
            out.push(' ');
            number(out, p[2], None);
        }
    };
    let list = |out: &mut String, points: &[Position]| {
        out.push('(');
        for (index, p) in points.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            position(out, p);
        }
        out.push(')');
    };
    let rings = |out: &mut String, rings: &[Path]| {
        out.push('(');
        for (index, ring) in rings.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            list(out, &ring.linearized());
        }
        out.push(')');
    };
    match geometry {
        Geometry::Point(p) => {
            let _ = write!(out, "POINT{z} (");
            position(out, p);
            out.push(')');
        }
        Geometry::MultiPoint(points) => {
            let _ = write!(out, "MULTIPOINT{z} ");
            list(out, points);
        }
        Geometry::Line(path) => {
            let _ = write!(out, "LINESTRING{z} ");
            list(out, &path.linearized());
        }
        Geometry::Polygon(ring_list) => {
            let _ = write!(out, "POLYGON{z} ");
            rings(out, ring_list);
        }
        Geometry::MultiLine(paths) => {
            let _ = write!(out, "MULTILINESTRING{z} ");
            rings(out, paths);
        }
        Geometry::MultiPolygon(polygons) => {
            let _ = write!(out, "MULTIPOLYGON{z} (");
            for (index, polygon) in polygons.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                rings(out, polygon);
            }
            out.push(')');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_xml_names() {
        assert_eq!(xml_name("lyon-2020-FacadePCRS"), "lyon-2020-FacadePCRS");
        assert_eq!(xml_name("2020-lyon"), "_2020-lyon");
        assert_eq!(xml_name("nom de rue"), "nom_de_rue");
        assert_eq!(xml_name("façade"), "façade");
        assert_eq!(xml_name(""), "_");
    }

    #[test]
    fn arcs_stay_arcs_and_every_object_has_an_id() {
        let path = Path(vec![
            Piece::Line(vec![[0.0, 0.0, 1.0], [1.0, 0.0, 1.0]]),
            Piece::Arcs(vec![[1.0, 0.0, 1.0], [2.0, 1.0, 1.0], [3.0, 0.0, 1.0]]),
        ]);
        let mut out = String::new();
        let mut writer = GmlGeometry {
            out: &mut out,
            id: "f1",
            next: 0,
            has_z: true,
            decimals: None,
        };
        writer.geometry(&Geometry::MultiLine(vec![path]), "urn:ogc:def:crs:EPSG::3946");
        assert!(
            out.starts_with(
                "<gml:MultiCurve gml:id=\"f1.g0\" srsName=\"urn:ogc:def:crs:EPSG::3946\" srsDimension=\"3\">"
            ),
            "{out}"
        );
        assert!(
            out.contains("<gml:Curve gml:id=\"f1.g1\"><gml:segments><gml:LineStringSegment>"),
            "{out}"
        );
        assert!(
            out.contains(
                "<gml:Arc><gml:posList srsDimension=\"3\">1 0 1 2 1 1 3 0 1</gml:posList></gml:Arc>"
            ),
            "{out}"
        );
        let mut wkt = String::new();
        write_wkt(&mut wkt, &Geometry::Point([1.5, 2.0, 3.0]), true, None);
        assert_eq!(wkt, "POINT Z (1.5 2 3)");
        let mut csv = String::new();
        csv_field(&mut csv, "a \"b\", c");
        assert_eq!(csv, "\"a \"\"b\"\", c\"");
    }
}
