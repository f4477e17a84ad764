//! The catalogue's model, following pcrs.beta.gouv.fr: projects with their territories, steps,
//! actors and grants; deliverables (livrables) with one storage each; scans and dalles.
//! Enum values are spelled exactly as on pcrs.beta.gouv.fr.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::storage::{StorageType, TlsMode};

text_enum!(
    /// Production regime of a project.
    Regime {
        /// First production.
        Production = "production",
        /// Update of an existing PCRS.
        Maj = "maj",
        /// Anticipated project.
        Anticipation = "anticipation",
    }
);

text_enum!(
    /// What a project produces.
    ProjectNature {
        /// Vector PCRS.
        Vecteur = "vecteur",
        /// Orthophoto PCRS.
        Raster = "raster",
        /// Both.
        Mixte = "mixte",
    }
);

text_enum!(
    /// Status of a project step.
    EtapeStatut {
        /// Investigation.
        Investigation = "investigation",
        /// Agreement signed.
        ConventionSignee = "convention_signee",
        /// Public tender under way.
        MarchePublicEnCours = "marche_public_en_cours",
        /// Production under way.
        ProdEnCours = "prod_en_cours",
        /// Quality control under way.
        ControleEnCours = "controle_en_cours",
        /// Produced.
        Realise = "realise",
        /// Published.
        Disponible = "disponible",
        /// Obsolete.
        Obsolete = "obsolete",
    }
);

text_enum!(
    /// Role of an actor in a project.
    ActeurRole {
        /// Autorité Publique Locale Compétente.
        Aplc = "aplc",
        /// Project holder that is not an APLC.
        Porteur = "porteur",
        /// Funder.
        Financeur = "financeur",
        /// Distributor.
        Diffuseur = "diffuseur",
        /// Aerial survey contractor.
        PrestaVol = "presta_vol",
        /// LiDAR contractor.
        PrestaLidar = "presta_lidar",
        /// Quality controller.
        Controleur = "controleur",
    }
);

text_enum!(
    /// Kind of public grant.
    SubventionNature {
        /// European regional development fund.
        Feder = "feder",
        /// State-region contract.
        Cepr = "cepr",
        /// Rural territories grant.
        Detr = "detr",
    }
);

text_enum!(
    /// Format of a deliverable.
    LivrableNature {
        /// GeoTIFF orthophoto.
        Geotiff = "geotiff",
        /// JPEG 2000 orthophoto.
        Jpeg2000 = "jpeg2000",
        /// CNIG PCRS GML.
        Gml = "gml",
        /// DXF drawing.
        Dxf = "dxf",
        /// DWG drawing.
        Dwg = "dwg",
        /// GeoPackage.
        Gpkg = "gpkg",
    }
);

impl LivrableNature {
    /// Whether the deliverable holds images (served as a mosaic) rather than vectors.
    pub fn is_raster(self) -> bool {
        matches!(self, Self::Geotiff | Self::Jpeg2000)
    }
}

impl Licence {
    /// Its name, in words (what the closed one allows, for the closed one).
    pub fn name(self) -> &'static str {
        match self {
            Licence::OuvertLo => "Licence Ouverte / Open Licence 2.0 (Etalab)",
            Licence::OuvertOdbl => "Open Database License (ODbL) 1.0",
            Licence::Ferme => "licence fermée : usage réservé au porteur du projet",
        }
    }

    /// Where its text is published (none for the closed one).
    pub fn url(self) -> Option<&'static str> {
        match self {
            Licence::OuvertLo => Some("https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
            Licence::OuvertOdbl => Some("https://opendatacommons.org/licenses/odbl/1-0/"),
            Licence::Ferme => None,
        }
    }
}

text_enum!(
    /// Licence of a deliverable.
    Licence {
        /// Licence Ouverte (Etalab).
        OuvertLo = "ouvert_lo",
        /// Open Database Licence.
        OuvertOdbl = "ouvert_odbl",
        /// Closed.
        Ferme = "ferme",
    }
);

text_enum!(
    /// How a deliverable is distributed.
    Diffusion {
        /// WMS service.
        Wms = "wms",
        /// WMTS service.
        Wmts = "wmts",
        /// WFS service.
        Wfs = "wfs",
        /// TMS service.
        Tms = "tms",
        /// Not distributed.
        No = "no",
    }
);

text_enum!(
    /// State of a scan job.
    ScanState {
        /// Waiting for a worker.
        Queued = "queued",
        /// Walking the storage's folders.
        Listing = "listing",
        /// Reading image headers.
        Probing = "probing",
        /// Finished with every file seen.
        Done = "done",
        /// Could not run (storage unreachable, bad credentials).
        Failed = "failed",
        /// Interrupted by a storage fault; resumable.
        Partial = "partial",
    }
);

