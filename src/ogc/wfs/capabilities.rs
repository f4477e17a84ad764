//! The capabilities documents of WFS 2.0.0 (OWS 1.1, FES 2.0) and 1.1.0 (OWS 1.0, Filter
//! 1.1), each valid against its schema: the operations with their parameters and the
//! conformance constraints that hold, every collection as a feature type with its CRSs and
//! box, and what filters may hold.

use crate::ogc::common::xml::Xml;
use crate::raster::crs::SERVED_EPSG;
use crate::vector::Collection;

use super::output::{type_name, NAMESPACE, PREFIX};
use super::params::{OutputFormat, Version, GET_FEATURE_BY_ID};

const SPATIAL_OPERATORS: &[&str] = &[
    "BBOX",
    "Equals",
    "Disjoint",
    "Intersects",
    "Touches",
    "Crosses",
    "Within",
    "Contains",
    "Overlaps",
    "DWithin",
    "Beyond",
];

/// What the document needs besides the collections.
pub struct Context<'a> {
    /// The service URL (`{base}/wfs`).
    pub url: &'a str,
    /// The server's base URL, for links to other services (metadata records).
    pub base: &'a str,
    /// The page size limit (`CountDefault`, `DefaultMaxFeatures`).
    pub max_count: u32,
}

/// The capabilities document of `version`.
pub fn document(version: Version, context: &Context, collections: &[std::sync::Arc<Collection>]) -> Vec<u8> {
    let mut xml = Xml::new();
    match version {
        Version::V200 => {
            xml.open(
                "wfs:WFS_Capabilities",
                &[
                    ("version", "2.0.0"),
                    ("xmlns:wfs", "http://www.opengis.net/wfs/2.0"),
                    ("xmlns:ows", "http://www.opengis.net/ows/1.1"),
                    ("xmlns:fes", "http://www.opengis.net/fes/2.0"),
                    ("xmlns:gml", "http://www.opengis.net/gml/3.2"),
                    ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
                    ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                    (&format!("xmlns:{PREFIX}"), NAMESPACE),
                    (
                        "xsi:schemaLocation",
                        "http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd",
                    ),
                ],
            );
        }
        Version::V110 => {
            xml.open(
                "wfs:WFS_Capabilities",
                &[
                    ("version", "1.1.0"),
                    ("xmlns:wfs", "http://www.opengis.net/wfs"),
                    ("xmlns:ows", "http://www.opengis.net/ows"),
                    ("xmlns:ogc", "http://www.opengis.net/ogc"),
                    ("xmlns:gml", "http://www.opengis.net/gml"),
                    ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
                    ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                    (&format!("xmlns:{PREFIX}"), NAMESPACE),
                    (
                        "xsi:schemaLocation",
                        "http://www.opengis.net/wfs http://schemas.opengis.net/wfs/1.1.0/wfs.xsd",
                    ),
                ],
            );
        }
    }
    service(&mut xml, version);
    operations(&mut xml, version, context, collections);
    feature_types(&mut xml, version, context.base, collections);
    match version {
        Version::V200 => filter_capabilities_20(&mut xml),
        Version::V110 => filter_capabilities_11(&mut xml),
    }
    xml.close("wfs:WFS_Capabilities");
    xml.finish()
}

