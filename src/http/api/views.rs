//! What the JSON API returns: catalogue records with the fields the caller may see.

use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::{
    Acteur, Catalog, Diffusion, Etape, EtapeStatut, Licence, Livrable, LivrableNature, Project,
    ProjectNature, Regime, StorageRecord, StorageType, Subvention, TlsMode,
};
use crate::http::auth::Caller;
use crate::http::Problem;

/// A project with its deliverables.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    /// Identifier.
    pub id: i64,
    /// Stable slug.
    pub slug: String,
    /// Name.
    pub nom: String,
    /// Regime.
    pub regime: Regime,
    /// Nature.
    pub nature: ProjectNature,
    /// Current status (latest step started).
    pub statut: Option<EtapeStatut>,
    /// Territories.
    pub perimetres: Vec<String>,
    /// Steps.
    pub etapes: Vec<Etape>,
    /// Actors.
    pub acteurs: Vec<Acteur>,
    /// Grants.
    pub subventions: Vec<Subvention>,
    /// Deliverables.
    pub livrables: Vec<LivrableView>,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// A deliverable with its storage.
#[derive(Debug, Serialize, ToSchema)]
pub struct LivrableView {
    /// Identifier.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// Stable slug: the layer / collection id.
    pub slug: String,
    /// Name.
    pub nom: String,
    /// Format.
    pub nature: LivrableNature,
    /// Licence.
    pub licence: Licence,
    /// Distribution mode.
    pub diffusion: Option<Diffusion>,
    /// Delivery date.
    pub date_livraison: Option<String>,
    /// Progress, percent.
    pub avancement: Option<f64>,
    /// Declared CRS (EPSG code).
    pub crs: Option<i32>,
    /// The uploaded SLD document its layers are drawn with first.
    pub style: Option<String>,
    /// Active storage, if declared.
    pub storage: Option<StorageView>,
    /// What scans found on the active storage.
    pub scan: Option<ScanInfo>,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// The scan box of a deliverable: its latest scan, and the summary of the last successful one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanInfo {
    /// The latest scan (any state), without its reports.
    pub latest: ScanBrief,
    /// When the last successful scan finished.
    pub last_success_at: Option<String>,
    /// Summary of the last successful scan (nature, format, dalles, projection, bytes, bands,
    /// resolution, footprint, files by class, broken files).
    #[schema(value_type = Option<Object>)]
    pub summary: Option<serde_json::Value>,
    /// Whether the last successful scan found the deliverable conform to PCRS.
    pub conform: Option<bool>,
}

/// A scan in brief.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanBrief {
    /// Identifier (details at `/api/scans/{id}`).
    pub id: i64,
    /// State.
    pub state: crate::catalog::ScanState,
    /// Creation time.
    pub created_at: String,
    /// End time.
    pub finished_at: Option<String>,
    /// Files listed.
    pub files_listed: i64,
    /// Images probed.
    pub files_probed: i64,
    /// Note or failure.
    pub message: Option<String>,
}

/// A storage as the caller may see it. Connection details show to the project's managers and,
/// when `credentials_public`, to everyone; the password shows only when `credentials_public`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageView {
    /// Identifier.
    pub id: i64,
    /// Protocol.
    #[serde(rename = "type")]
    pub kind: StorageType,
    /// `active` or `revoked`.
    pub status: String,
    /// HTTP URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Password, only for public credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Whether a password is stored.
    pub password_set: bool,
    /// Whether an SSH private key is stored (never returned).
    pub private_key_set: bool,
    /// FTP TLS mode.
    pub tls: TlsMode,
    /// TLS certificate checks are off.
    pub tls_insecure: bool,
    /// An extra trusted certificate is set.
    pub tls_ca_cert_set: bool,
    /// Pinned SSH host key (public information).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_key: Option<String>,
    /// Connection information is public.
    pub credentials_public: bool,
    /// Downloads allowed.
    pub download_allowed: bool,
    /// Rescan interval, seconds.
    pub scan_interval: Option<i64>,
    /// Revocation time.
    pub revoked_at: Option<String>,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl StorageView {
    /// The view of `record` for a caller who may (or may not) manage its project.
    pub fn build(catalog: &Catalog, record: &StorageRecord, manager: bool) -> Result<StorageView, Problem> {
        let show_connection = manager || record.credentials_public;
        let open = |sealed: &Option<String>| -> Result<Option<String>, Problem> {
            sealed
                .as_deref()
                .map(|s| catalog.open_secret(s).map(|secret| secret.expose().to_string()))
                .transpose()
                .map_err(Problem::from)
        };
        let username = if show_connection {
            open(&record.username_sealed)?
        } else {
            None
        };
        let password = if record.credentials_public {
            open(&record.password_sealed)?
        } else {
            None
        };
        let when = |value: &Option<String>| if show_connection { value.clone() } else { None };
        Ok(StorageView {
            id: record.id,
            kind: record.kind,
            status: if record.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            }
            .into(),
            url: when(&record.url),
            host: when(&record.host),
            port: record.port.filter(|_| show_connection),
            path: when(&record.path),
            username,
            password,
            password_set: record.password_sealed.is_some(),
            private_key_set: record.private_key_sealed.is_some(),
            tls: record.tls,
            tls_insecure: record.tls_insecure,
            tls_ca_cert_set: record.tls_ca_cert.is_some(),
            host_key: when(&record.host_key),
            credentials_public: record.credentials_public,
            download_allowed: record.download_allowed,
            scan_interval: record.scan_interval,
            revoked_at: record.revoked_at.clone(),
            created_at: record.created_at.clone(),
            updated_at: record.updated_at.clone(),
        })
    }
}

