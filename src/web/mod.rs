//! Web pages, in French, served by the same binary: the projects' map and list at `/`, each
//! project's page at `/projets/{slug}`, each deliverable's explorer at `/livrables/{slug}`, the
//! download by territory at `/telechargement`, the porteur space at `/espace-porteur`, the
//! statistics at `/statistiques`, and the cache-size calculator at `/calculator`.
//! Textual pages are rendered here and readable without JavaScript; the maps are OpenLayers (npm `ol`, with `ol-mapbox-style` for vector
//! tiles) bundled by esbuild (`make web`, sources in `web/src`) and embedded by `build.rs`.
//! Every page has a strict CSP and loads nothing from elsewhere (fonts included).

mod explorer;
mod home;
mod html;
mod labels;
mod porteur;
mod project;
mod statistics;
mod territory;

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::ogc::common::resource;

pub use html::CONTENT_SECURITY_POLICY;

/// A page or asset compiled into the binary.
struct Asset {
    /// Its Content-Type.
    content_type: &'static str,
    /// Its bytes.
    body: &'static [u8],
}

const CALCULATOR: Asset = Asset {
    content_type: "text/html; charset=utf-8",
    body: include_bytes!("assets/calculator.html"),
};
const CALCULATOR_JS: Asset = Asset {
    content_type: "text/javascript; charset=utf-8",
    body: include_bytes!("assets/calculator.js"),
};
const STYLE: Asset = Asset {
    content_type: "text/css; charset=utf-8",
    body: include_bytes!("assets/dallage.css"),
};
const MAP_JS: Asset = Asset {
    content_type: "text/javascript; charset=utf-8",
    body: include_bytes!(concat!(env!("OUT_DIR"), "/map.js")),
};
const MAP_CSS: Asset = Asset {
    content_type: "text/css; charset=utf-8",
    body: include_bytes!(concat!(env!("OUT_DIR"), "/map.css")),
};

/// Whether the map script was bundled when this binary was built (`make web`); without it the
/// pages say on each map how to get it.
pub fn map_bundled() -> bool {
    env!("DALLAGE_MAP_BUNDLED") == "yes"
}

/// Where Debian's `fonts-dejavu-core` puts the fonts the vector tiles' labels use.
const FONTS: &str = "/usr/share/fonts/truetype/dejavu";

fn serve(content_type: &'static str, body: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        // The assets change with the binary: revalidate, cheaply, after five minutes.
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

fn asset(asset: &'static Asset) -> HttpResponse {
    serve(asset.content_type, asset.body)
}

/// The legend's colours, made once from the statuses' table.
fn statut_css() -> HttpResponse {
    static CSS: OnceLock<String> = OnceLock::new();
    serve(
        "text/css; charset=utf-8",
        CSS.get_or_init(labels::statut_css).as_bytes(),
    )
}

/// A DejaVu font file for map labels, read once from the system.
fn font(file: web::Path<String>) -> HttpResponse {
    static REGULAR: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    static BOLD: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    let cell = match file.as_str() {
        "DejaVuSans.ttf" => &REGULAR,
        "DejaVuSans-Bold.ttf" => &BOLD,
        _ => return HttpResponse::NotFound().body("no such font"),
    };
    match cell.get_or_init(|| std::fs::read(format!("{FONTS}/{file}")).ok()) {
        Some(bytes) => serve("font/ttf", bytes),
        None => HttpResponse::NotFound().body("the font is not installed (fonts-dejavu-core)"),
    }
}

/// Registers the pages and their assets.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(resource("/", "GET").route(web::get().to(home::page)))
        .service(resource("/projets/{slug}", "GET").route(web::get().to(project::page)))
        .service(resource("/livrables/{slug}", "GET").route(web::get().to(explorer::page)))
        .service(resource("/telechargement", "GET").route(web::get().to(territory::page)))
        .service(resource("/espace-porteur", "GET").route(web::get().to(porteur::page)))
        .service(resource("/statistiques", "GET").route(web::get().to(statistics::page)))
        .service(resource("/calculator", "GET").route(web::get().to(|| async { asset(&CALCULATOR) })))
        .service(
            resource("/assets/calculator.js", "GET").route(web::get().to(|| async { asset(&CALCULATOR_JS) })),
        )
        .service(resource("/assets/dallage.css", "GET").route(web::get().to(|| async { asset(&STYLE) })))
        .service(resource("/assets/map.js", "GET").route(web::get().to(|| async { asset(&MAP_JS) })))
        .service(resource("/assets/map.css", "GET").route(web::get().to(|| async { asset(&MAP_CSS) })))
        .service(resource("/assets/statuts.css", "GET").route(web::get().to(|| async { statut_css() })))
        .service(resource("/assets/fonts/{file}", "GET").route(web::get().to(|file| async { font(file) })));
}
