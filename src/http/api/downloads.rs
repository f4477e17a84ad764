//! Bulk downloads: the preview of a selection (`/api/downloads/preview`) and the selection as a
//! streamed ZIP (`/download/zip`), with the same query keys as seeding and the cache-size
//! estimate: one of `commune`, `epci`, `departement` or `area` (GeoJSON or WKT, `area-crs` for
//! a projected one), and/or `bbox` (CRS:84) — none for the whole deliverables — over `livrable`
//! (ids or slugs, comma separated), a `project`, or every deliverable. Vector deliverables come
//! cut to the place in `format` (gpkg, gml, geojson, shp) and `crs`.

use std::sync::Arc;

use actix_web::http::header::{self, ContentEncoding};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde_json::{json, Value};

use super::cache::territory;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::download::{
    self, Archive, ClassSelection, DownloadSlots, LivrableSelection, SelectError, SelectionRequest, Slot,
    VectorOutput, RETRY_AFTER_SECONDS,
};
use crate::http::auth::Caller;
use crate::http::extract::Query;
use crate::http::Problem;
use crate::ogc::common::base_url;
use crate::vector::{ExportFormat, Vectors};

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
    let crs = match given(query, "area-crs") {
        Some(text) => Some(epsg_of("area-crs", &text)?),
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

/// An EPSG code given as `2154`, `EPSG:2154` or an OGC CRS URI, that PROJ knows.
fn epsg_of(name: &str, text: &str) -> Result<u32, Problem> {
    let code = text
        .trim()
        .rsplit(['/', ':'])
        .next()
        .and_then(|code| code.parse::<u32>().ok())
        .filter(|&code| crate::raster::crs::spatial_ref(code).is_some());
    code.ok_or_else(|| Problem::bad_request(format!("{name} `{text}` is not an EPSG code this server knows")))
}

/// How vector deliverables are written: `format` (GeoPackage by default) and `crs` (each
/// class's own by default).
fn vector_output(query: &Query) -> Result<VectorOutput, Problem> {
    let mut output = VectorOutput::default();
    if let Some(text) = given(query, "format") {
        output.format = ExportFormat::parse(&text).ok_or_else(|| {
            Problem::bad_request(format!("format `{text}` must be {}", ExportFormat::NAMES))
        })?;
    }
    if let Some(text) = given(query, "crs") {
        output.epsg = Some(epsg_of("crs", &text)?);
    }
    Ok(output)
}

/// The archive of the selections, their vector deliverables written first (on the blocking
/// pool), refused with a 413 when their features alone would pass `limit`.
pub(super) async fn archive_of(
    request: &SelectionRequest,
    selections: Vec<LivrableSelection>,
    query: &Query,
    limit: u64,
) -> Result<Archive, Problem> {
    let output = vector_output(query)?;
    let estimated: u64 = selections
        .iter()
        .flat_map(|s| &s.classes)
        .map(ClassSelection::estimated_bytes)
        .sum();
    if estimated > limit {
        return Err(too_large(estimated, limit));
    }
    let shape = request.shape();
    let (selections, extracts) = web::block(move || {
        let written = download::write_extracts(
            &selections,
            shape.as_ref(),
            output,
            crate::raster::crs::transform_points,
        );
        (selections, written)
    })
    .await
    .map_err(|err| Problem::unavailable(format!("writing the vector files: {err}")))?;
    let extracts = extracts.map_err(|err| {
        tracing::warn!(error = %err, "vector extract failed");
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, err.to_string())
    })?;
    Ok(Archive::new(selections, extracts))
}

fn too_large(bytes: u64, limit: u64) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the archive would hold {bytes} bytes, more than the {limit} allowed (limits.max_download_size): \
             choose a smaller area, or fetch the files one by one"
        ),
    )
}

/// The selections of a query the caller may download, with the request; a 403 naming why when
/// there are none, a 404 when nothing meets the place.
pub(super) async fn allowed(
    catalog: &Catalog,
    vectors: &Vectors,
    caller: &Caller,
    query: &Query,
) -> Result<(SelectionRequest, Vec<LivrableSelection>), Problem> {
    let (request, selections) = selection(catalog, vectors, caller, query).await?;
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
    Ok((request, allowed))
}

