//! The INSPIRE pre-defined ATOM download service over two deliverables of one project: the test
//! deliverable served by nginx (four dalles, downloads allowed) and Lyon's PCRS GML (a vector
//! deliverable whose storage does not allow downloads). Every feed validates against the Atom
//! RELAX NG schema of RFC 4287 (`tests/fixtures/atom/atom.rnc`, converted by rnc2rng, checked by
//! xmllint), each dataset's ISO 19139 record against the gmd schemas, and a checklist names each
//! Technical Guidance requirement it verifies ("TG
//! Requirement N" of the Technical Guidance for INSPIRE Download Services 3.1, chapter 5).

mod common;
#[path = "atom_parts/metadata.rs"]
mod metadata;

use std::path::Path;
use std::process::Command;

use common::pcrs::lyon_files;
use common::served::{xmllint, Served};
use common::*;
use dallage::vector::{read_tree, Node, XmlLimits};
use serde_json::json;

/// GET with an optional key: status, content type, body, and the Location header.
async fn fetch(url: &str, key: Option<&str>) -> (u16, String, Vec<u8>, Option<String>) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.get(url);
    if let Some(key) = key {
        request = request.header("X-API-Key", key);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (status, content_type, location) = (
        response.status().as_u16(),
        header("content-type").unwrap_or_default(),
        header("location"),
    );
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
        location,
    )
}

/// The Atom schema in XML syntax, converted once per test run.
fn atom_rng(scratch: &Path) -> std::path::PathBuf {
    let rnc = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/atom/atom.rnc");
    let rng = scratch.join("atom.rng");
    let output = Command::new("rnc2rng").arg(&rnc).output().expect("rnc2rng runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&rng, output.stdout).unwrap();
    rng
}

/// Validates an Atom document against RFC 4287's schema.
fn assert_atom_valid(document: &[u8], rng: &Path, scratch: &Path, what: &str) {
    let file = scratch.join("feed.xml");
    std::fs::write(&file, document).unwrap();
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--relaxng"])
        .arg(rng)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{what} is not valid Atom: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(document)
    );
}

fn tree(document: &[u8]) -> Node {
    read_tree(document, XmlLimits::default()).expect("well-formed XML")
}

fn children<'a>(node: &'a Node, name: &str) -> Vec<&'a Node> {
    node.children.iter().filter(|c| c.name == name).collect()
}

fn text_of<'a>(node: &'a Node, name: &str) -> &'a str {
    node.child(name).map(|c| c.text.trim()).unwrap_or("")
}

/// The links of an element with this `rel`.
fn links<'a>(node: &'a Node, rel: &str) -> Vec<&'a Node> {
    children(node, "link")
        .into_iter()
        .filter(|l| l.attr("rel") == Some(rel))
        .collect()
}

/// An RFC 3339 time with its zone, not in the future nor before 2012 (TG Requirements 11, 19, 24).
fn assert_updated(node: &Node, what: &str) {
    let updated = text_of(node, "updated");
    let time = chrono::DateTime::parse_from_rfc3339(updated)
        .unwrap_or_else(|_| panic!("{what}: updated `{updated}` is not RFC 3339 with a zone"));
    assert!(
        time.year() >= 2012 && time <= chrono::Utc::now(),
        "{what}: updated {updated}"
    );
}

