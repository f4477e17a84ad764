//! The statistics page (`/statistiques`): per project its status, dalles, volume, area covered
//! and (when its actors entered their financing) its cost, then the same aggregated by type of
//! territory — urban, rural or mountain, from `[statistics]` (communes typed by hand, else the
//! density of the imported boundaries' populations) — so a future project can estimate its
//! budget per km² (seed 000's "analyse des coûts"). Charts are inline SVG drawn here (no
//! script), each with its numbers in a table.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::home::{all_projects, badge, Territories};
use super::html::{bytes, error_page, escape, number, Page};
use super::labels::{self, STATUTS};
use crate::catalog::{
    geojson_area_km2 as area_km2, Boundary, Catalog, CatalogError, Livrable, Project, ScanRecord,
    TerritoryKind,
};
use crate::config::Config;

/// What one project weighs.
#[derive(Default)]
struct Figures {
    dalles: u64,
    bytes: u64,
    km2: f64,
    /// Sum of the financing its actors entered, when any did.
    cost: Option<f64>,
}

/// A project's territory type, and how it was decided.
struct Typed {
    kind: &'static str,
    why: String,
}

/// Every deliverable with its active storage and its last successful scan, read in three
/// queries for all the projects.
struct Published {
    livrables: HashMap<i64, Vec<Livrable>>,
    stored: HashSet<i64>,
    scans: HashMap<i64, ScanRecord>,
}

impl Published {
    async fn read(catalog: &Catalog) -> Result<Published, CatalogError> {
        Ok(Published {
            livrables: catalog.livrables_by_project().await?,
            stored: catalog
                .active_storages()
                .await?
                .iter()
                .map(|s| s.livrable_id)
                .collect(),
            scans: catalog.last_successful_scans().await?,
        })
    }
}

fn figures(published: &Published, project: &Project) -> Figures {
    let mut out = Figures::default();
    for livrable in published.livrables.get(&project.id).into_iter().flatten() {
        if !livrable.is_public() || !published.stored.contains(&livrable.id) {
            continue;
        }
        let Some(scan) = published.scans.get(&livrable.id) else {
            continue;
        };
        let summary = scan.summary.as_ref().unwrap_or(&Value::Null);
        out.dalles += summary["dalles"].as_u64().unwrap_or(0);
        out.bytes += summary["bytes"].as_u64().unwrap_or(0);
        out.km2 += area_km2(&summary["footprint"]);
    }
    let financed: Vec<f64> = project
        .acteurs
        .iter()
        .filter_map(|a| a.finance_part_euro)
        .collect();
    out.cost = (!financed.is_empty()).then(|| financed.iter().sum());
    out
}

/// The type of a project's territory: the hand-set type covering most of its communes' area,
/// else urban or rural by the density of its imported territories that have a population;
/// `non classé` without either.
async fn territory_type(
    catalog: &Catalog,
    config: &Config,
    territories: &Territories,
    project: &Project,
) -> Result<Typed, CatalogError> {
    let mut by_type: BTreeMap<&'static str, f64> = BTreeMap::new();
    let (mut people, mut km2) = (0u64, 0.0f64);
    // A commune named on its own and through its département counts once.
    let mut seen = std::collections::HashSet::new();
    for perimetre in &project.perimetres {
        let Some((kind, code)) = perimetre.split_once(':') else {
            continue;
        };
        let Some(kind) = TerritoryKind::parse(kind) else {
            continue;
        };
        // A commune is read with the others (its area measured when imported); an EPCI or a
        // département is its own boundary or its communes'.
        let parts: Vec<(Boundary, Option<String>)> = match (kind, territories.stored(perimetre)) {
            (TerritoryKind::Commune, None) => continue,
            (_, Some(boundary)) if boundary.area_km2.is_some() => vec![(boundary.clone(), None)],
            _ => match catalog.territory_shape(kind, code).await {
                Ok(shape) => shape
                    .parts
                    .into_iter()
                    .zip(shape.geometries.into_iter().map(Some))
                    .collect(),
                // Not imported: the type comes from the territories that are.
                Err(CatalogError::NotFound { .. }) => continue,
                Err(err) => return Err(err),
            },
        };
        for (part, geometry) in parts {
            if !seen.insert((part.info.kind, part.info.code.clone())) {
                continue;
            }
            // Boundaries imported before areas were measured are measured here.
            let area = part.area_km2.unwrap_or_else(|| {
                geometry
                    .and_then(|g| serde_json::from_str::<Value>(&g).ok())
                    .map_or(0.0, |g| area_km2(&g))
            });
            let set = config.statistics.territory_types.get(&part.info.code);
            if let Some(kind) = set.and_then(|t| crate::config::TERRITORY_TYPES.iter().find(|k| *k == t)) {
                *by_type.entry(kind).or_default() += area;
            }
            if let Some(population) = part.info.population {
                people += population;
                km2 += area;
            }
        }
    }
    Ok(classify(
        &by_type,
        Some((people, km2)),
        config.statistics.urban_density,
    ))
}

