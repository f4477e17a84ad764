//! `/api/boundaries` and `/api/boundaries/{kind}/{code}`: the imported communes, EPCI and
//! départements, to find a territory by code or name and to see its outline.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::catalog::Catalog;
use crate::catalog::{Boundary, TerritoryKind};
use crate::config::Config;
use crate::download::boundaries::{area_of, BoundaryError};
use crate::http::extract::Query;
use crate::http::Problem;
use crate::tiles::area::Area;

/// A page of boundaries, and how many of each kind are imported.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BoundaryPage {
    /// The boundaries found, by kind and code.
    pub items: Vec<Boundary>,
    /// Boundaries imported, per kind.
    #[schema(value_type = Object)]
    pub imported: serde_json::Map<String, serde_json::Value>,
    /// Page size asked for.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

impl From<BoundaryError> for Problem {
    fn from(err: BoundaryError) -> Problem {
        match err {
            BoundaryError::Territory(message) => Problem::bad_request(message),
            BoundaryError::Catalog(err) => err.into(),
            other => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
        }
    }
}

/// Find imported boundaries by code (prefix) or name (part of it).
#[utoipa::path(
    get, path = "/api/boundaries", tag = "boundaries",
    params(
        ("kind" = Option<TerritoryKind>, Query, description = "commune, epci or departement"),
        ("q" = Option<String>, Query, description = "Start of a code, or part of a name"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size (default 50)"),
        ("offset" = Option<i64>, Query, minimum = 0, maximum = 2147483647, description = "Items skipped"),
    ),
    responses(
        (status = 200, description = "Boundaries found", body = BoundaryPage),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    query: Query,
) -> Result<HttpResponse, Problem> {
    let paging = query.paging(config.limits.max_page_size)?;
    let kind = match query.text("kind") {
        Some(text) => Some(TerritoryKind::parse(&text).ok_or_else(|| {
            Problem::bad_request(format!("kind `{text}` must be commune, epci or departement"))
        })?),
        None => None,
    };
    let text = query.text("q").unwrap_or_default();
    let catalog = catalog.get_ref();
    let items = catalog
        .find_boundaries(kind, text.trim(), paging.limit, paging.offset)
        .await?;
    let imported = catalog
        .boundary_counts()
        .await?
        .into_iter()
        .map(|(kind, count)| (kind.to_string(), count.into()))
        .collect();
    Ok(HttpResponse::Ok().json(BoundaryPage {
        items,
        imported,
        limit: paging.limit,
        offset: paging.offset,
    }))
}

/// One territory's outline as a GeoJSON Feature (CRS:84): its own boundary, or for an EPCI or
/// a département not imported itself, its communes' polygons.
#[utoipa::path(
    get, path = "/api/boundaries/{kind}/{code}", tag = "boundaries",
    params(
        ("kind" = TerritoryKind, Path, description = "commune, epci or departement"),
        ("code" = String, Path, description = "INSEE code, SIREN or département code"),
    ),
    responses(
        (status = 200, description = "The outline", body = Object, content_type = "application/geo+json"),
        (status = 404, description = "Not imported, or not a valid code for the kind", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too detailed to use", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    catalog: web::Data<Catalog>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (kind, code) = path.into_inner();
    let territory = format!("{kind}:{code}");
    // A code of the wrong shape names no boundary: 404 too, saying why.
    let area = match area_of(catalog.get_ref(), &territory).await {
        Err(BoundaryError::NotImported(_)) => {
            return Err(Problem::not_found(format!(
                "{territory} is not among the imported boundaries"
            )))
        }
        Err(BoundaryError::Territory(message)) => return Err(Problem::not_found(message)),
        other => other?,
    };
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .json(feature(&territory, &area)))
}

fn feature(territory: &str, area: &Area) -> serde_json::Value {
    serde_json::json!({
        "type": "Feature",
        "id": territory,
        "bbox": area.bbox(),
        "properties": area.summary(),
        "geometry": {"type": "MultiPolygon", "coordinates": area.polygons},
    })
}
