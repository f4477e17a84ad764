//! The OGC services, one module each, with what they share in `common`.

pub mod common;
pub mod tiles_api;
pub mod tms;
pub mod wms;
pub mod wmts;

use actix_web::web;

/// Registers every OGC service's routes.
pub fn configure(config: &mut web::ServiceConfig) {
    wms::configure(config);
    wmts::configure(config);
    tms::configure(config);
    tiles_api::configure(config);
}
