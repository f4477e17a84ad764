//! WMS GetFeatureInfo: which dalle lies under the clicked pixel, its file, date and pixel
//! values, as text, HTML, JSON or GML.

use actix_web::HttpResponse;
use serde_json::{json, Value};

use std::collections::HashMap;
use std::sync::Arc;

use super::params::{self, Version};
use crate::catalog::Catalog;
use crate::ogc::common::xml::Xml;
use crate::ogc::common::{Kvp, OwsError};
use crate::raster::crs::transform_points;
use crate::raster::{DecodedCache, Mosaic};
use crate::workers::Workers;

/// One dalle under the point.
struct Hit {
    layer: String,
    dalle_id: i64,
    path: String,
    mtime: Option<String>,
    epsg: u32,
    x: f64,
    y: f64,
    bbox: [f64; 4],
    resolution: f64,
    rgba: Option<[u8; 4]>,
    /// The extra metadata its porteur attached.
    extra: Option<serde_json::Map<String, Value>>,
}

/// A question about one pixel of a map: which dalles of `layers` lie under pixel (`i`, `j`)
/// of a `width` × `height` map of `bbox` in EPSG `epsg`, answered in `info_format`. WMS
/// GetFeatureInfo and WMTS GetFeatureInfo (over a tile's box) both ask it.
#[derive(Clone)]
pub struct PointQuery {
    /// Mosaics queried.
    pub layers: Vec<Arc<Mosaic>>,
    /// EPSG code of the map.
    pub epsg: u32,
    /// Box of the map, easting or longitude first.
    pub bbox: [f64; 4],
    /// Map width in pixels.
    pub width: u32,
    /// Map height in pixels.
    pub height: u32,
    /// Column of the pixel.
    pub i: u32,
    /// Row of the pixel.
    pub j: u32,
    /// One of [`INFO_FORMATS`], lower-cased.
    pub info_format: String,
    /// Most dalles reported.
    pub count: usize,
}

/// GetFeatureInfo formats, as the WMS capabilities list them (WMTS lists JSON first).
pub const INFO_FORMATS: &[&str] = &[
    "text/plain",
    "text/html",
    "application/json",
    "application/vnd.ogc.gml",
];

/// The info format `name` asks for (`default` when absent), checked against
/// [`INFO_FORMATS`]; `code` is the exception code of another one.
pub fn info_format(
    kvp: &Kvp,
    name: &str,
    default: Option<&str>,
    code: &'static str,
) -> Result<String, OwsError> {
    let format = match (kvp.non_empty(name), default) {
        (Some(text), _) => text.to_ascii_lowercase(),
        (None, Some(default)) => default.to_string(),
        (None, None) => return Err(OwsError::missing(name)),
    };
    if !INFO_FORMATS.contains(&format.as_str()) {
        return Err(OwsError::new(
            code,
            name,
            format!("{name}={format} is not offered ({})", INFO_FORMATS.join(", ")),
        ));
    }
    Ok(format)
}

