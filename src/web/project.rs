//! A project's page (`/projets/{slug}`), with every field of seed 004's "Page projet": status
//! timeline with dates, territories, each deliverable with its storage (type, public or
//! private, downloads allowed) and its last successful scan (nature, format, dalles,
//! projection, weight, bands) and the PCRS conformity report, actors with roles, SIREN,
//! contact and financing, grants, and the sources and documentation this server publishes.
//! Readable without JavaScript: there is no map on it, the explorer has one per deliverable.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::home::{badge, territory_name, Territories};
use super::html::{bytes, date, error_page, escape, number, or_unknown, time, Page};
use super::labels;
use crate::catalog::{
    Catalog, CatalogError, Jalon, Livrable, Project, Reutilisation, ScanRecord, StorageRecord,
    VectorFileRecord,
};
use crate::config::Config;
use crate::ogc::common::{base_url, encoded_path};

/// `/projets/{slug}`.
pub async fn page(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    path: web::Path<String>,
    request: HttpRequest,
) -> HttpResponse {
    let slug = path.into_inner();
    let project = match catalog.project_by_slug(&slug).await {
        Ok(project) => project,
        Err(CatalogError::NotFound { .. }) => {
            return error_page(StatusCode::NOT_FOUND, &format!("Aucun projet « {slug} »."))
        }
        Err(err) => {
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("catalogue indisponible : {err}"),
            )
        }
    };
    let base = base_url(&request, &config.server.public_url);
    match render(&catalog, &project, &base).await {
        Ok(page) => page.respond(StatusCode::OK),
        Err(err) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("catalogue indisponible : {err}"),
        ),
    }
}

async fn render(catalog: &Catalog, project: &Project, base: &str) -> Result<Page, CatalogError> {
    let mut territories = Territories::new();
    let mut names = Vec::new();
    for perimetre in &project.perimetres {
        let boundary = territories.get(catalog, perimetre).await?;
        names.push(territory_name(perimetre, boundary.as_ref()));
    }
    let livrables = catalog.project_livrables(project.id).await?;
    let public: Vec<&Livrable> = livrables.iter().filter(|l| l.is_public()).collect();
    let mut cards = String::new();
    for livrable in &public {
        let storage = catalog.active_storage(livrable.id).await?;
        let scan = catalog.last_successful_scan(livrable.id).await?;
        let files = catalog.vector_files(livrable.id).await?;
        cards.push_str(&livrable_card(livrable, storage.as_ref(), scan.as_ref(), &files));
    }
    let reuses = catalog.reutilisations(project.id).await?;
    let hidden = livrables.len() - public.len();
    if hidden > 0 {
        cards.push_str(&format!(
            "<p>{hidden} livrable{s} non diffusé{s} (licence fermée ou diffusion refusée par le porteur).</p>",
            s = if hidden > 1 { "s" } else { "" }
        ));
    }
    let started = project.etapes.first().map(|e| date(&e.date_debut));
    let main = format!(
        "<p class=\"crumbs\"><a href=\"/\">Carte des projets</a> › {nom}</p>\n\
         <h1>{nom}</h1>\n\
         <p>{badge}{launch}</p>\n\
         <nav aria-label=\"Sections du projet\" class=\"toc\"><ul>\
         <li><a href=\"#avancement\">Calendrier et territoires</a></li><li><a href=\"#livrables\">Livrables</a></li>\
         <li><a href=\"#acteurs\">Acteurs</a></li><li><a href=\"#subventions\">Subventions</a></li>\
         <li><a href=\"#sources\">Sources et documentations</a></li><li><a href=\"#reutilisations\">Réutilisations</a></li></ul></nav>\n\
         <dl class=\"facts\"><dt>Format</dt><dd>{nature}</dd><dt>Régime</dt><dd>{regime}</dd>\
         <dt>Porteur de projet</dt><dd>{porteur}</dd></dl>\n\
         <section id=\"avancement\"><h2>État d'avancement</h2>\n{timeline}</section>\n\
         <section id=\"territoires\"><h2>Territoires : {territory_count}</h2>\n<ul>{territory_items}</ul></section>\n\
         <section id=\"livrables\"><h2>Livrables : {livrable_count}</h2>\n{cards}</section>\n\
         <section id=\"acteurs\"><h2>Acteurs : {actor_count}</h2>\n{actors}</section>\n\
         <section id=\"subventions\"><h2>Subventions : {grant_count}</h2>\n{grants}</section>\n\
         <section id=\"sources\"><h2>Sources et documentations</h2>\n{sources}</section>\n\
         <section id=\"reutilisations\"><h2>Réutilisations : {reuse_count}</h2>\n{reuse_items}</section>",
        nom = escape(&project.nom),
        badge = badge(project.statut),
        launch = started
            .map(|d| format!(" Lancement du projet le {d}"))
            .unwrap_or_default(),
        nature = labels::project_nature(project.nature),
        regime = labels::regime(project.regime),
        porteur = porteur(project),
        timeline = timeline(project),
        territory_count = names.len(),
        territory_items = names.iter().map(|n| format!("<li>{}</li>", escape(n))).collect::<String>(),
        livrable_count = public.len(),
        actor_count = project.acteurs.len(),
        actors = actors(project),
        grant_count = project.subventions.len(),
        grants = grants(project),
        sources = sources(project, &public, base),
        reuse_count = reuses.len(),
        reuse_items = reutilisations(&reuses),
    );
    Ok(Page {
        title: project.nom.clone(),
        script: None,
        section: "/",
        main,
        data: Value::Null,
    })
}

