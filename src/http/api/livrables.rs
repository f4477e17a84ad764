//! `/api/livrables` and `/api/projects/{project}/livrables`: deliverables and their storage.

use actix_web::{web, HttpResponse};

use super::projects::resolve_project;
use super::styles::follow_livrable_style;
use super::views::{livrable_view, LivrablePage, LivrableView, StorageView};
use crate::catalog::{Catalog, Livrable, LivrableInput, LivrablePatch, Project, StorageInput, StorageType};
use crate::config::Config;
use crate::http::auth::Caller;
use crate::http::extract::{Json, Query};
use crate::http::Problem;
use crate::tiles::Tiles;
use crate::vector::style::StyleBook;

/// Finds a deliverable by id or slug, with its project.
pub(super) async fn resolve(catalog: &Catalog, key: &str) -> Result<(Livrable, Project), Problem> {
    let livrable = match key.parse::<i64>() {
        Ok(id) => catalog.livrable(id).await?,
        Err(_) => catalog.livrable_by_slug(key).await?,
    };
    let project = catalog.project(livrable.project_id).await?;
    Ok((livrable, project))
}

/// List a project's deliverables.
#[utoipa::path(
    get, path = "/api/projects/{project}/livrables", tag = "livrables",
    params(("project" = String, Path, description = "Project id or slug")),
    responses(
        (status = 200, description = "The project's deliverables", body = [LivrableView]),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_of_project(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let project = resolve_project(catalog.get_ref(), &path).await?;
    let manager = caller.can_manage(&project);
    let mut views = Vec::new();
    for livrable in catalog.project_livrables(project.id).await? {
        views.push(livrable_view(catalog.get_ref(), livrable, manager).await?);
    }
    Ok(HttpResponse::Ok().json(views))
}

/// Add a deliverable to a project.
#[utoipa::path(
    post, path = "/api/projects/{project}/livrables", tag = "livrables",
    params(("project" = String, Path, description = "Project id or slug")),
    request_body = LivrableInput,
    security(("api_key" = [])),
    responses(
        (status = 201, description = "Created", body = LivrableView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    catalog: web::Data<Catalog>,
    book: web::Data<StyleBook>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<LivrableInput>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let project = resolve_project(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let livrable = catalog.create_livrable(project.id, &body.0).await?;
    follow_livrable_style(&book, &tiles, livrable.id, None, livrable.style.as_deref()).await;
    tracing::info!(
        livrable = livrable.id,
        project = project.id,
        by = caller.name(),
        "livrable created"
    );
    let location = format!("/api/livrables/{}", livrable.id);
    let view = livrable_view(catalog.get_ref(), livrable, true).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(view))
}

/// List every deliverable.
#[utoipa::path(
    get, path = "/api/livrables", tag = "livrables",
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size (default 50)"),
        ("offset" = Option<i64>, Query, minimum = 0, maximum = 2147483647, description = "Items skipped"),
    ),
    responses(
        (status = 200, description = "A page of deliverables", body = LivrablePage),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    caller: Caller,
    query: Query,
) -> Result<HttpResponse, Problem> {
    let paging = query.paging(config.limits.max_page_size)?;
    let page = catalog.list_livrables(paging.limit, paging.offset).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for livrable in page.items {
        let manager = match &caller {
            Caller::Anonymous => false,
            _ => caller.can_manage(&catalog.project(livrable.project_id).await?),
        };
        items.push(livrable_view(catalog.get_ref(), livrable, manager).await?);
    }
    Ok(HttpResponse::Ok().json(LivrablePage {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Get a deliverable.
#[utoipa::path(
    get, path = "/api/livrables/{livrable}", tag = "livrables",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    responses(
        (status = 200, description = "The deliverable", body = LivrableView),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    let view = livrable_view(catalog.get_ref(), livrable, caller.can_manage(&project)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Replace a deliverable.
#[utoipa::path(
    put, path = "/api/livrables/{livrable}", tag = "livrables",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    request_body = LivrableInput,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Replaced", body = LivrableView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replace(
    catalog: web::Data<Catalog>,
    book: web::Data<StyleBook>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<LivrableInput>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let livrable = replace_following_style(&catalog, &book, &tiles, livrable, &body.0).await?;
    tracing::info!(livrable = livrable.id, by = caller.name(), "livrable replaced");
    Ok(HttpResponse::Ok().json(livrable_view(catalog.get_ref(), livrable, true).await?))
}

/// Change some fields of a deliverable.
#[utoipa::path(
    patch, path = "/api/livrables/{livrable}", tag = "livrables",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    request_body = LivrablePatch,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Changed", body = LivrableView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch(
    catalog: web::Data<Catalog>,
    book: web::Data<StyleBook>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<LivrablePatch>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let input = body.0.apply(livrable.to_input());
    let livrable = replace_following_style(&catalog, &book, &tiles, livrable, &input).await?;
    tracing::info!(livrable = livrable.id, by = caller.name(), "livrable changed");
    Ok(HttpResponse::Ok().json(livrable_view(catalog.get_ref(), livrable, true).await?))
}

/// Replaces a deliverable's fields, and puts in force the style it names when that changed.
async fn replace_following_style(
    catalog: &Catalog,
    book: &StyleBook,
    tiles: &Tiles,
    livrable: Livrable,
    input: &LivrableInput,
) -> Result<Livrable, Problem> {
    let changed = catalog.replace_livrable(livrable.id, input).await?;
    follow_livrable_style(
        book,
        tiles,
        changed.id,
        livrable.style.as_deref(),
        changed.style.as_deref(),
    )
    .await;
    Ok(changed)
}

/// Delete a deliverable with its storage and scan results.
#[utoipa::path(
    delete, path = "/api/livrables/{livrable}", tag = "livrables",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    security(("api_key" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    catalog: web::Data<Catalog>,
    book: web::Data<StyleBook>,
    tiles: web::Data<Tiles>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    catalog.delete_livrable(livrable.id).await?;
    follow_livrable_style(&book, &tiles, livrable.id, livrable.style.as_deref(), None).await;
    tracing::info!(livrable = livrable.id, by = caller.name(), "livrable deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// Get a deliverable's active storage.
#[utoipa::path(
    get, path = "/api/livrables/{livrable}/storage", tag = "storages",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    responses(
        (status = 200, description = "The active storage", body = StorageView),
        (status = 404, description = "No such deliverable, or no storage declared", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_storage(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    let record = catalog
        .active_storage(livrable.id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("livrable {} has no storage declared", livrable.id)))?;
    let view = StorageView::build(catalog.get_ref(), &record, caller.can_manage(&project))?;
    Ok(HttpResponse::Ok().json(view))
}

/// Declare or change a deliverable's storage.
#[utoipa::path(
    put, path = "/api/livrables/{livrable}/storage", tag = "storages",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    request_body = StorageInput,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Declared or changed", body = StorageView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project, a file storage without an admin key, or a host outside `security.storage_hosts`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_storage(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<StorageInput>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    caller.require_storage_type(body.0.kind)?;
    require_allowed_host(&config.security.storage_hosts, &body.0)?;
    let record = catalog.declare_storage(livrable.id, &body.0).await?;
    tracing::info!(livrable = livrable.id, storage = record.id, kind = %record.kind, by = caller.name(), "storage declared");
    Ok(HttpResponse::Ok().json(StorageView::build(catalog.get_ref(), &record, true)?))
}

/// Fails with 403 when `security.storage_hosts` is set and the storage names another host.
fn require_allowed_host(allowed: &[String], input: &StorageInput) -> Result<(), Problem> {
    if allowed.is_empty() {
        return Ok(());
    }
    let host = match input.kind {
        StorageType::File => return Ok(()),
        StorageType::Http => input
            .url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string)),
        StorageType::Ftp | StorageType::Sftp => input.host.clone(),
    };
    // Without a host the validation that follows names the missing field.
    let Some(host) = host else { return Ok(()) };
    if crate::config::host_listed(allowed, &host) {
        Ok(())
    } else {
        Err(Problem::forbidden(format!(
            "host `{host}` is not among the storage hosts this server may connect to (security.storage_hosts)"
        )))
    }
}

/// Revoke a deliverable's storage: credentials are forgotten, scan results kept.
#[utoipa::path(
    delete, path = "/api/livrables/{livrable}/storage", tag = "storages",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Revoked", body = StorageView),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deliverable, or no storage declared", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_storage(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (livrable, project) = resolve(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let record = catalog.revoke_storage(livrable.id).await?;
    tracing::info!(
        livrable = livrable.id,
        storage = record.id,
        by = caller.name(),
        "storage revoked"
    );
    Ok(HttpResponse::Ok().json(StorageView::build(catalog.get_ref(), &record, true)?))
}
