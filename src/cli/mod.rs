//! What each command does, for `main.rs` to call once it has parsed the command line: serving
//! (with the storages given by URL, or the demo), scanning, seeding and sizing tile caches,
//! importing boundaries. `serve`, `serve URL…` and `demo` share one start-up ([`start`]).

mod download;
pub mod scan;
pub mod tiles;
pub mod vector;

use std::path::PathBuf;
use std::time::Duration;

use crate::catalog::{Catalog, Livrable, ScanState, TerritoryKind};
use crate::config::Config;
use crate::download::boundaries;
use crate::tiles::area::Area;
use crate::tiles::seed::{PlanText, SeedPlan};
use crate::{demo, http, Error, Services};
pub use download::{download, DownloadArgs};
pub use scan::UrlOptions;
pub use vector::{import_gml, styles_check, ImportGml};

/// How often the scheduler looks for storages due for a rescan and partial scans to resume.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);

/// Start-up shared by every serving command: partial scans left by a stop resume; mosaics
/// are built and follow scans; `livrables` are scanned to their end, each mosaic built before
/// the server says it is ready; the scheduler starts; then the service is ready.
pub async fn start(services: &Services, livrables: &[Livrable]) -> Result<(), Error> {
    services.scanner().recover().await?;
    services.start_mosaics().await;
    for livrable in livrables {
        let scan = services.scanner().scan_to_end(livrable.id, "startup").await?;
        tracing::info!(livrable = %livrable.slug, state = %scan.state, files = scan.files_listed, "storage scanned");
        // Ready means served: build the mosaic now rather than when the scan's event arrives.
        if let Err(err) = services.mosaics().rebuild(livrable.id).await {
            tracing::warn!(livrable = %livrable.slug, error = %err, "mosaic not built");
        }
        if let Err(err) = services.vectors().import_livrable(livrable.id).await {
            tracing::warn!(livrable = %livrable.slug, error = %err, "vector files not imported");
        }
    }
    services.scanner().spawn_scheduler(SCHEDULE_EVERY);
    services.set_ready(true);
    Ok(())
}

/// `dallage serve [URL…]`: registers each storage URL as a deliverable, starts, serves.
pub async fn serve(config: Config, urls: &[String], options: &UrlOptions) -> Result<(), Error> {
    let services = crate::open_state(config).await?;
    let mut livrables = Vec::new();
    for url in urls {
        livrables.push(scan::register_url(services.catalog(), url, options).await?);
    }
    start(&services, &livrables).await?;
    serve_until_stopped(services, &[]).await
}

/// `dallage demo`: makes the demo deliverables when missing, registers them, starts, and
/// serves unless `no_serve`.
pub async fn demo(config: Config, no_serve: bool) -> Result<(), Error> {
    let data_dir = config.data.dir.clone();
    let services = crate::open_state(config).await?;
    tracing::info!(dir = %data_dir.join("demo").display(), "preparing the demo deliverables");
    let files = services
        .workers()
        .run(move || demo::ensure_files(&data_dir))
        .await??;
    if files.generated > 0 {
        tracing::info!(
            dalles = files.generated,
            seconds = files.seconds,
            "demo dalles generated"
        );
    }
    let project = demo::register(services.catalog(), &files).await?;
    tracing::info!(project = %project.slug, "demo project registered");
    let livrables = services.catalog().project_livrables(project.id).await?;
    start(&services, &livrables).await?;
    if no_serve {
        return Ok(());
    }
    serve_until_stopped(services, &[format!("/api/projects/{}", project.slug)]).await
}

