//! RFC 7807 problem details: every error of `/api` and of the OGC API at `/ogcapi` is one of
//! these; and the routes that answer other methods with a 405 problem naming the allowed ones.

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, Resource, Responder, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::{CatalogError, FieldError};
use crate::workers::WorkerError;

/// Media type of problem responses.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 7807 problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Short summary of the kind of problem.
    pub title: &'static str,
    /// HTTP status code.
    pub status: u16,
    /// What went wrong this time, naming the field or parameter at fault.
    pub detail: String,
    /// Every invalid field, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    #[schema(ignore)]
    headers: Vec<(&'static str, String)>,
}

impl Problem {
    /// A problem with a status and a detail; title from the status.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// 400: a malformed request (unreadable JSON, bad query parameter).
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Self::new(StatusCode::BAD_REQUEST, detail).with_kind("urn:dallage:problem:bad-request")
    }

    /// 422: well-formed but invalid fields.
    pub fn invalid(errors: Vec<FieldError>) -> Problem {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut problem =
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail).with_kind("urn:dallage:problem:validation");
        problem.errors = errors;
        problem
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Self::new(StatusCode::NOT_FOUND, detail).with_kind("urn:dallage:problem:not-found")
    }

    /// 401, asking for an API key.
    pub fn unauthorized(detail: impl Into<String>) -> Problem {
        let mut problem =
            Self::new(StatusCode::UNAUTHORIZED, detail).with_kind("urn:dallage:problem:unauthorized");
        problem
            .headers
            .push(("WWW-Authenticate", "Bearer realm=\"dallage\"".into()));
        problem
    }

    /// 403.
    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Self::new(StatusCode::FORBIDDEN, detail).with_kind("urn:dallage:problem:forbidden")
    }

    /// 503, with Retry-After.
    pub fn unavailable(detail: impl Into<String>) -> Problem {
        let mut problem =
            Self::new(StatusCode::SERVICE_UNAVAILABLE, detail).with_kind("urn:dallage:problem:unavailable");
        problem.headers.push(("Retry-After", "5".into()));
        problem
    }

    /// Sets the `type` URI.
    pub fn with_kind(mut self, kind: &'static str) -> Problem {
        self.kind = kind;
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.title, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        for (name, value) in &self.headers {
            response.insert_header((*name, value.as_str()));
        }
        response.json(self)
    }
}

impl Responder for Problem {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        self.error_response()
    }
}

impl From<CatalogError> for Problem {
    fn from(err: CatalogError) -> Problem {
        match err {
            CatalogError::NotFound { .. } => Problem::not_found(err.to_string()),
            CatalogError::Invalid(errors) => Problem::invalid(errors.0),
            CatalogError::Conflict(message) => {
                Problem::new(StatusCode::CONFLICT, message).with_kind("urn:dallage:problem:conflict")
            }
            CatalogError::Connect { .. } | CatalogError::Query(_) => {
                // The detail of a database error may quote data; log it, answer generically.
                tracing::error!(error = %err, "catalogue error");
                Problem::unavailable("the catalogue is not answering; try again shortly")
            }
            other => {
                tracing::error!(error = %other, "catalogue error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the catalogue failed; see the server log",
                )
            }
        }
    }
}

impl From<WorkerError> for Problem {
    fn from(err: WorkerError) -> Problem {
        match err {
            WorkerError::Busy(_) | WorkerError::Closed => Problem::unavailable(err.to_string()),
            WorkerError::Panicked(message) => {
                tracing::error!(%message, "worker job panicked");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal failure; see the server log",
                )
            }
        }
    }
}

/// 405 with the `Allow` header RFC 9110 requires, listing the resource's methods.
pub fn method_not_allowed(request: &HttpRequest, allow: &'static str) -> HttpResponse {
    let mut response = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {} (allowed: {allow})",
            request.method(),
            request.path()
        ),
    )
    .error_response();
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static(allow),
    );
    response
}

/// A resource whose other methods are answered 405 with `allow` in the `Allow` header.
pub fn resource(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move |request: HttpRequest| async move {
        method_not_allowed(&request, allow)
    }))
}
