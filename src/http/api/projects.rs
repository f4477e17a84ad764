//! `/api/projects`: projects with their territories, steps, actors and grants.

use actix_web::{web, HttpResponse};

use super::views::{project_view, ProjectPage, ProjectView};
use crate::catalog::{Catalog, Project, ProjectInput, ProjectPatch, ProjectQuery};
use crate::config::Config;
use crate::http::auth::Caller;
use crate::http::extract::{Json, Query};
use crate::http::Problem;

/// Finds a project by numeric id or by slug.
pub async fn resolve_project(catalog: &Catalog, key: &str) -> Result<Project, Problem> {
    let found = match key.parse::<i64>() {
        Ok(id) => catalog.project(id).await,
        Err(_) => catalog.project_by_slug(key).await,
    };
    Ok(found?)
}

/// Fails with 403 when a porteur submits a project it would not hold.
fn require_holds(caller: &Caller, input: &ProjectInput) -> Result<(), Problem> {
    if let Caller::Porteur { sirens, .. } = caller {
        let holds = input.acteurs.iter().any(|a| {
            matches!(
                a.role,
                crate::catalog::ActeurRole::Aplc | crate::catalog::ActeurRole::Porteur
            ) && sirens.contains(&a.siren)
        });
        if !holds {
            return Err(Problem::forbidden(format!(
                "acteurs: a porteur key may only submit projects where one of its SIRENs ({}) is an aplc or porteur actor",
                sirens.join(", ")
            )));
        }
    }
    Ok(())
}

/// List projects.
#[utoipa::path(
    get, path = "/api/projects", tag = "projects",
    params(
        ("q" = Option<String>, Query, description = "Case-insensitive part of the name"),
        ("perimetre" = Option<String>, Query, description = "Only projects covering this territory, e.g. commune:69123"),
        ("siren" = Option<String>, Query, description = "Only projects with an actor of this SIREN"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size (default 50)"),
        ("offset" = Option<i64>, Query, minimum = 0, maximum = 2147483647, description = "Items skipped"),
    ),
    responses(
        (status = 200, description = "A page of projects", body = ProjectPage),
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
    let page = catalog
        .list_projects(&ProjectQuery {
            q: query.text("q"),
            perimetre: query.text("perimetre"),
            siren: query.text("siren"),
            limit: paging.limit,
            offset: paging.offset,
        })
        .await?;
    let mut items = Vec::with_capacity(page.items.len());
    for project in page.items {
        items.push(project_view(catalog.get_ref(), project, &caller).await?);
    }
    Ok(HttpResponse::Ok().json(ProjectPage {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Create a project.
#[utoipa::path(
    post, path = "/api/projects", tag = "projects",
    request_body = ProjectInput,
    security(("api_key" = [])),
    responses(
        (status = 201, description = "Created", body = ProjectView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A porteur key submitting a project it would not hold", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    catalog: web::Data<Catalog>,
    caller: Caller,
    body: Json<ProjectInput>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    require_holds(&caller, &body.0)?;
    let project = catalog.create_project(&body.0).await?;
    tracing::info!(project = project.id, by = caller.name(), "project created");
    let location = format!("/api/projects/{}", project.id);
    let view = project_view(catalog.get_ref(), project, &caller).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(view))
}

/// Get a project.
#[utoipa::path(
    get, path = "/api/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project id or slug")),
    responses(
        (status = 200, description = "The project", body = ProjectView),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let project = resolve_project(catalog.get_ref(), &path).await?;
    Ok(HttpResponse::Ok().json(project_view(catalog.get_ref(), project, &caller).await?))
}

/// Replace a project.
#[utoipa::path(
    put, path = "/api/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project id or slug")),
    request_body = ProjectInput,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Replaced", body = ProjectView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replace(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<ProjectInput>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let project = resolve_project(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    require_holds(&caller, &body.0)?;
    let project = catalog.replace_project(project.id, &body.0).await?;
    tracing::info!(project = project.id, by = caller.name(), "project replaced");
    Ok(HttpResponse::Ok().json(project_view(catalog.get_ref(), project, &caller).await?))
}

/// Change some fields of a project.
#[utoipa::path(
    patch, path = "/api/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project id or slug")),
    request_body = ProjectPatch,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Changed", body = ProjectView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<ProjectPatch>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let project = resolve_project(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let input = body.0.apply(project.to_input());
    require_holds(&caller, &input)?;
    let project = catalog.replace_project(project.id, &input).await?;
    tracing::info!(project = project.id, by = caller.name(), "project changed");
    Ok(HttpResponse::Ok().json(project_view(catalog.get_ref(), project, &caller).await?))
}

/// Delete a project with its deliverables, storages and scan results.
#[utoipa::path(
    delete, path = "/api/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project id or slug")),
    security(("api_key" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let project = resolve_project(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    catalog.delete_project(project.id).await?;
    tracing::info!(project = project.id, by = caller.name(), "project deleted");
    Ok(HttpResponse::NoContent().finish())
}
