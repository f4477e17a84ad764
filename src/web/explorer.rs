//! A deliverable's explorer (`/livrables/{slug}`): its own tiles with the dalles' footprints
//! on top (the map script: a click on a dalle gives its metadata and its download link when
//! allowed), the list of dalles for the keyboard, and the addresses of every service showing
//! it, each copyable with a short "ajouter dans QGIS" hint.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::html::{bytes, error_page, escape, number, Page};
use super::labels;
use crate::catalog::{Catalog, CatalogError, Livrable, Permission, Project, VectorFileRecord};
use crate::config::Config;
use crate::ogc::common::base_url;
use crate::vector::Vectors;

/// What the deliverable holds, for the map and the service list.
struct Holds {
    /// Dalles (images) and their bytes.
    dalles: (u64, u64),
    /// Vector classes.
    classes: Vec<String>,
    /// Extent in CRS:84.
    bbox: Option<[f64; 4]>,
}

/// `/livrables/{slug}`.
pub async fn page(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    path: web::Path<String>,
    request: HttpRequest,
) -> HttpResponse {
    let slug = path.into_inner();
    let base = base_url(&request, &config.server.public_url);
    match render(&catalog, &vectors, &slug, &base).await {
        Ok(Some(page)) => page.respond(StatusCode::OK),
        Ok(None) | Err(CatalogError::NotFound { .. }) => error_page(
            StatusCode::NOT_FOUND,
            &format!("Aucun livrable diffusé « {slug} »."),
        ),
        Err(err) => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("catalogue indisponible : {err}"),
        ),
    }
}

async fn holds(catalog: &Catalog, vectors: &Vectors, livrable: &Livrable) -> Result<Holds, CatalogError> {
    let groups = catalog.image_groups((livrable.id, livrable.id)).await?;
    let collections: Vec<_> = vectors
        .all()
        .into_iter()
        .filter(|c| c.livrable_id == livrable.id)
        .collect();
    let bbox = groups
        .iter()
        .filter_map(|g| g.bbox_wgs84)
        .chain(collections.iter().filter_map(|c| c.extent84))
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]);
    Ok(Holds {
        dalles: (
            groups.iter().map(|g| g.count).sum(),
            groups.iter().map(|g| g.bytes).sum(),
        ),
        classes: collections.iter().map(|c| c.class.clone()).collect(),
        bbox,
    })
}

