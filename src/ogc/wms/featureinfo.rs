//! WMS GetFeatureInfo: which dalle lies under the clicked pixel, its file, date and pixel
//! values, as text, HTML, JSON or GML.

use actix_web::HttpResponse;
use serde_json::{json, Value};

use super::exception::WmsError;
use super::params::{self, Version};
use crate::http::AppState;
use crate::ogc::common::xml::Xml;
use crate::ogc::common::Kvp;
use crate::raster::crs::transform_points;
use crate::raster::{DecodedCache, Mosaic};

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
}

/// Answers a GetFeatureInfo; `base` is the public URL the GML's schema location starts with.
pub async fn get_feature_info(state: &AppState, kvp: &Kvp, base: &str) -> Result<HttpResponse, WmsError> {
    let limits = &state.config().limits;
    let map = params::map_params(
        kvp,
        state.mosaics(),
        limits.max_image_width,
        limits.max_image_height,
    )?;
    let names = kvp
        .non_empty("QUERY_LAYERS")
        .ok_or_else(|| WmsError::missing("QUERY_LAYERS"))?;
    let mut queried = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let (_, mosaics) = map
            .layers
            .iter()
            .find(|(layer, _)| layer == name)
            .ok_or_else(|| {
                WmsError::new(
                    "LayerNotDefined",
                    "QUERY_LAYERS",
                    format!("query layer {name} is not among LAYERS"),
                )
            })?;
        queried.extend(mosaics.iter().cloned());
    }
    let (i_name, j_name) = match map.version {
        Version::V111 => ("X", "Y"),
        Version::V130 => ("I", "J"),
    };
    let pixel = |name: &str, limit: u32| -> Result<u32, WmsError> {
        let text = kvp.non_empty(name).ok_or_else(|| WmsError::missing(name))?;
        text.parse::<u32>().ok().filter(|v| *v < limit).ok_or_else(|| {
            WmsError::new(
                "InvalidPoint",
                name,
                format!("{name}={text} is not a pixel of the {limit}-pixel map"),
            )
        })
    };
    let (i, j) = (pixel(i_name, map.width)?, pixel(j_name, map.height)?);
    let format = kvp
        .non_empty("INFO_FORMAT")
        .unwrap_or("text/plain")
        .to_ascii_lowercase();
    if !super::capabilities::INFO_FORMATS.contains(&format.as_str()) {
        return Err(WmsError::new(
            "InvalidFormat",
            "INFO_FORMAT",
            format!(
                "INFO_FORMAT={format} is not offered ({})",
                super::capabilities::INFO_FORMATS.join(", ")
            ),
        ));
    }
    let count = match kvp.non_empty("FEATURE_COUNT") {
        Some(text) => text.parse::<usize>().ok().filter(|v| *v >= 1).ok_or_else(|| {
            WmsError::invalid(
                "FEATURE_COUNT",
                format!("FEATURE_COUNT={text} must be a positive whole number"),
            )
        })?,
        None => 1,
    };
    let x = map.bbox[0] + (f64::from(i) + 0.5) * (map.bbox[2] - map.bbox[0]) / f64::from(map.width);
    let y = map.bbox[3] - (f64::from(j) + 0.5) * (map.bbox[3] - map.bbox[1]) / f64::from(map.height);
    let epsg = map.crs.epsg;
    let hits = state
        .workers()
        .run(move || find_hits(&queried, epsg, x, y, count))
        .await?;
    Ok(respond(&format, &hits, base))
}

/// The dalles under (`x`, `y`) of the output CRS, with the pixel there (blocking: decodes).
fn find_hits(mosaics: &[std::sync::Arc<Mosaic>], out_epsg: u32, x: f64, y: f64, count: usize) -> Vec<Hit> {
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
    match format {
        "application/json" => {
            let features: Vec<Value> = hits.iter().map(hit_json).collect();
            HttpResponse::Ok()
                .content_type("application/json")
                .json(json!({"type": "FeatureCollection", "features": features}))
        }
        "text/html" => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html(hits)),
        "application/vnd.ogc.gml" => HttpResponse::Ok()
            .content_type("application/vnd.ogc.gml; charset=utf-8")
            .body(gml(hits, base)),
        _ => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(text(hits)),
    }
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
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
