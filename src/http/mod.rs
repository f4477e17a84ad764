//! actix-web wiring: shared state, request ids and logs, time and size limits, the routes of
//! every service, graceful shutdown.

pub mod api;
mod atom;
mod auth;
mod extract;
mod health;
mod metrics;

use std::net::SocketAddr;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Compress, Next};
use actix_web::{web, App, HttpRequest, HttpServer};
use tracing::Instrument;

pub use crate::ogc::common::{method_not_allowed, resource, Problem, PROBLEM_JSON};
pub use crate::services::{Readiness, Services};
pub use auth::{ApiKeys, Caller};

use crate::config::Config;

/// The application: every route with its middleware. Each part of `services` is registered
/// as its own `web::Data`, so a handler names only the parts it uses.
pub fn app(
    services: Services,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let config = services.shared_config();
    let max_body = config.server.max_body_size.0 as usize;
    let api_keys = ApiKeys::from_config(&config.security.api_keys);

    App::new()
        .app_data(web::Data::from(config))
        .app_data(web::Data::new(services.catalog().clone()))
        .app_data(web::Data::new(services.workers().clone()))
        .app_data(web::Data::new(services.scanner().clone()))
        .app_data(web::Data::new(services.mosaics().clone()))
        .app_data(web::Data::new(services.tiles().clone()))
        .app_data(web::Data::new(services.vectors().clone()))
        .app_data(web::Data::from(services.styles().clone()))
        .app_data(web::Data::new(services.readiness().clone()))
        .app_data(web::Data::new(api_keys))
        .app_data(web::Data::new(services.download_slots().clone()))
        .app_data(web::PayloadConfig::new(max_body))
        .wrap(Compress::default())
        .wrap(from_fn(request_context))
        .service(web::resource("/health").route(web::get().to(health::health)))
        .service(web::resource("/metrics").route(web::get().to(metrics::metrics)))
        .configure(api::configure)
        .configure(api::configure_download)
        .configure(atom::configure)
        .configure(crate::ogc::configure)
        .configure(crate::web::configure)
        .default_service(web::to(not_found))
}

async fn not_found(request: HttpRequest) -> Problem {
    Problem::not_found(format!("nothing at {}", request.path()))
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id unique to this process run: a random prefix drawn once and a counter (a
/// random id per request cost a system call on every cached tile).
fn new_request_id() -> String {
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| uuid::Uuid::new_v4().as_u128() as u32);
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix:08x}{count:016x}")
}

/// Gives each request an id (the client's `X-Request-Id` when sensible), a log span, a time
/// limit (`server.request_timeout`) and one log line when it ends.
async fn request_context(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(new_request_id);
    let timeout = request
        .app_data::<web::Data<Config>>()
        .map(|config| config.server.request_timeout.0)
        .unwrap_or(std::time::Duration::from_secs(60));
    // The path only: query strings may carry things that must not reach the logs.
    let span = tracing::info_span!("request", id = %id, method = %request.method(), path = %request.path());
    let started = Instant::now();
    let outcome = tokio::time::timeout(timeout, next.call(request).instrument(span.clone())).await;
    let log = |status: u16| {
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        span.in_scope(|| {
            if status >= 500 {
                tracing::warn!(status, elapsed_ms, "request failed");
            } else {
                tracing::info!(status, elapsed_ms, "request");
            }
        });
    };
    // The request is owned by the handler chain (actix needs it unshared to route), so a
    // timeout or an error travels back as an `Err`, which actix renders with its
    // `ResponseError` (a problem document).
    match outcome {
        Ok(Ok(response)) => {
            let mut response = response.map_into_boxed_body();
            if let Ok(value) = HeaderValue::from_str(&id) {
                response.headers_mut().insert(REQUEST_ID, value);
            }
            log(response.status().as_u16());
            Ok(response)
        }
        Ok(Err(err)) => {
            log(err.as_response_error().status_code().as_u16());
            Err(err)
        }
        Err(_) => {
            let problem = Problem::unavailable(format!(
                "the request took longer than the {} s allowed (server.request_timeout)",
                timeout.as_secs_f64()
            ));
            log(problem.status);
            Err(problem.into())
        }
    }
}

/// A bound server, ready to run.
pub struct Bound {
    server: actix_web::dev::Server,
    addresses: Vec<SocketAddr>,
}

impl Bound {
    /// The addresses actually bound (useful with port 0).
    pub fn addresses(&self) -> &[SocketAddr] {
        &self.addresses
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Runs until stopped. SIGTERM and SIGINT stop it gracefully: in-flight requests get
    /// `server.shutdown_timeout` to finish.
    pub async fn run(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let signals = tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown signal received; finishing in-flight requests");
            handle.stop(true).await;
        });
        let result = self.server.await;
        signals.abort();
        result
    }
}

/// Binds the HTTP server on `server.listen`.
pub fn bind(services: Services) -> std::io::Result<Bound> {
    let address = services.config().server.listen;
    bind_to(services, address)
}

/// Binds the HTTP server on `address`.
pub fn bind_to(services: Services, address: SocketAddr) -> std::io::Result<Bound> {
    let config = services.shared_config();
    if !crate::web::map_bundled() {
        tracing::warn!(
            "built without the pages' map script: the maps say so (run `make web`, then build again)"
        );
    }
    let server = HttpServer::new(move || app(services.clone()))
        .workers(config.http_workers())
        .shutdown_timeout(config.server.shutdown_timeout.0.as_secs())
        .client_request_timeout(config.server.request_timeout.0)
        .disable_signals()
        .bind(address)?;
    let addresses = server.addrs();
    Ok(Bound {
        server: server.run(),
        addresses,
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = match signal(SignalKind::terminate()) {
            Ok(stream) => stream,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
