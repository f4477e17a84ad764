//! WMS GetCapabilities, 1.1.1 (DTD) and 1.3.0 (XSD, with the SLD GetLegendGraphic extension):
//! one layer per raster deliverable, grouped by project, with geographic and per-CRS bounding
//! boxes in each version's axis order, scale limits, attribution, licence, metadata and legend.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::featureinfo::INFO_FORMATS;
use super::params::Version;
use crate::ogc::common::xml::Xml;
use crate::ogc::common::Offered;
use crate::raster::crs::{Crs, SERVED_EPSG};
use crate::raster::Mosaic;
use crate::vector::style::Styles;

use super::vector::{extent_in, styles_of, VectorGroup};

/// Standardised rendering pixel size (0.28 mm) of scale denominators.
const PIXEL_METRES: f64 = 0.00028;

/// What the document needs besides the mosaics.
pub struct CapabilitiesContext<'a> {
    /// Base URL (no trailing slash).
    pub base: &'a str,
    /// Largest GetMap width.
    pub max_width: u32,
    /// Largest GetMap height.
    pub max_height: u32,
}

fn number(value: f64) -> String {
    let text = format!("{value:.8}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A box in a version's axis order for `crs`.
fn ordered(crs: Crs, version: Version, bbox: [f64; 4]) -> [f64; 4] {
    if version == Version::V130 && crs.latitude_first() {
        [bbox[1], bbox[0], bbox[3], bbox[2]]
    } else {
        bbox
    }
}

/// Every served CRS, by name.
fn served_crs() -> Vec<Crs> {
    let mut list: Vec<Crs> = SERVED_EPSG.iter().map(|code| Crs::epsg(*code)).collect();
    list.push(Crs::parse("CRS:84").expect("CRS:84"));
    list
}

/// The capabilities document.
pub fn document(
    version: Version,
    context: &CapabilitiesContext<'_>,
    mosaics: &[Arc<Mosaic>],
    groups: &[VectorGroup],
    styles: &Styles,
) -> Vec<u8> {
    let mut xml = Xml::new();
    let service_url = format!("{}/wms?", context.base);
    match version {
        Version::V111 => {
            xml.doctype(r#"WMT_MS_Capabilities SYSTEM "http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd""#);
            xml.open("WMT_MS_Capabilities", &[("version", "1.1.1")]);
        }
        Version::V130 => xml.open(
            "WMS_Capabilities",
            &[
                ("version", "1.3.0"),
                ("xmlns", "http://www.opengis.net/wms"),
                ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
                ("xmlns:sld", "http://www.opengis.net/sld"),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                (
                    "xsi:schemaLocation",
                    "http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd \
                     http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd",
                ),
            ],
        ),
    }
    service(&mut xml, version, context, &service_url);
    xml.open("Capability", &[]);
    requests(&mut xml, version, &service_url);
    xml.open("Exception", &[]);
    let exceptions: &[&str] = match version {
        Version::V111 => &[
            "application/vnd.ogc.se_xml",
            "application/vnd.ogc.se_inimage",
            "application/vnd.ogc.se_blank",
        ],
        Version::V130 => &["XML", "INIMAGE", "BLANK"],
    };
    for format in exceptions {
        xml.leaf("Format", &[], format);
    }
    xml.close("Exception");
    root_layer(&mut xml, version, context, mosaics, groups, styles);
    xml.close("Capability");
    xml.close(match version {
        Version::V111 => "WMT_MS_Capabilities",
        Version::V130 => "WMS_Capabilities",
    });
    xml.finish()
}

fn online_resource(xml: &mut Xml, href: &str) {
    match href {
        "" => {}
        _ => xml.empty(
            "OnlineResource",
            &[
                ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
                ("xlink:type", "simple"),
                ("xlink:href", href),
            ],
        ),
    }
}

/// A deliverable's metadata: its ISO 19139 record (what INSPIRE clients and catalogues
/// harvest), then its JSON description in the API.
fn metadata_urls(xml: &mut Xml, version: Version, base: &str, slug: &str) {
    let iso_type = match version {
        Version::V111 => "TC211",
        Version::V130 => "ISO19115:2003",
    };
    for (kind, format, href) in [
        (iso_type, "text/xml", format!("{base}/metadata/{slug}.xml")),
        (
            iso_type,
            "application/json",
            format!("{base}/api/livrables/{slug}"),
        ),
    ] {
        xml.open("MetadataURL", &[("type", kind)]);
        xml.leaf("Format", &[], format);
        online_resource(xml, &href);
        xml.close("MetadataURL");
    }
}

fn service(xml: &mut Xml, version: Version, context: &CapabilitiesContext<'_>, service_url: &str) {
    xml.open("Service", &[]);
    xml.leaf(
        "Name",
        &[],
        if version == Version::V111 {
            "OGC:WMS"
        } else {
            "WMS"
        },
    );
    xml.leaf("Title", &[], "dallage — PCRS orthophotos");
    xml.leaf(
        "Abstract",
        &[],
        "Orthophotos of the Plan de Corps de Rue Simplifié (PCRS), 5 cm, served straight from the storages \
         where local authorities keep them.",
    );
    xml.open("KeywordList", &[]);
    for keyword in ["PCRS", "orthophotographie", "orthophoto", "5 cm"] {
        xml.leaf("Keyword", &[], keyword);
    }
    xml.close("KeywordList");
    online_resource(xml, service_url);
    xml.leaf("Fees", &[], "none");
    xml.leaf("AccessConstraints", &[], "see each layer's licence");
    if version == Version::V130 {
        xml.leaf("LayerLimit", &[], "16");
        xml.leaf("MaxWidth", &[], &context.max_width.to_string());
        xml.leaf("MaxHeight", &[], &context.max_height.to_string());
    }
    xml.close("Service");
}

fn operation(xml: &mut Xml, name: &str, formats: &[&str], service_url: &str) {
    xml.open(name, &[]);
    for format in formats {
        xml.leaf("Format", &[], format);
    }
    xml.open("DCPType", &[]);
    xml.open("HTTP", &[]);
    xml.open("Get", &[]);
    online_resource(xml, service_url);
    xml.close("Get");
    xml.close("HTTP");
    xml.close("DCPType");
    xml.close(name);
}

fn requests(xml: &mut Xml, version: Version, service_url: &str) {
    xml.open("Request", &[]);
    let capabilities_format = match version {
        Version::V111 => "application/vnd.ogc.wms_xml",
        Version::V130 => "text/xml",
    };
    operation(xml, "GetCapabilities", &[capabilities_format], service_url);
    let map_formats: Vec<&str> = Offered::MAPS.formats().iter().map(|f| f.mime()).collect();
    operation(xml, "GetMap", &map_formats, service_url);
    operation(xml, "GetFeatureInfo", INFO_FORMATS, service_url);
    match version {
        Version::V111 => operation(xml, "GetLegendGraphic", &map_formats, service_url),
        Version::V130 => operation(xml, "sld:GetLegendGraphic", &map_formats, service_url),
    }
    xml.close("Request");
}

fn crs_list(xml: &mut Xml, version: Version) {
    let tag = if version == Version::V111 { "SRS" } else { "CRS" };
    for crs in served_crs() {
        if version == Version::V111 && crs.crs84 {
            continue;
        }
        xml.leaf(tag, &[], &crs.name());
    }
}

fn geographic_box(xml: &mut Xml, version: Version, bbox: [f64; 4]) {
    match version {
        Version::V111 => xml.empty(
            "LatLonBoundingBox",
            &[
                ("minx", &number(bbox[0])),
                ("miny", &number(bbox[1])),
                ("maxx", &number(bbox[2])),
                ("maxy", &number(bbox[3])),
            ],
        ),
        Version::V130 => {
            xml.open("EX_GeographicBoundingBox", &[]);
            xml.leaf("westBoundLongitude", &[], &number(bbox[0]));
            xml.leaf("eastBoundLongitude", &[], &number(bbox[2]));
            xml.leaf("southBoundLatitude", &[], &number(bbox[1]));
            xml.leaf("northBoundLatitude", &[], &number(bbox[3]));
            xml.close("EX_GeographicBoundingBox");
        }
    }
}

fn union(boxes: impl Iterator<Item = [f64; 4]>) -> Option<[f64; 4]> {
    boxes.fold(None, |acc: Option<[f64; 4]>, b| {
        Some(match acc {
            None => b,
            Some(a) => [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])],
        })
    })
}

fn bounding_boxes(xml: &mut Xml, version: Version, extents: &[(u32, [f64; 4])], resolution: Option<f64>) {
    let attribute = if version == Version::V111 { "SRS" } else { "CRS" };
    for crs in served_crs() {
        if version == Version::V111 && crs.crs84 {
            continue;
        }
        let Some((_, bbox)) = extents.iter().find(|(code, _)| *code == crs.epsg) else {
            continue;
        };
        let [a, b, c, d] = ordered(crs, version, *bbox);
        let name = crs.name();
        let (a, b, c, d) = (number(a), number(b), number(c), number(d));
        let mut attributes: Vec<(&str, &str)> = vec![
            (attribute, &name),
            ("minx", &a),
            ("miny", &b),
            ("maxx", &c),
            ("maxy", &d),
        ];
        let res;
        if let (Some(resolution), false) = (resolution, crs.is_geographic() || crs.epsg == 3857) {
            res = number(resolution);
            attributes.push(("resx", &res));
            attributes.push(("resy", &res));
        }
        xml.empty("BoundingBox", &attributes);
    }
}

fn root_layer(
    xml: &mut Xml,
    version: Version,
    context: &CapabilitiesContext<'_>,
    mosaics: &[Arc<Mosaic>],
    groups: &[VectorGroup],
    styles: &Styles,
) {
    xml.open("Layer", &[]);
    xml.leaf("Title", &[], "PCRS — orthophotographies");
    crs_list(xml, version);
    let world = union(mosaics.iter().map(|m| m.extent_wgs84)).unwrap_or([-5.5, 41.0, 10.0, 51.5]);
    geographic_box(xml, version, world);
    let mut projects: BTreeMap<&str, Vec<&Arc<Mosaic>>> = BTreeMap::new();
    for mosaic in mosaics {
        projects
            .entry(mosaic.info.project.as_str())
            .or_default()
            .push(mosaic);
    }
    for (project, layers) in projects {
        xml.open("Layer", &[]);
        xml.leaf("Name", &[], project);
        xml.leaf("Title", &[], &layers[0].info.project_title);
        let extent = union(layers.iter().map(|m| m.extent_wgs84)).unwrap_or(world);
        geographic_box(xml, version, extent);
        let extents: Vec<(u32, [f64; 4])> = SERVED_EPSG
            .iter()
            .filter_map(|code| union(layers.iter().filter_map(|m| m.extent_in(*code))).map(|b| (*code, b)))
            .collect();
        bounding_boxes(xml, version, &extents, None);
        for mosaic in layers {
            layer(xml, version, context, mosaic);
        }
        xml.close("Layer");
    }
    for group in groups {
        // A folder holding dalles and GML: the raster layer keeps the name, the vector classes
        // are listed alone.
        let shadowed = mosaics.iter().any(|m| m.name == group.slug);
        vector_group(xml, version, context, group, styles, shadowed);
    }
    xml.close("Layer");
}

/// A vector deliverable: a group layer drawing every class, then one layer per class with
/// its styles and their legends.
fn vector_group(
    xml: &mut Xml,
    version: Version,
    context: &CapabilitiesContext<'_>,
    group: &VectorGroup,
    styles: &Styles,
    shadowed: bool,
) {
    let Some(extent84) = extent_in(&group.collections, 4326) else {
        return;
    };
    xml.open("Layer", &[("queryable", "1")]);
    if !shadowed {
        xml.leaf("Name", &[], &group.slug);
    }
    xml.leaf("Title", &[], &format!("{} — PCRS vecteur", group.slug));
    xml.leaf(
        "Abstract",
        &[],
        "Every class of the vector PCRS drawn in the standard's order (emprises, areas, lines, points, texts), \
         with the styles in styles/ (CNIG symbolisation, NF P 98-332 colours for networks).",
    );
    geographic_box(xml, version, extent84);
    let extents: Vec<(u32, [f64; 4])> = SERVED_EPSG
        .iter()
        .filter_map(|code| extent_in(&group.collections, *code).map(|b| (*code, b)))
        .collect();
    bounding_boxes(xml, version, &extents, None);
    metadata_urls(xml, version, context.base, &group.slug);
    for collection in &group.collections {
        let Some(own84) = collection.extent84 else {
            continue;
        };
        xml.open("Layer", &[("queryable", "1"), ("opaque", "0")]);
        xml.leaf("Name", &[], &collection.id);
        xml.leaf("Title", &[], &collection.title);
        geographic_box(xml, version, own84);
        let own: Vec<(u32, [f64; 4])> = SERVED_EPSG
            .iter()
            .filter_map(|code| extent_in(std::slice::from_ref(collection), *code).map(|b| (*code, b)))
            .collect();
        bounding_boxes(xml, version, &own, None);
        metadata_urls(xml, version, context.base, collection.livrable_slug());
        for style in styles_of(styles, collection) {
            xml.open("Style", &[]);
            xml.leaf("Name", &[], &style.name);
            xml.leaf("Title", &[], &style.title);
            if !style.abstract_text.is_empty() {
                xml.leaf("Abstract", &[], &style.abstract_text);
            }
            let href = format!(
                "{}/wms?SERVICE=WMS&VERSION={}&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER={}&STYLE={}",
                context.base,
                version.as_str(),
                collection.id,
                style.name
            );
            xml.open("LegendURL", &[("width", "20"), ("height", "20")]);
            xml.leaf("Format", &[], "image/png");
            online_resource(xml, &href);
            xml.close("LegendURL");
            xml.close("Style");
        }
        xml.close("Layer");
    }
    xml.close("Layer");
}

fn layer(xml: &mut Xml, version: Version, context: &CapabilitiesContext<'_>, mosaic: &Mosaic) {
    let info = &mosaic.info;
    xml.open("Layer", &[("queryable", "1"), ("opaque", "1")]);
    xml.leaf("Name", &[], &info.name);
    xml.leaf("Title", &[], &info.title);
    xml.leaf(
        "Abstract",
        &[],
        &format!("{} Licence : {}.", info.description, info.licence),
    );
    xml.open("KeywordList", &[]);
    for keyword in ["PCRS", "orthophotographie", &info.project_title] {
        xml.leaf("Keyword", &[], keyword);
    }
    xml.close("KeywordList");
    geographic_box(xml, version, mosaic.extent_wgs84);
    let resolution = mosaic.resolution();
    bounding_boxes(xml, version, &mosaic.extents, Some(resolution));
    xml.open("Attribution", &[]);
    xml.leaf(
        "Title",
        &[],
        &format!(
            "{} — {}",
            info.attribution.as_deref().unwrap_or(&info.project_title),
            info.licence
        ),
    );
    online_resource(xml, &format!("{}/api/livrables/{}", context.base, info.name));
    xml.close("Attribution");
    metadata_urls(xml, version, context.base, &info.name);
    xml.open("Style", &[]);
    xml.leaf("Name", &[], "default");
    xml.leaf("Title", &[], "Orthophotographie");
    xml.open("LegendURL", &[("width", "64"), ("height", "64")]);
    xml.leaf("Format", &[], "image/png");
    online_resource(
        xml,
        &format!(
            "{}/wms?SERVICE=WMS&VERSION={}&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER={}",
            context.base,
            version.as_str(),
            info.name
        ),
    );
    xml.close("LegendURL");
    xml.close("Style");
    // Scale limits: zooming four times past the full resolution, out to where the coarsest
    // level would be read eight pixels to one.
    let min_scale = resolution / PIXEL_METRES / 4.0;
    let max_scale = mosaic.coarsest_useful_resolution() / PIXEL_METRES;
    match version {
        Version::V111 => {
            let diagonal = std::f64::consts::SQRT_2;
            xml.empty(
                "ScaleHint",
                &[
                    ("min", &number(resolution / 4.0 * diagonal)),
                    ("max", &number(mosaic.coarsest_useful_resolution() * diagonal)),
                ],
            );
        }
        Version::V130 => {
            xml.leaf("MinScaleDenominator", &[], &number(min_scale));
            xml.leaf("MaxScaleDenominator", &[], &number(max_scale));
        }
    }
    xml.close("Layer");
}