fn porteur(project: &Project) -> String {
    project
        .acteurs
        .iter()
        .find(|a| {
            matches!(
                a.role,
                crate::catalog::ActeurRole::Aplc | crate::catalog::ActeurRole::Porteur
            )
        })
        .map(|a| or_unknown(a.nom.as_deref().or(Some(&a.siren))))
        .unwrap_or_else(|| "Non renseigné".into())
}

/// The steps in order, each with its date; the current one marked; the investigation's
/// milestones under it.
fn timeline(project: &Project) -> String {
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut out = String::from("<ol class=\"timeline\">");
    for etape in &project.etapes {
        let current = project.statut == Some(etape.statut) && etape.date_debut <= today;
        let future = etape.date_debut > today;
        out.push_str(&format!(
            "<li class=\"{}\"{}><span class=\"badge statut-{}\">{}</span> depuis le {}{}{}</li>",
            if future { "future" } else { "done" },
            if current { " aria-current=\"step\"" } else { "" },
            etape.statut.as_str(),
            labels::statut(etape.statut),
            date(&etape.date_debut),
            if future { " (à venir)" } else { "" },
            milestones(&etape.jalons, &today),
        ));
    }
    out.push_str("</ol>");
    out
}

/// A step's milestones: what, when, and whether it is still to come.
fn milestones(jalons: &[Jalon], today: &str) -> String {
    if jalons.is_empty() {
        return String::new();
    }
    let items: String = jalons
        .iter()
        .map(|jalon| {
            format!(
                "<li>{} : {}{}{}</li>",
                labels::jalon(jalon.nature),
                date(&jalon.date),
                if jalon.date.as_str() > today {
                    " (à venir)"
                } else {
                    ""
                },
                jalon
                    .note
                    .as_deref()
                    .map(|note| format!(" — {}", escape(note)))
                    .unwrap_or_default(),
            )
        })
        .collect();
    format!("<ul class=\"milestones\" aria-label=\"Jalons\">{items}</ul>")
}

fn livrable_card(
    livrable: &Livrable,
    storage: Option<&StorageRecord>,
    scan: Option<&ScanRecord>,
    files: &[VectorFileRecord],
) -> String {
    let slug = escape(&livrable.slug);
    let mut out = format!(
        "<article class=\"card\" aria-labelledby=\"l-{slug}\"><h3 id=\"l-{slug}\">{nom}</h3>\n\
         <dl class=\"facts\"><dt>Nature</dt><dd>{nature}</dd><dt>Licence</dt><dd>{licence}</dd>\
         <dt>Stockage</dt><dd>{kind}</dd><dt>Livraison</dt><dd>{delivery}</dd></dl>\n",
        nom = escape(&livrable.nom),
        nature = labels::livrable_nature(livrable.nature),
        licence = labels::licence(livrable.licence),
        kind = storage.map(|s| labels::storage(s.kind)).unwrap_or("Non déclaré"),
        delivery = livrable
            .date_livraison
            .as_deref()
            .map(date)
            .unwrap_or_else(|| "Non renseigné".into()),
    );
    match storage {
        Some(storage) => out.push_str(&format!(
            "<h4>Stockage</h4><dl class=\"facts\"><dt>Type de stockage</dt><dd>{}</dd>\
             <dt>Statut du stockage</dt><dd><strong>{}</strong></dd><dt>Téléchargement</dt><dd>{}</dd></dl>\n",
            labels::storage(storage.kind),
            if storage.credentials_public { "PUBLIC" } else { "PRIVÉ" },
            if storage.download_allowed && livrable.licence != crate::catalog::Licence::Ferme {
                "autorisé"
            } else {
                "non autorisé par le porteur"
            },
        )),
        None => out.push_str("<p>Aucun stockage déclaré : le porteur n'a pas encore indiqué où sont les fichiers.</p>\n"),
    }
    match scan {
        Some(scan) => out.push_str(&scan_box(scan)),
        None => out.push_str("<p>Aucun scan accompli avec succès pour l'instant.</p>\n"),
    }
    if !files.is_empty() {
        out.push_str("<h4>Validation vecteur (CNIG PCRS v2.0)</h4>\n");
        out.push_str(&vector_files_table(&livrable.slug, files, false));
    }
    out.push_str(&format!(
        "<p><a href=\"/livrables/{slug}\">→ Explorer le livrable : emprise, dalles, téléchargement et adresses des services</a></p>\n</article>\n"
    ));
    out
}

