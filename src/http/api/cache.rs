//! `/api/livrables/{livrable}/seed`, `/api/seeds/{id}`, `/api/livrables/{livrable}/cache-size`:
//! seeding and truncating a layer's tile cache, and estimating its size.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::livrables::resolve;
use crate::catalog::Catalog;
use crate::http::auth::Caller;
use crate::http::extract::{Json, Query};
use crate::http::Problem;
use crate::tiles::area::Area;
use crate::tiles::seed::{PlanText, SeedError, SeedPlan};
use crate::tiles::Tiles;

/// Most tiles drawn per level to estimate a cache's size.
const MAX_SAMPLE: i64 = 64;

/// A seeding or truncation request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeedRequest {
    /// Tile matrix set (`WebMercatorQuad`, `LAMB93`, `2154_5cm`...).
    pub tms: String,
    /// Levels, `A-B` or `A`.
    pub levels: String,
    /// Only within `west,south,east,north` (CRS:84).
    pub bbox: Option<String>,
    /// Only over this GeoJSON Polygon or MultiPolygon (or Feature / FeatureCollection of
    /// them), CRS:84: a drawn area.
    #[schema(value_type = Option<Object>)]
    pub area: Option<serde_json::Value>,
    /// Only over this commune (INSEE code), once its boundary is imported.
    pub commune: Option<String>,
    /// Only over this EPCI (SIREN): its imported boundary, or its communes'.
    pub epci: Option<String>,
    /// Only over this département (code): its imported boundary, or its communes'.
    pub departement: Option<String>,
    /// `jpeg` (default), `png`, `webp` or `jpeg-png`.
    pub format: Option<String>,
    /// Drop these tiles instead of drawing them.
    #[serde(default)]
    pub truncate: bool,
}

impl From<SeedError> for Problem {
    fn from(err: SeedError) -> Problem {
        match err {
            SeedError::Plan(_) | SeedError::TooLarge(_) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, err.to_string())
            }
            _ => Problem::new(StatusCode::SERVICE_UNAVAILABLE, err.to_string()),
        }
    }
}

/// The plan the text names; a 400 naming the field otherwise.
fn plan(text: PlanText<'_>) -> Result<SeedPlan, Problem> {
    SeedPlan::parse(&text).map_err(|err| Problem::bad_request(err.to_string()))
}

/// The one territory named by `commune`, `epci` or `departement`, as `kind:code`; a 400 when
/// several are given, or one with `area`.
pub(super) fn territory(
    commune: Option<String>,
    epci: Option<String>,
    departement: Option<String>,
    with_area: bool,
) -> Result<Option<String>, Problem> {
    let named = crate::download::boundaries::named_territories(
        commune.as_deref(),
        epci.as_deref(),
        departement.as_deref(),
    );
    match named.as_slice() {
        [] => Ok(None),
        [one] if !with_area => Ok(Some(one.clone())),
        _ => Err(Problem::bad_request(
            "give one of area, commune, epci or departement, not several",
        )),
    }
}

/// Sets the plan's area to the territory's imported boundary.
async fn over_territory(
    catalog: &Catalog,
    plan: &mut SeedPlan,
    territory: Option<String>,
) -> Result<(), Problem> {
    if let Some(territory) = territory {
        plan.area = Some(crate::download::boundaries::area_of(catalog, &territory).await?);
    }
    Ok(())
}