fn service(xml: &mut Xml, version: Version) {
    xml.open("ows:ServiceIdentification", &[]);
    xml.leaf("ows:Title", &[], "dallage — vector PCRS");
    xml.leaf(
        "ows:Abstract",
        &[],
        "Vector PCRS deliverables (CNIG PCRS v2.0) and other vector layers, one feature type per class per deliverable, read from the storages where they are kept.",
    );
    xml.open("ows:Keywords", &[]);
    for keyword in ["PCRS", "WFS", "corps de rue"] {
        xml.leaf("ows:Keyword", &[], keyword);
    }
    xml.close("ows:Keywords");
    match version {
        Version::V200 => xml.leaf("ows:ServiceType", &[("codeSpace", "OGC")], "WFS"),
        Version::V110 => xml.leaf("ows:ServiceType", &[], "WFS"),
    }
    xml.leaf("ows:ServiceTypeVersion", &[], "2.0.0");
    xml.leaf("ows:ServiceTypeVersion", &[], "1.1.0");
    xml.leaf("ows:Fees", &[], "NONE");
    xml.leaf("ows:AccessConstraints", &[], "NONE");
    xml.close("ows:ServiceIdentification");
    xml.open("ows:ServiceProvider", &[]);
    xml.leaf("ows:ProviderName", &[], "dallage");
    xml.open("ows:ServiceContact", &[]);
    xml.close("ows:ServiceContact");
    xml.close("ows:ServiceProvider");
}

/// A parameter with its values (OWS 1.1 wraps them in `AllowedValues`, 1.0 does not).
fn parameter(xml: &mut Xml, version: Version, name: &str, values: &[&str]) {
    xml.open("ows:Parameter", &[("name", name)]);
    if version == Version::V200 {
        xml.open("ows:AllowedValues", &[]);
    }
    for value in values {
        xml.leaf("ows:Value", &[], value);
    }
    if version == Version::V200 {
        xml.close("ows:AllowedValues");
    }
    xml.close("ows:Parameter");
}

fn constraint(xml: &mut Xml, prefix: &str, name: &str, value: &str) {
    let element = format!("{prefix}:Constraint");
    xml.open(&element, &[("name", name)]);
    xml.empty("ows:NoValues", &[]);
    xml.leaf("ows:DefaultValue", &[], value);
    xml.close(&element);
}

fn operations(
    xml: &mut Xml,
    version: Version,
    context: &Context,
    collections: &[std::sync::Arc<Collection>],
) {
    let get = format!("{}?", context.url);
    xml.open("ows:OperationsMetadata", &[]);
    let mut names = vec!["GetCapabilities", "DescribeFeatureType", "GetFeature"];
    if version == Version::V200 {
        names.extend(["ListStoredQueries", "DescribeStoredQueries"]);
    }
    let formats = OutputFormat::offered(version);
    for name in names {
        xml.open("ows:Operation", &[("name", name)]);
        xml.open("ows:DCP", &[]);
        xml.open("ows:HTTP", &[]);
        xml.empty("ows:Get", &[("xlink:href", &get)]);
        xml.empty("ows:Post", &[("xlink:href", context.url)]);
        xml.close("ows:HTTP");
        xml.close("ows:DCP");
        match name {
            "GetCapabilities" => {
                parameter(xml, version, "AcceptVersions", &["2.0.0", "1.1.0"]);
                parameter(xml, version, "AcceptFormats", &["text/xml"]);
            }
            "DescribeFeatureType" => {
                let gml = match version {
                    Version::V200 => ["application/gml+xml; version=3.2", "text/xml; subtype=gml/3.1.1"],
                    Version::V110 => ["text/xml; subtype=gml/3.1.1", "application/gml+xml; version=3.2"],
                };
                parameter(xml, version, "outputFormat", &gml);
            }
            "GetFeature" => {
                parameter(xml, version, "outputFormat", formats);
                parameter(xml, version, "resultType", &["results", "hits"]);
            }
            _ => {}
        }
        xml.close("ows:Operation");
    }
    let codes: std::collections::BTreeSet<u32> = collections
        .iter()
        .filter_map(|c| c.srid)
        .chain(SERVED_EPSG.iter().copied())
        .collect();
    let crs: Vec<String> = codes
        .iter()
        .map(|epsg| format!("urn:ogc:def:crs:EPSG::{epsg}"))
        .collect();
    let crs: Vec<&str> = crs.iter().map(String::as_str).collect();
    let count = context.max_count.to_string();
    match version {
        Version::V200 => {
            parameter(xml, version, "version", &["2.0.0", "1.1.0"]);
            for (name, value) in [
                ("ImplementsBasicWFS", "TRUE"),
                ("ImplementsTransactionalWFS", "FALSE"),
                ("ImplementsLockingWFS", "FALSE"),
                ("KVPEncoding", "TRUE"),
                ("XMLEncoding", "TRUE"),
                ("SOAPEncoding", "FALSE"),
                ("ImplementsInheritance", "FALSE"),
                ("ImplementsRemoteResolve", "FALSE"),
                ("ImplementsResultPaging", "TRUE"),
                ("ImplementsStandardJoins", "FALSE"),
                ("ImplementsSpatialJoins", "FALSE"),
                ("ImplementsTemporalJoins", "FALSE"),
                ("ImplementsFeatureVersioning", "FALSE"),
                ("ManageStoredQueries", "FALSE"),
                ("CountDefault", &count),
            ] {
                constraint(xml, "ows", name, value);
            }
            xml.open("ows:Constraint", &[("name", "QueryExpressions")]);
            xml.open("ows:AllowedValues", &[]);
            xml.leaf("ows:Value", &[], "wfs:Query");
            xml.leaf("ows:Value", &[], "wfs:StoredQuery");
            xml.close("ows:AllowedValues");
            xml.close("ows:Constraint");
        }
        Version::V110 => {
            parameter(xml, version, "srsName", &crs);
            // OWS 1.0 constraints list their values, with no default.
            xml.open("ows:Constraint", &[("name", "DefaultMaxFeatures")]);
            xml.leaf("ows:Value", &[], &count);
            xml.close("ows:Constraint");
        }
    }
    xml.close("ows:OperationsMetadata");
}

