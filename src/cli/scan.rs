//! Scanning from the command line: `dallage scan URL` (a scan without a server, in a throwaway
//! catalogue unless `--keep`) and the storages given to `dallage serve URL...`.

use std::io::IsTerminal;
use std::time::Duration;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{
    Acteur, ActeurRole, Catalog, CatalogError, Etape, EtapeStatut, Licence, Livrable, LivrableInput,
    LivrableNature, ProjectInput, ProjectNature, Regime, ScanRecord, ScanState, StorageInput, StorageType,
};
use crate::scan::summary::{Broken, Conformity, Footprint, PhaseSeconds, ReadCounts, Summary};
use crate::scan::{ScanError, Scanner};
use crate::storage::StorageSpec;

/// How to reach a storage given by URL.
#[derive(Debug, Clone, Default)]
pub struct UrlOptions {
    /// Login (overrides the one in the URL).
    pub user: Option<String>,
    /// Password (read from an environment variable by the caller).
    pub password: Option<String>,
    /// A certificate to trust (PEM text).
    pub ca_cert: Option<String>,
    /// Accept any certificate.
    pub insecure: bool,
    /// EPSG code to assume for files without one.
    pub crs: Option<i32>,
}

/// The storage declaration a URL stands for.
pub fn storage_input(url: &str, options: &UrlOptions) -> Result<StorageInput, ScanError> {
    let spec = StorageSpec::from_url("cli", url).map_err(|err| ScanError::Spec(err.0))?;
    let username = options
        .user
        .clone()
        .or_else(|| spec.username.as_ref().map(|u| u.expose().to_string()));
    Ok(StorageInput {
        kind: spec.kind,
        url: (spec.kind == StorageType::Http)
            .then(|| spec.url.as_ref().map(|u| u.to_string()))
            .flatten(),
        host: matches!(spec.kind, StorageType::Ftp | StorageType::Sftp).then(|| spec.host.clone()),
        port: matches!(spec.kind, StorageType::Ftp | StorageType::Sftp).then_some(i32::from(spec.port)),
        path: (spec.kind != StorageType::Http).then(|| spec.root.clone()),
        username,
        password: options.password.clone(),
        private_key: None,
        secure: false,
        tls: (spec.kind == StorageType::Ftp).then_some(spec.tls),
        tls_insecure: options.insecure,
        tls_ca_cert: options.ca_cert.clone(),
        credentials_public: false,
        download_allowed: true,
        scan_interval: None,
    })
}

const CLI_PROJECT: &str = "Livrables servis en ligne de commande";

/// The project holding deliverables registered from the command line, created when missing.
pub async fn cli_project(catalog: &Catalog) -> Result<crate::catalog::Project, CatalogError> {
    let slug = crate::catalog::slugify(CLI_PROJECT);
    match catalog.project_by_slug(&slug).await {
        Ok(project) => Ok(project),
        Err(CatalogError::NotFound { .. }) => {
            catalog
                .create_project(&ProjectInput {
                    nom: CLI_PROJECT.into(),
                    regime: Regime::Production,
                    nature: ProjectNature::Mixte,
                    perimetres: vec!["departement:69".into()],
                    etapes: vec![Etape {
                        statut: EtapeStatut::Disponible,
                        date_debut: crate::catalog::today(),
                        jalons: Vec::new(),
                    }],
                    acteurs: vec![Acteur {
                        siren: "356000000".into(),
                        nom: Some("Opérateur dallage".into()),
                        interlocuteur: None,
                        mail: None,
                        telephone: None,
                        role: ActeurRole::Porteur,
                        finance_part_perc: None,
                        finance_part_euro: None,
                    }],
                    subventions: vec![],
                })
                .await
        }
        Err(err) => Err(err),
    }
}

/// Registers a storage URL as a deliverable (named after its last path segment) of the
/// command-line project, or finds the one registered before.
pub async fn register_url(catalog: &Catalog, url: &str, options: &UrlOptions) -> Result<Livrable, ScanError> {
    let input = storage_input(url, options)?;
    let project = cli_project(catalog).await?;
    let name = url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && !s.contains(':'))
        .map(|s| crate::storage::listing::decode_entities(&crate::storage::percent_decode(s)))
        .unwrap_or_else(|| "racine".into());
    let existing = catalog.project_livrables(project.id).await?;
    let livrable = match existing.into_iter().find(|l| l.nom == name) {
        Some(livrable) => livrable,
        None => {
            catalog
                .create_livrable(
                    project.id,
                    &LivrableInput {
                        nom: name,
                        nature: LivrableNature::Jpeg2000,
                        licence: Licence::OuvertLo,
                        diffusion: None,
                        date_livraison: None,
                        avancement: None,
                        crs: options.crs,
                        style: None,
                    },
                )
                .await?
        }
    };
    catalog.declare_storage(livrable.id, &input).await?;
    Ok(livrable)
}

