//! `dallage download`: a territory's dalles as one ZIP written from the catalogue, the same
//! archive `/download/zip` streams, with a progress bar and time left on a terminal. The file is
//! written as `OUT.part` (its archive's ETag beside it, in `OUT.part.etag`) and renamed when
//! whole: the same command run again continues a partial file of the same archive.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use crate::download::{self, boundaries, Archive, SelectionRequest, Since, VectorOutput};
use crate::services::Services;
use crate::vector::ExportFormat;
use crate::Error;

/// What `dallage download` was asked.
#[derive(Debug, Clone, Default)]
pub struct DownloadArgs {
    /// Commune INSEE code.
    pub commune: Option<String>,
    /// EPCI SIREN.
    pub epci: Option<String>,
    /// Département code.
    pub departement: Option<String>,
    /// CRS:84 box, `west,south,east,north`.
    pub bbox: Option<String>,
    /// A polygon (GeoJSON or WKT), in `area_crs` when given.
    pub area: Option<String>,
    /// EPSG code of `area`.
    pub area_crs: Option<u32>,
    /// Format of vector deliverables (`gpkg`, `gml`, `geojson`, `shp`).
    pub format: Option<String>,
    /// EPSG code vector deliverables are written in.
    pub crs: Option<u32>,
    /// Deliverables, by id or slug.
    pub livrables: Vec<String>,
    /// A project, by id or slug.
    pub project: Option<String>,
    /// `scan:N` or a date.
    pub since: Option<String>,
    /// The archive to write.
    pub output: Option<PathBuf>,
    /// Only say what would be downloaded.
    pub dry_run: bool,
}

/// Runs `dallage download`.
pub async fn download(config: crate::config::Config, args: DownloadArgs) -> Result<(), Error> {
    let timeout = config.limits.storage_timeout.0;
    let services = crate::open_state(config).await?;
    let result = run(&services, args, timeout).await;
    services.catalog().close().await;
    result
}

async fn request_of(services: &Services, args: &DownloadArgs) -> Result<SelectionRequest, Error> {
    let usage = Error::Usage;
    let mut request = SelectionRequest {
        livrables: args.livrables.clone(),
        project: args.project.clone(),
        ..SelectionRequest::default()
    };
    if let Some(text) = &args.bbox {
        let numbers: Vec<f64> = text.split(',').filter_map(|n| n.trim().parse().ok()).collect();
        let [w, s, e, n] = numbers[..] else {
            return Err(usage(format!(
                "--bbox {text}: expected west,south,east,north in CRS:84"
            )));
        };
        request.bbox = Some([w, s, e, n]);
    }
    if let Some(text) = &args.area {
        request.area = Some(
            download::area_from_text(text, args.area_crs).map_err(|err| usage(format!("--area: {err}")))?,
        );
    }
    let named = boundaries::named_territories(
        args.commune.as_deref(),
        args.epci.as_deref(),
        args.departement.as_deref(),
    );
    match named.as_slice() {
        [] => {}
        [one] if request.area.is_none() => {
            request.area = Some(boundaries::area_of(services.catalog(), one).await?)
        }
        _ => {
            return Err(usage(
                "give one of --commune, --epci, --departement or --area".into(),
            ))
        }
    }
    if let Some(text) = &args.since {
        request.since = Some(Since::parse(text).map_err(usage)?);
    }
    Ok(request)
}

