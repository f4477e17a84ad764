//! Web pages. For now the cache-size calculator at `/calculator`: a static page whose script
//! asks `/ogcapi` for layers and tile matrix sets, `/api/boundaries` for territories and
//! `/api/livrables/{layer}/cache-size` for the estimate. Project pages, the explorer map and
//! downloads by selection come with the web issue and join this module.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::ogc::common::resource;

/// A page or asset compiled into the binary.
struct Asset {
    /// Its Content-Type.
    content_type: &'static str,
    /// Its bytes.
    body: &'static str,
}

const CALCULATOR: Asset = Asset {
    content_type: "text/html; charset=utf-8",
    body: include_str!("assets/calculator.html"),
};
const CALCULATOR_JS: Asset = Asset {
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("assets/calculator.js"),
};
const STYLE: Asset = Asset {
    content_type: "text/css; charset=utf-8",
    body: include_str!("assets/dallage.css"),
};

/// Pages only load scripts, styles and data from this server.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn serve(asset: &'static Asset) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(asset.content_type)
        // The assets change with the binary: revalidate, cheaply, after five minutes.
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(asset.body)
}

/// Registers the pages and their assets.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(resource("/calculator", "GET").route(web::get().to(|| async { serve(&CALCULATOR) })))
        .service(
            resource("/assets/calculator.js", "GET").route(web::get().to(|| async { serve(&CALCULATOR_JS) })),
        )
        .service(resource("/assets/dallage.css", "GET").route(web::get().to(|| async { serve(&STYLE) })));
}