/// Binds, prints the URLs, serves until SIGTERM or SIGINT, then leaves the scans resumable.
async fn serve_until_stopped(services: Services, extra_paths: &[String]) -> Result<(), Error> {
    let catalog = services.catalog().clone();
    let scanner = services.scanner().clone();
    let bound = http::bind(services)?;
    let base = match bound.addresses().first() {
        Some(address) => format!("http://{address}"),
        None => String::from("http://?"),
    };
    println!("dallage is serving on {base}");
    println!("  health:          {base}/health");
    println!("  API:             {base}/api/projects");
    println!("  OpenAPI:         {base}/api/openapi.json");
    println!("  calculator:      {base}/calculator");
    for path in extra_paths {
        println!("  demo project:    {base}{path}");
    }
    bound.run().await?;
    scanner.shutdown();
    catalog.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// `dallage scan URL`: scans into a throwaway catalogue (or, with `keep`, the configured one)
/// and prints the report; an error when the scan does not end `done`.
pub async fn scan_command(
    mut config: Config,
    url: &str,
    options: &UrlOptions,
    json: bool,
    keep: bool,
) -> Result<(), Error> {
    let scratch = tempfile::tempdir()?;
    if !keep {
        config.catalog.url = format!("sqlite://{}/scan.db", scratch.path().display());
        config.data.dir = scratch.path().to_path_buf();
    }
    let services = crate::open_state(config).await?;
    let record = scan::scan_url(services.scanner(), services.catalog(), url, options).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&scan::report(&record)).unwrap_or_default()
        );
    } else {
        print!("{}", scan::human_report(&record));
    }
    services.catalog().close().await;
    match record.state {
        ScanState::Done => Ok(()),
        other => Err(Error::Usage(format!(
            "the scan ended {other}: {}",
            record.message.unwrap_or_default()
        ))),
    }
}

/// Which tiles a `seed` or `cache-size` command names.
#[derive(Debug, Clone)]
pub struct TileSelection {
    /// Tile matrix set.
    pub tms: String,
    /// Levels, `A-B` or `A`.
    pub levels: String,
    /// `west,south,east,north` (CRS:84).
    pub bbox: Option<String>,
    /// A GeoJSON file of polygons (CRS:84).
    pub area: Option<PathBuf>,
    /// A territory, `kind:code`, whose imported boundary limits the plan.
    pub territory: Option<String>,
    /// Tile format.
    pub format: String,
}

impl TileSelection {
    /// The plan over `layer`, its area read from the file or the catalogue's boundaries.
    pub async fn plan(&self, layer: &str, catalog: &Catalog) -> Result<SeedPlan, Error> {
        let mut plan = SeedPlan::parse(&PlanText {
            layer,
            tms: &self.tms,
            levels: &self.levels,
            bbox: self.bbox.as_deref(),
            format: Some(&self.format),
        })
        .map_err(|err| Error::Usage(format!("--{}: {err}", err.field())))?;
        if let Some(path) = &self.area {
            plan.area = Some(read_area(path)?);
        }
        if let Some(territory) = &self.territory {
            plan.area = Some(boundaries::area_of(catalog, territory).await?);
        }
        Ok(plan)
    }
}