/// Builds the view of one deliverable.
pub async fn livrable_view(
    catalog: &Catalog,
    livrable: Livrable,
    manager: bool,
) -> Result<LivrableView, Problem> {
    let storage = match catalog.active_storage(livrable.id).await? {
        Some(record) => Some(StorageView::build(catalog, &record, manager)?),
        None => None,
    };
    // As on pcrs.beta.gouv.fr, a revoked storage's scan results are no longer shown.
    let scan = match &storage {
        Some(_) => scan_info(catalog, livrable.id).await?,
        None => None,
    };
    Ok(LivrableView {
        id: livrable.id,
        project_id: livrable.project_id,
        slug: livrable.slug,
        nom: livrable.nom,
        nature: livrable.nature,
        licence: livrable.licence,
        diffusion: livrable.diffusion,
        date_livraison: livrable.date_livraison,
        avancement: livrable.avancement,
        crs: livrable.crs,
        style: livrable.style,
        storage,
        scan,
        created_at: livrable.created_at,
        updated_at: livrable.updated_at,
    })
}

async fn scan_info(catalog: &Catalog, livrable_id: i64) -> Result<Option<ScanInfo>, Problem> {
    let Some(latest) = catalog.livrable_scans(livrable_id, 1).await?.into_iter().next() else {
        return Ok(None);
    };
    let success = catalog.last_successful_scan(livrable_id).await?;
    Ok(Some(ScanInfo {
        latest: ScanBrief {
            id: latest.id,
            state: latest.state,
            created_at: latest.created_at,
            finished_at: latest.finished_at,
            files_listed: latest.files_listed,
            files_probed: latest.files_probed,
            message: latest.message,
        },
        last_success_at: success.as_ref().and_then(|s| s.finished_at.clone()),
        conform: success
            .as_ref()
            .and_then(|s| s.conformity.as_ref())
            .and_then(|c| c["conform"].as_bool()),
        summary: success.and_then(|s| s.summary),
    }))
}

/// Builds the view of one project, with its deliverables.
pub async fn project_view(
    catalog: &Catalog,
    project: Project,
    caller: &Caller,
) -> Result<ProjectView, Problem> {
    let manager = caller.can_manage(&project);
    let mut livrables = Vec::new();
    for livrable in catalog.project_livrables(project.id).await? {
        livrables.push(livrable_view(catalog, livrable, manager).await?);
    }
    Ok(ProjectView {
        id: project.id,
        slug: project.slug,
        nom: project.nom,
        regime: project.regime,
        nature: project.nature,
        statut: project.statut,
        perimetres: project.perimetres,
        etapes: project.etapes,
        acteurs: project.acteurs,
        subventions: project.subventions,
        livrables,
        created_at: project.created_at,
        updated_at: project.updated_at,
    })
}

/// A page of projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectPage {
    /// Projects on this page.
    pub items: Vec<ProjectView>,
    /// Matching projects over all pages.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// A page of deliverables.
#[derive(Debug, Serialize, ToSchema)]
pub struct LivrablePage {
    /// Deliverables on this page.
    pub items: Vec<LivrableView>,
    /// Deliverables over all pages.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}