/// The selection for this caller, with the request.
async fn selection(
    catalog: &Catalog,
    vectors: &Vectors,
    caller: &Caller,
    query: &Query,
) -> Result<(SelectionRequest, Vec<LivrableSelection>), Problem> {
    let request = request_of(catalog, query).await?;
    let selections =
        download::select(catalog, vectors, &request, |project| caller.can_manage(project)).await?;
    Ok((request, selections))
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
        ("area-crs" = Option<String>, Query, description = "EPSG code of `area` when it is not CRS:84"),
        ("format" = Option<String>, Query, description = "Vector deliverables as gpkg (default), gml, geojson or shp"),
        ("crs" = Option<String>, Query, description = "EPSG code vector deliverables are written in (each class's own by default)"),
        ("bbox" = Option<String>, Query, description = "Over a CRS:84 box: west,south,east,north"),
        ("livrable" = Option<String>, Query, description = "Deliverables (ids or slugs, comma separated)"),
        ("project" = Option<String>, Query, description = "Every deliverable of a project (id or slug)"),
        ("since" = Option<String>, Query, description = "Only dalles new or changed since: scan:N, YYYY-MM-DD or an RFC 3339 time"),
    ),
    responses(
        (status = 200, description = "Per deliverable: files, bytes, by format, features per vector class, and whether the caller may download it", body = Object),
        (status = 400, description = "Several places given, or a bad one", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A territory whose boundary is not imported", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    vector_output(&query)?;
    let (_, selections) = selection(&catalog, &vectors, &caller, &query).await?;
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
                "features": s.features(),
                "estimated_vector_bytes": s.classes.iter().map(ClassSelection::estimated_bytes).sum::<u64>(),
                "allowed": s.permission.allowed,
                "reason": s.permission.reason,
            })
        })
        .collect();
    let allowed: Vec<LivrableSelection> = selections.into_iter().filter(|s| s.permission.allowed).collect();
    // Vector files are written when downloaded: their size is estimated here.
    let estimated: u64 = allowed
        .iter()
        .flat_map(|s| &s.classes)
        .map(ClassSelection::estimated_bytes)
        .sum();
    let exact = allowed.iter().all(|s| s.classes.is_empty());
    let archive = Archive::new(allowed, Default::default());
    Ok(HttpResponse::Ok().json(json!({
        "livrables": livrables,
        "download": {
            "dalles": archive.images(),
            "bytes": archive.len() + estimated,
            "bytes_exact": exact,
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

/// The answer to a `HEAD`: the headers a `GET` would have, `Content-Length` included (an empty
/// body would make it 0), and no body.
pub(super) fn head_answer(mut response: actix_web::HttpResponseBuilder, length: u64) -> HttpResponse {
    let nothing = futures_util::stream::empty::<Result<bytes::Bytes, std::io::Error>>();
    response.body(actix_web::body::SizedStream::new(length, nothing))
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
    vectors: web::Data<Vectors>,
    slots: web::Data<DownloadSlots>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let (selection_request, allowed) = allowed(&catalog, &vectors, &caller, &query).await?;
    let storages: Vec<i64> = allowed.iter().map(|s| s.storage.id).collect();
    // The slot is taken before vector files are written: writing them is work too.
    let head = request.method() == actix_web::http::Method::HEAD;
    let slot = match head {
        true => None,
        false => match slot_for(&slots, &caller, &request, &storages) {
            Ok(slot) => Some(slot),
            Err(busy) => return Ok(*busy),
        },
    };
    let limit = config.limits.max_download_size.0;
    let archive = Arc::new(archive_of(&selection_request, allowed, &query, limit).await?);
    if archive.len() > limit {
        return Err(too_large(archive.len(), limit));
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
    let Some(slot) = slot else {
        return Ok(head_answer(response, span.end - span.start));
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