text_enum!(
    /// Kind of a territory: in a project's perimeter, and of an imported boundary.
    TerritoryKind {
        /// Commune, by INSEE code.
        Commune = "commune",
        /// EPCI, by SIREN.
        Epci = "epci",
        /// Département, by code.
        Departement = "departement",
    }
);

text_enum!(
    /// A milestone of the investigation step (seed 000 asks to detail it).
    JalonNature {
        /// The agreement between partners is being drawn up.
        ConstitutionConvention = "constitution_convention",
        /// The public tender is being prepared (specifications, budget).
        PreparationMarche = "preparation_marche",
        /// The call for tenders is published.
        AppelOffres = "appel_offres",
        /// Anything else, said in the milestone's note.
        Autre = "autre",
    }
);

/// A milestone inside the investigation step: what was reached (or is planned) on which day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Jalon {
    /// What the milestone is.
    pub nature: JalonNature,
    /// Day it was reached, or is planned when in the future (YYYY-MM-DD), not before the
    /// step's start; milestones are in ascending order.
    #[schema(example = "2022-05-10", format = Date)]
    pub date: String,
    /// A few words (required for `autre`), at most 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

/// A step of a project's life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Etape {
    /// Status entered at this step.
    pub statut: EtapeStatut,
    /// Day the step started (YYYY-MM-DD); steps are in ascending order.
    #[schema(example = "2023-01-15")]
    pub date_debut: String,
    /// The investigation step's milestones (convention, préparation du marché, appel d'offres);
    /// other steps have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jalons: Vec<Jalon>,
}

/// An actor of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acteur {
    /// SIREN, 9 digits with a valid check digit.
    #[schema(example = "200046977", pattern = "^[0-9]{9}$")]
    pub siren: String,
    /// Name of the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nom: Option<String>,
    /// Contact person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlocuteur: Option<String>,
    /// Contact e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<String>,
    /// Contact phone, French format (+33, 0033 or 0 then 9 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "+33472000000")]
    pub telephone: Option<String>,
    /// Role in the project.
    pub role: ActeurRole,
    /// Share of the funding, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finance_part_perc: Option<f64>,
    /// Share of the funding, euros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finance_part_euro: Option<f64>,
}

/// A public grant received by a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Subvention {
    /// Name of the grant.
    #[schema(min_length = 1)]
    pub nom: String,
    /// Kind of grant.
    pub nature: SubventionNature,
    /// Amount, euros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub montant: Option<f64>,
    /// Due date (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub echeance: Option<String>,
}

/// What a client submits to create or replace a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Name, at least 3 characters.
    #[schema(example = "PCRS Métropole de Lyon 2024", min_length = 3)]
    pub nom: String,
    /// Production regime.
    pub regime: Regime,
    /// What the project produces.
    pub nature: ProjectNature,
    /// Territories covered: `commune:<INSEE>`, `epci:<SIREN>` or `departement:<code>`.
    #[schema(example = json!(["epci:200046977"]), min_items = 1)]
    pub perimetres: Vec<String>,
    /// Steps, in ascending order of date.
    #[schema(min_items = 1)]
    pub etapes: Vec<Etape>,
    /// Actors.
    pub acteurs: Vec<Acteur>,
    /// Grants.
    #[serde(default)]
    pub subventions: Vec<Subvention>,
}

/// A partial change to a project: every field is optional; those given replace the stored ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    /// Name.
    pub nom: Option<String>,
    /// Regime.
    pub regime: Option<Regime>,
    /// Nature.
    pub nature: Option<ProjectNature>,
    /// Territories.
    pub perimetres: Option<Vec<String>>,
    /// Steps.
    pub etapes: Option<Vec<Etape>>,
    /// Actors.
    pub acteurs: Option<Vec<Acteur>>,
    /// Grants.
    pub subventions: Option<Vec<Subvention>>,
}

impl ProjectPatch {
    /// Applies the patch on top of a stored project's fields.
    pub fn apply(self, base: ProjectInput) -> ProjectInput {
        ProjectInput {
            nom: self.nom.unwrap_or(base.nom),
            regime: self.regime.unwrap_or(base.regime),
            nature: self.nature.unwrap_or(base.nature),
            perimetres: self.perimetres.unwrap_or(base.perimetres),
            etapes: self.etapes.unwrap_or(base.etapes),
            acteurs: self.acteurs.unwrap_or(base.acteurs),
            subventions: self.subventions.unwrap_or(base.subventions),
        }
    }
}

