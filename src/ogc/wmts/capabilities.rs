//! The WMTS 1.0.0 capabilities document: one layer per raster deliverable with its tile
//! matrix sets and their limits over the layer's coverage, KVP and REST (ResourceURL) access,
//! and the tile matrix sets themselves; then one PNG layer per vector deliverable and per
//! vector collection, drawn with its default styles.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ogc::common::xml::Xml;
use crate::ogc::common::Offered;
use crate::ogc::wms::INFO_FORMATS;
use crate::raster::Mosaic;
use crate::tiles::{vector_sets, LayerInSet, TileMatrixSet, TileRange, Tiles, VectorMap};

/// The document, with links from `base`.
pub fn document(base: &str, mosaics: &[Arc<Mosaic>], vector_maps: &[VectorMap]) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open(
        "Capabilities",
        &[
            ("xmlns", "http://www.opengis.net/wmts/1.0"),
            ("xmlns:ows", "http://www.opengis.net/ows/1.1"),
            ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
            ("xmlns:gml", "http://www.opengis.net/gml"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.opengis.net/wmts/1.0 http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd",
            ),
            ("version", "1.0.0"),
        ],
    );
    service_identification(&mut xml);
    operations(&mut xml, base);
    xml.open("Contents", &[]);
    let mut used_sets: BTreeMap<String, &'static TileMatrixSet> = BTreeMap::new();
    for mosaic in mosaics {
        let sets = Tiles::sets_for(mosaic);
        layer(&mut xml, base, mosaic, &sets);
        for set in sets {
            used_sets.insert(set.id.clone(), set);
        }
    }
    for map in vector_maps {
        let sets = vector_sets(&map.layers);
        if vector_layer(&mut xml, base, map, &sets) {
            for set in sets {
                used_sets.insert(set.id.clone(), set);
            }
        }
    }
    for set in used_sets.values() {
        tile_matrix_set(&mut xml, set);
    }
    xml.close("Contents");
    xml.empty(
        "ServiceMetadataURL",
        &[("xlink:href", &format!("{base}/wmts/1.0.0/WMTSCapabilities.xml"))],
    );
    xml.close("Capabilities");
    xml.finish()
}

fn service_identification(xml: &mut Xml) {
    xml.open("ows:ServiceIdentification", &[]);
    xml.leaf("ows:Title", &[], "dallage — PCRS orthophotos");
    xml.leaf(
        "ows:Abstract",
        &[],
        "Tiles of PCRS orthophoto deliverables, drawn from the dalles where their producers keep them.",
    );
    xml.open("ows:Keywords", &[]);
    for keyword in ["PCRS", "Orthophotographie", "WMTS"] {
        xml.leaf("ows:Keyword", &[], keyword);
    }
    xml.close("ows:Keywords");
    xml.leaf("ows:ServiceType", &[], "OGC WMTS");
    xml.leaf("ows:ServiceTypeVersion", &[], "1.0.0");
    xml.leaf("ows:Fees", &[], "none");
    xml.leaf("ows:AccessConstraints", &[], "none");
    xml.close("ows:ServiceIdentification");
}

fn operations(xml: &mut Xml, base: &str) {
    xml.open("ows:OperationsMetadata", &[]);
    for operation in ["GetCapabilities", "GetTile", "GetFeatureInfo"] {
        xml.open("ows:Operation", &[("name", operation)]);
        xml.open("ows:DCP", &[]);
        xml.open("ows:HTTP", &[]);
        xml.open("ows:Get", &[("xlink:href", &format!("{base}/wmts?"))]);
        xml.open("ows:Constraint", &[("name", "GetEncoding")]);
        xml.open("ows:AllowedValues", &[]);
        xml.leaf("ows:Value", &[], "KVP");
        xml.close("ows:AllowedValues");
        xml.close("ows:Constraint");
        xml.close("ows:Get");
        xml.close("ows:HTTP");
        xml.close("ows:DCP");
        xml.close("ows:Operation");
    }
    xml.close("ows:OperationsMetadata");
}