/// Answers a WMS GetFeatureInfo; `base` is the public URL the GML's schema location starts
/// with.
pub async fn get_feature_info(wms: &super::Wms, kvp: &Kvp, base: &str) -> Result<HttpResponse, OwsError> {
    let limits = &wms.config.limits;
    let map = params::map_params(kvp, wms, limits.max_image_width, limits.max_image_height)?;
    let names = kvp.required("QUERY_LAYERS")?;
    let mut layers = Vec::new();
    let mut vector_layers = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let (_, source) = map
            .layers
            .iter()
            .find(|(layer, _)| layer == name)
            .ok_or_else(|| {
                OwsError::new(
                    "LayerNotDefined",
                    "QUERY_LAYERS",
                    format!("query layer {name} is not among LAYERS"),
                )
            })?;
        match source {
            params::Source::Raster(mosaics) => layers.extend(mosaics.iter().cloned()),
            params::Source::Vector(drawn) => vector_layers.extend(drawn.iter().cloned()),
        }
    }
    let (i_name, j_name) = match map.version {
        Version::V111 => ("X", "Y"),
        Version::V130 => ("I", "J"),
    };
    let pixel = |name: &str, limit: u32| -> Result<u32, OwsError> {
        let text = kvp.required(name)?;
        text.parse::<u32>().ok().filter(|v| *v < limit).ok_or_else(|| {
            OwsError::new(
                "InvalidPoint",
                name,
                format!("{name}={text} is not a pixel of the {limit}-pixel map"),
            )
        })
    };
    let count = match kvp.non_empty("FEATURE_COUNT") {
        Some(text) => text.parse::<usize>().ok().filter(|v| *v >= 1).ok_or_else(|| {
            OwsError::invalid(
                "FEATURE_COUNT",
                format!("FEATURE_COUNT={text} must be a positive whole number"),
            )
        })?,
        None => 1,
    };
    let (i, j) = (pixel(i_name, map.width)?, pixel(j_name, map.height)?);
    let info_format = info_format(kvp, "INFO_FORMAT", Some("text/plain"), "InvalidFormat")?;
    if !vector_layers.is_empty() {
        // Vector layers answer with their features (raster ones among them are left out).
        let (epsg, bbox, size) = (map.crs.epsg, map.bbox, (map.width, map.height));
        let hits = wms
            .workers
            .run(move || super::vector::features_at(&vector_layers, epsg, bbox, size, (i, j), count))
            .await?;
        return Ok(info_response(
            &info_format,
            super::vector::feature_info_body(&info_format, &hits),
        ));
    }
    let query = PointQuery {
        layers,
        epsg: map.crs.epsg,
        bbox: map.bbox,
        width: map.width,
        height: map.height,
        i,
        j,
        info_format,
        count,
    };
    answer_point(&query, (&wms.workers, &wms.catalog), base).await
}

/// Answers `query`: the dalles under its pixel, with the pixel's colour, as it asks.
pub async fn answer_point(
    query: &PointQuery,
    (workers, catalog): (&Workers, &Catalog),
    base: &str,
) -> Result<HttpResponse, OwsError> {
    let [min_x, min_y, max_x, max_y] = query.bbox;
    let x = min_x + (f64::from(query.i) + 0.5) * (max_x - min_x) / f64::from(query.width);
    let y = max_y - (f64::from(query.j) + 0.5) * (max_y - min_y) / f64::from(query.height);
    let (layers, epsg, count) = (query.layers.clone(), query.epsg, query.count);
    let mut hits = workers.run(move || find_hits(&layers, epsg, x, y, count)).await?;
    add_extras(catalog, &mut hits).await;
    Ok(respond(&query.info_format, &hits, base))
}

/// Each hit's extra metadata (its layer is its deliverable's slug); an unreadable catalogue
/// leaves them out rather than failing the answer.
async fn add_extras(catalog: &Catalog, hits: &mut [Hit]) {
    let mut by_layer: HashMap<String, HashMap<String, serde_json::Map<String, Value>>> = HashMap::new();
    for hit in hits.iter_mut() {
        if !by_layer.contains_key(&hit.layer) {
            let extras = match catalog.livrable_by_slug(&hit.layer).await {
                Ok(livrable) => catalog.dalle_extras(livrable.id).await.unwrap_or_default(),
                Err(_) => HashMap::new(),
            };
            by_layer.insert(hit.layer.clone(), extras);
        }
        hit.extra = by_layer[&hit.layer].get(&hit.path).cloned();
    }
}