/// A stored project.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Project {
    /// Identifier.
    pub id: i64,
    /// Stable slug, derived from the name at creation.
    pub slug: String,
    /// Name.
    pub nom: String,
    /// Regime.
    pub regime: Regime,
    /// Nature.
    pub nature: ProjectNature,
    /// Current status: that of the latest step already started, if any.
    pub statut: Option<EtapeStatut>,
    /// Territories.
    pub perimetres: Vec<String>,
    /// Steps.
    pub etapes: Vec<Etape>,
    /// Actors.
    pub acteurs: Vec<Acteur>,
    /// Grants.
    pub subventions: Vec<Subvention>,
    /// Creation time (RFC 3339, UTC).
    pub created_at: String,
    /// Last change (RFC 3339, UTC).
    pub updated_at: String,
}

impl Project {
    /// The submitted fields of this project, for patching.
    pub fn to_input(&self) -> ProjectInput {
        ProjectInput {
            nom: self.nom.clone(),
            regime: self.regime,
            nature: self.nature,
            perimetres: self.perimetres.clone(),
            etapes: self.etapes.clone(),
            acteurs: self.acteurs.clone(),
            subventions: self.subventions.clone(),
        }
    }

    /// SIRENs allowed to change the project: its APLC and porteur actors.
    pub fn owner_sirens(&self) -> impl Iterator<Item = &str> {
        self.acteurs
            .iter()
            .filter(|a| matches!(a.role, ActeurRole::Aplc | ActeurRole::Porteur))
            .map(|a| a.siren.as_str())
    }
}

/// The status of the latest step started on or before `today` (YYYY-MM-DD).
pub fn current_statut(etapes: &[Etape], today: &str) -> Option<EtapeStatut> {
    etapes
        .iter()
        .filter(|e| e.date_debut.as_str() <= today)
        .max_by(|a, b| a.date_debut.cmp(&b.date_debut))
        .map(|e| e.statut)
}

/// What a client submits to create or replace a deliverable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LivrableInput {
    /// Name.
    #[schema(example = "Orthophoto 5 cm 2024")]
    pub nom: String,
    /// Format.
    pub nature: LivrableNature,
    /// Licence.
    pub licence: Licence,
    /// Distribution mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diffusion: Option<Diffusion>,
    /// Delivery date (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_livraison: Option<String>,
    /// Progress, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avancement: Option<f64>,
    /// EPSG code assumed for files that carry no CRS (2154 or 3942–3950).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 2154)]
    pub crs: Option<i32>,
    /// Name of an uploaded SLD document (`/api/styles/{name}`) this deliverable's layers are
    /// drawn with first; none for the shipped styles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
}

/// A stored deliverable.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Livrable {
    /// Identifier.
    pub id: i64,
    /// Project it belongs to.
    pub project_id: i64,
    /// Stable slug (layer and collection id), derived from project and deliverable names.
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
    /// Declared CRS.
    pub crs: Option<i32>,
    /// The uploaded SLD document its layers are drawn with first.
    pub style: Option<String>,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl Livrable {
    /// Whether anyone may see it listed: not when its licence is closed, nor when its porteur
    /// said it is not distributed.
    pub fn is_public(&self) -> bool {
        self.licence != Licence::Ferme && self.diffusion != Some(Diffusion::No)
    }

    /// The submitted fields of this deliverable.
    pub fn to_input(&self) -> LivrableInput {
        LivrableInput {
            nom: self.nom.clone(),
            nature: self.nature,
            licence: self.licence,
            diffusion: self.diffusion,
            date_livraison: self.date_livraison.clone(),
            avancement: self.avancement,
            crs: self.crs,
            style: self.style.clone(),
        }
    }
}

/// A partial change to a deliverable.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LivrablePatch {
    /// Name.
    pub nom: Option<String>,
    /// Format.
    pub nature: Option<LivrableNature>,
    /// Licence.
    pub licence: Option<Licence>,
    /// Distribution mode.
    pub diffusion: Option<Diffusion>,
    /// Delivery date.
    pub date_livraison: Option<String>,
    /// Progress.
    pub avancement: Option<f64>,
    /// Declared CRS.
    pub crs: Option<i32>,
    /// The uploaded SLD document to draw with first; an empty string goes back to the shipped
    /// styles.
    pub style: Option<String>,
}

impl LivrablePatch {
    /// Applies the patch on top of a stored deliverable's fields.
    pub fn apply(self, base: LivrableInput) -> LivrableInput {
        LivrableInput {
            nom: self.nom.unwrap_or(base.nom),
            nature: self.nature.unwrap_or(base.nature),
            licence: self.licence.unwrap_or(base.licence),
            diffusion: self.diffusion.or(base.diffusion),
            date_livraison: self.date_livraison.or(base.date_livraison),
            avancement: self.avancement.or(base.avancement),
            crs: self.crs.or(base.crs),
            style: match self.style {
                Some(name) if name.is_empty() => None,
                Some(name) => Some(name),
                None => base.style,
            },
        }
    }
}

