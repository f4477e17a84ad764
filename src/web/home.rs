//! The home page (`/`): every project on a map coloured by its current status, with the legend,
//! and the same projects as a list filtered by status, nature, département and a search in
//! their names (a plain GET form: the list works without JavaScript; the map shows what the
//! list shows).

use std::collections::{BTreeSet, HashMap};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::html::{error_page, escape, number, Page};
use super::labels::{self, STATUTS};
use crate::catalog::{
    Boundary, Catalog, CatalogError, EtapeStatut, Project, ProjectNature, ProjectQuery, TerritoryKind,
};

/// What the form asks.
#[derive(Default)]
struct Filters {
    q: String,
    statut: Option<EtapeStatut>,
    nature: Option<ProjectNature>,
    departement: String,
}

impl Filters {
    fn read(query: &HashMap<String, String>) -> Result<Filters, String> {
        let text = |name: &str| query.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        let statut = match text("statut").as_str() {
            "" => None,
            value => Some(EtapeStatut::parse(value).ok_or(format!("état d'avancement inconnu : {value}"))?),
        };
        let nature = match text("nature").as_str() {
            "" => None,
            value => Some(ProjectNature::parse(value).ok_or(format!("nature inconnue : {value}"))?),
        };
        let q = text("q");
        if q.chars().count() > 200 {
            return Err("la recherche dépasse 200 caractères".into());
        }
        Ok(Filters {
            q,
            statut,
            nature,
            departement: text("departement"),
        })
    }

    fn keeps(&self, project: &Project, departements: &BTreeSet<String>) -> bool {
        self.statut.is_none_or(|s| project.statut == Some(s))
            && self.nature.is_none_or(|n| project.nature == n)
            && (self.departement.is_empty() || departements.contains(&self.departement))
    }
}

/// Every project, read a page at a time.
pub(super) async fn all_projects(catalog: &Catalog, q: &str) -> Result<Vec<Project>, CatalogError> {
    let mut out = Vec::new();
    loop {
        let page = catalog
            .list_projects(&ProjectQuery {
                q: (!q.is_empty()).then(|| q.to_string()),
                limit: 500,
                offset: out.len() as i64,
                ..ProjectQuery::default()
            })
            .await?;
        let done = page.items.len() < 500;
        out.extend(page.items);
        if done {
            return Ok(out);
        }
    }
}

/// The imported boundaries a project's territories name, by `kind:code` (looked up once each).
pub(super) struct Territories {
    known: HashMap<String, Option<Boundary>>,
}

impl Territories {
    pub(super) fn new() -> Territories {
        Territories {
            known: HashMap::new(),
        }
    }

    /// The boundary of `perimetre` (`commune:69123`) when imported.
    /// Looks up, in one query per kind and per 500 codes, every territory of `perimetres` not
    /// known yet, so that the pages naming many projects' territories do not ask one by one.
    pub(super) async fn preload<'a>(
        &mut self,
        catalog: &Catalog,
        perimetres: impl IntoIterator<Item = &'a String>,
    ) -> Result<(), CatalogError> {
        let mut keys = Vec::new();
        let mut asked = std::collections::HashSet::new();
        for perimetre in perimetres {
            // Many projects name the same territory: it is asked (and recorded) once.
            if self.known.contains_key(perimetre) || asked.contains(perimetre) {
                continue;
            }
            if let Some(key) = territory_key(perimetre) {
                keys.push(key);
            }
            asked.insert(perimetre.clone());
        }
        let found = catalog.boundaries_by_key(&keys).await?;
        for perimetre in asked {
            let boundary = territory_key(&perimetre).and_then(|key| found.get(&key).cloned());
            self.known.insert(perimetre, boundary);
        }
        Ok(())
    }

    /// The boundary of `perimetre`, when it was looked up and found.
    pub(super) fn stored(&self, perimetre: &str) -> Option<&Boundary> {
        self.known.get(perimetre).and_then(Option::as_ref)
    }

    /// The stored boundary of `perimetre` (`commune:69123`), if it was imported.
    pub(super) async fn get(
        &mut self,
        catalog: &Catalog,
        perimetre: &str,
    ) -> Result<Option<Boundary>, CatalogError> {
        if !self.known.contains_key(perimetre) {
            self.preload(catalog, [&perimetre.to_string()]).await?;
        }
        Ok(self.known.get(perimetre).cloned().flatten())
    }
}

