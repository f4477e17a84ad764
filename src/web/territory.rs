//! The territory download page (`/telechargement`): a commune, an EPCI or a département picked
//! among the imported boundaries, or a polygon drawn on the map; the dalles selected drawn on
//! the map and the download API's preview (per deliverable: dalles, files, bytes, features and
//! whether the caller may download them); then the ZIP, the Metalink or the list of addresses
//! of the same selection. The page is the form; the map script asks the API.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::json;

use super::html::{error_page, escape, Page};
use crate::catalog::{Catalog, CatalogError, Livrable};

/// `/telechargement`.
pub async fn page(catalog: web::Data<Catalog>) -> HttpResponse {
    match render(&catalog).await {
        Ok(page) => page.respond(StatusCode::OK),
        Err(err) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("catalogue indisponible : {err}"),
        ),
    }
}

/// The published deliverables, for the form's choice: public, with an active storage (two
/// queries, whatever their number).
async fn published(catalog: &Catalog) -> Result<Vec<Livrable>, CatalogError> {
    let stored: std::collections::HashSet<i64> = catalog
        .active_storages()
        .await?
        .iter()
        .map(|s| s.livrable_id)
        .collect();
    let mut out: Vec<Livrable> = catalog
        .livrables_by_project()
        .await?
        .into_values()
        .flatten()
        .filter(|l| l.is_public() && stored.contains(&l.id))
        .collect();
    out.sort_by_key(|l| l.id);
    Ok(out)
}

async fn render(catalog: &Catalog) -> Result<Page, CatalogError> {
    let livrables = published(catalog).await?;
    let bbox = catalog
        .image_groups((0, i64::MAX))
        .await?
        .into_iter()
        .filter_map(|g| g.bbox_wgs84)
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]);
    let options: String = livrables
        .iter()
        .map(|l| {
            format!(
                "<option value=\"{}\">{}</option>",
                escape(&l.slug),
                escape(&l.nom)
            )
        })
        .collect();
    let main = format!(
        "<h1>Télécharger par territoire</h1>\n\
         <p class=\"intro\">Les dalles d'une commune, d'un EPCI, d'un département ou d'une zone dessinée, et les \
         objets des livrables vecteur découpés à ce lieu, en une archive ZIP lue directement sur les stockages \
         des porteurs (reprise possible), ou en Metalink pour un gestionnaire de téléchargement.</p>\n\
         <form id=\"selection\" class=\"filters\" novalidate aria-describedby=\"status\">\n\
         <label for=\"kind\">Lieu</label> <select id=\"kind\" name=\"kind\">\
         <option value=\"commune\">Commune (code INSEE ou nom)</option><option value=\"epci\">EPCI (SIREN ou nom)</option>\
         <option value=\"departement\">Département (code ou nom)</option><option value=\"area\">Zone dessinée sur la carte</option></select>\n\
         <label for=\"code\">Territoire</label> <input id=\"code\" name=\"code\" list=\"territories\" autocomplete=\"off\" \
         placeholder=\"69123 ou Lyon\"><datalist id=\"territories\"></datalist>\n\
         <label for=\"livrable\">Livrable</label> <select id=\"livrable\" name=\"livrable\"><option value=\"\">Tous</option>{options}</select>\n\
         <label for=\"format\">Format des objets vecteur</label> <select id=\"format\" name=\"format\">\
         <option value=\"gpkg\">GeoPackage</option><option value=\"gml\">GML</option><option value=\"geojson\">GeoJSON</option>\
         <option value=\"shp\">Shapefile</option></select>\n\
         <button id=\"preview-button\" type=\"submit\">Voir la sélection</button>\n</form>\n\
         <p id=\"draw-status\" class=\"hint\"></p>\n<p id=\"status\" role=\"status\"></p>\n\
         <p id=\"error\" role=\"alert\" hidden></p>\n\
         <noscript><p>Sans JavaScript : l'aperçu est à <code>/api/downloads/preview?commune=69123</code>, l'archive à \
         <code>/download/zip?commune=69123</code> (ou <code>epci=</code>, <code>departement=</code>, <code>area=</code>), \
         et la commande <code>dallage download --commune 69123 -o lyon.zip</code> fait de même.</p></noscript>\n\
         <div class=\"map-layout\">\n<div id=\"map\" class=\"map\" tabindex=\"0\" role=\"region\" \
         aria-label=\"Carte : le lieu choisi et ses dalles ; en mode zone, cliquez les sommets, double-cliquez pour finir\"></div>\n\
         <section id=\"result\" class=\"panel\" aria-labelledby=\"apercu\" hidden><h2 id=\"apercu\">Aperçu</h2>\n\
         <p id=\"total\"></p>\n<p id=\"links\"></p></section>\n</div>\n\
         <p id=\"map-status\" role=\"status\"></p>\n\
         <table class=\"preview\"><caption>Par livrable</caption><thead><tr><th>Livrable</th><th>Dalles</th><th>Fichiers</th>\
         <th>Poids</th><th>Objets vecteur</th><th>Téléchargement autorisé</th></tr></thead><tbody id=\"preview-rows\"></tbody></table>",
    );
    Ok(Page {
        title: "Télécharger par territoire".into(),
        script: Some("territory"),
        section: "/telechargement",
        main,
        data: json!({"bbox": bbox}),
    })
}
