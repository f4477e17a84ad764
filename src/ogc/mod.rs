//! The OGC services, one module each, with what they share in `common`.

pub mod common;
pub mod features;
pub mod tiles_api;
pub mod tms;
pub mod wfs;
pub mod wms;
pub mod wmts;

use actix_web::web;

/// Registers every OGC service's routes.
pub fn configure(config: &mut web::ServiceConfig) {
    // Tiles first: the busiest routes are matched first.
    tms::configure(config);
    wmts::configure(config);
    wms::configure(config);
    wfs::configure(config);
    config.service(
        web::scope("/ogcapi")
            .configure(tiles_api::configure)
            .configure(features::configure),
    );
}
