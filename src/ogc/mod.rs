//! The OGC services, one module each, with what they share in `common`.

pub mod common;
pub mod wms;

use actix_web::web;

/// Registers every OGC service's routes.
pub fn configure(config: &mut web::ServiceConfig) {
    wms::configure(config);
}
