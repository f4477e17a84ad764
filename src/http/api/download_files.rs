//! Downloads file by file: `/download/file/{livrable}/{path}` streams one file of a deliverable
//! (with `Range`), and a selection is listed for download managers as plain URLs
//! (`/download/list.txt`, `text/uri-list`) and as Metalink 4 (`/download/metalink.meta4`,
//! RFC 5854) with each file's size and, once a download has read it whole, its SHA-256. The
//! URLs are dallage's own: never the storage's, which may carry credentials. A vector
//! deliverable is listed as the URL of its own archive (its files are written on request).

use actix_web::http::header::{self, ContentEncoding};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::downloads::{allowed, head_answer, holding, requested_range, slot_for};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::download::{self, DownloadSlots, LivrableSelection, Permission};
use crate::http::auth::Caller;
use crate::http::extract::Query;
use crate::http::Problem;
use crate::ogc::common::xml::Xml;
use crate::ogc::common::{base_url, encoded_path};
use crate::vector::Vectors;

/// The per-file URL of a selected file.
fn file_url(base: &str, selection: &LivrableSelection, path: &str) -> String {
    format!(
        "{base}/download/file/{}/{}",
        selection.livrable.slug,
        encoded_path(path)
    )
}

/// The archive of one vector deliverable of the selection: the same query, that deliverable
/// only.
fn vector_url(base: &str, request: &HttpRequest, selection: &LivrableSelection) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(request.query_string().as_bytes()) {
        if key != "livrable" && key != "project" {
            query.append_pair(&key, &value);
        }
    }
    query.append_pair("livrable", &selection.livrable.slug);
    format!("{base}/download/zip?{}", query.finish())
}

/// Every selected file's URL, one per line.
pub async fn list(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let base = base_url(&request, &config.server.public_url);
    let mut out = String::new();
    for selection in allowed(&catalog, &vectors, &caller, &query).await?.1 {
        for file in &selection.files {
            out += &file_url(&base, &selection, &file.path);
            out += "\r\n";
        }
        if !selection.classes.is_empty() {
            out += &vector_url(&base, &request, &selection);
            out += "\r\n";
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/uri-list; charset=utf-8")
        .body(out))
}

/// The selection as a Metalink 4 document: each file's name in the archive layout, size and URL.
pub async fn metalink(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let base = base_url(&request, &config.server.public_url);
    let (_, selections) = allowed(&catalog, &vectors, &caller, &query).await?;
    let mut xml = Xml::new();
    xml.open("metalink", &[("xmlns", "urn:ietf:params:xml:ns:metalink")]);
    xml.leaf("generator", &[], concat!("dallage/", env!("CARGO_PKG_VERSION")));
    for selection in &selections {
        for file in &selection.files {
            xml.open(
                "file",
                &[("name", &format!("{}/{}", selection.livrable.slug, file.path))],
            );
            xml.leaf("size", &[], &file.size.to_string());
            if let Some(sha256) = &file.sha256 {
                xml.leaf("hash", &[("type", "sha-256")], sha256);
            }
            xml.leaf("url", &[], &file_url(&base, selection, &file.path));
            xml.close("file");
        }
        if !selection.classes.is_empty() {
            xml.open("file", &[("name", &format!("{}.zip", selection.livrable.slug))]);
            xml.leaf("url", &[], &vector_url(&base, &request, selection));
            xml.close("file");
        }
    }
    xml.close("metalink");
    Ok(HttpResponse::Ok()
        .content_type("application/metalink4+xml")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"dallage.meta4\"",
        ))
        .body(xml.finish()))
}

/// One file of a deliverable, from its storage, for whoever may download the deliverable.
pub async fn file(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    slots: web::Data<DownloadSlots>,
    caller: Caller,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let (key, file_path) = path.into_inner();
    let (livrable, project) = super::livrables::resolve(&catalog, &key).await?;
    let storage = catalog
        .active_storage(livrable.id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("{} has no active storage", livrable.slug)))?;
    let permission = Permission::of(&livrable, &storage, caller.can_manage(&project));
    if !permission.allowed {
        return Err(Problem::forbidden(permission.reason.unwrap_or_default()));
    }
    let record = catalog
        .storage_file(storage.id, &file_path)
        .await?
        .ok_or_else(|| Problem::not_found(format!("{} has no file {file_path}", livrable.slug)))?;
    let size = u64::try_from(record.size).unwrap_or(0);
    let etag = format!(
        "\"{:x}-{}\"",
        size,
        record
            .etag
            .as_deref()
            .or(record.mtime.as_deref())
            .unwrap_or("")
            .trim_matches('"')
            .replace('"', "")
    );
    let range = requested_range(&request, &etag, size)?;
    let span = range.clone().unwrap_or(0..size);
    let mut response = match &range {
        Some(_) => HttpResponse::build(StatusCode::PARTIAL_CONTENT),
        None => HttpResponse::Ok(),
    };
    let name = file_path.rsplit('/').next().unwrap_or(&file_path).to_string();
    response
        .content_type(mime_of(&name))
        .insert_header(ContentEncoding::Identity)
        .insert_header((header::ETAG, etag))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename*=UTF-8''{}", encoded_path(&name)),
        ));
    if let Some(last_modified) = record
        .mtime
        .as_deref()
        .and_then(|m| chrono::DateTime::parse_from_rfc3339(m).ok())
    {
        response.insert_header((
            header::LAST_MODIFIED,
            last_modified.to_rfc2822().replace("+0000", "GMT"),
        ));
    }
    if range.is_some() {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{size}", span.start, span.end.saturating_sub(1)),
        ));
    }
    if request.method() == actix_web::http::Method::HEAD || size == 0 {
        return Ok(head_answer(response, span.end - span.start));
    }
    let slot = match slot_for(&slots, &caller, &request, &[storage.id]) {
        Ok(slot) => slot,
        Err(busy) => return Ok(*busy),
    };
    let stream = download::stream_file(
        catalog.get_ref().clone(),
        storage,
        (record.id, file_path),
        size,
        span.clone(),
        config.limits.storage_timeout.0,
    );
    Ok(response.body(actix_web::body::SizedStream::new(
        span.end - span.start,
        holding(slot, stream),
    )))
}

/// The media type of a deliverable's file by its extension.
fn mime_of(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    match lower.rsplit('.').next().unwrap_or("") {
        "jp2" | "j2k" => "image/jp2",
        "tif" | "tiff" => "image/tiff",
        "xml" => "application/xml",
        "gml" => "application/gml+xml",
        "prj" | "j2w" | "tfw" | "wld" | "jgw" | "tab" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
