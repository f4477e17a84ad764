//! Vector tiles at `/tiles/{layer}/[{set}/]{z}/{x}/{y}.mvt`, their TileJSON 3.0 document at
//! `/tiles/{layer}/tiles.json` and a MapLibre GL style made from the layer's SLD styles at
//! `/tiles/{layer}/style.json`. `{layer}` is a vector collection (one MVT layer named by its
//! class) or a vector deliverable (one MVT layer per class). `?properties=a,b` keeps only
//! those properties.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde_json::{json, Value};

use crate::config::Config;
use crate::ogc::common::{base_url, part, Problem};
use crate::raster::Mosaics;
use crate::tiles::matrix_sets;
use crate::tiles::vector::{mvt_layers, VectorTileError, VectorTileRequest};
use crate::tiles::Tiles;
use crate::vector::mvt::MEDIA_TYPE;
use crate::vector::style::{generic_style, maplibre_layers, StyleBook, Styles};
use crate::vector::{Deadline, ValueKind, Vectors};
use crate::workers::Workers;

/// Answers an XYZ path that names a vector layer; `None` when it is not one (a raster layer).
pub async fn answer(request: &HttpRequest, parts: &[String]) -> Option<HttpResponse> {
    let layer = parts.first()?;
    // Raster tiles are the hot path: one map lookup settles them.
    if part::<Mosaics>(request).ok()?.get(layer).is_some() {
        return None;
    }
    let vectors = part::<Vectors>(request).ok()?;
    let layers = mvt_layers(&vectors, layer)?;
    let config = part::<Config>(request).ok()?;
    let base = base_url(request, &config.server.public_url);
    Some(match parts {
        [_, document] if document == "tiles.json" => tile_json(&base, layer, &layers),
        [_, document] if document == "style.json" => {
            let styles = part::<StyleBook>(request).ok()?.current();
            style_json(&base, layer, &layers, &styles)
        }
        [_, z, x, tile] if tile.ends_with(".mvt") => {
            tile_answer(request, &config, (layer, layers), "WebMercatorQuad", (z, x, tile)).await
        }
        [_, set, z, x, tile] if tile.ends_with(".mvt") => {
            tile_answer(request, &config, (layer, layers), set, (z, x, tile)).await
        }
        // Map tiles (PNG, JPEG, WebP) of a vector layer come from the tile service, as raster ones.
        _ => return None,
    })
}

/// The properties asked for by `?properties=a,b`.
fn properties_of(request: &HttpRequest) -> Option<Vec<String>> {
    url::form_urlencoded::parse(request.query_string().as_bytes())
        .find(|(key, _)| key == "properties")
        .map(|(_, value)| {
            value
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
}

async fn tile_answer(
    request: &HttpRequest,
    config: &Config,
    (name, layers): (&str, Vec<(String, std::sync::Arc<crate::vector::Collection>)>),
    set_id: &str,
    (z, x, tile): (&String, &String, &String),
) -> HttpResponse {
    let Some(set) = matrix_sets::get(set_id) else {
        return Problem::not_found(format!("tile matrix set {set_id} is not offered")).error_response();
    };
    let y = tile.trim_end_matches(".mvt");
    let (Ok(z), Ok(col), Ok(row)) = (z.parse::<u32>(), x.parse::<u32>(), y.parse::<u32>()) else {
        return Problem::bad_request(format!("{z}/{x}/{y}: level, column and row are whole numbers"))
            .error_response();
    };
    let (Ok(workers), Ok(tiles)) = (part::<Workers>(request), part::<Tiles>(request)) else {
        return Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "no worker pool").error_response();
    };
    let tile_request = VectorTileRequest {
        layers,
        set,
        z,
        row,
        col,
        properties: properties_of(request),
    };
    let deadline = Deadline::after(config.server.request_timeout.0);
    match tiles.mvt_tile(name, &workers, tile_request, deadline).await {
        // An empty tile is an empty MVT (200), as martin and Tegola answer: clients draw nothing.
        Ok(bytes) => HttpResponse::Ok()
            .content_type(MEDIA_TYPE)
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .body(bytes),
        Err(VectorTileError::OutOfRange(message)) => Problem::not_found(message).error_response(),
        Err(VectorTileError::Timeout(err)) => {
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, err.to_string()).error_response()
        }
        Err(err) => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).error_response(),
    }
}

/// Zoom levels the tiles are worth asking for: from about 1:1 000 000 down to 5 cm pixels.
const MIN_ZOOM: u32 = 9;
const MAX_ZOOM: u32 = 22;

fn tile_json(
    base: &str,
    layer: &str,
    layers: &[(String, std::sync::Arc<crate::vector::Collection>)],
) -> HttpResponse {
    let bounds = layers
        .iter()
        .filter_map(|(_, c)| c.extent84)
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
        .unwrap_or([-180.0, -85.05, 180.0, 85.05]);
    let vector_layers: Vec<Value> = layers
        .iter()
        .map(|(name, collection)| {
            let fields: serde_json::Map<String, Value> = collection
                .properties
                .iter()
                .map(|p| {
                    let kind = match p.kind {
                        ValueKind::Integer | ValueKind::Number => "Number",
                        ValueKind::Boolean => "Boolean",
                        ValueKind::Text => "String",
                    };
                    (p.name.clone(), json!(kind))
                })
                .chain(std::iter::once(("fid".to_string(), json!("String"))))
                .collect();
            json!({
                "id": name,
                "description": collection.title,
                "minzoom": MIN_ZOOM,
                "maxzoom": MAX_ZOOM,
                "fields": fields,
            })
        })
        .collect();
    let document = json!({
        "tilejson": "3.0.0",
        "name": layer,
        "description": format!("Vector PCRS of {layer}, one layer per class"),
        "version": "1.0.0",
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt")],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 17],
        "vector_layers": vector_layers,
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(document)
}

fn style_json(
    base: &str,
    layer: &str,
    layers: &[(String, std::sync::Arc<crate::vector::Collection>)],
    styles: &Styles,
) -> HttpResponse {
    let mut style_layers = vec![
        json!({"id": "background", "type": "background", "paint": {"background-color": "#ffffff", "background-opacity": 0}}),
    ];
    for (name, collection) in layers {
        let style = styles
            .pick(collection.livrable_id, &collection.class, "")
            .unwrap_or_else(|| generic_style(&collection.class, collection.kind));
        style_layers.extend(maplibre_layers(&style, layer, name, name));
    }
    let document = json!({
        "version": 8,
        "name": format!("{layer} (from its SLD styles)"),
        "sources": {layer: {"type": "vector", "url": format!("{base}/tiles/{layer}/tiles.json")}},
        "layers": style_layers,
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(document)
}