fn read_area(path: &std::path::Path) -> Result<Area, Error> {
    let at = |detail: String| Error::Usage(format!("--area {}: {detail}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|err| at(err.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|err| at(format!("not JSON: {err}")))?;
    Area::from_geojson(&value).map_err(|err| at(err.to_string()))
}

/// Services with every mosaic built, for the commands that draw tiles without serving.
async fn open_with_mosaics(config: Config) -> Result<Services, Error> {
    let services = crate::open_state(config).await?;
    services
        .mosaics()
        .rebuild_all()
        .await
        .map_err(|err| Error::Usage(err.to_string()))?;
    Ok(services)
}

/// `dallage seed LAYER`: fills (or with `truncate`, empties) the tile cache over a selection.
pub async fn seed(
    config: Config,
    layer: &str,
    selection: &TileSelection,
    truncate: bool,
) -> Result<(), Error> {
    let services = open_with_mosaics(config).await?;
    let result = async {
        let plan = selection.plan(layer, services.catalog()).await?;
        tiles::seed(services.tiles(), &plan, truncate).await
    }
    .await;
    services.catalog().close().await;
    result
}

/// `dallage cache-size LAYER`: estimates the cache of a selection from `sample` tiles a level.
pub async fn cache_size(
    config: Config,
    layer: &str,
    selection: &TileSelection,
    sample: usize,
    json: bool,
) -> Result<(), Error> {
    let services = open_with_mosaics(config).await?;
    let result = async {
        let plan = selection.plan(layer, services.catalog()).await?;
        crate::tiles::size::estimate(services.tiles(), &plan, sample.max(2))
            .await
            .map_err(|err| Error::Usage(err.to_string()))
    }
    .await;
    services.catalog().close().await;
    let estimate = result?;
    if json {
        println!("{}", serde_json::to_string_pretty(&estimate).unwrap_or_default());
    } else {
        print!("{}", tiles::describe_estimate(&estimate));
    }
    Ok(())
}

/// `dallage import-boundaries FILE`: stores the communes, EPCI or départements of a file.
pub async fn import_boundaries(
    config: Config,
    file: &std::path::Path,
    kind: &str,
    layer: Option<String>,
    crs: Option<u32>,
) -> Result<(), Error> {
    let kind = TerritoryKind::parse(kind)
        .ok_or_else(|| Error::Usage(format!("--kind {kind}: expected commune, epci or departement")))?;
    let services = crate::open_state(config).await?;
    let result = boundaries::import(services.catalog(), services.workers(), file, kind, layer, crs).await;
    services.catalog().close().await;
    print!("{}", result?);
    Ok(())
}

/// `dallage fixtures DIR`: the trees the tests and benchmarks serve.
pub async fn fixtures(dir: PathBuf, field: bool, many: Option<usize>) -> Result<(), Error> {
    tokio::task::spawn_blocking(move || match (field, many) {
        (true, _) => demo::write_field_fixtures(&dir),
        (false, Some(count)) => demo::write_many_dalles(&dir, count),
        (false, None) => demo::write_scanner_fixtures(&dir),
    })
    .await
    .map_err(|err| Error::Usage(err.to_string()))??;
    Ok(())
}

/// `dallage decode-floor DIR`: decodes `count` random `side`² windows at full resolution from the
/// JPEG 2000 files under `dir` with OpenJPEG alone (no cache, no mosaic), one thread, and
/// prints the CPU milliseconds per window: the floor cold requests are compared with.
pub fn decode_floor(dir: &std::path::Path, count: usize, seed: u64, side: u32) -> Result<(), Error> {
    let side = side.max(1);
    let mut files = Vec::new();
    for entry in walk(dir, 2) {
        if entry.extension().is_some_and(|e| e.eq_ignore_ascii_case("jp2")) {
            files.push(entry);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Error::Usage(format!("no .jp2 file under {}", dir.display())));
    }
    let mut state = seed.max(1);
    let mut next = |bound: u32| {
        // xorshift64: positions differ run to run only with the seed.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % u64::from(bound.max(1))) as u32
    };
    let sizes = files
        .iter()
        .map(|file| {
            let dataset = gdal::Dataset::open(file)
                .map_err(|err| Error::Usage(format!("{}: {err}", file.display())))?;
            let (width, height) = dataset.raster_size();
            Ok((width as u32, height as u32))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let cpu_before = thread_cpu_ms();
    for _ in 0..count {
        let chosen = next(files.len() as u32) as usize;
        let (file, (width, height)) = (&files[chosen], sizes[chosen]);
        let side = side.min(width).min(height);
        let (x0, y0) = (next(width - side + 1), next(height - side + 1));
        let window = crate::raster::Window {
            reduce: 0,
            x0,
            y0,
            x1: x0 + side,
            y1: y0 + side,
        };
        crate::raster::decode_window(&file.to_string_lossy(), 0, window)
            .map_err(|err| Error::Usage(format!("{}: {err}", file.display())))?;
    }
    let per_window = (thread_cpu_ms() - cpu_before) / count.max(1) as f64;
    println!(
        "{count} windows of {side}x{side} from {} files: {per_window:.2} ms CPU each",
        files.len()
    );
    Ok(())
}

/// Files under `dir`, `depth` folders deep at most.
fn walk(dir: &std::path::Path, depth: u32) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && depth > 0 {
            found.extend(walk(&path, depth - 1));
        } else if path.is_file() {
            found.push(path);
        }
    }
    found
}

/// CPU time of this thread, in milliseconds (from `/proc`, in clock ticks of 10 ms: enough
/// over the hundreds of windows a floor run decodes).
fn thread_cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces), from the state on: utime and
    // stime are the 12th and 13th of them.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<f64> = after_name
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let ticks = fields.get(10).copied().unwrap_or(0.0) + fields.get(11).copied().unwrap_or(0.0);
    ticks * 10.0
}
