//! `/api/styles`: SLD documents uploaded by an admin, validated (the line of the first error
//! is given back), stored in the catalogue and in force at once: a style of a PCRS class with
//! `IsDefault` becomes that class's default on maps and tiles, another is one more `STYLES=`
//! choice. Cached map tiles of the classes a document styles are dropped when it changes.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::catalog::Catalog;
use crate::http::auth::Caller;
use crate::http::Problem;
use crate::tiles::Tiles;
use crate::vector::style::{parse_sld, StyleBook};

/// Longest document name.
const MAX_NAME: usize = 64;

/// One style of a document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StyleSummary {
    /// The PCRS class it draws (its `NamedLayer`).
    pub class: String,
    /// Its name (`STYLES=`).
    pub name: String,
    /// Title.
    pub title: String,
    /// Whether it is the class's default.
    pub is_default: bool,
    /// Rules.
    pub rules: usize,
}

/// An uploaded document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StyleDocumentView {
    /// Name (`/api/styles/{name}`).
    pub name: String,
    /// Who uploaded it (the API key's name).
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
    /// Its styles.
    pub styles: Vec<StyleSummary>,
}

/// The uploaded documents.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StyleDocumentList {
    /// Documents, by name.
    pub items: Vec<StyleDocumentView>,
}

fn view(document: &crate::catalog::StyleDocument) -> StyleDocumentView {
    let styles = parse_sld(document.body.as_bytes(), None)
        .map(|styles| {
            styles
                .iter()
                .map(|style| StyleSummary {
                    class: style.class.clone(),
                    name: style.name.clone(),
                    title: style.title.clone(),
                    is_default: style.is_default,
                    rules: style.rules().count(),
                })
                .collect()
        })
        .unwrap_or_default();
    StyleDocumentView {
        name: document.name.clone(),
        uploaded_by: document.uploaded_by.clone(),
        uploaded_at: document.uploaded_at.clone(),
        styles,
    }
}

fn require_admin(caller: &Caller) -> Result<(), Problem> {
    caller.require_key()?;
    match caller {
        Caller::Admin { .. } => Ok(()),
        _ => Err(Problem::forbidden("styles are uploaded with an admin key")),
    }
}

fn check_name(name: &str) -> Result<(), Problem> {
    let fine = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if fine {
        Ok(())
    } else {
        Err(Problem::bad_request(format!(
            "style document name {name:?}: 1 to {MAX_NAME} letters, digits, '-' or '_'"
        )))
    }
}

/// List the uploaded SLD documents and their styles.
#[utoipa::path(
    get, path = "/api/styles", tag = "styles",
    responses((status = 200, description = "Uploaded documents", body = StyleDocumentList))
)]
pub async fn list(catalog: web::Data<Catalog>) -> Result<HttpResponse, Problem> {
    let items = catalog.style_documents().await?.iter().map(view).collect();
    Ok(HttpResponse::Ok().json(StyleDocumentList { items }))
}

/// An uploaded SLD document, as uploaded.
#[utoipa::path(
    get, path = "/api/styles/{name}", tag = "styles",
    params(("name" = String, Path, description = "Document name")),
    responses(
        (status = 200, description = "The SLD document", body = String, content_type = "application/vnd.ogc.sld+xml"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(catalog: web::Data<Catalog>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let name = path.into_inner();
    let document = catalog
        .style_document(&name)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no style document {name}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.ogc.sld+xml; charset=utf-8")
        .body(document.body))
}

/// Upload (or replace) an SLD 1.0 / 1.1 document; it is checked first and refused with the line
/// of its first error.
#[utoipa::path(
    put, path = "/api/styles/{name}", tag = "styles",
    params(("name" = String, Path, description = "Document name: letters, digits, '-' or '_'")),
    request_body(content = String, content_type = "application/vnd.ogc.sld+xml", description = "An SLD document"),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Replaced", body = StyleDocumentView),
        (status = 201, description = "Created", body = StyleDocumentView),
        (status = 400, description = "A bad name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The document does not parse: the line and why", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put(
    catalog: web::Data<Catalog>,
    book: web::Data<StyleBook>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    require_admin(&caller)?;
    let name = path.into_inner();
    check_name(&name)?;
    let styles = parse_sld(&body, Some(&name))
        .map_err(|err| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, err.to_string()))?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "the document is not UTF-8"))?;
    let mut classes = book.document_classes(&name);
    classes.extend(styles.iter().map(|s| s.class.clone()));
    let replaced = catalog.put_style_document(&name, &text, caller.name()).await?;
    book.set_document(&name, styles);
    let dropped = tiles.drop_vector_classes(&classes).await;
    tracing::info!(document = %name, by = caller.name(), dropped, "style document uploaded");
    let document = catalog
        .style_document(&name)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no style document {name}")))?;
    let status = if replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(HttpResponse::build(status)
        .insert_header(("Location", format!("/api/styles/{name}")))
        .json(view(&document)))
}

/// Delete an uploaded SLD document (its styles leave the maps at once).
#[utoipa::path(
    delete, path = "/api/styles/{name}", tag = "styles",
    params(("name" = String, Path, description = "Document name")),
    security(("api_key" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    catalog: web::Data<Catalog>,
    book: web::Data<StyleBook>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    require_admin(&caller)?;
    let name = path.into_inner();
    if !catalog.delete_style_document(&name).await? {
        return Err(Problem::not_found(format!("no style document {name}")));
    }
    let classes = book.document_classes(&name);
    book.remove_document(&name);
    tiles.drop_vector_classes(&classes).await;
    tracing::info!(document = %name, by = caller.name(), "style document deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// Puts in force the style a deliverable names, after a change that may have changed it: its
/// layers' cached tiles go when it did.
pub(super) async fn follow_livrable_style(
    book: &StyleBook,
    tiles: &Tiles,
    livrable_id: i64,
    before: Option<&str>,
    after: Option<&str>,
) {
    if before == after {
        return;
    }
    book.set_livrable_style(livrable_id, after);
    let dropped = tiles.drop_vector_livrable(livrable_id).await;
    tracing::info!(livrable = livrable_id, style = ?after, dropped, "livrable style changed");
}
