//! OGC API – Tiles (map tiles) under `/ogcapi`: landing page, conformance, tile matrix sets,
//! collections, and per collection the map tilesets with their limits and tiles. The feature
//! collections (`ogc::features`) are listed beside these: one landing page, one `/collections`.

mod vector;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use std::sync::OnceLock;

use crate::config::Config;
use crate::ogc::common::tile::{path_number, tile_response};
use crate::ogc::common::{html, metadata_link, ogcapi_base, ogcapi_link};
use crate::ogc::common::{resource, Offered, Problem};
use crate::ogc::features;
use crate::raster::{Format, Mosaic, Mosaics};
use crate::tiles::{self, TileRequest, TileRequestError, Tiles, VectorMap};
use crate::vector::style::StyleBook;
use crate::vector::Vectors;

/// Conformance classes implemented here.
const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/png",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/jpeg",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
];

/// Registers the OGC API routes shared by every part (landing page, conformance, definition,
/// collections) and the tiles', inside the `/ogcapi` scope.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource(["", "/"]).route(web::get().to(landing)))
        .service(resource("/conformance", "GET").route(web::get().to(conformance)))
        .service(resource("/openapi", "GET").route(web::get().to(openapi)))
        .service(resource("/tileMatrixSets", "GET").route(web::get().to(sets)))
        .service(resource("/tileMatrixSets/{set}", "GET").route(web::get().to(set)))
        .service(resource("/collections", "GET").route(web::get().to(collections)))
        .service(resource("/collections/{layer}", "GET").route(web::get().to(collection)))
        .service(resource("/collections/{layer}/map/tiles", "GET").route(web::get().to(tilesets)))
        .service(resource("/collections/{layer}/map/tiles/{set}", "GET").route(web::get().to(tileset)))
        .service(
            resource("/collections/{layer}/map/tiles/{set}/{z}/{row}/{col}", "GET")
                .route(web::get().to(tile)),
        )
        .service(resource("/collections/{id}/tiles", "GET").route(web::get().to(vector::tilesets)))
        .service(resource("/collections/{id}/tiles/{set}", "GET").route(web::get().to(vector::tileset)))
        .service(
            resource("/collections/{id}/tiles/{set}/{z}/{row}/{col}", "GET")
                .route(web::get().to(vector::tile)),
        );
}

/// The OpenAPI 3.0 definition of these routes, with this server's URL.
async fn openapi(config: web::Data<Config>, request: HttpRequest) -> HttpResponse {
    static DEFINITION: OnceLock<Value> = OnceLock::new();
    let mut definition = DEFINITION
        .get_or_init(|| serde_json::from_str(include_str!("openapi.json")).expect("openapi.json is JSON"))
        .clone();
    definition["servers"] = json!([{"url": base(&config, &request)}]);
    HttpResponse::Ok()
        .content_type("application/vnd.oai.openapi+json;version=3.0")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(definition)
}

/// The document as JSON, or as a page for a browser (`f=html`, `Accept: text/html`).
fn json_response(request: &HttpRequest, value: Value) -> HttpResponse {
    if html::wants_html(request) {
        let title = value
            .get("title")
            .and_then(Value::as_str)
            .map_or_else(|| request.path().to_string(), str::to_string);
        let json_href = format!("{}?f=json", request.path());
        return html::page(&title, &html::view(&value), &json_href);
    }
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(value)
}

fn base(config: &Config, request: &HttpRequest) -> String {
    ogcapi_base(request, &config.server.public_url)
}

