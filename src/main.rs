//! The `dallage` command line: parse, load the configuration, call into the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use dallage::config::Config;
use dallage::scan::cli::{self as scan_cli, UrlOptions};
use dallage::tiles::cli as tile_cli;
use dallage::{demo, http, Error};

#[derive(Parser)]
#[command(
    name = "dallage",
    version,
    about = "Publish PCRS deliverables straight from their storages"
)]
struct Cli {
    /// Configuration file (default: config/dallage.toml when present, else built-in defaults).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the catalogue and its deliverables; storages given by URL are registered,
    /// scanned and served too.
    Serve {
        /// Address to listen on (overrides server.listen).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        #[command(flatten)]
        access: Access,
        /// Storages to serve: http(s)://, ftp://, ftps://, ftps+implicit://, sftp://, file://.
        #[arg(value_name = "STORAGE_URL")]
        urls: Vec<String>,
    },
    /// Scan a storage without a server and print what it holds.
    Scan {
        /// http(s)://, ftp://, ftps:// (explicit), ftps+implicit://, sftp:// or file:// URL.
        #[arg(value_name = "URL")]
        url: String,
        #[command(flatten)]
        access: Access,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Scan into the configured catalogue, as `serve URL` registers it, instead of a
        /// throwaway one: the next `scan --keep` of the URL probes only what changed, and
        /// `serve` serves it.
        #[arg(long)]
        keep: bool,
    },
    /// Create the demo deliverables if missing, register them, then serve.
    Demo {
        /// Address to listen on (overrides server.listen).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Only create and register the demo files, then exit.
        #[arg(long)]
        no_serve: bool,
    },
    /// Fill (or with --truncate, empty) a layer's tile cache, resuming an interrupted run.
    Seed {
        /// Layer (deliverable slug).
        layer: String,
        #[command(flatten)]
        tiles: TileArgs,
        /// Drop these tiles instead of drawing them.
        #[arg(long)]
        truncate: bool,
    },
    /// Estimate the size of a layer's tile cache from a sample of real tiles.
    CacheSize {
        /// Layer (deliverable slug).
        layer: String,
        #[command(flatten)]
        tiles: TileArgs,
        /// Tiles drawn per level to measure.
        #[arg(long, default_value_t = 16)]
        sample: usize,
        /// Print the estimate as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import communes, EPCI or départements (ADMIN EXPRESS, geo.api.gouv.fr GeoJSON, any
    /// vector file GDAL reads) so seeding, sizing and downloads can name them.
    ImportBoundaries {
        /// Shapefile, GeoPackage, GeoJSON...
        file: PathBuf,
        /// commune, epci or departement.
        #[arg(long, default_value = "commune")]
        kind: String,
        /// Layer to read (default: the one named after the kind, else the first).
        #[arg(long)]
        layer: Option<String>,
        /// EPSG code of a file that declares no CRS.
        #[arg(long, value_name = "EPSG")]
        crs: Option<u32>,
    },
    /// Print the effective configuration (secrets hidden) and exit.
    Config,
    /// Write the test deliverable served by the test harness (for the tests).
    #[command(hide = true)]
    Fixtures {
        /// Folder to write into.
        dir: PathBuf,
        /// Write the field-shaped tree (tiny, broken, unreadable, block-sized, big dalles).
        #[arg(long)]
        field: bool,
        /// Write this many dalles for the scan benchmark (hard links of one real dalle).
        #[arg(long, value_name = "N", conflicts_with = "field")]
        many: Option<usize>,
    },
}

/// How to reach storages given by URL.
#[derive(clap::Args, Clone, Default)]
struct Access {
    /// Login (overrides the one in the URL).
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// Name of the environment variable holding the password.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// A PEM certificate to trust (self-signed FTPS/HTTPS server).
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate.
    #[arg(long)]
    insecure: bool,
    /// EPSG code to assume for files that carry none.
    #[arg(long, value_name = "EPSG")]
    crs: Option<i32>,
}

impl Access {
    fn options(&self) -> Result<UrlOptions, String> {
        let password = match &self.password_env {
            Some(var) => Some(std::env::var(var).map_err(|_| format!("--password-env: ${var} is not set"))?),
            None => None,
        };
        let ca_cert = match &self.ca_cert {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|err| format!("--ca-cert {}: {err}", path.display()))?,
            ),
            None => None,
        };
        Ok(UrlOptions {
            user: self.user.clone(),
            password,
            ca_cert,
            insecure: self.insecure,
            crs: self.crs,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("dallage: {err}");
            return ExitCode::from(2);
        }
    };
    dallage::init_logging(&config.log);
    dallage::init_gdal();
    dallage::init_tls();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("dallage: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("dallage: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Which tiles: set, levels, area, format.
#[derive(clap::Args)]
struct TileArgs {
    /// Tile matrix set (WebMercatorQuad, WorldCRS84Quad, LAMB93, 2154_5cm...).
    #[arg(long, default_value = "WebMercatorQuad")]
    tms: String,
    /// Levels, A-B or A.
    #[arg(long)]
    levels: String,
    /// Only within west,south,east,north (CRS:84).
    #[arg(long)]
    bbox: Option<String>,
    /// Only over the polygons of this GeoJSON file (CRS:84): a drawn area.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["commune", "epci", "departement"])]
    area: Option<PathBuf>,
    /// Only over this commune (INSEE code; its boundary imported with import-boundaries).
    #[arg(long, value_name = "INSEE", conflicts_with_all = ["epci", "departement"])]
    commune: Option<String>,
    /// Only over this EPCI (SIREN): its own boundary, or its communes'.
    #[arg(long, value_name = "SIREN", conflicts_with = "departement")]
    epci: Option<String>,
    /// Only over this département (code): its own boundary, or its communes'.
    #[arg(long, value_name = "CODE")]
    departement: Option<String>,
    /// jpeg, png, webp or jpeg-png.
    #[arg(long, default_value = "jpeg")]
    format: String,
}

impl TileArgs {
    /// The territory asked for, as `kind:code`.
    fn territory(&self) -> Option<String> {
        // clap lets only one of them through.
        dallage::download::boundaries::named_territories(
            self.commune.as_deref(),
            self.epci.as_deref(),
            self.departement.as_deref(),
        )
        .into_iter()
        .next()
    }

    /// The plan with its area, for a territory, read from the catalogue's boundaries.
    async fn with_territory(
        &self,
        mut plan: dallage::tiles::seed::SeedPlan,
        catalog: &dallage::catalog::Catalog,
    ) -> Result<dallage::tiles::seed::SeedPlan, Error> {
        if let Some(territory) = self.territory() {
            plan.area = Some(dallage::download::boundaries::area_of(catalog, &territory).await?);
        }
        Ok(plan)
    }

    fn plan(&self, layer: &str) -> Result<dallage::tiles::seed::SeedPlan, Error> {
        use dallage::tiles::seed::{parse_area, parse_levels, SeedPlan};
        let levels = parse_levels(&self.levels)
            .ok_or_else(|| Error::Usage(format!("--levels {}: expected A-B or A", self.levels)))?;
        let bbox = match &self.bbox {
            Some(text) => Some(
                parse_area(text)
                    .ok_or_else(|| Error::Usage(format!("--bbox {text}: expected west,south,east,north")))?,
            ),
            None => None,
        };
        let format = dallage::raster::Format::parse(&self.format).ok_or_else(|| {
            Error::Usage(format!(
                "--format {}: expected jpeg, png, webp or jpeg-png",
                self.format
            ))
        })?;
        let area = match &self.area {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|err| Error::Usage(format!("--area {}: {err}", path.display())))?;
                let value: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|err| Error::Usage(format!("--area {}: not JSON: {err}", path.display())))?;
                Some(
                    dallage::tiles::area::Area::from_geojson(&value)
                        .map_err(|err| Error::Usage(format!("--area {}: {err}", path.display())))?,
                )
            }
            None => None,
        };
        Ok(SeedPlan {
            layer: layer.to_string(),
            tms: self.tms.clone(),
            levels,
            bbox,
            area,
            format,
        })
    }
}

