//! The HTTP side of a tile, shared by WMTS, TMS, XYZ and OGC API Tiles: entity tags and
//! `304 Not Modified`, cache headers, what an empty tile gets, and the split of a tile path's
//! numbers and extension.

use actix_web::http::header::{self, ContentEncoding};
use actix_web::{HttpRequest, HttpResponse};

use super::formats::Offered;
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

/// Why a tile path names no tile: the part at fault (`FORMAT`, or the number's name) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TilePathError {
    /// `FORMAT`, or the name of the number (`TILEROW`, `y`…).
    pub part: String,
    /// What is wrong.
    pub message: String,
}

/// The last segment of a tile path, `{number}.{ext}`: the number's text and the format, among
/// the tile formats offered.
pub fn split_tile_name(name: &str) -> Result<(&str, Format), TilePathError> {
    let offered = Offered::TILES;
    let (number, extension) = name.split_once('.').ok_or_else(|| TilePathError {
        part: "FORMAT".into(),
        message: format!("{name}: the tile needs an extension ({})", offered.extensions()),
    })?;
    let format = offered.parse(extension).ok_or_else(|| TilePathError {
        part: "FORMAT".into(),
        message: format!(".{extension} is not offered ({})", offered.extensions()),
    })?;
    Ok((number, format))
}

/// A whole number of a tile path, `name` naming it in the error.
pub fn path_number(name: &str, text: &str) -> Result<u32, TilePathError> {
    text.parse().map_err(|_| TilePathError {
        part: name.to_string(),
        message: format!("{name} {text} is not a whole number"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_names_split_into_number_and_format() {
        assert_eq!(split_tile_name("12.jpg").unwrap(), ("12", Format::Jpeg));
        assert_eq!(split_tile_name("7.jpeg-png").unwrap(), ("7", Format::JpegPng));
        let err = split_tile_name("12").unwrap_err();
        assert_eq!(err.part, "FORMAT");
        assert!(
            err.message.contains(".jpeg-png, .jpg, .png, .webp"),
            "{}",
            err.message
        );
        assert!(split_tile_name("12.gif")
            .unwrap_err()
            .message
            .starts_with(".gif is not offered"));
        assert_eq!(path_number("y", "3").unwrap(), 3);
        assert_eq!(path_number("y", "-3").unwrap_err().part, "y");
    }
}
