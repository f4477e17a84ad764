//! The `dallage` command line: parse, load the configuration, call the command in
//! `dallage::cli`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use dallage::cli::{self, TileSelection, UrlOptions};
use dallage::config::Config;
use dallage::Error;

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
    /// Download the dalles of a commune, an EPCI, a département, an area or whole deliverables
    /// as one ZIP, from the catalogue; run again to continue a partial file
    Download {
        /// Commune INSEE code (its boundary imported).
        #[arg(long)]
        commune: Option<String>,
        /// EPCI SIREN.
        #[arg(long)]
        epci: Option<String>,
        /// Département code.
        #[arg(long)]
        departement: Option<String>,
        /// A CRS:84 box: west,south,east,north.
        #[arg(long, allow_hyphen_values = true)]
        bbox: Option<String>,
        /// A polygon: GeoJSON, or WKT POLYGON / MULTIPOLYGON.
        #[arg(long)]
        area: Option<String>,
        /// EPSG code of --area when it is not CRS:84.
        #[arg(long, value_name = "EPSG")]
        area_crs: Option<u32>,
        /// Vector deliverables as gpkg (default), gml, geojson or shp.
        #[arg(long)]
        format: Option<String>,
        /// EPSG code vector deliverables are written in (default: as stored).
        #[arg(long, value_name = "EPSG")]
        crs: Option<u32>,
        /// Deliverable id or slug (repeatable; default: every deliverable).
        #[arg(long, value_name = "ID")]
        livrable: Vec<String>,
        /// Every deliverable of this project (id or slug).
        #[arg(long, value_name = "SLUG")]
        project: Option<String>,
        /// Only what scans found new or changed since: scan:N, YYYY-MM-DD or RFC 3339.
        #[arg(long)]
        since: Option<String>,
        /// The ZIP to write (continued when OUT.part of the same archive is there).
        #[arg(short = 'o', long, value_name = "OUT.zip")]
        output: Option<PathBuf>,
        /// Only say what would be downloaded.
        #[arg(long)]
        dry_run: bool,
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
    /// Import vector PCRS (CNIG GML) files into a deliverable; folders are searched for .gml
    /// files. A file unchanged since its import is skipped; a changed one replaces its features.
    ImportGml {
        /// GML files or folders.
        #[arg(required = true, value_name = "FILE")]
        paths: Vec<PathBuf>,
        /// Deliverable id or slug (default: one named after the first file's folder).
        #[arg(long, value_name = "ID")]
        livrable: Option<String>,
        /// EPSG code of geometries that name no CRS.
        #[arg(long, value_name = "EPSG")]
        crs: Option<u32>,
        /// Import files that look unchanged too.
        #[arg(long)]
        force: bool,
        /// Print the reports as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Map styles (SLD 1.0 / 1.1 with Symbology Encoding).
    Styles {
        #[command(subcommand)]
        action: StylesAction,
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
    /// Decode random 256² windows at full resolution from the JPEG 2000 files of a folder with
    /// OpenJPEG alone, and print the CPU each took: the floor the benchmarks compare with.
    #[command(hide = true)]
    DecodeFloor {
        /// Folder holding the JPEG 2000 files (searched two levels deep).
        dir: PathBuf,
        /// Windows to decode.
        #[arg(long, default_value_t = 200)]
        count: usize,
        /// Seed of the positions.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Side of the windows, in pixels.
        #[arg(long, default_value_t = 256)]
        side: u32,
    },
}

/// What to do with styles.
#[derive(Subcommand)]
enum StylesAction {
    /// Check every .sld / .xml file of a folder: prints the styles of each, or fails with the
    /// file and line of the first that does not parse.
    Check {
        /// Folder of SLD files.
        dir: PathBuf,
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
    for note in &config.deprecated {
        tracing::warn!("{note}");
    }
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
    /// The selection the arguments name.
    fn selection(&self) -> TileSelection {
        TileSelection {
            tms: self.tms.clone(),
            levels: self.levels.clone(),
            bbox: self.bbox.clone(),
            area: self.area.clone(),
            // clap lets only one of them through.
            territory: dallage::download::boundaries::named_territories(
                self.commune.as_deref(),
                self.epci.as_deref(),
                self.departement.as_deref(),
            )
            .into_iter()
            .next(),
            format: self.format.clone(),
        }
    }
}

async fn run(command: Command, mut config: Config) -> Result<(), Error> {
    match command {
        Command::Seed {
            layer,
            tiles,
            truncate,
        } => cli::seed(config, &layer, &tiles.selection(), truncate).await,
        Command::CacheSize {
            layer,
            tiles,
            sample,
            json,
        } => cli::cache_size(config, &layer, &tiles.selection(), sample, json).await,
        Command::ImportBoundaries {
            file,
            kind,
            layer,
            crs,
        } => cli::import_boundaries(config, &file, &kind, layer, crs).await,
        Command::Download {
            commune,
            epci,
            departement,
            bbox,
            area,
            area_crs,
            format,
            crs,
            livrable,
            project,
            since,
            output,
            dry_run,
        } => {
            let args = cli::DownloadArgs {
                commune,
                epci,
                departement,
                bbox,
                area,
                area_crs,
                format,
                crs,
                livrables: livrable,
                project,
                since,
                output,
                dry_run,
            };
            cli::download(config, args).await
        }
        Command::ImportGml {
            paths,
            livrable,
            crs,
            force,
            json,
        } => {
            let request = cli::ImportGml {
                paths,
                livrable,
                crs,
                force,
                json,
            };
            cli::import_gml(config, request).await
        }
        Command::Styles {
            action: StylesAction::Check { dir },
        } => cli::styles_check(&dir),
        Command::Config => {
            println!("{config:#?}");
            Ok(())
        }
        Command::Fixtures { dir, field, many } => cli::fixtures(dir, field, many).await,
        Command::DecodeFloor {
            dir,
            count,
            seed,
            side,
        } => cli::decode_floor(&dir, count, seed, side),
        Command::Serve { listen, access, urls } => {
            if let Some(listen) = listen {
                config.server.listen = listen;
            }
            let options = access.options().map_err(Error::Usage)?;
            cli::serve(config, &urls, &options).await
        }
        Command::Scan {
            url,
            access,
            json,
            keep,
        } => {
            let options = access.options().map_err(Error::Usage)?;
            cli::scan_command(config, &url, &options, json, keep).await
        }
        Command::Demo { listen, no_serve } => {
            if let Some(listen) = listen {
                config.server.listen = listen;
            }
            cli::demo(config, no_serve).await
        }
    }
}