fn layer(xml: &mut Xml, base: &str, mosaic: &Mosaic, sets: &[&'static TileMatrixSet]) {
    let info = &mosaic.info;
    xml.open("Layer", &[]);
    xml.leaf("ows:Title", &[], &info.title);
    if !info.description.is_empty() {
        xml.leaf("ows:Abstract", &[], &info.description);
    }
    let [west, south, east, north] = mosaic.extent_wgs84;
    xml.open("ows:WGS84BoundingBox", &[]);
    xml.leaf("ows:LowerCorner", &[], &format!("{west} {south}"));
    xml.leaf("ows:UpperCorner", &[], &format!("{east} {north}"));
    xml.close("ows:WGS84BoundingBox");
    xml.leaf("ows:Identifier", &[], &mosaic.name);
    metadata(xml, base, &mosaic.name);
    xml.open("Style", &[("isDefault", "true")]);
    xml.leaf("ows:Identifier", &[], "default");
    xml.close("Style");
    for format in Offered::TILES.formats() {
        xml.leaf("Format", &[], format.mime());
    }
    // JSON first, then the WMS's order.
    let json_first = INFO_FORMATS.iter().filter(|f| **f == "application/json");
    for mime in json_first.chain(INFO_FORMATS.iter().filter(|f| **f != "application/json")) {
        xml.leaf("InfoFormat", &[], mime);
    }
    for set in sets {
        let Some(layer) = Tiles::layer_in_set(mosaic, set) else {
            continue;
        };
        xml.open("TileMatrixSetLink", &[]);
        xml.leaf("TileMatrixSet", &[], &set.id);
        xml.open("TileMatrixSetLimits", &[]);
        for z in 0..=layer.max_level {
            let Some(range) = advertised_limits(&layer, set, z) else {
                continue;
            };
            tile_limits(xml, z, &range);
        }
        xml.close("TileMatrixSetLimits");
        xml.close("TileMatrixSetLink");
    }
    for format in Offered::TILES.formats() {
        let (mime, extension) = (format.mime(), format.extension());
        let template = format!(
            "{base}/wmts/1.0.0/{}/{{Style}}/{{TileMatrixSet}}/{{TileMatrix}}/{{TileRow}}/{{TileCol}}.{extension}",
            mosaic.name
        );
        xml.empty(
            "ResourceURL",
            &[
                ("format", mime),
                ("resourceType", "tile"),
                ("template", &template),
            ],
        );
    }
    xml.close("Layer");
}

/// A deliverable's ISO 19139 metadata record.
fn metadata(xml: &mut Xml, base: &str, slug: &str) {
    xml.empty(
        "ows:Metadata",
        &[
            ("xlink:type", "simple"),
            ("xlink:href", &format!("{base}/metadata/{slug}.xml")),
            ("xlink:title", "ISO 19139"),
        ],
    );
}

/// A vector map's layer: PNG tiles at the levels its styles draw, over its features; false
/// when it has no extent.
fn vector_layer(xml: &mut Xml, base: &str, map: &VectorMap, sets: &[&'static TileMatrixSet]) -> bool {
    let Some(extent84) = map.extent84() else {
        return false;
    };
    xml.open("Layer", &[]);
    xml.leaf("ows:Title", &[], &map.title);
    xml.open("ows:WGS84BoundingBox", &[]);
    xml.leaf(
        "ows:LowerCorner",
        &[],
        &format!("{} {}", extent84[0], extent84[1]),
    );
    xml.leaf(
        "ows:UpperCorner",
        &[],
        &format!("{} {}", extent84[2], extent84[3]),
    );
    xml.close("ows:WGS84BoundingBox");
    xml.leaf("ows:Identifier", &[], &map.name);
    if let Some(layer) = map.layers.first() {
        metadata(xml, base, layer.collection.livrable_slug());
    }
    xml.open("Style", &[("isDefault", "true")]);
    xml.leaf("ows:Identifier", &[], "default");
    xml.close("Style");
    xml.leaf("Format", &[], "image/png");
    for set in sets {
        // MaxTileRow / MaxTileCol of 0 can't be written (see advertised_limits).
        let levels: Vec<(u32, TileRange)> = map
            .levels(set)
            .into_iter()
            .filter(|(_, range)| range.max_row > 0 && range.max_col > 0)
            .collect();
        if levels.is_empty() {
            continue;
        }
        xml.open("TileMatrixSetLink", &[]);
        xml.leaf("TileMatrixSet", &[], &set.id);
        xml.open("TileMatrixSetLimits", &[]);
        for (z, range) in &levels {
            tile_limits(xml, *z, range);
        }
        xml.close("TileMatrixSetLimits");
        xml.close("TileMatrixSetLink");
    }
    let template = format!(
        "{base}/wmts/1.0.0/{}/{{Style}}/{{TileMatrixSet}}/{{TileMatrix}}/{{TileRow}}/{{TileCol}}.png",
        map.name
    );
    xml.empty(
        "ResourceURL",
        &[
            ("format", "image/png"),
            ("resourceType", "tile"),
            ("template", &template),
        ],
    );
    xml.close("Layer");
    true
}

/// One level's `TileMatrixLimits`.
fn tile_limits(xml: &mut Xml, z: impl ToString, range: &TileRange) {
    xml.open("TileMatrixLimits", &[]);
    xml.leaf("TileMatrix", &[], &z.to_string());
    xml.leaf("MinTileRow", &[], &range.min_row.to_string());
    xml.leaf("MaxTileRow", &[], &range.max_row.to_string());
    xml.leaf("MinTileCol", &[], &range.min_col.to_string());
    xml.leaf("MaxTileCol", &[], &range.max_col.to_string());
    xml.close("TileMatrixLimits");
}

fn tile_matrix_set(xml: &mut Xml, set: &TileMatrixSet) {
    xml.open("TileMatrixSet", &[]);
    xml.leaf("ows:Title", &[], &set.title);
    xml.leaf("ows:Identifier", &[], &set.id);
    let crs = if set.crs.crs84 {
        "urn:ogc:def:crs:OGC:1.3:CRS84".to_string()
    } else {
        format!("urn:ogc:def:crs:EPSG::{}", set.crs.epsg)
    };
    xml.leaf("ows:SupportedCRS", &[], &crs);
    if let Some(scale_set) = &set.well_known_scale_set {
        // The WMTS 1.0 spelling of the OGC's well-known scale sets.
        let name = scale_set.rsplit('/').next().unwrap_or(scale_set);
        xml.leaf(
            "WellKnownScaleSet",
            &[],
            &format!("urn:ogc:def:wkss:OGC:1.0:{name}"),
        );
    }
    for matrix in &set.matrices {
        xml.open("TileMatrix", &[]);
        xml.leaf("ows:Identifier", &[], &matrix.id);
        xml.leaf("ScaleDenominator", &[], &format!("{}", matrix.scale_denominator));
        // Axis order of the CRS: x then y for the projected sets and CRS84.
        let [x, y] = matrix.point_of_origin;
        xml.leaf("TopLeftCorner", &[], &format!("{x} {y}"));
        xml.leaf("TileWidth", &[], &matrix.tile_width.to_string());
        xml.leaf("TileHeight", &[], &matrix.tile_height.to_string());
        xml.leaf("MatrixWidth", &[], &matrix.matrix_width.to_string());
        xml.leaf("MatrixHeight", &[], &matrix.matrix_height.to_string());
        xml.close("TileMatrix");
    }
    xml.close("TileMatrixSet");
}

/// The TileMatrixLimits advertised for level `z`, if the level is listed. The WMTS 1.0.0 schema
/// types MaxTileRow and MaxTileCol as positive integers, so a limit of row or column 0 cannot
/// be written: such coarse levels go unlisted (unlisted levels are limited by their matrix only).
pub fn advertised_limits(layer: &LayerInSet, set: &TileMatrixSet, z: u32) -> Option<TileRange> {
    if z > layer.max_level {
        return None;
    }
    let range = set.matrix(z)?.tiles_over(layer.extent)?;
    (range.max_row > 0 && range.max_col > 0).then_some(range)
}
