//! `/metrics`: the process's counters in Prometheus' text format, for monitoring and for the
//! benchmarks (bytes read per cold request, windows against whole blocks decoded). Totals
//! only: no storage, host or layer is named, so the page says nothing a visitor may not know.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use actix_web::HttpResponse;

use crate::raster::DecodedCache;
use crate::storage::Stats;

/// One metric: name, type, help, value.
struct Metric(&'static str, &'static str, &'static str, u64);

/// The counters, as `text/plain; version=0.0.4`.
#[utoipa::path(
    get, path = "/metrics", tag = "service",
    responses((status = 200, description = "Counters in Prometheus' text format", content_type = "text/plain", body = String))
)]
pub async fn metrics() -> HttpResponse {
    let storages = Stats::process();
    let decoded = DecodedCache::global();
    let metrics = [
        Metric(
            "dallage_storage_read_bytes_total",
            "counter",
            "Bytes received from storages (file contents and listings).",
            storages.bytes(),
        ),
        Metric(
            "dallage_storage_requests_total",
            "counter",
            "Requests made to storages (listings, stats, range reads).",
            storages.request_count(),
        ),
        Metric(
            "dallage_storage_connections_total",
            "counter",
            "Connections opened to storages (FTP logins, SSH sessions).",
            storages.connection_count(),
        ),
        Metric(
            "dallage_decoded_windows_total",
            "counter",
            "JPEG 2000 windows decoded for one request by OpenJPEG.",
            decoded.counts().windows.load(Ordering::Relaxed),
        ),
        Metric(
            "dallage_decoded_blocks_total",
            "counter",
            "Whole blocks (codestream or TIFF tiles) decoded into the decoded-block cache.",
            decoded.counts().blocks.load(Ordering::Relaxed),
        ),
        Metric(
            "dallage_decoded_cache_bytes",
            "gauge",
            "Bytes held by the decoded-block cache.",
            decoded.weighted_size(),
        ),
        Metric(
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory of the process.",
            resident_bytes(),
        ),
    ];
    let mut text = String::new();
    for Metric(name, kind, help, value) in metrics {
        let _ = write!(
            text,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
        );
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text)
}

/// Resident memory, from `/proc/self/status` (0 where there is none).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kib| kib * 1024)
}
