//! `/api/livrables/{livrable}/extras`: extra per-dalle metadata (tilt, overlap, acquisition
//! date, flight line…) a porteur uploads as a GeoJSON, a zipped Shapefile, a GeoPackage or a
//! CSV, joined to the dalles by name or by geometry (`vector::extras`); they show in the dalles'
//! GeoJSON export (`extra`), the explorer and GetFeatureInfo.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};

use super::livrables::resolve;
use crate::catalog::Catalog;
use crate::http::auth::Caller;
use crate::http::Problem;
use crate::vector::extras::{join, read_extras};
use crate::workers::Workers;

/// Unmatched rows described in an answer; the others are counted.
const UNMATCHED_SHOWN: usize = 20;

/// What an upload joined.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExtrasReport {
    /// Dalles that received metadata.
    pub matched: usize,
    /// Rows no dalle matched.
    pub unmatched: usize,
    /// The first of them, described.
    pub unmatched_rows: Vec<String>,
}

/// The file name GDAL opens for an upload of this media type.
fn file_for(media_type: &str) -> Option<(&'static str, bool)> {
    match media_type {
        "application/geo+json" | "application/json" => Some(("extras.geojson", false)),
        "text/csv" => Some(("extras.csv", false)),
        "application/zip" | "application/x-zip-compressed" => Some(("extras.zip", true)),
        "application/geopackage+sqlite3" => Some(("extras.gpkg", false)),
        _ => None,
    }
}

/// Attach extra metadata to a deliverable's dalles (replacing what was attached before).
#[utoipa::path(
    put, path = "/api/livrables/{livrable}/extras", tag = "livrables",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    request_body(content = String, content_type = "text/csv",
        description = "A table whose `dalle` (or `fichier`, `nom`…) column names each dalle, or whose geometry lies on it: CSV, GeoJSON (application/geo+json), a zipped Shapefile (application/zip) or a GeoPackage"),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Joined and stored", body = ExtrasReport),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A media type that is not a table GDAL reads", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unreadable, or no row matched a dalle", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put(
    catalog: web::Data<Catalog>,
    workers: web::Data<Workers>,
    caller: Caller,
    path: web::Path<String>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let media_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let (name, zipped) = file_for(&media_type).ok_or_else(|| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Content-Type `{media_type}`: send text/csv, application/geo+json, application/zip (a zipped Shapefile) or application/geopackage+sqlite3"
            ),
        )
    })?;
    let unreadable = |detail: String| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail);
    let folder = tempfile::tempdir().map_err(|err| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("temporary folder: {err}"),
        )
    })?;
    let file = folder.path().join(name);
    std::fs::write(&file, &body).map_err(|err| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("temporary file: {err}"),
        )
    })?;
    let opened = if zipped {
        std::path::PathBuf::from(format!("/vsizip/{}", file.display()))
    } else {
        file
    };
    let rows = workers
        .run(move || read_extras(&opened, crate::raster::crs::transform_points))
        .await
        .map_err(|err| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?
        .map_err(|err| unreadable(format!("the file cannot be read as a table: {err}")))?;
    let dalles = catalog.current_images(Some(livrable.id)).await?;
    let joined = join(rows, &dalles);
    if joined.matched.is_empty() {
        return Err(unreadable(format!(
            "no row matched a dalle of {}: {}",
            livrable.slug,
            joined
                .unmatched
                .first()
                .cloned()
                .unwrap_or_else(|| "the file has no rows".into())
        )));
    }
    catalog
        .replace_dalle_extras(
            livrable.id,
            &joined.matched,
            &format!("upload by {}", caller.name()),
        )
        .await?;
    tracing::info!(
        livrable = livrable.id,
        matched = joined.matched.len(),
        unmatched = joined.unmatched.len(),
        by = caller.name(),
        "extra dalle metadata attached"
    );
    Ok(HttpResponse::Ok().json(ExtrasReport {
        matched: joined.matched.len(),
        unmatched: joined.unmatched.len(),
        unmatched_rows: joined.unmatched.into_iter().take(UNMATCHED_SHOWN).collect(),
    }))
}

/// A deliverable's extra metadata, by dalle path.
#[utoipa::path(
    get, path = "/api/livrables/{livrable}/extras", tag = "livrables",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    responses(
        (status = 200, description = "Properties by dalle path", body = Object),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(catalog: web::Data<Catalog>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let (livrable, _) = resolve(catalog.get_ref(), &path).await?;
    let extras = catalog.dalle_extras(livrable.id).await?;
    let map: Map<String, Value> = extras.into_iter().map(|(k, v)| (k, Value::Object(v))).collect();
    Ok(HttpResponse::Ok().json(map))
}
