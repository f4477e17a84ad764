//! `/api/projects/{project}/reutilisations`: what others made of a project's data, listed to
//! anyone, added and deleted by the project's porteur (or an admin); shown on the project's
//! page.

use actix_web::{web, HttpResponse};

use super::projects::resolve_project;
use crate::catalog::{Catalog, Reutilisation, ReutilisationInput};
use crate::http::auth::Caller;
use crate::http::extract::Json;
use crate::http::Problem;

/// A project's réutilisations.
#[utoipa::path(
    get, path = "/api/projects/{project}/reutilisations", tag = "projects",
    params(("project" = String, Path, description = "Project id or slug")),
    responses(
        (status = 200, description = "Oldest first", body = [Reutilisation]),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(catalog: web::Data<Catalog>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let project = resolve_project(catalog.get_ref(), &path).await?;
    Ok(HttpResponse::Ok().json(catalog.reutilisations(project.id).await?))
}

/// Add a réutilisation to a project.
#[utoipa::path(
    post, path = "/api/projects/{project}/reutilisations", tag = "projects",
    params(("project" = String, Path, description = "Project id or slug")),
    request_body = ReutilisationInput,
    security(("api_key" = [])),
    responses(
        (status = 201, description = "Added", body = Reutilisation),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<ReutilisationInput>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let project = resolve_project(catalog.get_ref(), &path).await?;
    caller.require_manage(&project)?;
    let added = catalog.add_reutilisation(project.id, &body.0).await?;
    tracing::info!(
        project = project.id,
        reutilisation = added.id,
        by = caller.name(),
        "réutilisation added"
    );
    Ok(HttpResponse::Created().json(added))
}

/// Delete one of a project's réutilisations.
#[utoipa::path(
    delete, path = "/api/projects/{project}/reutilisations/{id}", tag = "projects",
    params(
        ("project" = String, Path, description = "Project id or slug"),
        ("id" = i64, Path, description = "Réutilisation id"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this key's project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project or réutilisation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    caller.require_key()?;
    let (key, id) = path.into_inner();
    let project = resolve_project(catalog.get_ref(), &key).await?;
    // Read here, not by the extractor: an id past i64 is a 404 problem like any unknown one.
    let id: i64 = id
        .parse()
        .map_err(|_| Problem::not_found(format!("project {} has no réutilisation {id}", project.slug)))?;
    caller.require_manage(&project)?;
    if catalog.delete_reutilisation(project.id, id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(Problem::not_found(format!(
            "project {} has no réutilisation {id}",
            project.slug
        )))
    }
}