/// The type covering most area among hand-typed communes, else by density (`people` on
/// `km2`, over the territories whose population is known).
fn classify(by_type: &BTreeMap<&'static str, f64>, counted: Option<(u64, f64)>, urban_density: f64) -> Typed {
    if let Some((kind, _)) = by_type.iter().max_by(|a, b| a.1.total_cmp(b.1)) {
        return Typed {
            kind,
            why: "type donné à ses communes (statistics.territory_types)".into(),
        };
    }
    match counted {
        Some((people, km2)) if km2 > 0.0 && people > 0 => {
            let density = people as f64 / km2;
            Typed {
                kind: if density >= urban_density {
                    "urbain"
                } else {
                    "rural"
                },
                why: format!("{} hab./km²", number(density.round() as u64)),
            }
        }
        _ => Typed {
            kind: "non classé",
            why: "territoires non importés ou sans population".into(),
        },
    }
}

/// Horizontal bars: one per `(label, value, colour)`, labelled with `shown`.
fn bars(title: &str, rows: &[(String, f64, String, String)]) -> String {
    let most = rows
        .iter()
        .map(|r| r.1)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let height = 28 * rows.len() + 8;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 640 {height}\" width=\"640\" height=\"{height}\">",
        escape(title)
    );
    for (i, (label, value, colour, shown)) in rows.iter().enumerate() {
        let y = 4 + 28 * i;
        let width = (value / most * 330.0).max(if *value > 0.0 { 2.0 } else { 0.0 });
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"13\" fill=\"#1e1e1e\">{}</text>\
             <rect x=\"200\" y=\"{y}\" width=\"{width:.1}\" height=\"20\" fill=\"{colour}\"></rect>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"13\" fill=\"#1e1e1e\">{}</text>",
            y + 15,
            escape(label),
            206.0 + width,
            y + 15,
            escape(shown)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// `/statistiques`.
pub async fn page(config: web::Data<Config>, catalog: web::Data<Catalog>) -> HttpResponse {
    match render(&config, &catalog).await {
        Ok(page) => page.respond(StatusCode::OK),
        Err(err) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("catalogue indisponible : {err}"),
        ),
    }
}

/// Per type: projects, dalles, bytes, km², and (cost, km²) of the projects with a cost.
#[derive(Default)]
struct Aggregate {
    projects: u64,
    dalles: u64,
    bytes: u64,
    km2: f64,
    costed: (f64, f64),
}