async fn run(services: &Services, args: DownloadArgs, timeout: Duration) -> Result<(), Error> {
    let request = request_of(services, &args).await?;
    // The command line has no server that built the vector collections: it builds them.
    services
        .vectors()
        .rebuild_all()
        .await
        .map_err(|err| Error::Usage(format!("reading the vector deliverables: {err}")))?;
    // The command line reads the catalogue itself: it may download every deliverable.
    let selections = download::select(services.catalog(), services.vectors(), &request, |_| true)
        .await
        .map_err(|err| Error::Usage(err.to_string()))?;
    if selections.is_empty() {
        return Err(Error::Usage(
            "no dalle nor feature of a deliverable meets that place".into(),
        ));
    }
    let vector = vector_output(&args)?;
    for selection in &selections {
        let formats: Vec<String> = selection
            .by_format()
            .into_iter()
            .map(|(ext, (files, bytes))| format!("{files} .{ext} ({})", megabytes(bytes)))
            .collect();
        eprintln!(
            "{}: {} dalles, {} files, {} — {}",
            selection.livrable.slug,
            selection.images(),
            selection.files.len(),
            megabytes(selection.bytes()),
            formats.join(", ")
        );
        for (class, count) in selection.features() {
            eprintln!("  {class}: {count} features");
        }
    }
    let extracts = if args.dry_run {
        Default::default()
    } else {
        let shape = request.shape();
        download::write_extracts(
            &selections,
            shape.as_ref(),
            vector,
            crate::raster::crs::transform_points,
        )
        .map_err(|err| Error::Usage(err.to_string()))?
    };
    let archive = Arc::new(Archive::new(selections, extracts));
    eprintln!(
        "archive: {} dalles, {}",
        archive.images(),
        megabytes(archive.len())
    );
    if args.dry_run {
        return Ok(());
    }
    let output = args
        .output
        .clone()
        .ok_or_else(|| Error::Usage("-o OUT.zip is needed (or --dry-run)".into()))?;
    write_archive(services, archive, &output, timeout).await
}

/// `--format` and `--crs` for vector deliverables.
fn vector_output(args: &DownloadArgs) -> Result<VectorOutput, Error> {
    let mut output = VectorOutput::default();
    if let Some(text) = &args.format {
        output.format = ExportFormat::parse(text)
            .ok_or_else(|| Error::Usage(format!("--format {text}: expected {}", ExportFormat::NAMES)))?;
    }
    if let Some(epsg) = args.crs {
        crate::raster::crs::spatial_ref(epsg)
            .ok_or_else(|| Error::Usage(format!("--crs {epsg}: not an EPSG code this server knows")))?;
        output.epsg = Some(epsg);
    }
    Ok(output)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes (or continues) the archive into `output`.
async fn write_archive(
    services: &Services,
    archive: Arc<Archive>,
    output: &Path,
    timeout: Duration,
) -> Result<(), Error> {
    let io = |err: std::io::Error| Error::Usage(format!("{}: {err}", output.display()));
    let part = with_suffix(output, ".part");
    let etag_file = with_suffix(output, ".part.etag");
    let same_archive = std::fs::read_to_string(&etag_file).is_ok_and(|etag| etag.trim() == archive.etag());
    let start = match std::fs::metadata(&part) {
        Ok(found) if same_archive && found.len() <= archive.len() => found.len(),
        _ => 0,
    };
    if start > 0 {
        eprintln!("continuing {} from {}", part.display(), megabytes(start));
    }
    std::fs::write(&etag_file, archive.etag()).map_err(io)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(start > 0)
        .truncate(start == 0)
        .open(&part)
        .map_err(io)?;
    let total = archive.len();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes}, {bytes_per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar.set_position(start);
        bar
    });
    let mut stream = Box::pin(
        archive
            .clone()
            .stream(services.catalog().clone(), timeout, start..total),
    );
    let mut written = start;
    let mut last_line = Instant::now();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| {
            Error::Usage(format!(
                "{err}; {} kept: run the same command again to continue",
                part.display()
            ))
        })?;
        file.write_all(&chunk).map_err(io)?;
        written += chunk.len() as u64;
        match &bar {
            Some(bar) => bar.set_position(written),
            None if last_line.elapsed() > Duration::from_secs(5) => {
                eprintln!("download: {} of {}", megabytes(written), megabytes(total));
                last_line = Instant::now();
            }
            None => {}
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    file.sync_all().map_err(io)?;
    if written != total {
        return Err(Error::Usage(format!(
            "{} holds {written} of {total} bytes; run the same command again to continue",
            part.display()
        )));
    }
    std::fs::rename(&part, output).map_err(io)?;
    let _ = std::fs::remove_file(&etag_file);
    println!(
        "{}: {} dalles, {}",
        output.display(),
        archive.images(),
        megabytes(total)
    );
    Ok(())
}