/// Scans `url` into a throwaway catalogue and returns the finished scan. Shows a progress bar
/// on a terminal.
pub async fn scan_url(
    scanner: &Scanner,
    catalog: &Catalog,
    url: &str,
    options: &UrlOptions,
) -> Result<ScanRecord, ScanError> {
    let livrable = register_url(catalog, url, options).await?;
    let started = scanner.start(livrable.id, "cli").await?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    loop {
        let scan = catalog.scan(started.id).await?;
        if let Some(bar) = &bar {
            bar.set_message(format!(
                "{}: {} files listed, {} images probed",
                scan.state, scan.files_listed, scan.files_probed
            ));
        }
        if scanner.running_scan(livrable.id).is_none()
            && !matches!(
                scan.state,
                ScanState::Queued | ScanState::Listing | ScanState::Probing
            )
        {
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            return Ok(scan);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The summary and conformity report of a finished scan, read back from the catalogue.
fn reports(scan: &ScanRecord) -> (Option<Summary>, Option<Conformity>) {
    fn read<T: serde::de::DeserializeOwned>(value: &Option<Value>) -> Option<T> {
        value.clone().and_then(|v| serde_json::from_value(v).ok())
    }
    (read(&scan.summary), read(&scan.conformity))
}

/// The JSON report of `dallage scan --json`.
#[derive(Serialize)]
pub struct ScanReport {
    state: ScanState,
    message: Option<String>,
    files: u64,
    dalles: usize,
    format: Option<String>,
    projection: Option<String>,
    epsg: Option<i32>,
    bytes: u64,
    bands: Option<Vec<String>>,
    resolution: Option<f64>,
    footprint: Option<Footprint>,
    files_by_class: BTreeMap<String, usize>,
    conformity: Option<Conformity>,
    errors: Vec<Broken>,
    read: Option<ReadCounts>,
    seconds: Option<PhaseSeconds>,
}

/// The report of `scan`: its summary's figures, or the counters of a scan that ended early.
pub fn report(scan: &ScanRecord) -> ScanReport {
    let (summary, conformity) = reports(scan);
    let summary = summary.unwrap_or_default();
    ScanReport {
        state: scan.state,
        message: scan.message.clone(),
        files: if summary.files > 0 {
            summary.files as u64
        } else {
            scan.files_listed.max(0) as u64
        },
        dalles: summary.dalles,
        format: summary.format,
        projection: summary.projection,
        epsg: summary.epsg,
        bytes: if summary.files > 0 {
            summary.bytes
        } else {
            scan.bytes_listed.max(0) as u64
        },
        bands: summary.bands,
        resolution: summary.resolution,
        footprint: summary.footprint,
        files_by_class: summary.files_by_class,
        conformity,
        errors: summary.broken,
        read: summary.read,
        seconds: summary.seconds,
    }
}

/// The human report of `dallage scan`, in the manner of pcrs.beta.gouv.fr's "Scan" box.
pub fn human_report(scan: &ScanRecord) -> String {
    let (summary, conformity) = reports(scan);
    let summary = summary.unwrap_or_default();
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "—".to_string());
    let mut out = String::new();
    out.push_str(&format!(
        "Scan {} ({})\n",
        scan.state,
        scan.finished_at.as_deref().unwrap_or("not finished")
    ));
    if let Some(message) = &scan.message {
        out.push_str(&format!("  note       : {message}\n"));
    }
    let bytes = summary.bytes;
    for (label, value) in [
        (
            "nature",
            or_dash(Some(summary.nature.clone()).filter(|n| !n.is_empty())),
        ),
        ("format", or_dash(summary.format.clone())),
        ("dalles", summary.dalles.to_string()),
        ("projection", or_dash(summary.projection.clone())),
        ("poids", format!("{:.2} Go ({bytes} octets)", bytes as f64 / 1e9)),
        ("bandes", or_dash(summary.bands.as_ref().map(|b| b.join(" ")))),
        (
            "résolution",
            or_dash(summary.resolution.map(|r| format!("{r} m"))),
        ),
        ("fichiers", summary.files.to_string()),
    ] {
        out.push_str(&format!("  {label:<11}: {value}\n"));
    }
    if !summary.files_by_class.is_empty() {
        let list: Vec<String> = summary
            .files_by_class
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out.push_str(&format!("  par classe : {}\n", list.join(", ")));
    }
    if !summary.broken.is_empty() {
        out.push_str("  illisibles :\n");
        for item in &summary.broken {
            out.push_str(&format!("    {} — {}\n", item.path, item.reason));
        }
    }
    if let Some(conformity) = conformity {
        let verdict = match conformity.conform {
            Some(true) => "conforme",
            Some(false) => "non conforme",
            None => "sans objet",
        };
        out.push_str(&format!("Conformité PCRS : {verdict}\n"));
        for check in &conformity.checks {
            out.push_str(&format!(
                "  [{:<7}] {}: {}\n",
                check.status, check.title, check.detail
            ));
        }
    }
    out
}
