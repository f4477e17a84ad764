//! OGC API Tiles of vector data. Vector tilesets: every vector collection and every vector
//! deliverable at `/ogcapi/collections/{id}/tiles[/{set}[/{tileMatrix}/{tileRow}/{tileCol}]]`,
//! in Mapbox Vector Tiles (one layer per class), in WebMercatorQuad, WorldCRS84Quad and the
//! Lambert sets of the data's CRS. Map tilesets: the same drawn with the default styles, at
//! `/ogcapi/collections/{id}/map/tiles…`, where the styles draw.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::{base, bounding_box, json_response, tileset_links, whole_matrix_limits};
use crate::config::Config;
use crate::ogc::common::tile::path_number;
use crate::ogc::common::{ogcapi_link, Problem};
use crate::raster::Mosaics;
use crate::tiles::matrix_sets;
use crate::tiles::vector::{mvt_layers, VectorTileError, VectorTileRequest};
use crate::tiles::{vector_maps, vector_sets, TileMatrixSet, Tiles, VectorMap};
use crate::vector::mvt::MEDIA_TYPE;
use crate::vector::style::StyleBook;
use crate::vector::{Collection, Deadline, Vectors};
use crate::workers::Workers;

/// MVT layer names with their collections.
type MvtLayers = Vec<(String, std::sync::Arc<Collection>)>;

/// The sets vector tiles of these layers are offered in: the web sets and the 5 cm grid of
/// each collection's CRS (and IGN's Lambert-93 grid for Lambert-93 data).
fn sets_for(layers: &MvtLayers) -> Vec<&'static TileMatrixSet> {
    let mut ids = vec!["WebMercatorQuad".to_string(), "WorldCRS84Quad".to_string()];
    for (_, collection) in layers {
        if let Some(srid) = collection.srid {
            ids.push(format!("{srid}_5cm"));
            if srid == 2154 {
                ids.push("LAMB93".into());
            }
        }
    }
    let mut sets: Vec<&'static TileMatrixSet> = Vec::new();
    for set in ids.iter().filter_map(|id| matrix_sets::get(id)) {
        if !sets.iter().any(|known| known.id == set.id) {
            sets.push(set);
        }
    }
    sets
}

/// The MVT layers of a collection (one) or of a vector deliverable (one per class).
fn layers_named(vectors: &Vectors, id: &str) -> Result<MvtLayers, Problem> {
    mvt_layers(vectors, id).ok_or_else(|| {
        Problem::not_found(format!(
            "{id} is neither a vector collection nor a vector deliverable"
        ))
    })
}

fn geometry_dimension(collection: &Collection) -> Option<u8> {
    collection.kind.map(|k| match k.geojson_type() {
        "Point" | "MultiPoint" => 0,
        "LineString" | "MultiLineString" => 1,
        _ => 2,
    })
}

fn tileset_json(base: &str, id: &str, layers: &MvtLayers, set: &TileMatrixSet) -> Value {
    let here = format!("{base}/collections/{id}/tiles/{}", set.id);
    let mut item = ogcapi_link(
        "item",
        format!("{here}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"),
        MEDIA_TYPE,
        "Mapbox vector tiles",
    );
    item["templated"] = json!(true);
    let title = match layers.as_slice() {
        [(_, only)] if only.id == id => only.title.clone(),
        _ => format!("{id} — PCRS vecteur"),
    };
    let described: Vec<Value> = layers
        .iter()
        .map(|(name, collection)| {
            json!({"id": name, "dataType": "vector", "geometryDimension": geometry_dimension(collection)})
        })
        .collect();
    json!({
        "title": format!("{title} ({})", set.id),
        "dataType": "vector",
        "crs": set.crs_uri,
        "tileMatrixSetURI": set.uri.clone().unwrap_or_else(|| format!("{base}/tileMatrixSets/{}", set.id)),
        "layers": described,
        "links": tileset_links(base, &here, set, vec![item]),
    })
}

/// Every vector map (deliverable groups and collections, not those a raster layer names),
/// drawn with the default styles in force.
pub(super) fn maps(vectors: &Vectors, book: &StyleBook, mosaics: &Mosaics) -> Vec<VectorMap> {
    let rasters = mosaics.all();
    let raster_names: Vec<&str> = rasters.iter().map(|m| m.name.as_str()).collect();
    vector_maps(vectors, &book.current(), &raster_names)
}

/// The link a vector collection adds to its OGC API Features description: the map collection
/// of its whole deliverable (among `maps`). Its own tilesets are not linked: GDAL 3.6's OGCAPI
/// driver then reads tiles rather than items, and fails on vector tilesets.
pub(super) fn add_deliverable_link(
    base: &str,
    value: &mut Value,
    collection: &Collection,
    maps: &[VectorMap],
) {
    let id = &collection.id;
    let group = maps.iter().find(|map| {
        map.name != *id && map.layers.len() > 1 && map.layers.iter().any(|l| l.collection.id == *id)
    });
    if let (Some(links), Some(group)) = (value["links"].as_array_mut(), group) {
        links.push(ogcapi_link(
            "related",
            format!("{base}/collections/{}", group.name),
            "application/json",
            &format!("{}: every class as one map", group.title),
        ));
    }
}

/// A vector deliverable as a map-only collection (its classes drawn together), at
/// `/collections/{slug}`, linked from its classes' collections. Its vector tilesets answer at
/// `/collections/{slug}/tiles` but are not linked, for GDAL 3.6 (see [`add_deliverable_link`]).
pub(super) fn group_collection_json(base: &str, map: &VectorMap) -> Value {
    let mut value = json!({
        "id": map.name,
        "title": map.title,
        "description": format!("{} classes of PCRS vector data drawn in the standard's order", map.layers.len()),
        "dataType": "map",
        "links": [
            ogcapi_link("self", format!("{base}/collections/{}", map.name), "application/json", &map.title),
            ogcapi_link("http://www.opengis.net/def/rel/ogc/1.0/tilesets-map", format!("{base}/collections/{}/map/tiles", map.name), "application/json", "map tilesets"),
        ],
    });
    if let Some([west, south, east, north]) = map.extent84() {
        value["extent"] = json!({"spatial": {"bbox": [[west, south, east, north]], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}});
    }
    value
}

