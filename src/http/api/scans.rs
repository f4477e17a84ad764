//! `/api/livrables/{livrable}/scan`, `/api/livrables/{livrable}/scans`, `/api/scans/{id}`:
//! starting scans and following them.

use actix_web::{web, HttpResponse};

use super::livrables::resolve;
use crate::catalog::Catalog;
use crate::catalog::ScanRecord;
use crate::http::auth::Caller;
use crate::http::Problem;
use crate::scan::ScanError;
use crate::scan::Scanner;

impl From<ScanError> for Problem {
    fn from(err: ScanError) -> Problem {
        match err {
            ScanError::NoStorage(_) => Problem::new(actix_web::http::StatusCode::CONFLICT, err.to_string())
                .with_kind("urn:dallage:problem:no-storage"),
            ScanError::Catalog(err) => err.into(),
            ScanError::Spec(_) | ScanError::Storage(_) => {
                Problem::new(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, err.to_string())
                    .with_kind("urn:dallage:problem:storage")
            }
        }
    }
}

/// Scan (or rescan) a deliverable's storage.
#[utoipa::path(
    post, path = "/api/livrables/{livrable}/scan", tag = "scans",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    security(("api_key" = [])),
    responses(
        (status = 202, description = "Scan queued or running (or the partial scan resumed)", body = ScanRecord),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No storage declared", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    catalog: web::Data<Catalog>,
    scanner: web::Data<Scanner>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let scan = scanner.start(livrable.id, "api").await?;
    tracing::info!(
        livrable = livrable.id,
        scan = scan.id,
        by = caller.name(),
        "scan requested"
    );
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/scans/{}", scan.id)))
        .json(scan))
}

/// A scan: state, progress counters, and when done its summary, conformity report and change set.
#[utoipa::path(
    get, path = "/api/scans/{id}", tag = "scans",
    params(("id" = i64, Path, description = "Scan id")),
    responses(
        (status = 200, description = "The scan", body = ScanRecord),
        (status = 404, description = "No such scan", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(catalog: web::Data<Catalog>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let id: i64 = path
        .parse()
        .map_err(|_| Problem::not_found(format!("scan `{path}` does not exist (ids are numbers)")))?;
    Ok(HttpResponse::Ok().json(catalog.scan(id).await?))
}

/// The latest scans of a deliverable, newest first.
#[utoipa::path(
    get, path = "/api/livrables/{livrable}/scans", tag = "scans",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    responses(
        (status = 200, description = "Up to 50 scans", body = [ScanRecord]),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(catalog: web::Data<Catalog>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let (livrable, _) = resolve(catalog.get_ref(), &path).await?;
    Ok(HttpResponse::Ok().json(catalog.livrable_scans(livrable.id, 50).await?))
}
