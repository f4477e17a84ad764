//! `/health`: 200 when the catalogue answers and start-up work is done, 503 otherwise.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::services::Readiness;

/// What `/health` reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthReport {
    /// `ok`, `starting` (start-up scans not finished) or `degraded` (catalogue unreachable).
    pub status: String,
    /// `ok` or the reason the catalogue did not answer.
    pub catalog: String,
    /// Catalogue backend: `sqlite` or `postgres`.
    pub backend: String,
    /// Whether start-up work (registration, first scans) is finished.
    pub ready: bool,
    /// Server version.
    pub version: String,
}

/// Service health.
#[utoipa::path(
    get, path = "/health", tag = "service",
    responses(
        (status = 200, description = "Serving", body = HealthReport),
        (status = 503, description = "Starting, or the catalogue is unreachable", body = HealthReport),
    )
)]
pub async fn health(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    ready: web::Data<Readiness>,
) -> HttpResponse {
    let timeout = config.catalog.connect_timeout.0.min(Duration::from_secs(5));
    let answer = match catalog.ping(timeout).await {
        Ok(()) => "ok".to_string(),
        Err(err) => format!("unreachable: {err}"),
    };
    let ready = ready.get();
    let status = match (answer == "ok", ready) {
        (true, true) => "ok",
        (true, false) => "starting",
        (false, _) => "degraded",
    };
    let report = HealthReport {
        status: status.into(),
        catalog: answer,
        backend: match catalog.backend() {
            crate::catalog::Backend::Sqlite => "sqlite".into(),
            crate::catalog::Backend::Postgres => "postgres".into(),
        },
        ready,
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let mut response = if status == "ok" {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response.insert_header(("Cache-Control", "no-store")).json(report)
}