async fn landing(config: web::Data<Config>, request: HttpRequest) -> HttpResponse {
    let base = base(&config, &request);
    json_response(
        &request,
        json!({
            "title": "dallage",
            "description": "PCRS deliverables as OGC API collections: orthophoto map tiles and vector PCRS features.",
            "links": [
                ogcapi_link("self", base.clone(), "application/json", "this document"),
                ogcapi_link("service-desc", format!("{base}/openapi"), "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
                ogcapi_link("conformance", format!("{base}/conformance"), "application/json", "conformance classes"),
                ogcapi_link("data", format!("{base}/collections"), "application/json", "collections"),
                ogcapi_link("http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", format!("{base}/tileMatrixSets"), "application/json", "tile matrix sets"),
            ],
        }),
    )
}

async fn conformance(request: HttpRequest) -> HttpResponse {
    let classes: Vec<&str> = CONFORMANCE.iter().chain(features::CONFORMANCE).copied().collect();
    json_response(&request, json!({"conformsTo": classes}))
}

async fn sets(config: web::Data<Config>, request: HttpRequest) -> HttpResponse {
    let base = base(&config, &request);
    let list: Vec<Value> = tiles::matrix_sets::all()
        .values()
        .map(|set| {
            json!({
                "id": set.id,
                "title": set.title,
                "uri": set.uri,
                "links": [ogcapi_link("self", format!("{base}/tileMatrixSets/{}", set.id), "application/json", &set.title)],
            })
        })
        .collect();
    json_response(&request, json!({"tileMatrixSets": list}))
}

async fn set(request: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let set = tiles::matrix_sets::get(&id)
        .ok_or_else(|| Problem::not_found(format!("tile matrix set {id} does not exist")))?;
    Ok(json_response(&request, set.document()))
}

fn collection_json(base: &str, mosaic: &Mosaic) -> Value {
    let [west, south, east, north] = mosaic.extent_wgs84;
    json!({
        "id": mosaic.name,
        "title": mosaic.info.title,
        "description": mosaic.info.description,
        "extent": {"spatial": {"bbox": [[west, south, east, north]], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        "dataType": "map",
        "links": [
            ogcapi_link("self", format!("{base}/collections/{}", mosaic.name), "application/json", &mosaic.info.title),
            ogcapi_link("http://www.opengis.net/def/rel/ogc/1.0/tilesets-map", format!("{base}/collections/{}/map/tiles", mosaic.name), "application/json", "map tilesets"),
            metadata_link(base, &mosaic.name),
        ],
    })
}

/// A vector collection's description: the features' one, with a link to its deliverable's map
/// collection when there is one (among `maps`).
fn vector_collection_json(base: &str, collection: &crate::vector::Collection, maps: &[VectorMap]) -> Value {
    let mut value = features::collection_json(base, collection);
    vector::add_deliverable_link(base, &mut value, collection, maps);
    value
}

async fn collections(
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    vectors: web::Data<Vectors>,
    book: web::Data<StyleBook>,
    request: HttpRequest,
) -> HttpResponse {
    let base = base(&config, &request);
    let mut list: Vec<Value> = mosaics.all().iter().map(|m| collection_json(&base, m)).collect();
    // A vector deliverable's map collection is linked from its classes' collections, not
    // listed: Features clients take every listed collection for one with items.
    let maps = vector::maps(&vectors, &book, &mosaics);
    list.extend(
        vectors
            .all()
            .iter()
            .map(|c| vector_collection_json(&base, c, &maps)),
    );
    json_response(
        &request,
        json!({
            "collections": list,
            "links": [ogcapi_link("self", format!("{base}/collections"), "application/json", "collections")],
        }),
    )
}

fn mosaic(mosaics: &Mosaics, layer: &str) -> Result<std::sync::Arc<Mosaic>, Problem> {
    mosaics
        .get(layer)
        .ok_or_else(|| Problem::not_found(format!("collection {layer} does not exist")))
}

async fn collection(
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    vectors: web::Data<Vectors>,
    book: web::Data<StyleBook>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let maps = vector::maps(&vectors, &book, &mosaics);
    if let Some(collection) = vectors.get(&id) {
        return Ok(json_response(
            &request,
            vector_collection_json(&base(&config, &request), &collection, &maps),
        ));
    }
    if mosaics.get(&id).is_none() {
        if let Some(map) = maps.iter().find(|m| m.name == id) {
            return Ok(json_response(
                &request,
                vector::group_collection_json(&base(&config, &request), map),
            ));
        }
    }
    let mosaic = mosaic(&mosaics, &id)?;
    Ok(json_response(
        &request,
        collection_json(&base(&config, &request), &mosaic),
    ))
}

/// `tileMatrixSetLimits` spanning the whole matrix at each of `levels` (see [`tileset_json`]
/// for why not only the tiles over the data).
fn whole_matrix_limits(set: &tiles::TileMatrixSet, levels: impl Iterator<Item = u32>) -> Value {
    let limits: Vec<Value> = levels
        .filter_map(|z| {
            let matrix = set.matrix(z)?;
            Some(json!({
                "tileMatrix": z.to_string(),
                "minTileRow": 0,
                "maxTileRow": matrix.matrix_height - 1,
                "minTileCol": 0,
                "maxTileCol": matrix.matrix_width - 1,
            }))
        })
        .collect();
    json!(limits)
}

/// A tileset's `boundingBox` from a CRS:84 box.
fn bounding_box([west, south, east, north]: [f64; 4]) -> Value {
    json!({"lowerLeft": [west, south], "upperRight": [east, north], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"})
}

/// A tileset's links: itself, its tile matrix set, then `items` (its tile templates).
fn tileset_links(base: &str, here: &str, set: &tiles::TileMatrixSet, items: Vec<Value>) -> Vec<Value> {
    let mut links = vec![
        ogcapi_link("self", here.to_string(), "application/json", "this tileset"),
        ogcapi_link(
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
            format!("{base}/tileMatrixSets/{}", set.id),
            "application/json",
            &set.title,
        ),
    ];
    links.extend(items);
    links
}

/// The description of one tileset (a layer in one set).
fn tileset_json(base: &str, mosaic: &Mosaic, set: &tiles::TileMatrixSet, with_limits: bool) -> Option<Value> {
    let layer = Tiles::layer_in_set(mosaic, set)?;
    let here = format!("{base}/collections/{}/map/tiles/{}", mosaic.name, set.id);
    let mut items = Vec::new();
    for format in Offered::MAPS.formats() {
        let name = f_name(*format);
        let mut item = ogcapi_link(
            "item",
            format!("{here}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}?f={name}"),
            format.mime(),
            &format!("{} tiles", name.to_uppercase()),
        );
        item["templated"] = json!(true);
        items.push(item);
    }
    let links = tileset_links(base, &here, set, items);
    let mut value = json!({
        "title": format!("{} ({})", mosaic.info.title, set.id),
        "dataType": "map",
        "crs": set.crs_uri,
        // Sets without a registered URI get their definition's URL: clients (GDAL) pick a set
        // by this field.
        "tileMatrixSetURI": set.uri.clone().unwrap_or_else(|| format!("{base}/tileMatrixSets/{}", set.id)),
        "links": links,
    });
    if with_limits {
        // The limits say which levels exist: coarser ones than the layer is drawn at only hold
        // empty tiles (and GDAL 3.6 fails on levels where the whole extent is under a pixel).
        // Each level's limits span the whole matrix: GDAL 3.6.2 misplaces rows and columns
        // when they start elsewhere (its TileY/TileX offsets); `boundingBox` gives the extent,
        // and tiles outside the data answer 204.
        let levels = (layer.min_drawn_level..=layer.max_level)
            .filter(|z| set.matrix(*z).and_then(|m| m.tiles_over(layer.extent)).is_some());
        value["tileMatrixSetLimits"] = whole_matrix_limits(set, levels);
        value["boundingBox"] = bounding_box(mosaic.extent_wgs84);
    }
    Some(value)
}

async fn tilesets(
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    vectors: web::Data<Vectors>,
    book: web::Data<StyleBook>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let base = base(&config, &request);
    if mosaics.get(&id).is_none() {
        let maps = vector::maps(&vectors, &book, &mosaics);
        if let Some(value) = vector::map_tilesets(&base, &maps, &id) {
            return Ok(json_response(&request, value));
        }
    }
    let mosaic = mosaic(&mosaics, &id)?;
    let list: Vec<Value> = Tiles::sets_for(&mosaic)
        .into_iter()
        .filter_map(|set| tileset_json(&base, &mosaic, set, false))
        .collect();
    Ok(json_response(&request, json!({"tilesets": list})))
}

async fn tileset(
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    vectors: web::Data<Vectors>,
    book: web::Data<StyleBook>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (layer, set_id) = path.into_inner();
    if mosaics.get(&layer).is_none() {
        let maps = vector::maps(&vectors, &book, &mosaics);
        if let Some(found) = vector::map_tileset(&base(&config, &request), &maps, &layer, &set_id) {
            return Ok(json_response(&request, found?));
        }
    }
    let mosaic = mosaic(&mosaics, &layer)?;
    let set = Tiles::sets_for(&mosaic)
        .into_iter()
        .find(|s| s.id == set_id)
        .ok_or_else(|| Problem::not_found(format!("tile matrix set {set_id} is not offered for {layer}")))?;
    let value = tileset_json(&base(&config, &request), &mosaic, set, true)
        .ok_or_else(|| Problem::not_found(format!("{layer} cannot be drawn in {set_id}")))?;
    Ok(json_response(&request, value))
}

/// The `f=` name of a format (`png`, `jpeg`, `webp`, `jpeg-png`).
fn f_name(format: Format) -> &'static str {
    match format {
        Format::Jpeg => "jpeg",
        other => other.extension(),
    }
}

/// The format `f=` or the `Accept` header asks for, among the map formats (PNG by default).
fn negotiate(request: &HttpRequest) -> Result<Format, Problem> {
    let asked = request
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("f="))
        .map(str::to_string);
    if let Some(name) = asked {
        return Offered::MAPS.parse(&name).ok_or_else(|| {
            let names: Vec<&str> = Offered::MAPS.formats().iter().map(|f| f_name(*f)).collect();
            Problem::bad_request(format!("f={name} is not offered ({})", names.join(", ")))
        });
    }
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Ok(accept
        .split(',')
        .filter_map(|part| Offered::MAPS.parse(part.split(';').next().unwrap_or("").trim()))
        .next()
        .unwrap_or(Format::Png))
}

async fn tile(
    tiles: web::Data<Tiles>,
    request: HttpRequest,
    path: web::Path<(String, String, String, String, String)>,
) -> Result<HttpResponse, Problem> {
    let (layer, set, z, row, col) = path.into_inner();
    let format = negotiate(&request)?;
    let number = |name: &str, text: &str| -> Result<u32, Problem> {
        path_number(name, text).map_err(|err| Problem::bad_request(err.message))
    };
    // tileMatrix is an identifier: one that names no level of the set is "not found".
    let level = z
        .parse()
        .map_err(|_| Problem::not_found(format!("tile matrix set {set} has no tile matrix {z}")))?;
    let tile_request = TileRequest {
        layer,
        tms: set,
        z: level,
        row: number("tileRow", &row)?,
        col: number("tileCol", &col)?,
        format,
    };
    let answer = tiles
        .get_ref()
        .tile(&tile_request)
        .await
        .map_err(|err| match err {
            TileRequestError::Render(_) => {
                Problem::new(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, err.to_string())
            }
            _ => Problem::not_found(err.to_string()),
        })?;
    let mut response = tile_response(&request, tiles.get_ref(), answer, format);
    // The format may come from Accept: shared caches must key on it.
    response
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("accept"));
    Ok(response)
}
