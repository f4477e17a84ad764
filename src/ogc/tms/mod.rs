//! TMS 1.0.0 (OSGeo Tile Map Service: rows counted from the bottom) at `/tms/1.0.0/`, and XYZ
//! tiles (rows from the top, as web map libraries count them) at `/tiles/`. Both are views
//! of the shared tile service.
//!
//! - `/tms/1.0.0` lists a TileMap per layer and tile matrix set;
//! - `/tms/1.0.0/{layer}/{set}` is the TileMap (origin, levels, format);
//! - `/tms/1.0.0/{layer}/{set}/{z}/{x}/{y}.{ext}` is a tile, y from the bottom;
//! - `/tiles/{layer}/{set}/{z}/{x}/{y}.{ext}` is a tile, y from the top;
//! - `/tiles/{layer}/{z}/{x}/{y}.{ext}` is the same in WebMercatorQuad;
//! - `/tiles/{vector layer}/[{set}/]{z}/{x}/{y}.mvt`, `…/tiles.json`, `…/style.json`: vector
//!   tiles, their TileJSON and a MapLibre style made from the SLD (`vector.rs`); a vector
//!   layer's `.png` tiles are maps drawn with its styles, as raster layers' are.
//!
//! TMS counts rows from one origin at the bottom for every level, which only the world sets
//! (WebMercatorQuad, WorldCRS84Quad) have: the Lambert grids' levels end at different
//! heights, so they are offered over WMTS, XYZ and OGC API Tiles only.

mod vector;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::config::Config;
use crate::ogc::common::tile::{path_number, split_tile_name, tile_response, TilePathError};
use crate::ogc::common::{base_url, method_not_allowed, xml::Xml, Offered, Problem};
use crate::raster::{Format, Mosaic, Mosaics};
use crate::tiles::{self, LayerInSet, TileMatrixSet, TileRequest, TileRequestError, Tiles};

/// Registers the TMS and XYZ paths.
pub fn configure(config: &mut web::ServiceConfig) {
    // Scopes with a static prefix: a request elsewhere never reaches the patterns inside,
    // whose matching (a regular expression each) was a fifth of a cached tile's CPU.
    config
        // XYZ paths are split by hand: a route pattern costs a regular-expression match.
        .service(web::scope("/tiles").default_service(web::to(xyz_tile)))
        .service(
            web::scope("/tms")
                .service(web::resource(["", "/1.0.0", "/1.0.0/"]).route(web::get().to(service)))
                .service(web::resource("/1.0.0/{layer}/{set}").route(web::get().to(tile_map)))
                .service(web::resource("/1.0.0/{layer}/{set}/{z}/{x}/{tile}").route(web::get().to(tms_tile))),
        );
}

async fn service(
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    request: HttpRequest,
) -> HttpResponse {
    let base = base_url(&request, &config.server.public_url);
    let mut xml = Xml::new();
    xml.open(
        "TileMapService",
        &[("version", "1.0.0"), ("services", &format!("{base}/tms"))],
    );
    xml.leaf("Title", &[], "dallage — PCRS orthophotos");
    xml.leaf("Abstract", &[], "Tiles of PCRS orthophoto deliverables");
    xml.open("TileMaps", &[]);
    for mosaic in mosaics.all() {
        for set in Tiles::sets_for(&mosaic)
            .into_iter()
            .filter(|s| TMS_SETS.contains(&s.id.as_str()))
        {
            xml.empty(
                "TileMap",
                &[
                    ("title", &format!("{} ({})", mosaic.info.title, set.id)),
                    ("srs", &set.crs.name()),
                    ("profile", profile(&set.id)),
                    ("href", &format!("{base}/tms/1.0.0/{}/{}", mosaic.name, set.id)),
                ],
            );
        }
    }
    xml.close("TileMaps");
    xml.close("TileMapService");
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(xml.finish())
}

/// Sets whose levels all share the bottom edge TMS counts rows from.
const TMS_SETS: &[&str] = &["WebMercatorQuad", "WorldCRS84Quad"];

fn profile(set: &str) -> &'static str {
    match set {
        "WebMercatorQuad" => "global-mercator",
        "WorldCRS84Quad" => "global-geodetic",
        _ => "local",
    }
}

async fn tile_map(
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (layer, set_id) = path.into_inner();
    let base = base_url(&request, &config.server.public_url);
    let Some(mosaic) = mosaics.get(&layer) else {
        return Problem::not_found(format!("layer {layer} is not defined")).error_response();
    };
    let Some(set) = Tiles::sets_for(&mosaic)
        .into_iter()
        .find(|s| s.id == set_id && TMS_SETS.contains(&s.id.as_str()))
    else {
        return Problem::not_found(format!(
            "tile matrix set {set_id} is not offered over TMS for {layer} (TMS: {}; every set over WMTS and XYZ)",
            TMS_SETS.join(", ")
        ))
        .error_response();
    };
    let Some(in_set) = Tiles::layer_in_set(&mosaic, set) else {
        return Problem::not_found(format!("{layer} cannot be drawn in {set_id}")).error_response();
    };
    let format = request
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("format="))
        .and_then(|name| Offered::TILES.parse(name))
        .unwrap_or(Format::Jpeg);
    let href = format!("{base}/tms/1.0.0/{layer}/{set_id}");
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(tile_map_document(&base, &href, &mosaic, set, &in_set, format))
}