use chrono::Datelike;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_atom_feeds_meet_the_inspire_technical_guidance() {
    dallage::init_gdal();
    let nginx = storages()
        .into_iter()
        .find(|(name, _)| *name == "nginx")
        .unwrap()
        .1;
    let mut raster_storage = nginx.clone();
    raster_storage["download_allowed"] = json!(true);
    let lyon = TempDir::new();
    for file in lyon_files() {
        std::fs::copy(&file, lyon.path().join(file.file_name().unwrap())).unwrap();
    }
    // Dataset feeds page after two dalles (limits.atom_links_per_page in the tests' settings).
    let served = Served::start(vec![
        raster_storage,
        json!({"type": "file", "path": lyon.path().display().to_string()}),
    ])
    .await;
    let (raster, vector) = (served.layers[0].clone(), served.layers[1].clone());
    let scratch = TempDir::new();
    let rng = atom_rng(&scratch.path());
    let base = &served.base;

    // The service feed, anonymously.
    let service_url = format!("{base}/atom/service.xml");
    let (status, content_type, body, _) = fetch(&service_url, None).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/atom+xml"), "{content_type}");
    assert_atom_valid(&body, &rng, &scratch.path(), "the service feed"); // TG Requirement 2
    let feed = tree(&body);
    assert!(!text_of(&feed, "title").is_empty(), "TG Requirement 5: title");
    let own = links(&feed, "self");
    assert_eq!(own.len(), 1, "TG Requirement 7: one self link");
    assert_eq!(own[0].attr("href"), Some(service_url.as_str()));
    assert_eq!(own[0].attr("type"), Some("application/atom+xml"));
    assert_eq!(own[0].attr("hreflang"), Some("fr"));
    let search = links(&feed, "search");
    assert_eq!(
        search[0].attr("type"),
        Some("application/opensearchdescription+xml"),
        "TG Requirement 8: the OpenSearch link"
    );
    assert_eq!(text_of(&feed, "id"), service_url, "TG Requirement 9: id = self");
    // TG Requirement 6: the service's own record, valid against the ISO 19119 srv schema.
    let described = links(&feed, "describedby");
    assert_eq!(
        described[0].attr("type"),
        Some("application/xml"),
        "TG Requirement 6"
    );
    let (status, _, record, _) = fetch(described[0].attr("href").unwrap(), None).await;
    assert_eq!(status, 200);
    xmllint(
        &record,
        Some("ogc/iso/19139/20070417/srv/1.0/srv.xsd"),
        &scratch.path(),
    )
    .unwrap_or_else(|err| panic!("the service record: {err}\n{}", String::from_utf8_lossy(&record)));
    let operates_on = String::from_utf8_lossy(&record).matches("operatesOn").count();
    assert_eq!(operates_on, 1, "the first page's dataset, by reference");
    assert!(!text_of(&feed, "rights").is_empty(), "TG Requirement 10: rights");
    assert_updated(&feed, "the service feed");
    let author = feed.child("author").expect("TG Requirement 12: author");
    assert!(!text_of(author, "name").is_empty() && text_of(author, "email").contains('@'));
    // One deliverable a page in the tests' settings: the second is on page 2 (RFC 5005).
    assert_eq!(children(&feed, "entry").len(), 1, "a page of one");
    let next = links(&feed, "next")[0].attr("href").unwrap().to_string();
    assert_eq!(next, format!("{service_url}?page=2"));
    let (status, _, second, _) = fetch(&next, None).await;
    assert_eq!(status, 200);
    assert_atom_valid(&second, &rng, &scratch.path(), "page 2 of the service feed");
    let second = tree(&second);
    assert_eq!(
        links(&second, "previous")[0].attr("href"),
        Some(service_url.as_str())
    );
    assert!(links(&second, "next").is_empty(), "the last page");
    let (status, _, _, _) = fetch(&format!("{service_url}?page=3"), None).await;
    assert_eq!(status, 404, "past the last page");
    let entries: Vec<&Node> = children(&feed, "entry")
        .into_iter()
        .chain(children(&second, "entry"))
        .collect();
    assert_eq!(entries.len(), 2, "TG Requirement 1: an entry per dataset");
    for entry in &entries {
        let code = text_of(entry, "spatial_dataset_identifier_code");
        assert!(
            [raster.as_str(), vector.as_str()].contains(&code),
            "TG Requirement 13: code {code}"
        );
        assert_eq!(
            text_of(entry, "spatial_dataset_identifier_namespace"),
            format!("{base}/"),
            "TG Requirement 13: namespace"
        );
        let alternate = links(entry, "alternate");
        assert_eq!(alternate.len(), 1, "TG Requirement 15");
        assert_eq!(alternate[0].attr("type"), Some("application/atom+xml"));
        let dataset_feed = alternate[0].attr("href").unwrap();
        assert_eq!(dataset_feed, format!("{base}/atom/datasets/{code}.xml"));
        assert_eq!(text_of(entry, "id"), dataset_feed, "TG Requirement 17");
        assert!(!text_of(entry, "title").is_empty(), "TG Requirement 18");
        assert_updated(entry, code); // TG Requirement 19
        let polygon: Vec<f64> = text_of(entry, "polygon")
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(polygon.len(), 10, "TG Recommendation 6: five lat lon pairs");
        assert_eq!(polygon[..2], polygon[8..], "closed");
        assert!(
            polygon
                .chunks(2)
                .all(|p| (45.0..46.5).contains(&p[0]) && (4.0..5.5).contains(&p[1])),
            "latitude first, around Lyon: {polygon:?}"
        );
        // TG Requirement 14: the dataset's ISO 19139 record, valid against the gmd schemas.
        let described = links(entry, "describedby");
        assert_eq!(described.len(), 1, "TG Requirement 14");
        assert_eq!(described[0].attr("type"), Some("application/xml"));
        let (status, content_type, record, _) = fetch(described[0].attr("href").unwrap(), None).await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("application/xml"), "{content_type}");
        xmllint(
            &record,
            Some("ogc/iso/19139/20070417/gmd/gmd.xsd"),
            &scratch.path(),
        )
        .unwrap_or_else(|err| panic!("{code}'s record: {err}\n{}", String::from_utf8_lossy(&record)));
        let record = tree(&record);
        assert_eq!(record.name, "MD_Metadata");
        let identifier = record
            .child("identificationInfo")
            .and_then(|i| i.child("MD_DataIdentification"))
            .and_then(|i| i.child("citation"))
            .and_then(|c| c.child("CI_Citation"))
            .and_then(|c| c.child("identifier"))
            .and_then(|i| i.child("RS_Identifier"))
            .and_then(|i| i.child("code"))
            .map(|c| text_of(c, "CharacterString").to_string());
        assert_eq!(
            identifier.as_deref(),
            Some(code),
            "the record names the dataset the feed does"
        );
        let categories = children(entry, "category");
        assert!(!categories.is_empty(), "TG Requirement 20: a category per CRS");
        for category in categories {
            let term = category.attr("term").unwrap();
            assert!(
                term.starts_with("http://www.opengis.net/def/crs/EPSG/0/"),
                "{term}"
            );
            assert!(category.attr("label").is_some_and(|l| !l.is_empty()));
        }
    }

    // The raster dataset feed, anonymously (downloads allowed): a section link per dalle,
    // two per page (limits.atom_links_per_page), the pages linked as RFC 5005 says.
    let raster_feed = format!("{base}/atom/datasets/{raster}.xml");
    let (status, _, body, _) = fetch(&raster_feed, None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_atom_valid(&body, &rng, &scratch.path(), "the raster dataset feed");
    let feed = tree(&body);
    assert!(!text_of(&feed, "title").is_empty(), "TG Requirement 21");
    assert_eq!(text_of(&feed, "id"), raster_feed, "TG Requirement 22");
    assert!(!text_of(&feed, "rights").is_empty(), "TG Requirement 23");
    assert_updated(&feed, "the raster dataset feed"); // TG Requirement 24
    assert!(feed.child("author").is_some(), "TG Requirement 25");
    assert_eq!(
        links(&feed, "up")[0].attr("href"),
        Some(service_url.as_str()),
        "TG Recommendation 9"
    );
    assert_eq!(
        links(&feed, "describedby")[0].attr("type"),
        Some("text/html"),
        "TG Requirement 28"
    );
    let next = links(&feed, "next");
    assert_eq!(next.len(), 1, "more than two dalles: a next page");
    let mut sections = Vec::new();
    let mut page_url = Some(raster_feed.clone());
    let mut pages = 0;
    while let Some(url) = page_url {
        let (status, _, body, _) = fetch(&url, None).await;
        assert_eq!(status, 200);
        assert_atom_valid(&body, &rng, &scratch.path(), &url);
        let page = tree(&body);
        for entry in children(&page, "entry") {
            assert_eq!(
                children(entry, "category").len(),
                1,
                "TG Requirement 27: one CRS an entry"
            );
            assert!(
                !text_of(entry, "content").is_empty(),
                "TG Requirement 33: the structure"
            );
            // A group of one image links it as the entry's alternate (TG Requirement 32).
            let files = links(entry, "section").into_iter().chain(
                links(entry, "alternate")
                    .into_iter()
                    .filter(|l| l.attr("type").is_some_and(|t| t.starts_with("image/"))),
            );
            for link in files {
                let length: u64 = link.attr("length").unwrap().parse().unwrap();
                assert!(length > 0, "TG Requirement 29: length");
                let media_type = link.attr("type").unwrap_or_default();
                assert!(
                    ["image/jp2", "image/tiff"].contains(&media_type),
                    "TG Requirement 30: {media_type}"
                );
                sections.push((link.attr("href").unwrap().to_string(), length));
            }
        }
        pages += 1;
        page_url = links(&page, "next")
            .first()
            .map(|l| l.attr("href").unwrap().to_string());
        assert!(pages < 10);
    }
    assert!(pages >= 2, "paged");
    assert_eq!(sections.len(), 4, "the four dalles: {sections:?}");
    for (href, length) in &sections {
        let (status, _, bytes, _) = fetch(href, None).await;
        assert_eq!(
            (status, bytes.len() as u64),
            (200, *length),
            "TG Requirement 26: {href}"
        );
    }
    let (status, _, _, _) = fetch(&format!("{raster_feed}?page=99"), None).await;
    assert_eq!(status, 404, "past the last page");

    // The vector dataset feed: anonymously no download link (its storage does not allow
    // downloads); with the admin key an entry per format × CRS, each linking its ZIP.
    let vector_feed = format!("{base}/atom/datasets/{vector}.xml");
    let (status, _, body, _) = fetch(&vector_feed, None).await;
    assert_eq!(status, 200);
    assert_atom_valid(&body, &rng, &scratch.path(), "the closed vector feed");
    let closed = tree(&body);
    for entry in children(&closed, "entry") {
        assert!(links(entry, "alternate").is_empty() && links(entry, "section").is_empty());
        assert!(text_of(entry, "content").contains("fermé"));
    }
    let (status, _, body, _) = fetch(&vector_feed, Some(ADMIN_KEY)).await;
    assert_eq!(status, 200);
    assert_atom_valid(&body, &rng, &scratch.path(), "the vector feed");
    let open = tree(&body);
    let entries = children(&open, "entry");
    assert_eq!(entries.len(), 4 * 3, "gpkg, gml, geojson, shp × 3946, 2154, 4326");
    let mut pairs = std::collections::BTreeSet::new();
    for entry in &entries {
        let term = children(entry, "category")[0].attr("term").unwrap().to_string();
        let link = links(entry, "alternate")[0];
        assert!(
            pairs.insert((term, link.attr("href").unwrap().to_string())),
            "TG Requirement 27: unique"
        );
    }
    let gpkg = entries
        .iter()
        .map(|e| links(e, "alternate")[0].attr("href").unwrap())
        .find(|href| href.contains("format=gpkg") && href.contains("crs=2154"))
        .unwrap();
    let (status, content_type, zip, _) = fetch(gpkg, Some(ADMIN_KEY)).await;
    assert_eq!((status, content_type.as_str()), (200, "application/zip"));
    assert!(zip.starts_with(b"PK"));

    // OpenSearch: the description, Describe Spatial Dataset, Get Spatial Dataset.
    let (status, content_type, body, _) = fetch(&format!("{base}/atom/opensearch.xml"), None).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/opensearchdescription+xml"));
    let description = tree(&body);
    let urls = children(&description, "Url");
    let template = |rel: &str, media_type: &str| {
        urls.iter()
            .find(|u| u.attr("rel") == Some(rel) && u.attr("type") == Some(media_type))
            .and_then(|u| u.attr("template"))
            .unwrap_or_else(|| panic!("no {rel} {media_type} template"))
            .to_string()
    };
    assert_eq!(
        template("self", "application/opensearchdescription+xml"),
        format!("{base}/atom/opensearch.xml"),
        "TG Requirement 40"
    );
    assert!(
        template("results", "text/html").contains("{searchTerms}"),
        "TG Requirement 41"
    );
    let describe = template("describedby", "application/atom+xml");
    let get = template("results", "application/zip");
    for name in [
        "spatial_dataset_identifier_code",
        "spatial_dataset_identifier_namespace",
        "language",
    ] {
        assert!(
            describe.contains(name) && get.contains(name),
            "TG Requirements 42, 43: {name}"
        );
    }
    assert!(get.contains("{inspire_dls:crs?}"), "TG Requirement 43: crs");
    let examples = children(&description, "Query");
    assert_eq!(examples.len(), 2, "TG Requirement 44: an example per dataset");
    assert_eq!(text_of(&description, "Language"), "fr", "TG Requirement 45");
    let fill = |template: &str, code: &str, crs: &str| {
        template
            .replace("{inspire_dls:spatial_dataset_identifier_code?}", code)
            .replace(
                "{inspire_dls:spatial_dataset_identifier_namespace?}",
                &url::form_urlencoded::byte_serialize(format!("{base}/").as_bytes()).collect::<String>(),
            )
            .replace("{inspire_dls:crs?}", crs)
            .replace("{language?}", "fr")
    };
    let (status, content_type, body, _) = fetch(&fill(&describe, &raster, ""), None).await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/atom+xml"),
        "Describe Spatial Dataset"
    );
    assert_eq!(text_of(&tree(&body), "id"), raster_feed);
    let crs = url::form_urlencoded::byte_serialize(b"http://www.opengis.net/def/crs/EPSG/0/2154")
        .collect::<String>();
    let (status, _, _, location) = fetch(&fill(&get, &raster, &crs), None).await;
    assert_eq!(status, 303, "Get Spatial Dataset");
    let location = location.unwrap();
    assert_eq!(location, format!("{base}/download/zip?livrable={raster}"));
    let (status, content_type, _, _) = fetch(&location, None).await;
    assert_eq!((status, content_type.as_str()), (200, "application/zip"));
    let (status, _, body, _) = fetch(&format!("{base}/atom/search?q=ortho"), None).await;
    assert_eq!(status, 200);
    assert!(
        String::from_utf8_lossy(&body).contains(&raster_feed),
        "the HTML search"
    );
    let (status, _, _, _) = fetch(&fill(&get, "nothing-here", &crs), None).await;
    assert_eq!(status, 404);

    // The catalogue as DCAT-AP: JSON-LD and RDF/XML, one dataset a page (the tests' setting),
    // paged as Hydra says, filtered by date for incremental harvests.
    let (status, content_type, body, _) = fetch(&format!("{base}/metadata/catalog.jsonld"), None).await;
    assert_eq!((status, content_type.as_str()), (200, "application/ld+json"));
    let catalogue: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let graph = catalogue["@graph"].as_array().unwrap();
    let typed = |kind: &str| graph.iter().filter(|n| n["@type"] == kind).collect::<Vec<_>>();
    assert_eq!(typed("dcat:Catalog").len(), 1);
    let view = &typed("hydra:Collection")[0]["hydra:view"];
    assert_eq!(
        view["hydra:next"],
        format!("{base}/metadata/catalog.jsonld?page=2")
    );
    let datasets = typed("dcat:Dataset");
    assert_eq!(datasets.len(), 1);
    let identifier = datasets[0]["dct:identifier"].as_str().unwrap();
    assert!(
        [raster.as_str(), vector.as_str()].contains(&identifier),
        "{identifier}"
    );
    assert!(datasets[0]["dct:spatial"]["dcat:bbox"]["@value"]
        .as_str()
        .unwrap()
        .starts_with("POLYGON(("));
    assert_eq!(
        datasets[0]["foaf:isPrimaryTopicOf"]["@id"],
        format!("{base}/metadata/{identifier}.xml"),
        "the ISO record"
    );
    let (status, content_type, body, _) = fetch(&format!("{base}/metadata/catalog.rdf?page=2"), None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/rdf+xml; charset=utf-8")
    );
    let rdf = tree(&body); // well-formed, or this panics
    assert_eq!(rdf.name, "RDF");
    let catalog_node = rdf.child("Catalog").expect("a dcat:Catalog");
    assert_eq!(children(catalog_node, "dataset").len(), 1, "page 2's dataset");
    let (_, _, body, _) = fetch(
        &format!("{base}/metadata/catalog.jsonld?modified_since=2999-01-01"),
        None,
    )
    .await;
    let later: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(
        later["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["@type"] != "dcat:Dataset"),
        "nothing changed after 2999"
    );
    let (status, _, _, _) = fetch(
        &format!("{base}/metadata/catalog.jsonld?modified_since=hier"),
        None,
    )
    .await;
    assert_eq!(status, 400);

    metadata::is_linked_from_the_services(base, (&raster, &vector)).await;
    metadata::api_lists_what_the_feed_lists(base, (&raster, &vector)).await;

    // A closed licence: not listed to anonymous callers, listed to an admin.
    let catalog = served.state.catalog();
    let livrable = catalog.livrable_by_slug(&raster).await.unwrap();
    let mut input = livrable.to_input();
    input.licence = dallage::catalog::Licence::Ferme;
    catalog.replace_livrable(livrable.id, &input).await.unwrap();
    let listed = |key: Option<&'static str>| {
        let urls = [service_url.clone(), format!("{service_url}?page=2")];
        async move {
            let mut codes = Vec::new();
            for url in urls {
                let (_, _, body, _) = fetch(&url, key).await;
                for entry in children(&tree(&body), "entry") {
                    codes.push(text_of(entry, "spatial_dataset_identifier_code").to_string());
                }
            }
            codes
        }
    };
    assert_eq!(
        listed(None).await,
        std::slice::from_ref(&vector),
        "the private one left out"
    );
    let (status, _, _, _) = fetch(&raster_feed, None).await;
    assert_eq!(status, 404);
    assert_eq!(listed(Some(ADMIN_KEY)).await.len(), 2, "an admin sees it");
}