/// The dalles under (`x`, `y`) of the output CRS, with the pixel there (blocking: decodes).
fn find_hits(mosaics: &[Arc<Mosaic>], out_epsg: u32, x: f64, y: f64, count: usize) -> Vec<Hit> {
    let mut hits = Vec::new();
    for mosaic in mosaics {
        for group in &mosaic.groups {
            let (mut xs, mut ys) = ([x], [y]);
            if !transform_points(out_epsg, group.epsg, &mut xs, &mut ys) {
                continue;
            }
            let (px, py) = (xs[0], ys[0]);
            for dalle in group.dalles_in([px, py, px, py]) {
                if hits.len() >= count {
                    return hits;
                }
                let column = ((px - dalle.origin_x) / dalle.pixel_x).floor();
                let row = ((dalle.origin_y - py) / dalle.pixel_y).floor();
                let level = dalle.levels[0];
                let rgba = (column >= 0.0
                    && row >= 0.0
                    && column < f64::from(level.width)
                    && row < f64::from(level.height))
                .then(|| {
                    let (column, row) = (column as u32, row as u32);
                    let block = DecodedCache::global()
                        .block(dalle, 0, column / level.block_width, row / level.block_height)
                        .ok()?;
                    let index =
                        ((row % level.block_height) * block.width + column % level.block_width) as usize;
                    block.pixel(index)
                })
                .flatten();
                hits.push(Hit {
                    layer: mosaic.name.clone(),
                    dalle_id: dalle.id,
                    path: dalle.path.clone(),
                    mtime: dalle.mtime.clone(),
                    epsg: group.epsg,
                    x: px,
                    y: py,
                    bbox: dalle.bbox,
                    resolution: dalle.pixel_x,
                    rgba,
                    extra: None,
                });
            }
        }
    }
    hits
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn respond(format: &str, hits: &[Hit], base: &str) -> HttpResponse {
    let body = match format {
        "application/json" => {
            let features: Vec<Value> = hits.iter().map(hit_json).collect();
            json!({"type": "FeatureCollection", "features": features})
                .to_string()
                .into_bytes()
        }
        "text/html" => html(hits).into_bytes(),
        "application/vnd.ogc.gml" => gml(hits, base),
        _ => text(hits).into_bytes(),
    };
    info_response(format, body)
}

/// A feature-info body with the content type of its format (one of [`INFO_FORMATS`]).
fn info_response(format: &str, body: Vec<u8>) -> HttpResponse {
    let content_type = match format {
        "application/json" => "application/json",
        "text/html" => "text/html; charset=utf-8",
        "application/vnd.ogc.gml" => "application/vnd.ogc.gml; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    HttpResponse::Ok().content_type(content_type).body(body)
}

fn hit_json(hit: &Hit) -> Value {
    let [min_x, min_y, max_x, max_y] = hit.bbox;
    json!({
        "type": "Feature",
        "id": hit.dalle_id,
        "geometry": {"type": "Polygon", "coordinates": [[[min_x, min_y], [max_x, min_y], [max_x, max_y], [min_x, max_y], [min_x, min_y]]]},
        "properties": {
            "layer": hit.layer,
            "file": file_name(&hit.path),
            "path": hit.path,
            "date": hit.mtime,
            "crs": format!("EPSG:{}", hit.epsg),
            "x": hit.x,
            "y": hit.y,
            "resolution": hit.resolution,
            "red": hit.rgba.map(|p| p[0]),
            "green": hit.rgba.map(|p| p[1]),
            "blue": hit.rgba.map(|p| p[2]),
            "extra": hit.extra,
        }
    })
}

fn text(hits: &[Hit]) -> String {
    if hits.is_empty() {
        return "no dalle at this point\n".into();
    }
    let mut out = String::new();
    for hit in hits {
        out.push_str(&format!("Layer '{}'\n  Feature {}:\n", hit.layer, hit.dalle_id));
        out.push_str(&format!(
            "    file = '{}'\n    path = '{}'\n",
            file_name(&hit.path),
            hit.path
        ));
        out.push_str(&format!("    date = '{}'\n", hit.mtime.as_deref().unwrap_or("")));
        out.push_str(&format!(
            "    point = '{:.3} {:.3}' (EPSG:{})\n",
            hit.x, hit.y, hit.epsg
        ));
        if let Some([r, g, b, _]) = hit.rgba {
            out.push_str(&format!(
                "    value_0 = '{r}'\n    value_1 = '{g}'\n    value_2 = '{b}'\n"
            ));
        }
        for (key, value) in hit.extra.iter().flatten() {
            out.push_str(&format!("    {key} = '{}'\n", plain(value)));
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A JSON value as text: strings without their quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn html(hits: &[Hit]) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Dalle</title></head><body>\n");
    if hits.is_empty() {
        out.push_str("<p>Aucune dalle à cet endroit.</p>\n");
    }
    for hit in hits {
        out.push_str(&format!(
            "<table><caption>{}</caption>\n<tr><th>Fichier</th><td>{}</td></tr>\n<tr><th>Chemin</th><td>{}</td></tr>\n<tr><th>Date</th><td>{}</td></tr>\n",
            escape(&hit.layer),
            escape(file_name(&hit.path)),
            escape(&hit.path),
            escape(hit.mtime.as_deref().unwrap_or(""))
        ));
        if let Some([r, g, b, _]) = hit.rgba {
            out.push_str(&format!("<tr><th>RVB</th><td>{r} {g} {b}</td></tr>\n"));
        }
        for (key, value) in hit.extra.iter().flatten() {
            out.push_str(&format!(
                "<tr><th>{}</th><td>{}</td></tr>\n",
                escape(key),
                escape(&plain(value))
            ));
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// Path of the application schema of the GML answers.
pub const SCHEMA_PATH: &str = "/schemas/wms-featureinfo.xsd";
/// The application schema itself (GML 3.1.1), served at [`SCHEMA_PATH`].
pub const SCHEMA: &str = include_str!("featureinfo.xsd");

/// A GML 3.1.1 feature collection (`application/vnd.ogc.gml`), one feature per dalle, valid
/// against the application schema the server publishes at [`SCHEMA_PATH`].
fn gml(hits: &[Hit], base: &str) -> Vec<u8> {
    let mut xml = Xml::new();
    let location = format!(
        "urn:dallage:wms {base}{SCHEMA_PATH} http://www.opengis.net/gml http://schemas.opengis.net/gml/3.1.1/base/gml.xsd"
    );
    xml.open(
        "dallage:FeatureInfo",
        &[
            ("xmlns:gml", "http://www.opengis.net/gml"),
            ("xmlns:dallage", "urn:dallage:wms"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", &location),
        ],
    );
    for hit in hits {
        xml.open("gml:featureMember", &[]);
        let id = format!("dalle.{}", hit.dalle_id);
        xml.open("dallage:dalle", &[("gml:id", &id)]);
        let [min_x, min_y, max_x, max_y] = hit.bbox;
        let srs = format!("EPSG:{}", hit.epsg);
        xml.open("gml:boundedBy", &[]);
        xml.open("gml:Envelope", &[("srsName", &srs)]);
        xml.leaf("gml:lowerCorner", &[], &format!("{min_x} {min_y}"));
        xml.leaf("gml:upperCorner", &[], &format!("{max_x} {max_y}"));
        xml.close("gml:Envelope");
        xml.close("gml:boundedBy");
        xml.leaf("dallage:layer", &[], &hit.layer);
        xml.leaf("dallage:file", &[], file_name(&hit.path));
        xml.leaf("dallage:path", &[], &hit.path);
        // xs:dateTime: storages that give another date format leave the element out.
        let date = hit.mtime.as_deref();
        if let Some(date) = date.filter(|d| chrono::DateTime::parse_from_rfc3339(d).is_ok()) {
            xml.leaf("dallage:date", &[], date);
        }
        if let Some([r, g, b, _]) = hit.rgba {
            xml.leaf("dallage:red", &[], &r.to_string());
            xml.leaf("dallage:green", &[], &g.to_string());
            xml.leaf("dallage:blue", &[], &b.to_string());
        }
        xml.close("dallage:dalle");
        xml.close("gml:featureMember");
    }
    xml.close("dallage:FeatureInfo");
    xml.finish()
}
