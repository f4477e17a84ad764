//! The `dallage` command line: parse, load the configuration, call into the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use dallage::config::Config;
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
    /// Serve the catalogue and its deliverables.
    Serve {
        /// Address to listen on (overrides server.listen).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
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
    /// Print the effective configuration (secrets hidden) and exit.
    Config,
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

async fn run(command: Command, mut config: Config) -> Result<(), Error> {
    match command {
        Command::Config => {
            println!("{config:#?}");
            Ok(())
        }
        Command::Serve { listen } => {
            if let Some(listen) = listen {
                config.server.listen = listen;
            }
            let state = dallage::open_state(config).await?;
            state.set_ready(true);
            serve(state, &[]).await
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
    let bound = http::bind(state)?;
    let base = match bound.addresses().first() {
        Some(address) => format!("http://{address}"),
        None => String::from("http://?"),
    };
    println!("dallage is serving on {base}");
    println!("  health:          {base}/health");
    println!("  API:             {base}/api/projects");
    println!("  OpenAPI:         {base}/api/openapi.json");
    for path in extra_paths {
        println!("  demo project:    {base}{path}");
    }
    bound.run().await?;
    catalog.close().await;
    tracing::info!("stopped");
    Ok(())
}