/// The scan box: what the last successful scan found, and its conformity report.
fn scan_box(scan: &ScanRecord) -> String {
    let summary = scan.summary.clone().unwrap_or(Value::Null);
    let text = |key: &str| {
        summary[key]
            .as_str()
            .map(escape)
            .unwrap_or_else(|| "Non renseigné".into())
    };
    let bands: String = summary["bands"]
        .as_array()
        .map(|bands| {
            bands
                .iter()
                .filter_map(Value::as_str)
                .map(|b| format!("<strong>{}</strong> ", escape(b)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = format!(
        "<h4>Scan</h4><p>✓ Dernier scan accompli avec succès le {when}</p>\n\
         <dl class=\"facts\"><dt>Nature</dt><dd><strong>{nature}</strong></dd><dt>Format</dt><dd>{format}</dd>\
         <dt>Nombre de dalles</dt><dd>{dalles}</dd><dt>Projection</dt><dd>{projection}</dd>\
         <dt>Poids</dt><dd>{weight}</dd><dt>Bandes</dt><dd>{bands}</dd></dl>\n<p>{files} fichiers de données scannés.</p>\n",
        when = scan.finished_at.as_deref().map(time).unwrap_or_default(),
        nature = text("nature"),
        format = text("format"),
        dalles = number(summary["dalles"].as_u64().unwrap_or(0)),
        projection = text("projection"),
        weight = bytes(summary["bytes"].as_u64().unwrap_or(0)),
        bands = if bands.is_empty() { "Non renseigné".into() } else { bands },
        files = number(summary["files"].as_u64().unwrap_or(0)),
    );
    if let Some(checks) = scan.conformity.as_ref().and_then(|c| c["checks"].as_array()) {
        out.push_str("<details><summary>Conformité PCRS</summary><table><thead><tr><th>Contrôle</th><th>Résultat</th><th>Détail</th></tr></thead><tbody>");
        for check in checks {
            out.push_str(&format!(
                "<tr><td>{}</td><td class=\"check-{status}\">{status}</td><td>{}</td></tr>",
                escape(check["title"].as_str().unwrap_or_default()),
                escape(check["detail"].as_str().unwrap_or_default()),
                status = escape(check["status"].as_str().unwrap_or_default()),
            ));
        }
        out.push_str("</tbody></table></details>\n");
    }
    out
}

/// A vector deliverable's files: features, conformity to the CNIG schema, notices, and each
/// file's download link when `download`.
pub(super) fn vector_files_table(slug: &str, files: &[VectorFileRecord], download: bool) -> String {
    let mut out = String::from(
        "<table class=\"files\"><thead><tr><th>Fichier</th><th>Objets</th><th>Conformes</th><th>Remarques</th></tr></thead><tbody>",
    );
    for file in files {
        let report: Value = serde_json::from_str(&file.report).unwrap_or(Value::Null);
        let validation = &report["validation"];
        let name = escape(&file.path);
        let cell = if download {
            let href = format!(
                "/download/file/{}/{}",
                encoded_path(slug),
                encoded_path(&file.path)
            );
            format!("<a href=\"{}\">{name}</a>", escape(&href))
        } else {
            name
        };
        out.push_str(&format!(
            "<tr><td>{cell}</td><td>{}</td><td>{} / {}</td><td>{}</td></tr>",
            number(file.features.max(0) as u64),
            number(validation["conforming"].as_u64().unwrap_or(0)),
            number(validation["checked"].as_u64().unwrap_or(0)),
            number(
                validation["findings"].as_array().map_or(0, Vec::len) as u64
                    + report["notice_count"].as_u64().unwrap_or(0)
            ),
        ));
    }
    out.push_str("</tbody></table>\n");
    out
}

/// What others made of the data: title linked, description, and the illustration's address as
/// a link (the page loads nothing from elsewhere).
fn reutilisations(reuses: &[Reutilisation]) -> String {
    if reuses.is_empty() {
        return "<p>Aucune réutilisation signalée par le porteur pour l'instant.</p>".into();
    }
    reuses
        .iter()
        .map(|reuse| {
            format!(
                "<article class=\"card\"><h3><a href=\"{lien}\">{titre}</a></h3><p>{description}</p>{image}</article>\n",
                lien = escape(&reuse.lien),
                titre = escape(&reuse.titre),
                description = escape(&reuse.description),
                image = reuse
                    .image
                    .as_deref()
                    .map(|i| format!("<p><a href=\"{}\">Voir l'illustration</a></p>", escape(i)))
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn actors(project: &Project) -> String {
    let mut out = String::new();
    for acteur in &project.acteurs {
        out.push_str(&format!(
            "<article class=\"card\"><h3>{role}</h3><p>{nom}</p><dl class=\"facts\">\
             <dt>SIREN</dt><dd>{siren}</dd><dt>Interlocuteur</dt><dd>{contact}</dd><dt>Mail</dt><dd>{mail}</dd>\
             <dt>Téléphone</dt><dd>{phone}</dd><dt>Part de financement</dt><dd>{share}</dd>\
             <dt>Montant du financement</dt><dd>{amount}</dd></dl></article>\n",
            role = labels::role(acteur.role),
            nom = or_unknown(acteur.nom.as_deref()),
            siren = escape(&acteur.siren),
            contact = or_unknown(acteur.interlocuteur.as_deref()),
            mail = or_unknown(acteur.mail.as_deref()),
            phone = or_unknown(acteur.telephone.as_deref()),
            share = acteur
                .finance_part_perc
                .map(|p| format!("{p} %"))
                .unwrap_or_else(|| "Non renseigné".into()),
            amount = acteur
                .finance_part_euro
                .map(|e| format!("{} €", number(e.round() as u64)))
                .unwrap_or_else(|| "Non renseigné".into()),
        ));
    }
    out
}

fn grants(project: &Project) -> String {
    if project.subventions.is_empty() {
        return "<p>Aucune subvention déclarée.</p>".into();
    }
    let mut out = String::from("<ul>");
    for grant in &project.subventions {
        out.push_str(&format!(
            "<li><strong>{}</strong> — {}{}{}</li>",
            labels::subvention(grant.nature),
            escape(&grant.nom),
            grant
                .montant
                .map(|m| format!(", {} €", number(m.round() as u64)))
                .unwrap_or_default(),
            grant
                .echeance
                .as_deref()
                .map(|e| format!(", échéance le {}", date(e)))
                .unwrap_or_default(),
        ));
    }
    out.push_str("</ul>");
    out
}

/// What this server publishes of the project: its record in the API, its change feed, and each
/// deliverable's metadata record and download feed.
fn sources(project: &Project, livrables: &[&Livrable], base: &str) -> String {
    // The base comes from the request's Host when no public URL is set: escaped like the rest.
    let base = escape(base);
    let slug = escape(&project.slug);
    let mut out = format!(
        "<ul><li><a href=\"{base}/api/projects/{slug}\">Fiche du projet (JSON de l'API)</a></li>\
         <li><a href=\"{base}/atom/projects/{slug}.xml\">Flux des changements du projet (ATOM)</a></li>"
    );
    for livrable in livrables {
        let l = escape(&livrable.slug);
        out.push_str(&format!(
            "<li>{nom} : <a href=\"{base}/metadata/{l}.xml\">fiche de métadonnées ISO 19139</a>, \
             <a href=\"{base}/atom/datasets/{l}.xml\">flux de téléchargement INSPIRE</a></li>",
            nom = escape(&livrable.nom)
        ));
    }
    out.push_str("</ul>");
    out
}
