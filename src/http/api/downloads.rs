//! Bulk downloads: the preview of a selection (`/api/downloads/preview`) and the selection as a
//! streamed ZIP (`/download/zip`), with the same query keys as seeding and the cache-size
//! estimate: one of `commune`, `epci`, `departement` or `area` (GeoJSON or WKT, `crs` for a
//! projected one), and/or `bbox` (CRS:84) — none for the whole deliverables — over `livrable`
//! (ids or slugs, comma separated), a `project`, or every raster deliverable.

use std::sync::Arc;

use actix_web::http::header::{self, ContentEncoding};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde_json::{json, Value};

use super::cache::territory;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::download::{
    self, Archive, DownloadSlots, LivrableSelection, SelectError, SelectionRequest, Slot, RETRY_AFTER_SECONDS,
};
use crate::http::auth::Caller;
use crate::http::extract::Query;
use crate::http::Problem;
use crate::ogc::common::base_url;

impl From<SelectError> for Problem {
    fn from(err: SelectError) -> Problem {
        match err {
            SelectError::Request(message) => Problem::bad_request(message),
            SelectError::Catalog(err) => err.into(),
        }
    }
}

/// Most file paths a preview lists per deliverable (`/download/list.txt` lists them all).
const MAX_PREVIEW_PATHS: usize = 1000;

/// A parameter, an empty one counting as absent.
fn given(query: &Query, name: &str) -> Option<String> {
    query.text(name).filter(|text| !text.trim().is_empty())
}

/// The selection a query names.
async fn request_of(catalog: &Catalog, query: &Query) -> Result<SelectionRequest, Problem> {
    let mut request = SelectionRequest::default();
    if let Some(text) = given(query, "bbox") {
        let numbers: Vec<f64> = text.split(',').filter_map(|n| n.trim().parse().ok()).collect();
        let [w, s, e, n] = numbers[..] else {
            return Err(Problem::bad_request(format!(
                "bbox `{text}` must be west,south,east,north in CRS:84"
            )));
        };
        if !(w < e
            && s < n
            && (-180.0..=180.0).contains(&w)
            && (-180.0..=180.0).contains(&e)
            && (-90.0..=90.0).contains(&s)
            && (-90.0..=90.0).contains(&n))
        {
            return Err(Problem::bad_request(format!(
                "bbox `{text}` is not a CRS:84 box (west < east, south < north)"
            )));
        }
        request.bbox = Some([w, s, e, n]);
    }
    let crs = match given(query, "crs") {
        Some(text) => Some(
            text.trim_start_matches("EPSG:")
                .parse::<u32>()
                .map_err(|_| Problem::bad_request(format!("crs `{text}` must be an EPSG code")))?,
        ),
        None => None,
    };
    if let Some(text) = given(query, "area") {
        request.area = Some(
            download::area_from_text(&text, crs)
                .map_err(|err| Problem::bad_request(format!("area: {err}")))?,
        );
    }
    let named = territory(
        given(query, "commune"),
        given(query, "epci"),
        given(query, "departement"),
        request.area.is_some(),
    )?;
    if let Some(territory) = named {
        request.area = Some(download::boundaries::area_of(catalog, &territory).await?);
    }
    request.livrables = query
        .text("livrable")
        .map(|text| {
            text.split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect()
        })
        .unwrap_or_default();
    request.project = given(query, "project");
    if let Some(text) = given(query, "since") {
        request.since = Some(download::Since::parse(&text).map_err(Problem::bad_request)?);
    }
    Ok(request)
}

/// The selections of a query the caller may download; a 403 naming why when there are none, a
/// 404 when nothing meets the place.
pub(super) async fn allowed(
    catalog: &Catalog,
    caller: &Caller,
    query: &Query,
) -> Result<Vec<LivrableSelection>, Problem> {
    let selections = selection(catalog, caller, query).await?;
    let refused: Vec<String> = selections
        .iter()
        .filter(|s| !s.permission.allowed)
        .map(|s| {
            format!(
                "{}: {}",
                s.livrable.slug,
                s.permission.reason.clone().unwrap_or_default()
            )
        })
        .collect();
    let allowed: Vec<LivrableSelection> = selections.into_iter().filter(|s| s.permission.allowed).collect();
    if allowed.is_empty() {
        return Err(if refused.is_empty() {
            Problem::not_found("no dalle of a downloadable deliverable meets that place")
        } else {
            Problem::forbidden(format!("not downloadable: {}", refused.join("; ")))
        });
    }
    Ok(allowed)
}

