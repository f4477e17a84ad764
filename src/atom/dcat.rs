//! The catalogue as DCAT-AP, for harvesters (data.gouv.fr's DCAT harvester, GeoNetwork): a
//! `dcat:Catalog` of the deliverables as `dcat:Dataset`s with their distributions (services,
//! feed, download), in JSON-LD and in RDF/XML, paged as Hydra says (`hydra:PartialCollectionView`,
//! the form data.gouv.fr follows) and filtered by `modified_since` for incremental harvests.

use serde_json::{json, Value};

use super::dataset::Dataset;
use super::feed::{dataset_url, record_url, rights_of};
use super::Publisher;
use crate::ogc::common::xml::Xml;

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD_DATETIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";
const WKT: &str = "http://www.opengis.net/ont/geosparql#wktLiteral";

/// A page of the catalogue: its URL, the other pages' and how many datasets in all.
#[derive(Debug, Clone)]
pub struct CatalogPage {
    /// This page's URL.
    pub url: String,
    /// The first, previous, next and last pages' URLs (previous and next when they exist).
    pub first: String,
    /// The previous page.
    pub previous: Option<String>,
    /// The next page.
    pub next: Option<String>,
    /// The last page.
    pub last: String,
    /// Deliverables in all (before the caller's view and the date filter).
    pub total: i64,
}

/// The distributions of a dataset: (URL, title, media type, whether it is a download).
pub fn distributions(base: &str, dataset: &Dataset) -> Vec<(String, String, &'static str, bool)> {
    let slug = &dataset.livrable.slug;
    let mut out = Vec::new();
    if !dataset.content.images.is_empty() {
        out.push((
            format!("{base}/wms?SERVICE=WMS&REQUEST=GetCapabilities"),
            "WMS".into(),
            "application/xml",
            false,
        ));
        out.push((
            format!("{base}/wmts?SERVICE=WMTS&REQUEST=GetCapabilities"),
            "WMTS".into(),
            "application/xml",
            false,
        ));
    }
    if !dataset.content.classes.is_empty() {
        out.push((
            format!("{base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities"),
            "WFS".into(),
            "application/xml",
            false,
        ));
    }
    out.push((
        format!("{base}/ogcapi/collections/{slug}"),
        "OGC API".into(),
        "application/json",
        false,
    ));
    out.push((
        dataset_url(base, slug),
        "Flux ATOM INSPIRE".into(),
        "application/atom+xml",
        false,
    ));
    if dataset.permission.allowed {
        out.push((
            format!("{base}/download/zip?livrable={slug}"),
            "Téléchargement (ZIP)".into(),
            "application/zip",
            true,
        ));
    }
    out
}

fn polygon_wkt([w, s, e, n]: [f64; 4]) -> String {
    format!("POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))")
}

/// The page as JSON-LD.
pub fn json_ld(base: &str, publisher: &Publisher, datasets: &[Dataset], page: &CatalogPage) -> Value {
    let items: Vec<Value> = datasets
        .iter()
        .map(|dataset| {
            let livrable = &dataset.livrable;
            let mut item = json!({
                "@id": format!("{}#dataset", record_url(base, &livrable.slug)),
                "@type": "dcat:Dataset",
                "dct:identifier": livrable.slug,
                "dct:title": format!("{} — {}", livrable.nom, dataset.project.nom),
                "dct:description": super::feed::summary(dataset),
                "dct:modified": {"@value": dataset.updated, "@type": XSD_DATETIME},
                "dct:rights": rights_of(livrable.licence),
                "dcat:keyword": ["PCRS", "Plan de Corps de Rue Simplifié", dataset.project.nom],
                "dcat:landingPage": {"@id": format!("{base}/ogcapi/collections/{}", livrable.slug)},
                "foaf:isPrimaryTopicOf": {"@id": record_url(base, &livrable.slug)},
                "dcat:contactPoint": {"@type": "vcard:Kind", "vcard:fn": dataset.project.nom},
                "dcat:distribution": distributions(base, dataset).into_iter().map(|(url, title, media_type, download)| {
                    let mut distribution = json!({
                        "@type": "dcat:Distribution",
                        "dct:title": title,
                        "dcat:accessURL": {"@id": url},
                        "dcat:mediaType": media_type,
                    });
                    if download {
                        distribution["dcat:downloadURL"] = json!({"@id": url});
                    }
                    distribution
                }).collect::<Vec<_>>(),
            });
            if let Some(url) = livrable.licence.url() {
                item["dct:license"] = json!({"@id": url});
            }
            if let Some(bbox) = dataset.extent84 {
                item["dct:spatial"] = json!({"@type": "dct:Location", "dcat:bbox": {"@value": polygon_wkt(bbox), "@type": WKT}});
            }
            item
        })
        .collect();
    let mut view = json!({
        "@id": page.url,
        "@type": "hydra:PartialCollectionView",
        "hydra:first": page.first,
        "hydra:last": page.last,
    });
    if let Some(next) = &page.next {
        view["hydra:next"] = json!(next);
    }
    if let Some(previous) = &page.previous {
        view["hydra:previous"] = json!(previous);
    }
    let catalogue = json!({
        "@id": format!("{base}/metadata/catalog"),
        "@type": "dcat:Catalog",
        "dct:title": publisher.title,
        "dct:description": publisher.subtitle,
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher.name, "foaf:mbox": {"@id": format!("mailto:{}", publisher.email)}},
        "dcat:dataset": datasets.iter().map(|d| json!({"@id": format!("{}#dataset", record_url(base, &d.livrable.slug))})).collect::<Vec<_>>(),
    });
    let collection = json!({"@id": page.url, "@type": "hydra:Collection", "hydra:totalItems": page.total, "hydra:view": view});
    let graph: Vec<Value> = [catalogue, collection].into_iter().chain(items).collect();
    json!({
        "@context": {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "vcard": VCARD, "hydra": HYDRA},
        "@graph": graph,
    })
}

