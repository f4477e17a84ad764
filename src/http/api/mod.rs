//! The admin and JSON API under `/api`, with its OpenAPI 3 document at `/api/openapi.json`.

mod boundaries;
mod cache;
mod download_files;
mod downloads;
mod exports;
mod extras;
mod livrables;
mod me;
mod metadata;
mod projects;
mod reutilisations;
mod scans;
mod styles;
mod vector;
mod views;

use std::sync::OnceLock;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::resource;
use crate::ogc::common::Problem;

pub use views::{LivrableView, ProjectView, StorageView};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dallage admin and catalogue API",
        description = "Projects, deliverables (livrables) and their storages, as on pcrs.beta.gouv.fr. \
            Reads are public (non-secret fields); changes need an API key in `X-API-Key`. \
            Errors are RFC 7807 problems.",
        version = "1"
    ),
    paths(
        projects::list, projects::create, projects::get, projects::replace, projects::patch, projects::delete,
        livrables::list_of_project, livrables::create, livrables::list, livrables::get, livrables::replace,
        livrables::patch, livrables::delete, livrables::get_storage, livrables::put_storage,
        livrables::revoke_storage, extras::put, extras::get, scans::start, scans::get, scans::list, vector::report, exports::livrable_dalles,
        exports::all_dalles, exports::all_livrables, exports::dalles_csv, exports::livrables_csv,
        cache::start_seed, cache::get_seed, cache::stop_seed, cache::cache_size,
        boundaries::list, boundaries::get, downloads::preview, styles::list, styles::get, styles::put, styles::delete,
        metadata::list, me::me, reutilisations::list, reutilisations::create, reutilisations::delete,
        super::health::health, super::metrics::metrics,
    ),
    modifiers(&ApiKeySecurity),
    tags(
        (name = "projects", description = "PCRS projects"),
        (name = "livrables", description = "Deliverables of a project"),
        (name = "storages", description = "Where a deliverable's files are kept"),
        (name = "scans", description = "What the storages hold"),
        (name = "exports", description = "GeoJSON and CSV exports"),
        (name = "tiles", description = "Seeding, truncating and sizing tile caches"),
        (name = "boundaries", description = "Imported communes, EPCI and départements"),
        (name = "styles", description = "SLD styles uploaded for the vector maps"),
        (name = "downloads", description = "Bulk downloads by commune, EPCI, département or area"),
        (name = "metadata", description = "The published deliverables' metadata, for harvesters"),
        (name = "service", description = "Service state"),
    )
)]
struct ApiDoc;

struct ApiKeySecurity;

impl Modify for ApiKeySecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "A key from the server's configuration (admin or porteur role)",
            ))),
        );
    }
}

/// The OpenAPI document as JSON, built once.
pub fn openapi_json() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("OpenAPI document serialises")
    })
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/vnd.oai.openapi+json;version=3.1")
        .body(openapi_json())
}

async fn not_found(request: HttpRequest) -> Problem {
    Problem::not_found(format!("no API resource at {}", request.path()))
}

/// Registers `/download/…`: a selection as one streamed ZIP, or listed file by file (plain URLs,
/// Metalink 4), with the query of `/api/downloads/preview`; and each file's own route.
pub fn configure_download(config: &mut web::ServiceConfig) {
    config
        .service(
            resource("/download/zip", "GET, HEAD")
                .route(web::get().to(downloads::zip))
                .route(web::head().to(downloads::zip)),
        )
        .service(resource("/download/list.txt", "GET").route(web::get().to(download_files::list)))
        .service(resource("/download/metalink.meta4", "GET").route(web::get().to(download_files::metalink)))
        .service(
            resource("/download/file/{livrable}/{path:.*}", "GET, HEAD")
                .route(web::get().to(download_files::file))
                .route(web::head().to(download_files::file)),
        );
}