/// What a client submits to declare or change a deliverable's storage.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageInput {
    /// Protocol.
    #[serde(rename = "type")]
    pub kind: StorageType,
    /// For `http`: the URL of the folder holding the files (or one of its parents).
    #[serde(default)]
    #[schema(example = "https://data.example.fr/pcrs/ortho/")]
    pub url: Option<String>,
    /// For `ftp` / `sftp`: host name or IP address.
    #[serde(default)]
    pub host: Option<String>,
    /// For `ftp` / `sftp`: port (default 21, 990 for implicit FTPS, 22).
    #[serde(default)]
    pub port: Option<i32>,
    /// For `ftp` / `sftp` / `file`: folder holding the files (default `/`; absolute for `file`).
    #[serde(default)]
    pub path: Option<String>,
    /// Login.
    #[serde(default)]
    pub username: Option<String>,
    /// Password (write-only: never returned unless `credentials_public`).
    #[serde(default)]
    #[schema(format = Password, write_only)]
    pub password: Option<String>,
    /// For `sftp`: a private key (PEM or OpenSSH format; write-only, never returned). With a
    /// password too, the password unlocks the key.
    #[serde(default)]
    #[schema(format = Password, write_only)]
    pub private_key: Option<String>,
    /// For `ftp`: FTPS (explicit AUTH TLS). Kept for pcrs.beta.gouv.fr compatibility; `tls` says more.
    #[serde(default)]
    pub secure: bool,
    /// For `ftp`: `none`, `explicit` or `implicit`; overrides `secure`.
    #[serde(default)]
    pub tls: Option<TlsMode>,
    /// Accept any TLS certificate (off by default; stated on the storage).
    #[serde(default)]
    pub tls_insecure: bool,
    /// A PEM certificate to trust for this storage (self-signed servers).
    #[serde(default)]
    pub tls_ca_cert: Option<String>,
    /// Connection information is public (then the password is returned too).
    #[serde(default)]
    pub credentials_public: bool,
    /// Files may be downloaded through dallage.
    #[serde(default)]
    pub download_allowed: bool,
    /// Rescan interval in seconds (none = no scheduled rescans; at least 300).
    #[serde(default)]
    pub scan_interval: Option<i64>,
}

impl StorageInput {
    /// The TLS mode, resolving the `secure` shorthand.
    pub fn tls_mode(&self) -> TlsMode {
        match (self.tls, self.secure) {
            (Some(mode), _) => mode,
            (None, true) => TlsMode::Explicit,
            (None, false) => TlsMode::None,
        }
    }
}

/// A stored storage. Credentials stay sealed here; [`crate::catalog::Catalog::open_secret`]
/// opens them where they are used.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageRecord {
    /// Identifier.
    pub id: i64,
    /// Deliverable it belongs to.
    pub livrable_id: i64,
    /// Protocol.
    pub kind: StorageType,
    /// HTTP URL.
    pub url: Option<String>,
    /// Host.
    pub host: Option<String>,
    /// Port.
    pub port: Option<i32>,
    /// Folder.
    pub path: Option<String>,
    /// Sealed login.
    pub username_sealed: Option<String>,
    /// Sealed password.
    pub password_sealed: Option<String>,
    /// Sealed SSH private key.
    pub private_key_sealed: Option<String>,
    /// FTP TLS mode.
    pub tls: TlsMode,
    /// Accept invalid certificates.
    pub tls_insecure: bool,
    /// Extra trusted certificate.
    pub tls_ca_cert: Option<String>,
    /// Pinned SSH host key (trust on first use).
    pub host_key: Option<String>,
    /// Connection information is public.
    pub credentials_public: bool,
    /// Downloads allowed.
    pub download_allowed: bool,
    /// Rescan interval, seconds.
    pub scan_interval: Option<i64>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Number of items matching, over all pages.
    pub total: i64,
    /// Page size asked for.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// Filters and paging for listing projects.
#[derive(Debug, Clone, Default)]
pub struct ProjectQuery {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Only projects covering this territory (`kind:code`).
    pub perimetre: Option<String>,
    /// Only projects with an actor of this SIREN.
    pub siren: Option<String>,
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// May the caller download a deliverable, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permission {
    /// Whether the files may be downloaded.
    pub allowed: bool,
    /// Why not, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Permission {
    /// What anyone, or the deliverable's porteur (`manages`), may download.
    pub fn of(livrable: &Livrable, storage: &StorageRecord, manages: bool) -> Permission {
        let refused = |reason: &str| Permission {
            allowed: false,
            reason: Some(reason.to_string()),
        };
        if manages {
            return Permission {
                allowed: true,
                reason: None,
            };
        }
        if !storage.download_allowed {
            return refused(
                "the porteur has not allowed downloads of this deliverable (storage `download_allowed`)",
            );
        }
        if livrable.licence == Licence::Ferme {
            return refused("the deliverable's licence is closed: only its porteur may download it");
        }
        Permission {
            allowed: true,
            reason: None,
        }
    }
}