/// The selection for this caller.
async fn selection(
    catalog: &Catalog,
    caller: &Caller,
    query: &Query,
) -> Result<Vec<LivrableSelection>, Problem> {
    let request = request_of(catalog, query).await?;
    Ok(download::select(catalog, &request, |project| caller.can_manage(project)).await?)
}

/// The query string again, for the links of a preview.
fn query_string(request: &HttpRequest) -> String {
    request.query_string().to_string()
}

/// Preview a download: what it holds before anything moves.
#[utoipa::path(
    get, path = "/api/downloads/preview", tag = "downloads",
    params(
        ("commune" = Option<String>, Query, description = "Over this commune (INSEE code), once its boundary is imported"),
        ("epci" = Option<String>, Query, description = "Over this EPCI (SIREN)"),
        ("departement" = Option<String>, Query, description = "Over this département (code)"),
        ("area" = Option<String>, Query, description = "Over a polygon: GeoJSON, or WKT POLYGON / MULTIPOLYGON"),
        ("crs" = Option<String>, Query, description = "EPSG code of `area` when it is not CRS:84"),
        ("bbox" = Option<String>, Query, description = "Over a CRS:84 box: west,south,east,north"),
        ("livrable" = Option<String>, Query, description = "Deliverables (ids or slugs, comma separated)"),
        ("project" = Option<String>, Query, description = "Every deliverable of a project (id or slug)"),
        ("since" = Option<String>, Query, description = "Only dalles new or changed since: scan:N, YYYY-MM-DD or an RFC 3339 time"),
    ),
    responses(
        (status = 200, description = "Per deliverable: files, bytes, by format, and whether the caller may download it", body = Object),
        (status = 400, description = "Several places given, or a bad one", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A territory whose boundary is not imported", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let selections = selection(&catalog, &caller, &query).await?;
    let base = base_url(&request, &config.server.public_url);
    let livrables: Vec<Value> = selections
        .iter()
        .map(|s| {
            let formats: serde_json::Map<String, Value> = s
                .by_format()
                .into_iter()
                .map(|(ext, (files, bytes))| (ext, json!({"files": files, "bytes": bytes})))
                .collect();
            json!({
                "livrable": s.livrable.slug,
                "nom": s.livrable.nom,
                "project": s.project,
                "nature": s.livrable.nature,
                "licence": s.livrable.licence,
                "dalles": s.images(),
                "files": s.files.len(),
                "bytes": s.bytes(),
                "formats": formats,
                "paths": s.files.iter().take(MAX_PREVIEW_PATHS).map(|f| f.path.as_str()).collect::<Vec<_>>(),
                "paths_left_out": s.files.len().saturating_sub(MAX_PREVIEW_PATHS),
                "allowed": s.permission.allowed,
                "reason": s.permission.reason,
            })
        })
        .collect();
    let allowed: Vec<LivrableSelection> = selections.into_iter().filter(|s| s.permission.allowed).collect();
    let archive = Archive::new(allowed);
    Ok(HttpResponse::Ok().json(json!({
        "livrables": livrables,
        "download": {
            "dalles": archive.images(),
            "bytes": archive.len(),
            "max_bytes": config.limits.max_download_size.0,
            "zip": format!("{base}/download/zip?{}", query_string(&request)),
        },
    })))
}

/// Who a download counts against: the API key's name, else the peer's address.
fn client_of(caller: &Caller, request: &HttpRequest) -> String {
    match caller {
        Caller::Anonymous => request
            .peer_addr()
            .map(|address| address.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
        keyed => format!("key:{}", keyed.name()),
    }
}

/// A download slot for this caller, or the 429 answer (with `Retry-After`) to send instead.
pub(super) fn slot_for(
    slots: &DownloadSlots,
    caller: &Caller,
    request: &HttpRequest,
    storages: &[i64],
) -> Result<Slot, Box<HttpResponse>> {
    slots.take(&client_of(caller, request), storages).map_err(|err| {
        let mut response = Problem::new(StatusCode::TOO_MANY_REQUESTS, err.to_string()).error_response();
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(RETRY_AFTER_SECONDS),
        );
        Box::new(response)
    })
}

/// A body stream that holds its download slot until it ends or the client goes away.
pub(super) fn holding(
    slot: Slot,
    stream: impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> {
    use futures_util::StreamExt;
    stream.map(move |item| {
        let _held = &slot;
        item
    })
}

/// The selection as one ZIP archive: `Content-Length` and a strong ETag up front, `Range`
/// (one range) to resume, a broken transfer when a storage fails.
pub async fn zip(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    slots: web::Data<DownloadSlots>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let allowed = allowed(&catalog, &caller, &query).await?;
    let storages: Vec<i64> = allowed.iter().map(|s| s.storage.id).collect();
    let archive = Arc::new(Archive::new(allowed));
    let limit = config.limits.max_download_size.0;
    if archive.len() > limit {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the archive would hold {} bytes, more than the {limit} allowed (limits.max_download_size): \
                 choose a smaller area, or fetch the files one by one",
                archive.len()
            ),
        ));
    }
    let total = archive.len();
    let range = match requested_range(&request, archive.etag(), total) {
        Ok(range) => range,
        Err(problem) => return Err(problem),
    };
    let mut response = match &range {
        Some(_) => HttpResponse::build(StatusCode::PARTIAL_CONTENT),
        None => HttpResponse::Ok(),
    };
    let span = range.clone().unwrap_or(0..total);
    response
        .content_type("application/zip")
        .insert_header(ContentEncoding::Identity)
        .insert_header((header::ETAG, archive.etag().to_string()))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"dallage-telechargement.zip\"",
        ));
    if range.is_some() {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{total}", span.start, span.end - 1),
        ));
    }
    if request.method() == actix_web::http::Method::HEAD {
        return Ok(response.no_chunking(span.end - span.start).finish());
    }
    let slot = match slot_for(&slots, &caller, &request, &storages) {
        Ok(slot) => slot,
        Err(busy) => return Ok(*busy),
    };
    tracing::info!(
        by = caller.name(),
        bytes = span.end - span.start,
        "download started"
    );
    let stream = archive.stream(
        catalog.get_ref().clone(),
        config.limits.storage_timeout.0,
        span.clone(),
    );
    Ok(response.body(actix_web::body::SizedStream::new(
        span.end - span.start,
        holding(slot, stream),
    )))
}