/// Registers the `/api` routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/api")
            .service(resource("/openapi.json", "GET").route(web::get().to(openapi)))
            .service(
                resource("/projects", "GET, POST")
                    .route(web::get().to(projects::list))
                    .route(web::post().to(projects::create)),
            )
            .service(
                resource("/projects/{project}", "GET, PUT, PATCH, DELETE")
                    .route(web::get().to(projects::get))
                    .route(web::put().to(projects::replace))
                    .route(web::patch().to(projects::patch))
                    .route(web::delete().to(projects::delete)),
            )
            .service(
                resource("/projects/{project}/livrables", "GET, POST")
                    .route(web::get().to(livrables::list_of_project))
                    .route(web::post().to(livrables::create)),
            )
            .service(
                resource("/projects/{project}/reutilisations", "GET, POST")
                    .route(web::get().to(reutilisations::list))
                    .route(web::post().to(reutilisations::create)),
            )
            .service(
                resource("/projects/{project}/reutilisations/{id}", "DELETE")
                    .route(web::delete().to(reutilisations::delete)),
            )
            .service(resource("/livrables", "GET").route(web::get().to(livrables::list)))
            .service(resource("/livrables.geojson", "GET").route(web::get().to(exports::all_livrables)))
            .service(resource("/livrables.csv", "GET").route(web::get().to(exports::livrables_csv)))
            .service(resource("/dalles.geojson", "GET").route(web::get().to(exports::all_dalles)))
            .service(resource("/dalles.csv", "GET").route(web::get().to(exports::dalles_csv)))
            .service(resource("/boundaries", "GET").route(web::get().to(boundaries::list)))
            .service(resource("/metadata", "GET").route(web::get().to(metadata::list)))
            .service(resource("/me", "GET").route(web::get().to(me::me)))
            .service(resource("/downloads/preview", "GET").route(web::get().to(downloads::preview)))
            .service(resource("/styles", "GET").route(web::get().to(styles::list)))
            .service(
                resource("/styles/{name}", "GET, PUT, DELETE")
                    .route(web::get().to(styles::get))
                    .route(web::put().to(styles::put))
                    .route(web::delete().to(styles::delete)),
            )
            .service(resource("/boundaries/{kind}/{code}", "GET").route(web::get().to(boundaries::get)))
            .service(resource("/scans/{id}", "GET").route(web::get().to(scans::get)))
            .service(resource("/livrables/{livrable}/seed", "POST").route(web::post().to(cache::start_seed)))
            .service(
                resource("/livrables/{livrable}/cache-size", "GET").route(web::get().to(cache::cache_size)),
            )
            .service(
                resource("/seeds/{id}", "GET, DELETE")
                    .route(web::get().to(cache::get_seed))
                    .route(web::delete().to(cache::stop_seed)),
            )
            .service(resource("/livrables/{livrable}/scan", "POST").route(web::post().to(scans::start)))
            .service(resource("/livrables/{livrable}/scans", "GET").route(web::get().to(scans::list)))
            .service(resource("/livrables/{livrable}/vector", "GET").route(web::get().to(vector::report)))
            .service(
                resource("/livrables/{livrable}/dalles.geojson", "GET")
                    .route(web::get().to(exports::livrable_dalles)),
            )
            .service(
                resource("/livrables/{livrable}", "GET, PUT, PATCH, DELETE")
                    .route(web::get().to(livrables::get))
                    .route(web::put().to(livrables::replace))
                    .route(web::patch().to(livrables::patch))
                    .route(web::delete().to(livrables::delete)),
            )
            .service(
                resource("/livrables/{livrable}/extras", "GET, PUT")
                    .route(web::get().to(extras::get))
                    .route(web::put().to(extras::put)),
            )
            .service(
                resource("/livrables/{livrable}/storage", "GET, PUT, DELETE")
                    .route(web::get().to(livrables::get_storage))
                    .route(web::put().to(livrables::put_storage))
                    .route(web::delete().to(livrables::revoke_storage)),
            )
            .default_service(web::to(not_found)),
    );
}
