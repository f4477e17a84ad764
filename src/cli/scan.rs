//! Scanning from the command line: `dallage scan URL` (a scan without a server, in a throwaway
//! catalogue unless `--keep`) and the storages given to `dallage serve URL...`.

use std::io::IsTerminal;
use std::time::Duration;

use serde_json::{json, Value};

use crate::catalog::{
    Acteur, ActeurRole, Catalog, CatalogError, Etape, EtapeStatut, Licence, Livrable, LivrableInput,
    LivrableNature, ProjectInput, ProjectNature, Regime, ScanRecord, ScanState, StorageInput, StorageType,
};
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

/// Registers a storage URL as a deliverable (named after its last path segment) of the
/// command-line project, or finds the one registered before.
pub async fn register_url(catalog: &Catalog, url: &str, options: &UrlOptions) -> Result<Livrable, ScanError> {
    let input = storage_input(url, options)?;
    let slug = crate::catalog::slugify(CLI_PROJECT);
    let project = match catalog.project_by_slug(&slug).await {
        Ok(project) => project,
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
                .await?
        }
        Err(err) => return Err(err.into()),
    };
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

/// The JSON report of `dallage scan --json`.
pub fn report(scan: &ScanRecord) -> Value {
    let summary = scan.summary.clone().unwrap_or(Value::Null);
    json!({
        "state": scan.state,
        "message": scan.message,
        "files": summary.get("files").cloned().unwrap_or(json!(scan.files_listed)),
        "dalles": summary["dalles"],
        "format": summary["format"],
        "projection": summary["projection"],
        "epsg": summary["epsg"],
        "bytes": summary.get("bytes").cloned().unwrap_or(json!(scan.bytes_listed)),
        "bands": summary["bands"],
        "resolution": summary["resolution"],
        "footprint": summary["footprint"],
        "files_by_class": summary["files_by_class"],
        "conformity": scan.conformity,
        "errors": summary["broken"],
        "read": summary["read"],
        "seconds": summary["seconds"],
    })
}

/// The human report of `dallage scan`, in the manner of pcrs.beta.gouv.fr's "Scan" box.
pub fn human_report(scan: &ScanRecord) -> String {
    let summary = scan.summary.clone().unwrap_or(Value::Null);
    let text = |v: &Value| match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    };
    let mut out = String::new();
    out.push_str(&format!(
        "Scan {} ({})\n",
        scan.state,
        scan.finished_at.as_deref().unwrap_or("not finished")
    ));
    if let Some(message) = &scan.message {
        out.push_str(&format!("  note       : {message}\n"));
    }
    let bytes = summary["bytes"].as_f64().unwrap_or(0.0);
    for (label, value) in [
        ("nature", text(&summary["nature"])),
        ("format", text(&summary["format"])),
        ("dalles", text(&summary["dalles"])),
        ("projection", text(&summary["projection"])),
        (
            "poids",
            format!("{:.2} Go ({} octets)", bytes / 1e9, bytes as u64),
        ),
        ("bandes", text(&summary["bands"])),
        (
            "résolution",
            summary["resolution"]
                .as_f64()
                .map(|r| format!("{} m", r))
                .unwrap_or_else(|| "—".into()),
        ),
        ("fichiers", text(&summary["files"])),
    ] {
        out.push_str(&format!("  {label:<11}: {value}\n"));
    }
    if let Some(classes) = summary["files_by_class"].as_object() {
        let list: Vec<String> = classes.iter().map(|(k, v)| format!("{k} {v}")).collect();
        out.push_str(&format!("  par classe : {}\n", list.join(", ")));
    }
    if let Some(broken) = summary["broken"].as_array().filter(|b| !b.is_empty()) {
        out.push_str("  illisibles :\n");
        for item in broken {
            out.push_str(&format!(
                "    {} — {}\n",
                text(&item["path"]),
                text(&item["reason"])
            ));
        }
    }
    if let Some(conformity) = &scan.conformity {
        let verdict = match conformity["conform"].as_bool() {
            Some(true) => "conforme",
            Some(false) => "non conforme",
            None => "sans objet",
        };
        out.push_str(&format!("Conformité PCRS : {verdict}\n"));
        for check in conformity["checks"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  [{:<7}] {}: {}\n",
                text(&check["status"]),
                text(&check["title"]),
                text(&check["detail"])
            ));
        }
    }
    out
}