/// The kind and code a project names a territory by (`commune:69123`).
fn territory_key(perimetre: &str) -> Option<(TerritoryKind, String)> {
    let (kind, code) = perimetre.split_once(':')?;
    Some((TerritoryKind::parse(kind)?, code.to_string()))
}

fn departements_of(perimetres: &[(String, Option<Boundary>)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (perimetre, boundary) in perimetres {
        let (kind, code) = perimetre.split_once(':').unwrap_or(("", perimetre));
        match kind {
            "departement" => {
                out.insert(code.to_string());
            }
            "commune" => {
                let digits = if code.starts_with("97") { 3 } else { 2 };
                out.insert(code.chars().take(digits).collect());
            }
            _ => {
                if let Some(d) = boundary.as_ref().and_then(|b| b.info.departement.clone()) {
                    out.insert(d);
                }
            }
        }
    }
    out
}

/// A territory in words: its name when imported, else its code.
pub(super) fn territory_name(perimetre: &str, boundary: Option<&Boundary>) -> String {
    match boundary {
        Some(b) => format!("{} ({})", b.info.nom, b.info.code),
        None => perimetre.replace(':', " "),
    }
}

/// `/`: the map and list of projects.
pub async fn page(catalog: web::Data<Catalog>, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let filters = match Filters::read(&query) {
        Ok(filters) => filters,
        Err(message) => return error_page(StatusCode::BAD_REQUEST, &message),
    };
    match render(&catalog, &filters).await {
        Ok(page) => page.respond(StatusCode::OK),
        Err(err) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("catalogue indisponible : {err}"),
        ),
    }
}

async fn render(catalog: &Catalog, filters: &Filters) -> Result<Page, CatalogError> {
    let mut territories = Territories::new();
    let mut every_departement = BTreeSet::new();
    let mut shown = Vec::new();
    let projects = all_projects(catalog, &filters.q).await?;
    territories
        .preload(catalog, projects.iter().flat_map(|p| &p.perimetres))
        .await?;
    let mut livrables_of = catalog.livrables_by_project().await?;
    for project in projects {
        let mut perimetres = Vec::new();
        for perimetre in &project.perimetres {
            perimetres.push((perimetre.clone(), territories.get(catalog, perimetre).await?));
        }
        let departements = departements_of(&perimetres);
        every_departement.extend(departements.iter().cloned());
        if filters.keeps(&project, &departements) {
            let livrables = livrables_of.remove(&project.id).unwrap_or_default();
            shown.push((project, perimetres, livrables));
        }
    }
    let mut items = String::new();
    let mut data_projects = Vec::new();
    for (project, perimetres, livrables) in &shown {
        let public: Vec<&crate::catalog::Livrable> = livrables.iter().filter(|l| l.is_public()).collect();
        let names: Vec<String> = perimetres
            .iter()
            .map(|(p, b)| territory_name(p, b.as_ref()))
            .collect();
        items.push_str(&format!(
            "<li><a href=\"/projets/{slug}\">{nom}</a> {badge} <span class=\"meta\">{nature} · {count} livrable{s} · {territories}</span></li>\n",
            slug = escape(&project.slug),
            nom = escape(&project.nom),
            badge = badge(project.statut),
            nature = labels::project_nature(project.nature),
            count = public.len(),
            s = if public.len() > 1 { "s" } else { "" },
            territories = escape(&names.join(", ")),
        ));
        data_projects.push(json!({
            "slug": project.slug,
            "nom": project.nom,
            "statut": project.statut.map(|s| s.as_str()),
            "livrables": public.iter().map(|l| l.slug.clone()).collect::<Vec<_>>(),
            "outlines": perimetres.iter().filter(|(_, b)| b.is_some()).map(|(p, _)| p.replacen(':', "/", 1)).collect::<Vec<_>>(),
        }));
    }
    let main = format!(
        "<h1>Carte des projets PCRS</h1>\n\
         <p class=\"intro\">Les projets de Plan de Corps de Rue Simplifié, là où leurs livrables ont été \
         trouvés sur leurs stockages (ou sur leurs territoires avant toute livraison), colorés par leur état \
         d'avancement. Cliquez une emprise, ou choisissez un projet dans la liste.</p>\n\
         {form}\n\
         <div class=\"map-layout\">\n<div id=\"map\" class=\"map\" tabindex=\"0\" role=\"region\" \
         aria-label=\"Carte des projets (la liste ci-dessous donne les mêmes projets)\"></div>\n\
         <aside id=\"map-panel\" class=\"panel\" aria-live=\"polite\" hidden></aside>\n</div>\n\
         <p id=\"map-status\" role=\"status\"></p>\n\
         <section aria-labelledby=\"legende\"><h2 id=\"legende\">Légende</h2>\n<ul class=\"legend\">{legend}</ul></section>\n\
         <section aria-labelledby=\"projets\"><h2 id=\"projets\">Projets : {count}</h2>\n<ul class=\"projects\">\n{items}</ul></section>",
        form = form(filters, &every_departement),
        legend = STATUTS
            .iter()
            .map(|(value, label, _)| format!(
                "<li><span class=\"swatch statut-{}\" aria-hidden=\"true\"></span>{label}</li>",
                value.as_str()
            ))
            .collect::<String>(),
        count = number(shown.len() as u64),
    );
    Ok(Page {
        title: "Carte des projets PCRS".into(),
        script: Some("home"),
        section: "/",
        main,
        data: json!({"projects": data_projects, "statuts": statut_data()}),
    })
}

