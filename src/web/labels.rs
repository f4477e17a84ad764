//! The words pcrs.beta.gouv.fr shows for the catalogue's values, and the colour of each status
//! on the maps (the seed's legend, from investigation to obsolète). The colours are given to
//! the map script in the page data and to the legend by `/assets/statuts.css`, both from
//! [`STATUTS`], so they cannot disagree.

use crate::catalog::{
    ActeurRole, EtapeStatut, JalonNature, Licence, LivrableNature, ProjectNature, Regime, StorageType,
    SubventionNature,
};

/// Each status: its value, its label, and its colour on the maps (contrast ≥ 4.5:1 on white
/// for the white-on-colour badges).
pub const STATUTS: [(EtapeStatut, &str, &str); 8] = [
    (EtapeStatut::Investigation, "Investigation", "#6a6a6a"),
    (EtapeStatut::ConventionSignee, "Convention signée", "#6a3fbf"),
    (
        EtapeStatut::MarchePublicEnCours,
        "Marché public en cours",
        "#a14e00",
    ),
    (EtapeStatut::ProdEnCours, "Production en cours", "#b0204a"),
    (EtapeStatut::ControleEnCours, "Contrôle en cours", "#0063cb"),
    (EtapeStatut::Realise, "Réalisé", "#00786b"),
    (EtapeStatut::Disponible, "Disponible", "#18753c"),
    (EtapeStatut::Obsolete, "Obsolète", "#3a3a3a"),
];

/// A status in words.
pub fn statut(value: EtapeStatut) -> &'static str {
    STATUTS
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, label, _)| *label)
        .unwrap_or("Non renseigné")
}

/// The legend's style sheet: a class per status (`.statut-disponible`) for badges and swatches.
pub fn statut_css() -> String {
    STATUTS
        .iter()
        .map(|(value, _, colour)| {
            format!(
                ".statut-{} {{ background: {colour}; color: #fff; border-color: {colour}; }}\n",
                value.as_str()
            )
        })
        .collect()
}

/// A milestone of the investigation step.
pub fn jalon(value: JalonNature) -> &'static str {
    match value {
        JalonNature::ConstitutionConvention => "Constitution de la convention",
        JalonNature::PreparationMarche => "Préparation du marché",
        JalonNature::AppelOffres => "Appel d'offres",
        JalonNature::Autre => "Autre",
    }
}

/// A project's nature.
pub fn project_nature(value: ProjectNature) -> &'static str {
    match value {
        ProjectNature::Vecteur => "Vecteur",
        ProjectNature::Raster => "Raster",
        ProjectNature::Mixte => "Mixte",
    }
}

/// A project's régime.
pub fn regime(value: Regime) -> &'static str {
    match value {
        Regime::Production => "Production",
        Regime::Maj => "Mise à jour",
        Regime::Anticipation => "Anticipation",
    }
}

/// An actor's role.
pub fn role(value: ActeurRole) -> &'static str {
    match value {
        ActeurRole::Aplc => "Porteur de projet APLC",
        ActeurRole::Porteur => "Porteur de projet non-APLC",
        ActeurRole::Financeur => "Financeur",
        ActeurRole::Diffuseur => "Diffuseur",
        ActeurRole::PrestaVol => "Prestataire de vol",
        ActeurRole::PrestaLidar => "Prestataire LiDAR",
        ActeurRole::Controleur => "Contrôleur",
    }
}

/// A grant's nature.
pub fn subvention(value: SubventionNature) -> &'static str {
    match value {
        SubventionNature::Feder => "Financement FEDER",
        SubventionNature::Cepr => "Contrat de plan État-région",
        SubventionNature::Detr => "DETR",
    }
}

/// A deliverable's nature, as the seed names it.
pub fn livrable_nature(value: LivrableNature) -> &'static str {
    match value {
        LivrableNature::Geotiff => "GeoTIFF",
        LivrableNature::Jpeg2000 => "JPEG 2000",
        LivrableNature::Gml => "GML (PCRS vecteur)",
        LivrableNature::Dxf => "DXF",
        LivrableNature::Dwg => "DWG",
        LivrableNature::Gpkg => "GeoPackage",
    }
}

/// A licence in a word or two.
pub fn licence(value: Licence) -> &'static str {
    match value {
        Licence::OuvertLo => "Ouverte (Licence Ouverte 2.0)",
        Licence::OuvertOdbl => "Ouverte (ODbL)",
        Licence::Ferme => "Fermée",
    }
}

/// A storage's protocol.
pub fn storage(value: StorageType) -> &'static str {
    match value {
        StorageType::Http => "HTTP",
        StorageType::Ftp => "FTP",
        StorageType::Sftp => "SFTP",
        StorageType::File => "Dossier du serveur",
    }
}