/// Seed (or truncate) a deliverable's tile cache in the background.
#[utoipa::path(
    post, path = "/api/livrables/{livrable}/seed", tag = "tiles",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    request_body = SeedRequest,
    security(("api_key" = [])),
    responses(
        (status = 202, description = "Run started; follow it at the Location", body = Object),
        (status = 400, description = "Malformed JSON, levels, bbox, format, area or territory code", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The plan cannot run (set, levels, size, territory not imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start_seed(
    catalog: web::Data<Catalog>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<SeedRequest>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let request = body.0;
    let mut plan = plan(PlanText {
        layer: &livrable.slug,
        tms: &request.tms,
        levels: &request.levels,
        bbox: request.bbox.as_deref(),
        format: request.format.as_deref(),
    })?;
    if let Some(area) = &request.area {
        plan.area =
            Some(Area::from_geojson(area).map_err(|err| Problem::bad_request(format!("area: {err}")))?);
    }
    let named = territory(
        request.commune,
        request.epci,
        request.departement,
        request.area.is_some(),
    )?;
    over_territory(&catalog, &mut plan, named).await?;
    let job = tiles.seeds().start(tiles.get_ref(), plan, request.truncate)?;
    tracing::info!(
        job = job.id,
        livrable = livrable.id,
        by = caller.name(),
        "seeding run started"
    );
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/seeds/{}", job.id)))
        .json(job.view()))
}

/// The run numbered `id`.
fn seed_job(tiles: &Tiles, id: &str) -> Result<std::sync::Arc<crate::tiles::seed::SeedJob>, Problem> {
    id.parse::<u64>()
        .ok()
        .and_then(|number| tiles.seeds().get(number))
        .ok_or_else(|| Problem::not_found(format!("seeding run `{id}` does not exist")))
}

/// A seeding run: state, tiles done of the total, rate and time left.
#[utoipa::path(
    get, path = "/api/seeds/{id}", tag = "tiles",
    params(("id" = u64, Path, description = "Run number")),
    responses(
        (status = 200, description = "The run", body = Object),
        (status = 404, description = "No such run", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_seed(tiles: web::Data<Tiles>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let job = seed_job(&tiles, &path)?;
    Ok(HttpResponse::Ok().json(job.view()))
}

/// Stop a seeding run after its current batch (it resumes when started again).
#[utoipa::path(
    delete, path = "/api/seeds/{id}", tag = "tiles",
    params(("id" = u64, Path, description = "Run number")),
    security(("api_key" = [])),
    responses(
        (status = 202, description = "Stopping", body = Object),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn stop_seed(
    catalog: web::Data<Catalog>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let job = seed_job(&tiles, &path)?;
    let (_, project) = resolve(catalog.get_ref(), &job.plan.layer).await?;
    caller.require_manage(&project)?;
    job.progress
        .stop
        .store(true, std::sync::atomic::Ordering::Relaxed);
    Ok(HttpResponse::Accepted().json(job.view()))
}

/// Estimate the size of a deliverable's tile cache: tiles per level over its real coverage,
/// bytes from a sample of real tiles with a 95 % interval, and the PCRS delivery volume.
#[utoipa::path(
    get, path = "/api/livrables/{livrable}/cache-size", tag = "tiles",
    params(
        ("livrable" = String, Path, description = "Deliverable id or slug"),
        ("tms" = String, Query, description = "Tile matrix set"),
        ("levels" = String, Query, description = "Levels, A-B"),
        ("format" = Option<String>, Query, description = "jpeg (default), png, webp or jpeg-png"),
        ("bbox" = Option<String>, Query, description = "west,south,east,north (CRS:84)"),
        ("sample" = Option<i64>, Query, description = "Tiles drawn per level (2-64, default 16)"),
        ("commune" = Option<String>, Query, description = "Only over this commune (INSEE code)"),
        ("epci" = Option<String>, Query, description = "Only over this EPCI (SIREN)"),
        ("departement" = Option<String>, Query, description = "Only over this département (code)"),
    ),
    responses(
        (status = 200, description = "The estimate", body = Object),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The plan cannot be estimated (or the territory is not imported)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cache_size(
    catalog: web::Data<Catalog>,
    tiles: web::Data<Tiles>,
    path: web::Path<String>,
    query: Query,
) -> Result<HttpResponse, Problem> {
    let (livrable, _) = resolve(catalog.get_ref(), &path).await?;
    let required = |name: &str| {
        query
            .text(name)
            .ok_or_else(|| Problem::bad_request(format!("query parameter `{name}` is required")))
    };
    let (tms, levels) = (required("tms")?, required("levels")?);
    let (bbox, format) = (query.text("bbox"), query.text("format"));
    let mut plan = plan(PlanText {
        layer: &livrable.slug,
        tms: &tms,
        levels: &levels,
        bbox: bbox.as_deref(),
        format: format.as_deref(),
    })?;
    let named = territory(
        query.text("commune"),
        query.text("epci"),
        query.text("departement"),
        false,
    )?;
    over_territory(&catalog, &mut plan, named).await?;
    let sample = query.int("sample", 2..=MAX_SAMPLE)?.unwrap_or(16) as usize;
    let estimate = crate::tiles::size::estimate(tiles.get_ref(), &plan, sample).await?;
    Ok(HttpResponse::Ok().json(estimate))
}
