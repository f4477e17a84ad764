//! DescribeFeatureType: an XML Schema of the feature types asked for, matching what GetFeature
//! writes (the same names, the same order, the types the values showed), so that an answer
//! validates against it.

use crate::ogc::common::xml::Xml;
use crate::vector::{Collection, GeometryKind, ValueKind};

use super::output::{type_name, xml_name, Gml, GEOMETRY, NAMESPACE, PREFIX};

/// The schema of `collections` for GML `gml`.
pub fn document(gml: Gml, collections: &[std::sync::Arc<Collection>]) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open(
        "xsd:schema",
        &[
            ("xmlns:xsd", "http://www.w3.org/2001/XMLSchema"),
            ("xmlns:gml", gml.namespace()),
            (&format!("xmlns:{PREFIX}"), NAMESPACE),
            ("targetNamespace", NAMESPACE),
            ("elementFormDefault", "qualified"),
            ("attributeFormDefault", "unqualified"),
            ("version", "1.0"),
        ],
    );
    xml.empty(
        "xsd:import",
        &[("namespace", gml.namespace()), ("schemaLocation", gml.schema())],
    );
    for collection in collections {
        let name = type_name(collection);
        xml.open("xsd:complexType", &[("name", &format!("{name}Type"))]);
        xml.open("xsd:complexContent", &[]);
        xml.open("xsd:extension", &[("base", "gml:AbstractFeatureType")]);
        xml.open("xsd:sequence", &[]);
        for property in &collection.properties {
            let kind = match property.kind {
                ValueKind::Integer => "xsd:long",
                ValueKind::Number => "xsd:double",
                ValueKind::Boolean => "xsd:boolean",
                ValueKind::Text => "xsd:string",
            };
            let max = if property.repeated { "unbounded" } else { "1" };
            xml.empty(
                "xsd:element",
                &[
                    ("name", &xml_name(&property.name)),
                    ("type", kind),
                    ("minOccurs", "0"),
                    ("maxOccurs", max),
                ],
            );
        }
        xml.empty(
            "xsd:element",
            &[
                ("name", GEOMETRY),
                ("type", geometry_type(collection.kind)),
                ("minOccurs", "0"),
            ],
        );
        xml.close("xsd:sequence");
        xml.close("xsd:extension");
        xml.close("xsd:complexContent");
        xml.close("xsd:complexType");
        let substitution = match gml {
            Gml::V32 => "gml:AbstractFeature",
            Gml::V311 => "gml:_Feature",
        };
        xml.empty(
            "xsd:element",
            &[
                ("name", &name),
                ("type", &format!("{PREFIX}:{name}Type")),
                ("substitutionGroup", substitution),
            ],
        );
    }
    xml.close("xsd:schema");
    xml.finish()
}

/// The GML property type of a collection's geometries (any geometry when they differ).
fn geometry_type(kind: Option<GeometryKind>) -> &'static str {
    match kind {
        Some(GeometryKind::Point) => "gml:PointPropertyType",
        Some(GeometryKind::Line) => "gml:CurvePropertyType",
        Some(GeometryKind::Polygon) => "gml:SurfacePropertyType",
        Some(GeometryKind::MultiPoint) => "gml:MultiPointPropertyType",
        Some(GeometryKind::MultiLine) => "gml:MultiCurvePropertyType",
        Some(GeometryKind::MultiPolygon) => "gml:MultiSurfacePropertyType",
        None => "gml:GeometryPropertyType",
    }
}
