//! OGC API Tiles, vector tilesets: every vector collection at
//! `/ogcapi/collections/{id}/tiles[/{set}[/{tileMatrix}/{tileRow}/{tileCol}]]`, in Mapbox Vector
//! Tiles (one layer named by the class), in WebMercatorQuad, WorldCRS84Quad and the Lambert
//! sets of the collection's CRS.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::{base, json_response};
use crate::config::Config;
use crate::ogc::common::tile::path_number;
use crate::ogc::common::{ogcapi_link, Problem};
use crate::tiles::matrix_sets;
use crate::tiles::vector::{VectorTileError, VectorTileRequest};
use crate::tiles::{TileMatrixSet, Tiles};
use crate::vector::mvt::MEDIA_TYPE;
use crate::vector::{Collection, Deadline, Vectors};
use crate::workers::Workers;

/// The sets a collection's vector tiles are offered in.
fn sets_for(collection: &Collection) -> Vec<&'static TileMatrixSet> {
    let mut ids = vec!["WebMercatorQuad".to_string(), "WorldCRS84Quad".to_string()];
    if let Some(srid) = collection.srid {
        ids.push(format!("{srid}_5cm"));
        if srid == 2154 {
            ids.push("LAMB93".into());
        }
    }
    ids.iter().filter_map(|id| matrix_sets::get(id)).collect()
}

fn collection(vectors: &Vectors, id: &str) -> Result<std::sync::Arc<Collection>, Problem> {
    vectors
        .get(id)
        .ok_or_else(|| Problem::not_found(format!("collection {id} is not a vector collection")))
}

fn tileset_json(base: &str, collection: &Collection, set: &TileMatrixSet) -> Value {
    let here = format!("{base}/collections/{}/tiles/{}", collection.id, set.id);
    let mut item = ogcapi_link(
        "item",
        format!("{here}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"),
        MEDIA_TYPE,
        "Mapbox vector tiles",
    );
    item["templated"] = json!(true);
    json!({
        "title": format!("{} ({})", collection.title, set.id),
        "dataType": "vector",
        "crs": set.crs_uri,
        "tileMatrixSetURI": set.uri.clone().unwrap_or_else(|| format!("{base}/tileMatrixSets/{}", set.id)),
        "layers": [{"id": collection.class, "dataType": "vector",
                    "geometryDimension": collection.kind.map(|k| match k.geojson_type() {
                        "Point" | "MultiPoint" => 0,
                        "LineString" | "MultiLineString" => 1,
                        _ => 2,
                    })}],
        "links": [
            ogcapi_link("self", here.clone(), "application/json", "this tileset"),
            ogcapi_link(
                "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                format!("{base}/tileMatrixSets/{}", set.id),
                "application/json",
                &set.title,
            ),
            item,
        ],
    })
}

/// `/collections/{id}/tiles`: the vector tilesets of a collection.
pub async fn tilesets(
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let collection = collection(&vectors, &path.into_inner())?;
    let base = base(&config, &request);
    let list: Vec<Value> = sets_for(&collection)
        .into_iter()
        .map(|set| tileset_json(&base, &collection, set))
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
    let collection = collection(&vectors, &id)?;
    let set = sets_for(&collection)
        .into_iter()
        .find(|s| s.id == set_id)
        .ok_or_else(|| Problem::not_found(format!("tile matrix set {set_id} is not offered for {id}")))?;
    Ok(json_response(
        &request,
        tileset_json(&base(&config, &request), &collection, set),
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
    let collection = collection(&vectors, &id)?;
    let set = sets_for(&collection)
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
        layers: vec![(collection.class.clone(), collection.clone())],
        set,
        z: level,
        row: number("tileRow", &row)?,
        col: number("tileCol", &col)?,
        properties: None,
    };
    let deadline = Deadline::after(config.server.request_timeout.0);
    match tiles.mvt().tile(&workers, request, deadline).await {
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