/// The TileMap of `mosaic` in `set`: its box, the bottom-left origin every level shares, the
/// tile format, and one TileSet per level under `href`.
fn tile_map_document(
    base: &str,
    href: &str,
    mosaic: &Mosaic,
    set: &TileMatrixSet,
    in_set: &LayerInSet,
    format: Format,
) -> Vec<u8> {
    let finest = set.matrix(in_set.max_level).expect("level in set");
    let origin_y = finest.point_of_origin[1] - finest.tile_span()[1] * f64::from(finest.matrix_height);
    let mut xml = Xml::new();
    xml.open(
        "TileMap",
        &[
            ("version", "1.0.0"),
            ("tilemapservice", &format!("{base}/tms/1.0.0")),
        ],
    );
    xml.leaf("Title", &[], &mosaic.info.title);
    xml.leaf("Abstract", &[], &mosaic.info.description);
    xml.leaf("SRS", &[], &set.crs.name());
    let [min_x, min_y, max_x, max_y] = in_set.extent.map(|v| v.to_string());
    xml.empty(
        "BoundingBox",
        &[
            ("minx", &min_x),
            ("miny", &min_y),
            ("maxx", &max_x),
            ("maxy", &max_y),
        ],
    );
    let (origin_x, origin_y) = (finest.point_of_origin[0].to_string(), origin_y.to_string());
    xml.empty("Origin", &[("x", &origin_x), ("y", &origin_y)]);
    xml.empty(
        "TileFormat",
        &[
            ("width", &finest.tile_width.to_string()),
            ("height", &finest.tile_height.to_string()),
            ("mime-type", format.mime()),
            ("extension", format.extension()),
        ],
    );
    xml.open("TileSets", &[("profile", profile(&set.id))]);
    for z in 0..=in_set.max_level {
        let matrix = set.matrix(z).expect("level in set");
        xml.empty(
            "TileSet",
            &[
                ("href", &format!("{href}/{z}")),
                ("units-per-pixel", &matrix.cell_size.to_string()),
                ("order", &z.to_string()),
            ],
        );
    }
    xml.close("TileSets");
    xml.close("TileMap");
    xml.finish()
}

/// Where rows are counted from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RowOrigin {
    Top,
    Bottom,
}

async fn answer(
    tiles: &Tiles,
    request: &HttpRequest,
    (layer, set, z, x, tile): (String, String, String, String, String),
    rows_from: RowOrigin,
) -> HttpResponse {
    let result = async {
        let (y, format) = split_tile_name(&tile)?;
        let (z, col, y) = (path_number("level", &z)?, path_number("x", &x)?, path_number("y", y)?);
        let row = match rows_from {
            RowOrigin::Top => y,
            RowOrigin::Bottom => {
                if !TMS_SETS.contains(&set.as_str()) {
                    return Err(Problem::not_found(format!(
                        "tile matrix set {set} is not offered over TMS (TMS: {}; every set over WMTS and XYZ)",
                        TMS_SETS.join(", ")
                    )));
                }
                let height = tiles::matrix_sets::get(&set)
                    .and_then(|s| s.matrix(z))
                    .map(|m| m.matrix_height)
                    .ok_or_else(|| Problem::not_found(format!("level {z} of {set} does not exist")))?;
                height
                    .checked_sub(1)
                    .and_then(|top| top.checked_sub(y))
                    .ok_or_else(|| Problem::not_found(format!("row {y} is outside level {z}")))?
            }
        };
        let request_tile = TileRequest {
            layer,
            tms: set,
            z,
            row,
            col,
            format,
        };
        let answer = tiles.tile(&request_tile).await.map_err(problem)?;
        Ok::<_, Problem>(tile_response(request, tiles, answer, format))
    }
    .await;
    result.unwrap_or_else(|problem| problem.error_response())
}

impl From<TilePathError> for Problem {
    fn from(err: TilePathError) -> Problem {
        Problem::not_found(err.message)
    }
}

fn problem(err: TileRequestError) -> Problem {
    match err {
        TileRequestError::Render(_) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, err.to_string()),
        _ => Problem::not_found(err.to_string()),
    }
}

async fn tms_tile(
    tiles: web::Data<Tiles>,
    request: HttpRequest,
    path: web::Path<(String, String, String, String, String)>,
) -> HttpResponse {
    answer(&tiles, &request, path.into_inner(), RowOrigin::Bottom).await
}

/// `/tiles/{layer}/{z}/{x}/{y}.{ext}` (WebMercatorQuad) or `/tiles/{layer}/{set}/{z}/{x}/{y}.{ext}`.
async fn xyz_tile(tiles: web::Data<Tiles>, request: HttpRequest) -> HttpResponse {
    if request.method() != actix_web::http::Method::GET && request.method() != actix_web::http::Method::HEAD {
        return method_not_allowed(&request, "GET, HEAD");
    }
    let path = request.path().strip_prefix("/tiles/").unwrap_or("");
    let parts: Vec<String> = path.split('/').map(percent_decode).collect();
    // A vector layer's tiles, TileJSON and style (a raster layer goes on).
    if let Some(answer) = vector::answer(&request, &parts).await {
        return answer;
    }
    let segments = match <[String; 5]>::try_from(parts.clone()) {
        Ok([layer, set, z, x, tile]) => (layer, set, z, x, tile),
        Err(_) => match <[String; 4]>::try_from(parts) {
            Ok([layer, z, x, tile]) => (layer, "WebMercatorQuad".to_string(), z, x, tile),
            Err(_) => {
                return Problem::not_found(format!(
                    "no tile at {}: XYZ tiles are /tiles/{{layer}}/[{{set}}/]{{z}}/{{x}}/{{y}}.{{ext}}",
                    request.path()
                ))
                .error_response()
            }
        },
    };
    answer(&tiles, &request, segments, RowOrigin::Top).await
}

fn percent_decode(part: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", part.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}