/// The page as RDF/XML.
pub fn rdf_xml(base: &str, publisher: &Publisher, datasets: &[Dataset], page: &CatalogPage) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open(
        "rdf:RDF",
        &[
            ("xmlns:rdf", RDF),
            ("xmlns:dcat", DCAT),
            ("xmlns:dct", DCT),
            ("xmlns:foaf", FOAF),
            ("xmlns:hydra", HYDRA),
        ],
    );
    xml.open(
        "dcat:Catalog",
        &[("rdf:about", &format!("{base}/metadata/catalog"))],
    );
    xml.leaf("dct:title", &[], &publisher.title);
    xml.leaf("dct:description", &[], &publisher.subtitle);
    xml.open("dct:publisher", &[]);
    xml.open("foaf:Agent", &[]);
    xml.leaf("foaf:name", &[], &publisher.name);
    xml.empty(
        "foaf:mbox",
        &[("rdf:resource", &format!("mailto:{}", publisher.email))],
    );
    xml.close("foaf:Agent");
    xml.close("dct:publisher");
    for dataset in datasets {
        let livrable = &dataset.livrable;
        xml.open("dcat:dataset", &[]);
        xml.open(
            "dcat:Dataset",
            &[(
                "rdf:about",
                &format!("{}#dataset", record_url(base, &livrable.slug)),
            )],
        );
        xml.leaf("dct:identifier", &[], &livrable.slug);
        xml.leaf(
            "dct:title",
            &[],
            &format!("{} — {}", livrable.nom, dataset.project.nom),
        );
        xml.leaf("dct:description", &[], &super::feed::summary(dataset));
        xml.leaf(
            "dct:modified",
            &[("rdf:datatype", XSD_DATETIME)],
            &dataset.updated,
        );
        xml.leaf("dct:rights", &[], &rights_of(livrable.licence));
        if let Some(url) = livrable.licence.url() {
            xml.empty("dct:license", &[("rdf:resource", url)]);
        }
        for keyword in ["PCRS", "Plan de Corps de Rue Simplifié", &dataset.project.nom] {
            xml.leaf("dcat:keyword", &[], keyword);
        }
        xml.empty(
            "dcat:landingPage",
            &[(
                "rdf:resource",
                &format!("{base}/ogcapi/collections/{}", livrable.slug),
            )],
        );
        xml.empty(
            "foaf:isPrimaryTopicOf",
            &[("rdf:resource", &record_url(base, &livrable.slug))],
        );
        if let Some(bbox) = dataset.extent84 {
            xml.open("dct:spatial", &[]);
            xml.open("dct:Location", &[]);
            xml.leaf("dcat:bbox", &[("rdf:datatype", WKT)], &polygon_wkt(bbox));
            xml.close("dct:Location");
            xml.close("dct:spatial");
        }
        for (url, title, media_type, download) in distributions(base, dataset) {
            xml.open("dcat:distribution", &[]);
            xml.open("dcat:Distribution", &[]);
            xml.leaf("dct:title", &[], &title);
            xml.empty("dcat:accessURL", &[("rdf:resource", &url)]);
            if download {
                xml.empty("dcat:downloadURL", &[("rdf:resource", &url)]);
            }
            xml.leaf("dcat:mediaType", &[], media_type);
            xml.close("dcat:Distribution");
            xml.close("dcat:distribution");
        }
        xml.close("dcat:Dataset");
        xml.close("dcat:dataset");
    }
    xml.close("dcat:Catalog");
    xml.open("hydra:PartialCollectionView", &[("rdf:about", &page.url)]);
    xml.empty("hydra:first", &[("rdf:resource", &page.first)]);
    xml.empty("hydra:last", &[("rdf:resource", &page.last)]);
    if let Some(next) = &page.next {
        xml.empty("hydra:next", &[("rdf:resource", next)]);
    }
    if let Some(previous) = &page.previous {
        xml.empty("hydra:previous", &[("rdf:resource", previous)]);
    }
    xml.leaf("hydra:totalItems", &[], &page.total.to_string());
    xml.close("hydra:PartialCollectionView");
    xml.close("rdf:RDF");
    xml.finish()
}