async fn render(
    catalog: &Catalog,
    vectors: &Vectors,
    slug: &str,
    base: &str,
) -> Result<Option<Page>, CatalogError> {
    let livrable = catalog.livrable_by_slug(slug).await?;
    if !livrable.is_public() {
        return Ok(None);
    }
    let project = catalog.project(livrable.project_id).await?;
    let storage = catalog.active_storage(livrable.id).await?;
    let permission = match &storage {
        Some(storage) => Permission::of(&livrable, storage, false),
        None => Permission {
            allowed: false,
            reason: None,
        },
    };
    // Why not, in French (the API's reasons are English).
    let refusal = match &storage {
        _ if permission.allowed => None,
        None => Some("aucun stockage actif : le porteur l'a révoqué ou pas encore déclaré"),
        Some(storage) if !storage.download_allowed => Some("le porteur n'a pas autorisé le téléchargement"),
        Some(_) => Some("licence fermée : seul le porteur peut télécharger"),
    };
    let holds = holds(catalog, vectors, &livrable).await?;
    let files = catalog.vector_files(livrable.id).await?;
    let raster = holds.dalles.0 > 0;
    // A deliverable holding dalles and GML is drawn by its orthophoto (its vector map is
    // listed by class only).
    let vector = !raster && !holds.classes.is_empty();
    let main = format!(
        "<p class=\"crumbs\"><a href=\"/\">Carte des projets</a> › <a href=\"/projets/{project_slug}\">{project_nom}</a> › {nom}</p>\n\
         <h1>{nom}</h1>\n\
         <dl class=\"facts\"><dt>Nature</dt><dd>{nature}</dd><dt>Licence</dt><dd>{licence}</dd>\
         {sizes}\
         <dt>Téléchargement</dt><dd>{download}</dd></dl>\n\
         <div class=\"map-layout\">\n<div id=\"map\" class=\"map\" tabindex=\"0\" role=\"region\" \
         aria-label=\"Carte du livrable et de ses dalles (la liste des dalles suit)\"></div>\n\
         <aside id=\"map-panel\" class=\"panel\" aria-live=\"polite\" hidden></aside>\n</div>\n\
         <p id=\"map-status\" role=\"status\"></p>\n\
         {contents}\n\
         <section aria-labelledby=\"services\"><h2 id=\"services\">Adresses des services</h2>\n{services}</section>",
        project_slug = escape(&project.slug),
        project_nom = escape(&project.nom),
        nom = escape(&livrable.nom),
        nature = labels::livrable_nature(livrable.nature),
        licence = labels::licence(livrable.licence),
        sizes = match (raster, holds.classes.is_empty()) {
            (true, true) => format!(
                "<dt>Dalles</dt><dd>{}</dd><dt>Poids</dt><dd>{}</dd>",
                number(holds.dalles.0),
                bytes(holds.dalles.1)
            ),
            (true, false) => format!(
                "<dt>Dalles</dt><dd>{}</dd><dt>Poids</dt><dd>{}</dd><dt>Classes vecteur</dt><dd>{}</dd>",
                number(holds.dalles.0),
                bytes(holds.dalles.1),
                escape(&holds.classes.join(", "))
            ),
            (false, _) => format!(
                "<dt>Fichiers</dt><dd>{}</dd><dt>Classes vecteur</dt><dd>{}</dd>",
                number(files.len() as u64),
                if holds.classes.is_empty() { "aucune".into() } else { escape(&holds.classes.join(", ")) }
            ),
        },
        download = match refusal {
            None => "autorisé".to_string(),
            Some(reason) => format!("non autorisé ({reason})"),
        },
        contents = contents(raster, slug, &permission, &files),
        services = services(base, &livrable, &project, (raster, vector || !holds.classes.is_empty()), permission.allowed),
    );
    Ok(Some(Page {
        title: livrable.nom.clone(),
        script: Some("explorer"),
        section: "/",
        main,
        data: json!({
            "slug": livrable.slug,
            "raster": raster,
            "vector": vector,
            "bbox": holds.bbox,
            "download_allowed": permission.allowed,
            "download_reason": refusal.map(|r| format!("Téléchargement non autorisé : {r}.")),
        }),
    }))
}

/// The dalles (filled by the map script, one button each) or the vector files, with what
/// works without the script.
fn contents(raster: bool, raw_slug: &str, permission: &Permission, files: &[VectorFileRecord]) -> String {
    let slug = escape(raw_slug);
    let list = if permission.allowed {
        format!(", <a href=\"/download/list.txt?livrable={slug}\">liste des fichiers</a>")
    } else {
        String::new()
    };
    if raster || files.is_empty() {
        return format!(
            "<section aria-labelledby=\"dalles\"><h2 id=\"dalles\">Dalles</h2>\n\
             <p>Choisissez une dalle pour voir ses métadonnées{}. Sans script : \
             <a href=\"/api/livrables/{slug}/dalles.geojson\">emprises en GeoJSON</a>{list}.</p>\n\
             <ul id=\"dalle-list\" class=\"dalle-list\"></ul></section>",
            if permission.allowed {
                " et la télécharger"
            } else {
                ""
            },
        );
    }
    format!(
        "<section aria-labelledby=\"fichiers\"><h2 id=\"fichiers\">Fichiers</h2>\n\
         <p>Les fichiers GML du livrable, leurs objets et leur conformité au schéma CNIG PCRS v2.0 \
         (<a href=\"/api/livrables/{slug}/vector\">rapport complet</a>{list}).</p>\n{}</section>",
        super::project::vector_files_table(raw_slug, files, permission.allowed)
    )
}