/// A vector map's map tileset in `set`: PNG tiles drawn with the default styles; `None` when
/// its styles draw at no level of the set over its features.
pub(super) fn map_tileset_json(
    base: &str,
    map: &VectorMap,
    set: &TileMatrixSet,
    with_limits: bool,
) -> Option<Value> {
    let levels = map.levels(set);
    if levels.is_empty() {
        return None;
    }
    let here = format!("{base}/collections/{}/map/tiles/{}", map.name, set.id);
    let mut item = ogcapi_link(
        "item",
        format!("{here}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}?f=png"),
        "image/png",
        "PNG tiles",
    );
    item["templated"] = json!(true);
    let mut value = json!({
        "title": format!("{} ({})", map.title, set.id),
        "dataType": "map",
        "crs": set.crs_uri,
        "tileMatrixSetURI": set.uri.clone().unwrap_or_else(|| format!("{base}/tileMatrixSets/{}", set.id)),
        "links": tileset_links(base, &here, set, vec![item]),
    });
    if with_limits {
        // As for raster maps: each drawn level spans the whole matrix (GDAL 3.6 misplaces limits
        // that start elsewhere); `boundingBox` gives the extent.
        value["tileMatrixSetLimits"] = whole_matrix_limits(set, levels.iter().map(|(z, _)| *z));
        if let Some(extent) = map.extent84() {
            value["boundingBox"] = bounding_box(extent);
        }
    }
    Some(value)
}

/// `/collections/{id}/map/tiles` of a vector map, `None` when `id` names none.
pub(super) fn map_tilesets(base: &str, maps: &[VectorMap], id: &str) -> Option<Value> {
    let map = maps.iter().find(|map| map.name == id)?;
    let list: Vec<Value> = vector_sets(&map.layers)
        .into_iter()
        .filter_map(|set| map_tileset_json(base, map, set, false))
        .collect();
    Some(json!({"tilesets": list}))
}

/// `/collections/{id}/map/tiles/{set}` of a vector map: `None` when `id` names none, a
/// problem when the set is not offered.
pub(super) fn map_tileset(
    base: &str,
    maps: &[VectorMap],
    id: &str,
    set_id: &str,
) -> Option<Result<Value, Problem>> {
    let map = maps.iter().find(|map| map.name == id)?;
    let found = vector_sets(&map.layers)
        .into_iter()
        .find(|set| set.id == set_id)
        .and_then(|set| map_tileset_json(base, map, set, true))
        .ok_or_else(|| Problem::not_found(format!("{id} is not drawn in tile matrix set {set_id}")));
    Some(found)
}

/// `/collections/{id}/tiles`: the vector tilesets of a collection or a vector deliverable.
pub async fn tilesets(
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    let layers = layers_named(&vectors, &id)?;
    let base = base(&config, &request);
    let list: Vec<Value> = sets_for(&layers)
        .into_iter()
        .map(|set| tileset_json(&base, &id, &layers, set))
        .collect();
    Ok(json_response(&request, json!({"tilesets": list})))
}

/// `/collections/{id}/tiles/{set}`: one tileset.
pub async fn tileset(
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (id, set_id) = path.into_inner();
    let layers = layers_named(&vectors, &id)?;
    let set = sets_for(&layers)
        .into_iter()
        .find(|s| s.id == set_id)
        .ok_or_else(|| Problem::not_found(format!("tile matrix set {set_id} is not offered for {id}")))?;
    Ok(json_response(
        &request,
        tileset_json(&base(&config, &request), &id, &layers, set),
    ))
}

/// `/collections/{id}/tiles/{set}/{tileMatrix}/{tileRow}/{tileCol}`: a vector tile.
pub async fn tile(
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
    workers: web::Data<Workers>,
    tiles: web::Data<Tiles>,
    path: web::Path<(String, String, String, String, String)>,
) -> Result<HttpResponse, Problem> {
    let (id, set_id, z, row, col) = path.into_inner();
    let layers = layers_named(&vectors, &id)?;
    let set = sets_for(&layers)
        .into_iter()
        .find(|s| s.id == set_id)
        .ok_or_else(|| Problem::not_found(format!("tile matrix set {set_id} is not offered for {id}")))?;
    let number = |name: &str, text: &str| -> Result<u32, Problem> {
        path_number(name, text).map_err(|err| Problem::bad_request(err.message))
    };
    let level = z
        .parse()
        .map_err(|_| Problem::not_found(format!("tile matrix set {set_id} has no tile matrix {z}")))?;
    let request = VectorTileRequest {
        layers,
        set,
        z: level,
        row: number("tileRow", &row)?,
        col: number("tileCol", &col)?,
        properties: None,
    };
    let deadline = Deadline::after(config.server.request_timeout.0);
    match tiles.mvt_tile(&id, &workers, request, deadline).await {
        Ok(bytes) => Ok(HttpResponse::Ok()
            .content_type(MEDIA_TYPE)
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .body(bytes)),
        Err(VectorTileError::OutOfRange(message)) => Err(Problem::not_found(message)),
        Err(VectorTileError::Timeout(err)) => {
            Err(Problem::new(StatusCode::SERVICE_UNAVAILABLE, err.to_string()))
        }
        Err(err) => Err(Problem::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())),
    }
}
