//! `/api/me`: who the API key in `X-API-Key` is (its name, role and the SIRENs a porteur acts
//! for), so the porteur space shows its projects; never the key itself.

use actix_web::HttpResponse;
use serde::Serialize;

use crate::http::auth::Caller;
use crate::http::Problem;

/// The caller of a keyed request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The key's name in the configuration.
    pub name: String,
    /// `admin` or `porteur`.
    pub role: String,
    /// SIRENs a porteur acts for (empty for an admin, who acts for all).
    pub sirens: Vec<String>,
}

/// Who this API key is.
#[utoipa::path(
    get, path = "/api/me", tag = "service",
    responses(
        (status = 200, description = "The key's name, role and SIRENs", body = Me),
        (status = 401, description = "No or bad API key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn me(caller: Caller) -> Result<HttpResponse, Problem> {
    let me = match &caller {
        Caller::Anonymous => {
            return Err(Problem::unauthorized(
                "no API key: send one in X-API-Key to learn who it is",
            ))
        }
        Caller::Admin { name } => Me {
            name: name.clone(),
            role: "admin".into(),
            sirens: Vec::new(),
        },
        Caller::Porteur { name, sirens } => Me {
            name: name.clone(),
            role: "porteur".into(),
            sirens: sirens.clone(),
        },
    };
    Ok(HttpResponse::Ok().json(me))
}