/// The service addresses, each in a read-only field with its copy button and QGIS hint.
fn services(
    base: &str,
    livrable: &Livrable,
    project: &Project,
    (raster, vector): (bool, bool),
    download: bool,
) -> String {
    let slug = &livrable.slug;
    let mut rows: Vec<(&str, &str, String, String)> = Vec::new();
    if raster {
        rows.push((
            "wms",
            "WMS",
            format!("{base}/wms"),
            format!(
            "QGIS : Couche ▸ Ajouter une couche ▸ WMS/WMTS ▸ Nouveau, cette URL, puis la couche « {slug} »."),
        ));
        rows.push((
            "wmts",
            "WMTS",
            format!("{base}/wmts/1.0.0/WMTSCapabilities.xml"),
            format!("QGIS : même fenêtre, onglet « Tuiles », cette URL, puis la couche « {slug} »."),
        ));
        rows.push((
            "xyz",
            "Tuiles XYZ",
            format!("{base}/tiles/{slug}/{{z}}/{{x}}/{{y}}.jpg"),
            "QGIS : Tuiles XYZ ▸ Nouvelle connexion, cette URL (aussi pour Leaflet, OpenLayers).".into(),
        ));
        rows.push((
            "ogcapi",
            "OGC API Tiles",
            format!("{base}/ogcapi/collections/{slug}"),
            "GDAL : gdalinfo OGCAPI:<URL> ; QGIS 3.28 et plus : source OGC API.".into(),
        ));
    }
    if vector {
        rows.push(("wfs", "WFS", format!("{base}/wfs"), format!(
            "QGIS : Couche ▸ Ajouter une couche WFS / OGC API – Features ▸ Nouveau, cette URL ; les classes commencent par « dallage:{slug} ».")));
        rows.push((
            "features",
            "OGC API Features",
            format!("{base}/ogcapi"),
            "QGIS : même fenêtre, cette URL ; GDAL : ogrinfo OAPIF:<URL>.".into(),
        ));
        if !raster {
            rows.push(("mvt", "Tuiles vectorielles", format!("{base}/tiles/{slug}/{{z}}/{{x}}/{{y}}.mvt"),
                format!("QGIS : Couche ▸ Ajouter une couche de tuiles vectorielles, cette URL ; le style MapLibre est {base}/tiles/{slug}/style.json.")));
            rows.push((
                "wms-vector",
                "WMS (rendu SLD)",
                format!("{base}/wms"),
                format!("QGIS : Couche ▸ Ajouter une couche WMS/WMTS, cette URL, puis la couche « {slug} »."),
            ));
        }
    }
    rows.push((
        "atom",
        "Flux ATOM INSPIRE",
        format!("{base}/atom/datasets/{slug}.xml"),
        "Un lecteur de flux ou un client INSPIRE (téléchargement par format et projection).".into(),
    ));
    rows.push((
        "iso",
        "Métadonnées ISO 19139",
        format!("{base}/metadata/{slug}.xml"),
        "À moissonner par un catalogue (GeoNetwork, data.gouv.fr).".into(),
    ));
    rows.push((
        "changes",
        "Changements du projet",
        format!("{base}/atom/projects/{}.xml", project.slug),
        "S'abonner aux nouvelles livraisons et aux scans.".into(),
    ));
    if download {
        rows.push((
            "zip",
            "Téléchargement complet (ZIP)",
            format!("{base}/download/zip?livrable={slug}"),
            "Reprise possible (Range) ; aussi en Metalink : /download/metalink.meta4?livrable=….".into(),
        ));
    }
    rows.iter()
        .map(|(id, label, url, hint)| {
            format!(
                "<div class=\"service\"><label for=\"url-{id}\">{label}</label>\
                 <input id=\"url-{id}\" type=\"text\" readonly value=\"{url}\">\
                 <button type=\"button\" class=\"copy\" data-copy=\"url-{id}\">Copier</button>\
                 <p class=\"hint\">{hint}</p></div>\n",
                url = escape(url),
                hint = escape(hint),
            )
        })
        .collect()
}