/// A feature type's deliverable's ISO 19139 record: an xlink in WFS 2.0, the address as text
/// with its type and format in WFS 1.1.
fn metadata_url(xml: &mut Xml, version: Version, base: &str, slug: &str) {
    let href = format!("{base}/metadata/{slug}.xml");
    match version {
        Version::V200 => xml.empty(
            "wfs:MetadataURL",
            &[("xlink:type", "simple"), ("xlink:href", &href)],
        ),
        Version::V110 => xml.leaf(
            "wfs:MetadataURL",
            &[("type", "19139"), ("format", "text/xml")],
            &href,
        ),
    }
}

fn feature_types(xml: &mut Xml, version: Version, base: &str, collections: &[std::sync::Arc<Collection>]) {
    let (default_tag, other_tag) = match version {
        Version::V200 => ("wfs:DefaultCRS", "wfs:OtherCRS"),
        Version::V110 => ("wfs:DefaultSRS", "wfs:OtherSRS"),
    };
    xml.open("wfs:FeatureTypeList", &[]);
    if version == Version::V110 {
        xml.open("wfs:Operations", &[]);
        xml.leaf("wfs:Operation", &[], "Query");
        xml.close("wfs:Operations");
    }
    for collection in collections {
        xml.open("wfs:FeatureType", &[]);
        xml.leaf("wfs:Name", &[], &format!("{PREFIX}:{}", type_name(collection)));
        xml.leaf("wfs:Title", &[], &collection.title);
        xml.leaf(
            "wfs:Abstract",
            &[],
            &format!("{} features of class {}", collection.len(), collection.class),
        );
        let native = collection.srid.unwrap_or(4326);
        xml.leaf(default_tag, &[], &format!("urn:ogc:def:crs:EPSG::{native}"));
        for epsg in SERVED_EPSG.iter().filter(|epsg| **epsg != native) {
            xml.leaf(other_tag, &[], &format!("urn:ogc:def:crs:EPSG::{epsg}"));
        }
        xml.open("wfs:OutputFormats", &[]);
        for format in OutputFormat::offered(version) {
            xml.leaf("wfs:Format", &[], format);
        }
        xml.close("wfs:OutputFormats");
        if let Some(b) = collection.extent84 {
            xml.open("ows:WGS84BoundingBox", &[]);
            xml.leaf("ows:LowerCorner", &[], &format!("{} {}", b[0], b[1]));
            xml.leaf("ows:UpperCorner", &[], &format!("{} {}", b[2], b[3]));
            xml.close("ows:WGS84BoundingBox");
        }
        metadata_url(xml, version, base, collection.livrable_slug());
        xml.close("wfs:FeatureType");
    }
    xml.close("wfs:FeatureTypeList");
}