/// The state with every mosaic built, for commands that draw tiles without serving.
async fn open_with_mosaics(config: Config) -> Result<http::AppState, Error> {
    let state = dallage::open_state(config).await?;
    state
        .mosaics()
        .rebuild_all()
        .await
        .map_err(|err| Error::Usage(err.to_string()))?;
    Ok(state)
}

async fn run(command: Command, mut config: Config) -> Result<(), Error> {
    match command {
        Command::Seed {
            layer,
            tiles,
            truncate,
        } => {
            let plan = tiles.plan(&layer)?;
            let state = open_with_mosaics(config).await?;
            let plan = tiles.with_territory(plan, state.catalog()).await?;
            let result = tile_cli::seed(state.tiles(), &plan, truncate).await;
            state.catalog().close().await;
            result
        }
        Command::CacheSize {
            layer,
            tiles,
            sample,
            json,
        } => {
            let plan = tiles.plan(&layer)?;
            let state = open_with_mosaics(config).await?;
            let plan = tiles.with_territory(plan, state.catalog()).await?;
            let estimate = dallage::tiles::size::estimate(state.tiles(), &plan, sample.max(2))
                .await
                .map_err(|err| Error::Usage(err.to_string()))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&estimate).unwrap_or_default());
            } else {
                print!("{}", tile_cli::describe_estimate(&estimate));
            }
            state.catalog().close().await;
            Ok(())
        }
        Command::ImportBoundaries {
            file,
            kind,
            layer,
            crs,
        } => {
            let kind = dallage::catalog::TerritoryKind::parse(&kind).ok_or_else(|| {
                Error::Usage(format!("--kind {kind}: expected commune, epci or departement"))
            })?;
            let state = dallage::open_state(config).await?;
            let result = dallage::download::boundaries::import(&state, &file, kind, layer, crs).await;
            state.catalog().close().await;
            print!("{}", result?);
            Ok(())
        }
        Command::Config => {
            println!("{config:#?}");
            Ok(())
        }
        Command::Fixtures { dir, field, many } => {
            tokio::task::spawn_blocking(move || match (field, many) {
                (true, _) => demo::write_field_fixtures(&dir),
                (false, Some(count)) => demo::write_many_dalles(&dir, count),
                (false, None) => demo::write_scanner_fixtures(&dir),
            })
            .await
            .map_err(|err| Error::Usage(err.to_string()))??;
            Ok(())
        }
        Command::Serve { listen, access, urls } => {
            if let Some(listen) = listen {
                config.server.listen = listen;
            }
            let options = access.options().map_err(Error::Usage)?;
            let state = dallage::open_state(config).await?;
            state.scanner().recover().await?;
            state.start_mosaics().await;
            let mut livrables = Vec::new();
            for url in &urls {
                livrables.push(scan_cli::register_url(state.catalog(), url, &options).await?);
            }
            for livrable in &livrables {
                let scan = state.scanner().scan_to_end(livrable.id, "startup").await?;
                tracing::info!(livrable = %livrable.slug, state = %scan.state, "storage scanned");
                // Ready means served: build the mosaic now rather than when the event arrives.
                if let Err(err) = state.mosaics().rebuild(livrable.id).await {
                    tracing::warn!(livrable = %livrable.slug, error = %err, "mosaic not built");
                }
            }
            state
                .scanner()
                .spawn_scheduler(std::time::Duration::from_secs(60));
            state.set_ready(true);
            serve(state, &[]).await
        }
        Command::Scan {
            url,
            access,
            json,
            keep,
        } => {
            let options = access.options().map_err(Error::Usage)?;
            let scratch = tempfile::tempdir()?;
            if !keep {
                config.catalog.url = format!("sqlite://{}/scan.db", scratch.path().display());
                config.data.dir = scratch.path().to_path_buf();
            }
            let state = dallage::open_state(config).await?;
            let scan = scan_cli::scan_url(state.scanner(), state.catalog(), &url, &options).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&scan_cli::report(&scan)).unwrap_or_default()
                );
            } else {
                print!("{}", scan_cli::human_report(&scan));
            }
            state.catalog().close().await;
            match scan.state {
                dallage::catalog::ScanState::Done => Ok(()),
                other => Err(Error::Usage(format!(
                    "the scan ended {other}: {}",
                    scan.message.unwrap_or_default()
                ))),
            }
        }
        Command::Demo { listen, no_serve } => {
            if let Some(listen) = listen {
                config.server.listen = listen;
            }
            let data_dir = config.data.dir.clone();
            let state = dallage::open_state(config).await?;
            tracing::info!(dir = %data_dir.join("demo").display(), "preparing the demo deliverables");
            let files = state
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
            let project = demo::register(state.catalog(), &files).await?;
            tracing::info!(project = %project.slug, "demo project registered");
            state.scanner().recover().await?;
            state.start_mosaics().await;
            for livrable in state.catalog().project_livrables(project.id).await? {
                let scan = state.scanner().scan_to_end(livrable.id, "startup").await?;
                tracing::info!(livrable = %livrable.slug, state = %scan.state, files = scan.files_listed, "demo deliverable scanned");
                if let Err(err) = state.mosaics().rebuild(livrable.id).await {
                    tracing::warn!(livrable = %livrable.slug, error = %err, "mosaic not built");
                }
            }
            state
                .scanner()
                .spawn_scheduler(std::time::Duration::from_secs(60));
            state.set_ready(true);
            if no_serve {
                return Ok(());
            }
            serve(state, &[format!("/api/projects/{}", project.slug)]).await
        }
    }
}

async fn serve(state: http::AppState, extra_paths: &[String]) -> Result<(), Error> {
    let catalog = state.catalog().clone();
    let state_scanner = state.scanner().clone();
    let bound = http::bind(state)?;
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
    let scanner = state_scanner;
    bound.run().await?;
    scanner.shutdown();
    catalog.close().await;
    tracing::info!("stopped");
    Ok(())
}
