//! `dallage import-gml FILE…`: imports vector PCRS files into a deliverable and prints what
//! each held, what was repaired, and how fast.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::catalog::{Catalog, CatalogError, Licence, Livrable, LivrableInput, LivrableNature};
use crate::config::Config;
use crate::vector::{import_file, FileIdentity, FileReport, ImportOptions, XmlLimits};
use crate::Error;

/// Deepest folder followed when a directory is given.
const MAX_DEPTH: u32 = 12;

/// What `import-gml` was asked.
pub struct ImportGml {
    /// Files or folders (searched for `.gml`).
    pub paths: Vec<PathBuf>,
    /// Deliverable id or slug; else one named after the first file's folder.
    pub livrable: Option<String>,
    /// EPSG code of geometries that name none.
    pub crs: Option<u32>,
    /// Import files that look unchanged too.
    pub force: bool,
    /// Print the reports as JSON.
    pub json: bool,
}

/// Runs `import-gml`.
pub async fn import_gml(config: Config, request: ImportGml) -> Result<(), Error> {
    let files = gml_files(&request.paths)?;
    if files.is_empty() {
        return Err(Error::Usage("no .gml file among the paths given".into()));
    }
    let limits = XmlLimits::from_config(&config.limits);
    let services = crate::open_state(config).await?;
    let catalog = services.catalog().clone();
    let outcome = import_all(&catalog, &files, &request, limits).await;
    catalog.close().await;
    outcome
}

async fn import_all(
    catalog: &Catalog,
    files: &[PathBuf],
    request: &ImportGml,
    limits: XmlLimits,
) -> Result<(), Error> {
    let livrable = target_livrable(catalog, request.livrable.as_deref(), &files[0]).await?;
    let options = ImportOptions {
        limits,
        default_srid: request
            .crs
            .or(livrable.crs.and_then(|crs| u32::try_from(crs).ok())),
        force: request.force,
    };
    let started = Instant::now();
    let mut reports: Vec<FileReport> = Vec::new();
    let mut failures = Vec::new();
    for file in files {
        let key = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        let imported = match FileIdentity::of_local(file, &key.to_string_lossy()) {
            Ok(identity) => import_file(catalog, livrable.id, file, &identity, options).await,
            Err(err) => Err(err),
        };
        match imported {
            Ok(report) => {
                if !request.json {
                    println!("{}", describe(&report));
                }
                reports.push(report);
            }
            Err(err) => {
                eprintln!("{err}");
                failures.push(err.to_string());
            }
        }
    }
    let imported: u64 = reports.iter().filter(|r| !r.unchanged).map(|r| r.features).sum();
    let seconds = started.elapsed().as_secs_f64();
    if request.json {
        let document = serde_json::json!({
            "livrable": livrable.slug,
            "files": reports,
            "failures": failures,
            "seconds": seconds,
        });
        println!("{}", serde_json::to_string_pretty(&document).unwrap_or_default());
    } else {
        println!(
            "deliverable {}: {} file(s), {imported} features imported in {seconds:.2} s ({:.0} features/s), {} failed",
            livrable.slug,
            reports.len(),
            imported as f64 / seconds.max(1e-9),
            failures.len()
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{} file(s) could not be imported",
            failures.len()
        )))
    }
}

/// One line per file, then its notices.
fn describe(report: &FileReport) -> String {
    if report.unchanged {
        return format!(
            "{}: unchanged since its import ({} features)",
            report.path, report.features
        );
    }
    let classes: Vec<String> = report
        .classes
        .iter()
        .map(|(class, count)| format!("{class} {count}"))
        .collect();
    let mut text = format!(
        "{}: {} features ({}), {} with z, {} without geometry, {} notice(s)",
        report.path,
        report.features,
        classes.join(", "),
        report.with_z,
        report.without_geometry,
        report.notice_count
    );
    for notice in &report.notices {
        text.push_str(&format!("\n  {}: {}", notice.feature, notice.message));
    }
    if let Some(validation) = &report.validation {
        text.push_str(&format!(
            "\n  CNIG PCRS v2.0: {} of {} features conform",
            validation.conforming, validation.checked
        ));
        for finding in &validation.findings {
            text.push_str(&format!(
                "\n    {} {} {}: {} (first: {})",
                finding.rule,
                finding.class,
                finding.detail,
                finding.count,
                finding.first.join(", ")
            ));
        }
    }
    if report.notice_count > report.notices.len() as u64 {
        text.push_str(&format!(
            "\n  … and {} more",
            report.notice_count - report.notices.len() as u64
        ));
    }
    text
}

/// The deliverable named by id or slug, or the command-line project's GML deliverable named
/// after the folder of `first`.
async fn target_livrable(catalog: &Catalog, wanted: Option<&str>, first: &Path) -> Result<Livrable, Error> {
    if let Some(wanted) = wanted {
        let found = match wanted.parse::<i64>() {
            Ok(id) => catalog.livrable(id).await,
            Err(_) => catalog.livrable_by_slug(wanted).await,
        };
        return found.map_err(|err| match err {
            CatalogError::NotFound { .. } => {
                Error::Usage(format!("--livrable {wanted}: no such deliverable"))
            }
            other => other.into(),
        });
    }
    let folder = std::fs::canonicalize(first)
        .ok()
        .and_then(|path| {
            path.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "vecteur".into());
    let project = super::scan::cli_project(catalog).await?;
    let existing = catalog.project_livrables(project.id).await?;
    if let Some(livrable) = existing
        .into_iter()
        .find(|l| l.nom == folder && l.nature == LivrableNature::Gml)
    {
        return Ok(livrable);
    }
    Ok(catalog
        .create_livrable(
            project.id,
            &LivrableInput {
                nom: folder,
                nature: LivrableNature::Gml,
                licence: Licence::OuvertLo,
                diffusion: None,
                date_livraison: None,
                avancement: None,
                crs: None,
                style: None,
            },
        )
        .await?)
}

/// The files given, folders searched for `.gml` files (sorted).
fn gml_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = super::walk(path, MAX_DEPTH)
                .into_iter()
                .filter(|file| {
                    file.extension()
                        .is_some_and(|ext| ext.eq_ignore_ascii_case("gml"))
                })
                .collect();
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(Error::Usage(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
    }
    Ok(files)
}

/// `dallage styles check DIR`: reads every SLD of the folder and prints its styles per feature
/// class; the first file that does not parse fails with its name and line.
pub fn styles_check(dir: &Path) -> Result<(), Error> {
    let files = crate::vector::style::check_dir(dir)?;
    if files.is_empty() {
        return Err(Error::Usage(format!("{}: no .sld or .xml file", dir.display())));
    }
    for (file, styles) in &files {
        println!("{file}: {} style(s)", styles.len());
        for style in styles {
            let rules = style.rules().count();
            let default = if style.is_default { ", default" } else { "" };
            println!("  {} / {}: {rules} rule(s){default}", style.class, style.name);
        }
    }
    Ok(())
}