fn filter_capabilities_20(xml: &mut Xml) {
    xml.open("fes:Filter_Capabilities", &[]);
    xml.open("fes:Conformance", &[]);
    for (name, value) in [
        ("ImplementsQuery", "TRUE"),
        ("ImplementsAdHocQuery", "TRUE"),
        ("ImplementsFunctions", "FALSE"),
        ("ImplementsResourceId", "TRUE"),
        ("ImplementsMinStandardFilter", "TRUE"),
        ("ImplementsStandardFilter", "TRUE"),
        ("ImplementsMinSpatialFilter", "TRUE"),
        ("ImplementsSpatialFilter", "TRUE"),
        ("ImplementsMinTemporalFilter", "FALSE"),
        ("ImplementsTemporalFilter", "FALSE"),
        ("ImplementsVersionNav", "FALSE"),
        ("ImplementsSorting", "TRUE"),
        ("ImplementsExtendedOperators", "FALSE"),
        ("ImplementsMinimumXPath", "FALSE"),
        ("ImplementsSchemaElementFunc", "FALSE"),
    ] {
        constraint(xml, "fes", name, value);
    }
    xml.close("fes:Conformance");
    xml.open("fes:Id_Capabilities", &[]);
    xml.empty("fes:ResourceIdentifier", &[("name", "fes:ResourceId")]);
    xml.close("fes:Id_Capabilities");
    xml.open("fes:Scalar_Capabilities", &[]);
    xml.empty("fes:LogicalOperators", &[]);
    xml.open("fes:ComparisonOperators", &[]);
    for name in [
        "PropertyIsEqualTo",
        "PropertyIsNotEqualTo",
        "PropertyIsLessThan",
        "PropertyIsGreaterThan",
        "PropertyIsLessThanOrEqualTo",
        "PropertyIsGreaterThanOrEqualTo",
        "PropertyIsLike",
        "PropertyIsNull",
        "PropertyIsNil",
        "PropertyIsBetween",
    ] {
        xml.empty("fes:ComparisonOperator", &[("name", name)]);
    }
    xml.close("fes:ComparisonOperators");
    xml.close("fes:Scalar_Capabilities");
    xml.open("fes:Spatial_Capabilities", &[]);
    xml.open("fes:GeometryOperands", &[]);
    for name in [
        "gml:Envelope",
        "gml:Point",
        "gml:LineString",
        "gml:Curve",
        "gml:Polygon",
        "gml:Surface",
        "gml:MultiPoint",
        "gml:MultiCurve",
        "gml:MultiSurface",
    ] {
        xml.empty("fes:GeometryOperand", &[("name", name)]);
    }
    xml.close("fes:GeometryOperands");
    xml.open("fes:SpatialOperators", &[]);
    for name in SPATIAL_OPERATORS {
        xml.empty("fes:SpatialOperator", &[("name", name)]);
    }
    xml.close("fes:SpatialOperators");
    xml.close("fes:Spatial_Capabilities");
    xml.close("fes:Filter_Capabilities");
}