const A: &str = "ortho/2024-0846200-6526400-LA93-0M05-RVB.jp2";
const A_WORLD: &str = "ortho/2024-0846200-6526400-LA93-0M05-RVB.j2w";
const B: &str = "ortho/2024-0846400-6526400-LA93-0M05-RVB.jp2";
const B_WORLD: &str = "ortho/2024-0846400-6526400-LA93-0M05-RVB.j2w";

/// GET with revalidation headers: status, ETag, Last-Modified, body.
async fn revalidate(url: &str, headers: &[(&str, &str)]) -> (u16, String, String, Vec<u8>) {
    let mut request = reqwest::Client::new().get(url).header("X-API-Key", ADMIN_KEY);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (status, etag, modified) = (
        response.status().as_u16(),
        header("etag"),
        header("last-modified"),
    );
    (status, etag, modified, response.bytes().await.unwrap().to_vec())
}

/// The entries of a change feed whose title names a scan.
fn scan_entries(feed: &Node) -> Vec<&Node> {
    children(feed, "entry")
        .into_iter()
        .filter(|e| text_of(e, "title").starts_with("Scan "))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rescan_that_changes_one_dalle_makes_one_change_entry() {
    let copy = TempDir::new();
    std::fs::create_dir_all(copy.path().join("ortho")).unwrap();
    for name in [A, A_WORLD, B, B_WORLD] {
        std::fs::copy(fixtures().join(name), copy.path().join(name)).unwrap();
    }
    let served = Served::start(vec![
        json!({"type": "file", "path": copy.path().display().to_string()}),
    ])
    .await;
    let scratch = TempDir::new();
    let rng = atom_rng(&scratch.path());
    let changes_url = format!("{}/atom/changes.xml", served.base);
    let (status, etag, modified, body) = revalidate(&changes_url, &[]).await;
    assert_eq!(status, 200);
    assert_atom_valid(&body, &rng, &scratch.path(), "the change feed");
    let before = tree(&body);
    assert_eq!(scan_entries(&before).len(), 1, "the first scan");
    let titles: Vec<&str> = children(&before, "entry")
        .iter()
        .map(|e| text_of(e, "title"))
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("Nouveau livrable")),
        "{titles:?}"
    );
    // Revalidation: the same document is not sent again.
    let (status, _, _, body) = revalidate(&changes_url, &[("If-None-Match", &etag)]).await;
    assert_eq!((status, body.len()), (304, 0), "If-None-Match");
    let (status, _, _, _) = revalidate(&changes_url, &[("If-Modified-Since", &modified)]).await;
    assert_eq!(status, 304, "If-Modified-Since {modified}");

    // B grows; a rescan finds it changed: exactly one more scan entry, with its counts.
    let b = copy.path().join(B);
    let mut bytes = std::fs::read(&b).unwrap();
    bytes.extend_from_slice(&[0u8; 4096]);
    std::fs::write(&b, bytes).unwrap();
    let livrable = served
        .state
        .catalog()
        .livrable_by_slug(served.layer())
        .await
        .unwrap();
    let rescan = scan(&served.state, livrable.id).await;
    let (status, _, _, body) = revalidate(&changes_url, &[("If-None-Match", &etag)]).await;
    assert_eq!(status, 200, "changed since");
    assert_atom_valid(&body, &rng, &scratch.path(), "the change feed after the rescan");
    let after = tree(&body);
    let scans = scan_entries(&after);
    assert_eq!(scans.len(), 2, "one entry more");
    let newest = scans[0];
    assert!(
        text_of(newest, "title").starts_with(&format!("Scan {} ", rescan.id)),
        "newest first"
    );
    assert!(
        text_of(newest, "summary").starts_with("0 dalles ajoutées, 1 modifiées, 0 retirées"),
        "{}",
        text_of(newest, "summary")
    );
    assert_eq!(
        text_of(newest, "id"),
        format!("{}/api/scans/{}#finished", served.base, rescan.id),
        "a stable id"
    );
    // Its links: the list and the ZIP of just what changed.
    let list = links(newest, "related")[0].attr("href").unwrap().to_string();
    let (status, _, _, body) = revalidate(&list, &[]).await;
    assert_eq!(status, 200);
    let urls = String::from_utf8(body).unwrap();
    assert!(
        urls.lines().count() >= 1 && urls.lines().all(|u| u.contains("0846400-6526400")),
        "B and its side files only: {urls}"
    );
    let zip = links(newest, "enclosure")[0].attr("href").unwrap().to_string();
    let (status, _, _, body) = revalidate(&zip, &[]).await;
    assert_eq!(status, 200);
    assert!(body.starts_with(b"PK") && body.len() > 6_000_000, "B in a ZIP");

    // Past four changes (limits.atom_changes_per_page in the tests' settings) the older ones are
    // in full archives that never change.
    let all = children(&after, "entry").len();
    assert_eq!(all, 4, "the newest four");
    let archive = links(&after, "prev-archive")[0].attr("href").unwrap().to_string();
    let (status, _, _, body) = revalidate(&archive, &[]).await;
    assert_eq!(status, 200);
    assert_atom_valid(&body, &rng, &scratch.path(), &archive);
    let archived = tree(&body);
    assert!(archived.child("archive").is_some(), "marked fh:archive");
    assert_eq!(children(&archived, "entry").len(), 4);
    let (status, _, _, _) = revalidate(&format!("{changes_url}?archive=99"), &[]).await;
    assert_eq!(status, 404);

    // The same as JSON Feed 1.1, and the project's own feed.
    let (status, _, _, body) = revalidate(&format!("{}/atom/changes.json", served.base), &[]).await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["items"][0]["id"], text_of(newest, "id"));
    assert_eq!(json["items"][0]["attachments"][0]["mime_type"], "application/zip");
    let (status, _, _, body) = revalidate(&format!("{}/atom/projects/pcrs-lyon.xml", served.base), &[]).await;
    assert_eq!(status, 200);
    assert_atom_valid(&body, &rng, &scratch.path(), "the project's change feed");
    assert_eq!(scan_entries(&tree(&body)).len(), 2);

    // The storage is revoked: the deliverable leaves the service feed, its dataset feed, record
    // and download links are gone, and subscribers read why.
    served.state.catalog().revoke_storage(livrable.id).await.unwrap();
    let service = format!("{}/atom/service.xml", served.base);
    let (status, _, _, body) = revalidate(&service, &[]).await;
    assert_eq!(status, 200);
    let listed: Vec<String> = children(&tree(&body), "entry")
        .iter()
        .map(|e| text_of(e, "spatial_dataset_identifier_code").to_string())
        .collect();
    assert!(!listed.iter().any(|code| code == served.layer()), "{listed:?}");
    for path in [
        format!("/atom/datasets/{}.xml", served.layer()),
        format!("/metadata/{}.xml", served.layer()),
    ] {
        let (status, _, _, _) = revalidate(&format!("{}{path}", served.base), &[]).await;
        assert_eq!(status, 404, "{path} after the revocation");
    }
    let (status, _, _, body) = revalidate(&changes_url, &[]).await;
    assert_eq!(status, 200);
    let feed = tree(&body);
    let titles: Vec<&str> = children(&feed, "entry")
        .iter()
        .map(|e| text_of(e, "title"))
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("Stockage révoqué")),
        "{titles:?}"
    );
    let (status, _, _, _) = revalidate(&zip, &[]).await;
    assert_ne!(status, 200, "no download from a revoked storage");
}