/// The one byte range asked for (`Range: bytes=a-b`, `a-`, `-n`), honoured when `If-Range`
/// (if any) names this archive's ETag; a 416 problem when it is outside the archive.
pub(super) fn requested_range(
    request: &HttpRequest,
    etag: &str,
    total: u64,
) -> Result<Option<std::ops::Range<u64>>, Problem> {
    let Some(text) = request.headers().get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    if let Some(condition) = request
        .headers()
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
    {
        if condition != etag {
            return Ok(None);
        }
    }
    let unsatisfiable = || {
        Problem::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            format!("range `{text}` is not one range inside the archive's {total} bytes"),
        )
    };
    let spec = text.strip_prefix("bytes=").ok_or_else(unsatisfiable)?;
    if spec.contains(',') {
        // Several ranges: the whole archive, as RFC 9110 allows.
        return Ok(None);
    }
    let (first, last) = spec.split_once('-').ok_or_else(unsatisfiable)?;
    let range = match (first.trim(), last.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| unsatisfiable())?;
            total.saturating_sub(n)..total
        }
        (start, "") => start.parse::<u64>().map_err(|_| unsatisfiable())?..total,
        (start, end) => {
            let start: u64 = start.parse().map_err(|_| unsatisfiable())?;
            let end: u64 = end.parse().map_err(|_| unsatisfiable())?;
            start..end.saturating_add(1).min(total)
        }
    };
    if range.start >= range.end || range.start >= total {
        return Err(unsatisfiable());
    }
    Ok(Some(range))
}