fn filter_capabilities_11(xml: &mut Xml) {
    xml.open("ogc:Filter_Capabilities", &[]);
    xml.open("ogc:Spatial_Capabilities", &[]);
    xml.open("ogc:GeometryOperands", &[]);
    for name in ["gml:Envelope", "gml:Point", "gml:LineString", "gml:Polygon"] {
        xml.leaf("ogc:GeometryOperand", &[], name);
    }
    xml.close("ogc:GeometryOperands");
    xml.open("ogc:SpatialOperators", &[]);
    for name in SPATIAL_OPERATORS {
        xml.empty("ogc:SpatialOperator", &[("name", name)]);
    }
    xml.close("ogc:SpatialOperators");
    xml.close("ogc:Spatial_Capabilities");
    xml.open("ogc:Scalar_Capabilities", &[]);
    xml.empty("ogc:LogicalOperators", &[]);
    xml.open("ogc:ComparisonOperators", &[]);
    for name in [
        "EqualTo",
        "NotEqualTo",
        "LessThan",
        "GreaterThan",
        "LessThanEqualTo",
        "GreaterThanEqualTo",
        "Like",
        "Between",
        "NullCheck",
    ] {
        xml.leaf("ogc:ComparisonOperator", &[], name);
    }
    xml.close("ogc:ComparisonOperators");
    xml.close("ogc:Scalar_Capabilities");
    xml.open("ogc:Id_Capabilities", &[]);
    xml.empty("ogc:EID", &[]);
    xml.empty("ogc:FID", &[]);
    xml.close("ogc:Id_Capabilities");
    xml.close("ogc:Filter_Capabilities");
}

/// ListStoredQueries (WFS 2.0): the one stored query, over every feature type.
pub fn list_stored_queries(collections: &[std::sync::Arc<Collection>]) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open("wfs:ListStoredQueriesResponse", &stored_root());
    xml.open("wfs:StoredQuery", &[("id", GET_FEATURE_BY_ID)]);
    xml.leaf("wfs:Title", &[], "Get feature by identifier");
    for collection in collections {
        xml.leaf(
            "wfs:ReturnFeatureType",
            &[],
            &format!("{PREFIX}:{}", type_name(collection)),
        );
    }
    xml.close("wfs:StoredQuery");
    xml.close("wfs:ListStoredQueriesResponse");
    xml.finish()
}

/// DescribeStoredQueries (WFS 2.0).
pub fn describe_stored_queries(collections: &[std::sync::Arc<Collection>]) -> Vec<u8> {
    let mut xml = Xml::new();
    let mut root = stored_root();
    root.push(("xmlns:xs", "http://www.w3.org/2001/XMLSchema"));
    xml.open("wfs:DescribeStoredQueriesResponse", &root);
    xml.open("wfs:StoredQueryDescription", &[("id", GET_FEATURE_BY_ID)]);
    xml.leaf("wfs:Title", &[], "Get feature by identifier");
    xml.leaf(
        "wfs:Abstract",
        &[],
        "Returns the feature whose identifier (gml:id) is ID, of whichever feature type holds it.",
    );
    xml.open("wfs:Parameter", &[("name", "ID"), ("type", "xs:string")]);
    xml.leaf("wfs:Title", &[], "Feature identifier");
    xml.close("wfs:Parameter");
    let types: Vec<String> = collections
        .iter()
        .map(|c| format!("{PREFIX}:{}", type_name(c)))
        .collect();
    xml.empty(
        "wfs:QueryExpressionText",
        &[
            ("returnFeatureTypes", &types.join(" ")),
            (
                "language",
                "urn:ogc:def:queryLanguage:OGC-WFS::WFSQueryExpression",
            ),
            ("isPrivate", "true"),
        ],
    );
    xml.close("wfs:StoredQueryDescription");
    xml.close("wfs:DescribeStoredQueriesResponse");
    xml.finish()
}

fn stored_root() -> Vec<(&'static str, &'static str)> {
    vec![
        ("xmlns:wfs", "http://www.opengis.net/wfs/2.0"),
        ("xmlns:dallage", NAMESPACE),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        (
            "xsi:schemaLocation",
            "http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd",
        ),
    ]
}