async fn render(config: &Config, catalog: &Catalog) -> Result<Page, CatalogError> {
    let mut rows = String::new();
    let mut by_type: BTreeMap<&'static str, Aggregate> = BTreeMap::new();
    let mut by_status: BTreeMap<&str, u64> = BTreeMap::new();
    let projects = all_projects(catalog, "").await?;
    let published = Published::read(catalog).await?;
    let mut territories = Territories::new();
    territories
        .preload(catalog, projects.iter().flat_map(|p| &p.perimetres))
        .await?;
    for project in &projects {
        let figures = figures(&published, project);
        let typed = territory_type(catalog, config, &territories, project).await?;
        *by_status
            .entry(project.statut.map_or("", |s| s.as_str()))
            .or_default() += 1;
        let aggregate = by_type.entry(typed.kind).or_default();
        aggregate.projects += 1;
        aggregate.dalles += figures.dalles;
        aggregate.bytes += figures.bytes;
        aggregate.km2 += figures.km2;
        if let Some(cost) = figures.cost.filter(|_| figures.km2 > 0.0) {
            aggregate.costed.0 += cost;
            aggregate.costed.1 += figures.km2;
        }
        rows.push_str(&format!(
            "<tr><td><a href=\"/projets/{slug}\">{nom}</a></td><td>{badge}</td><td>{nature}</td>\
             <td>{kind} <span class=\"meta\">({why})</span></td><td>{dalles}</td><td>{volume}</td><td>{km2}</td>\
             <td>{cost}</td><td>{per_km2}</td></tr>\n",
            slug = escape(&project.slug),
            nom = escape(&project.nom),
            badge = badge(project.statut),
            nature = labels::project_nature(project.nature),
            kind = typed.kind,
            why = escape(&typed.why),
            dalles = number(figures.dalles),
            volume = bytes(figures.bytes),
            km2 = km2_text(figures.km2),
            cost = figures.cost.map(euros).unwrap_or_else(|| "—".into()),
            per_km2 = figures
                .cost
                .filter(|_| figures.km2 > 0.0)
                .map(|c| euros(c / figures.km2))
                .unwrap_or_else(|| "—".into()),
        ));
    }
    let status_bars: Vec<(String, f64, String, String)> = STATUTS
        .iter()
        .map(|(value, label, colour)| {
            let count = by_status.get(value.as_str()).copied().unwrap_or(0);
            (label.to_string(), count as f64, colour.to_string(), number(count))
        })
        .collect();
    let mut type_rows = String::new();
    let mut area_bars = Vec::new();
    let mut cost_bars = Vec::new();
    for (kind, aggregate) in &by_type {
        let per_km2 = (aggregate.costed.1 > 0.0).then(|| aggregate.costed.0 / aggregate.costed.1);
        type_rows.push_str(&format!(
            "<tr><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            number(aggregate.projects),
            number(aggregate.dalles),
            bytes(aggregate.bytes),
            km2_text(aggregate.km2),
            per_km2.map(euros).unwrap_or_else(|| "—".into()),
        ));
        area_bars.push((
            kind.to_string(),
            aggregate.km2,
            "#000091".into(),
            km2_text(aggregate.km2),
        ));
        cost_bars.push((
            kind.to_string(),
            per_km2.unwrap_or(0.0),
            "#18753c".into(),
            per_km2.map(euros).unwrap_or_else(|| "—".into()),
        ));
    }
    let main = format!(
        "<h1>Statistiques</h1>\n\
         <p class=\"intro\">Les volumes, dalles, surfaces et coûts des projets publiés, puis leur agrégation par type de \
         territoire, pour estimer le budget d'un futur projet. Surface : l'emprise des dalles trouvées par le dernier scan \
         réussi de chaque livrable diffusé. Coût : la somme des financements saisis par les acteurs du projet. Type de \
         territoire : celui donné à ses communes dans la configuration, sinon sa densité (urbain à partir de {density} \
         hab./km²).</p>\n\
         <section aria-labelledby=\"par-etat\"><h2 id=\"par-etat\">Projets par état d'avancement</h2>\n{status_chart}</section>\n\
         <section aria-labelledby=\"par-type\"><h2 id=\"par-type\">Par type de territoire</h2>\n\
         <h3>Surface couverte</h3>{area_chart}<h3>Coût moyen au km²</h3>{cost_chart}\n\
         <table id=\"by-type\"><thead><tr><th>Type</th><th>Projets</th><th>Dalles</th><th>Volume</th><th>Surface</th>\
         <th>Coût moyen au km²</th></tr></thead><tbody>{type_rows}</tbody></table></section>\n\
         <section aria-labelledby=\"par-projet\"><h2 id=\"par-projet\">Par projet</h2>\n\
         <table id=\"by-project\"><thead><tr><th>Projet</th><th>État</th><th>Nature</th><th>Territoire</th><th>Dalles</th>\
         <th>Volume</th><th>Surface</th><th>Coût</th><th>Coût au km²</th></tr></thead><tbody>{rows}</tbody></table></section>",
        density = number(config.statistics.urban_density.round() as u64),
        status_chart = bars("Nombre de projets par état d'avancement", &status_bars),
        area_chart = bars("Surface couverte par type de territoire, en km²", &area_bars),
        cost_chart = bars("Coût moyen au km² par type de territoire", &cost_bars),
    );
    Ok(Page {
        title: "Statistiques".into(),
        script: None,
        section: "/statistiques",
        main,
        data: Value::Null,
    })
}

fn km2_text(km2: f64) -> String {
    format!("{:.2} km²", km2).replace('.', ",")
}

fn euros(value: f64) -> String {
    format!("{} €", number(value.max(0.0).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_on_the_sphere() {
        // A 0.01° square at 45° N: about 1.11 km × 0.79 km.
        let square = serde_json::json!({"type": "Polygon", "coordinates": [[[4.0, 45.0], [4.01, 45.0], [4.01, 45.01], [4.0, 45.01], [4.0, 45.0]]]});
        let km2 = area_km2(&square);
        assert!((km2 - 0.874).abs() < 0.01, "{km2}");
        let multi = serde_json::json!({"type": "MultiPolygon", "coordinates": [square["coordinates"].clone(), square["coordinates"].clone()]});
        assert!((area_km2(&multi) - 2.0 * km2).abs() < 1e-9);
        assert_eq!(area_km2(&serde_json::json!({"type": "Point"})), 0.0);
    }

    #[test]
    fn territories_are_typed_by_hand_then_by_density() {
        let mut by_type = BTreeMap::new();
        assert_eq!(classify(&by_type, Some((30_000, 100.0)), 300.0).kind, "urbain");
        assert_eq!(classify(&by_type, Some((29_999, 100.0)), 300.0).kind, "rural");
        assert_eq!(classify(&by_type, None, 300.0).kind, "non classé");
        assert_eq!(classify(&by_type, Some((0, 100.0)), 300.0).kind, "non classé");
        by_type.insert("montagne", 80.0);
        by_type.insert("rural", 20.0);
        let typed = classify(&by_type, Some((30_000, 100.0)), 300.0);
        assert_eq!(
            typed.kind, "montagne",
            "the hand-set type covering most area wins"
        );
    }
}
