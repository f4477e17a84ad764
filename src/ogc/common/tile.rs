//! The HTTP side of a tile, shared by WMTS, TMS, XYZ and OGC API Tiles: entity tags and
//! `304 Not Modified`, cache headers, and what an empty tile gets.

use actix_web::http::header::{self, ContentEncoding};
use actix_web::{HttpRequest, HttpResponse};

use crate::raster::Format;
use crate::tiles::{EmptyTiles, TileAnswer, Tiles};

/// How long clients and proxies may keep a tile, in seconds.
const MAX_AGE: u32 = 3600;

/// The response for a tile: the bytes with an `ETag` (or 304 when the client has them), or
/// for an empty tile 204 or the shared blank image, as configured.
pub fn tile_response(
    request: &HttpRequest,
    tiles: &Tiles,
    answer: TileAnswer,
    format: Format,
) -> HttpResponse {
    let (bytes, etag) = match answer {
        TileAnswer::Tile(tile) => (tile.bytes.clone(), tile.etag.clone()),
        TileAnswer::Empty => match tiles.empty_tiles() {
            EmptyTiles::NoContent => {
                // The type of the tile that would be there: some clients (OWSLib's WMTS)
                // read Content-Type on every answer.
                return HttpResponse::NoContent()
                    .content_type(format.mime())
                    .insert_header((header::CACHE_CONTROL, format!("public, max-age={MAX_AGE}")))
                    .finish();
            }
            EmptyTiles::Transparent => (tiles.blank(format), format!("\"blank-{}\"", format.extension())),
        },
    };
    let cache_control = (header::CACHE_CONTROL, format!("public, max-age={MAX_AGE}"));
    if client_has(request, &etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header(cache_control)
            .finish();
    }
    HttpResponse::Ok()
        .content_type(format.mime_of(&bytes))
        .insert_header((header::ETAG, etag))
        .insert_header(cache_control)
        // Images are compressed already: keep the compression middleware off them.
        .insert_header(ContentEncoding::Identity)
        .body(bytes)
}

/// Whether `If-None-Match` names `etag` (or `*`).
fn client_has(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}
