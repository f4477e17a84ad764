//! What the OGC services share, so that a new service is small: one exception type written as
//! each version says (`OwsError`), key-value parameters with case-insensitive names, the
//! SERVICE / REQUEST preamble and typed parameter parsers (`Kvp`), the formats each service
//! offers derived from the encoder's (`Offered`), the public base URL, an XML writer, the HTTP
//! side of a tile and the split of tile paths, an image with text for `INIMAGE` exceptions,
//! RFC 7807 problems and routes that answer 405 (the JSON API uses those too).

mod exception;
mod font;
mod formats;
pub mod html;
mod kvp;
mod problem;
pub mod tile;
pub mod xml;

use actix_web::HttpRequest;

pub use exception::{OwsError, Report};
pub use font::draw_text;
pub use formats::{extensions_of, mimes_of, Offered};
pub use kvp::{parse_bbox, parse_colour, Kvp, Preamble};
pub use problem::{method_not_allowed, resource, Problem, PROBLEM_JSON};

/// A part of the server registered with the application (`web::Data<T>`), for the services'
/// request extractors: each service names the parts it reads.
pub fn part<T: 'static>(request: &HttpRequest) -> Result<actix_web::web::Data<T>, actix_web::Error> {
    request
        .app_data::<actix_web::web::Data<T>>()
        .cloned()
        .ok_or_else(|| actix_web::error::ErrorInternalServerError("a part of the server is missing"))
}

/// The root of the OGC API (`{base URL}/ogcapi`), for the links of its parts' documents.
pub fn ogcapi_base(request: &HttpRequest, public_url: &str) -> String {
    format!("{}/ogcapi", base_url(request, public_url))
}

/// A link of an OGC API document.
pub fn ogcapi_link(rel: &str, href: String, kind: &str, title: &str) -> serde_json::Value {
    serde_json::json!({"rel": rel, "href": href, "type": kind, "title": title})
}

/// The `describedby` link of an OGC API collection to its deliverable's ISO 19139 record
/// (`api_base` is the API's base, `{server}/ogcapi`).
pub fn metadata_link(api_base: &str, slug: &str) -> serde_json::Value {
    let server = api_base.strip_suffix("/ogcapi").unwrap_or(api_base);
    ogcapi_link(
        "describedby",
        format!("{server}/metadata/{slug}.xml"),
        "application/xml",
        "ISO 19139 metadata record",
    )
}

/// A path's segments percent-encoded (spaces, accents), slashes kept: a storage path as a URL
/// path.
pub fn encoded_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            url::form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The base URL links in documents start from: `server.public_url`, else the scheme and host
/// the request came with (proxies' `X-Forwarded-*` / `Forwarded` honoured).
pub fn base_url(request: &HttpRequest, public_url: &str) -> String {
    if !public_url.is_empty() {
        return public_url.trim_end_matches('/').to_string();
    }
    let info = request.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}