/// The statuses' labels and colours for the map script.
pub(super) fn statut_data() -> Value {
    STATUTS
        .iter()
        .map(|(value, label, colour)| {
            (
                value.as_str().to_string(),
                json!({"label": label, "colour": colour}),
            )
        })
        .collect::<serde_json::Map<String, Value>>()
        .into()
}

/// A status badge.
pub(super) fn badge(statut: Option<EtapeStatut>) -> String {
    match statut {
        Some(s) => format!(
            "<span class=\"badge statut-{}\">{}</span>",
            s.as_str(),
            labels::statut(s)
        ),
        None => "<span class=\"badge\">Non renseigné</span>".into(),
    }
}

fn form(filters: &Filters, departements: &BTreeSet<String>) -> String {
    let option = |value: &str, label: &str, selected: bool| {
        format!(
            "<option value=\"{}\"{}>{}</option>",
            escape(value),
            if selected { " selected" } else { "" },
            escape(label)
        )
    };
    let statuts: String = std::iter::once(option("", "Tous", filters.statut.is_none()))
        .chain(
            STATUTS
                .iter()
                .map(|(v, label, _)| option(v.as_str(), label, filters.statut == Some(*v))),
        )
        .collect();
    let natures: String = std::iter::once(option("", "Toutes", filters.nature.is_none()))
        .chain(ProjectNature::ALL.iter().map(|v| {
            let nature = ProjectNature::parse(v).expect("listed");
            option(v, labels::project_nature(nature), filters.nature == Some(nature))
        }))
        .collect();
    let departement_options: String = std::iter::once(option("", "Tous", filters.departement.is_empty()))
        .chain(
            departements
                .iter()
                .map(|d| option(d, d, filters.departement == *d)),
        )
        .collect();
    format!(
        "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\" aria-label=\"Filtrer les projets\">\n\
         <label for=\"q\">Nom du projet</label> <input id=\"q\" name=\"q\" type=\"search\" value=\"{q}\" maxlength=\"200\">\n\
         <label for=\"statut\">État d'avancement</label> <select id=\"statut\" name=\"statut\">{statuts}</select>\n\
         <label for=\"nature\">Nature</label> <select id=\"nature\" name=\"nature\">{natures}</select>\n\
         <label for=\"departement\">Département</label> <select id=\"departement\" name=\"departement\">{departement_options}</select>\n\
         <button type=\"submit\">Filtrer</button>\n</form>",
        q = escape(&filters.q),
    )
}
