//! The metadata records as the services link them: capabilities, OGC API collections and the
//! JSON listing `/api/metadata` (part of `tests/atom.rs`).

use dallage::vector::Node;

use super::{children, fetch, text_of, tree};

/// The first descendant named `name` whose child `key` reads `value`.
fn find<'a>(node: &'a Node, name: &str, key: &str, value: &str) -> Option<&'a Node> {
    if node.name == name && text_of(node, key) == value {
        return Some(node);
    }
    node.children
        .iter()
        .find_map(|child| find(child, name, key, value))
}

/// The capabilities of WMS 1.3.0 and 1.1.1, WMTS, WFS 2.0 and 1.1 and the OGC API collections
/// link each deliverable to its ISO 19139 record, which answers (issue 18: "linked from the
/// capabilities' MetadataURL").
pub async fn is_linked_from_the_services(base: &str, (raster, vector): (&str, &str)) {
    let record = |slug: &str| format!("{base}/metadata/{slug}.xml");
    // A collection's deliverable: the raster storage holds a GML file beside its dalles.
    let owner = |id: &str| -> &str {
        match id == raster || id.starts_with(&format!("{raster}-")) {
            true => raster,
            false => vector,
        }
    };
    for (version, iso_type) in [("1.3.0", "ISO19115:2003"), ("1.1.1", "TC211")] {
        let (status, _, body, _) = fetch(
            &format!("{base}/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION={version}"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        // WMS 1.1.1 names its DTD, which the reader refuses: leave it out.
        let text = String::from_utf8(body).unwrap();
        let text = match (text.find("<!DOCTYPE"), text.find("<WMT_MS_Capabilities")) {
            (Some(start), Some(root)) => format!("{}{}", &text[..start], &text[root..]),
            _ => text,
        };
        let capabilities = tree(text.as_bytes());
        for slug in [raster, vector] {
            let layer =
                find(&capabilities, "Layer", "Name", slug).unwrap_or_else(|| panic!("WMS layer {slug}"));
            let first = layer.child("MetadataURL").expect("a MetadataURL");
            assert_eq!(first.attr("type"), Some(iso_type), "WMS {version}");
            assert_eq!(text_of(first, "Format"), "text/xml");
            let href = first.child("OnlineResource").and_then(|o| o.attr("href"));
            assert_eq!(href, Some(record(slug).as_str()), "WMS {version} {slug}");
        }
    }
    let (_, _, body, _) = fetch(&format!("{base}/wmts?SERVICE=WMTS&REQUEST=GetCapabilities"), None).await;
    let wmts = tree(&body);
    let layer = find(&wmts, "Layer", "Identifier", raster).expect("the WMTS layer");
    assert_eq!(
        layer.child("Metadata").and_then(|m| m.attr("href")),
        Some(record(raster).as_str()),
        "WMTS ows:Metadata"
    );
    for version in ["2.0.0", "1.1.0"] {
        let (_, _, body, _) = fetch(
            &format!("{base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities&VERSION={version}"),
            None,
        )
        .await;
        let capabilities = tree(&body);
        let types: Vec<&Node> = capabilities
            .child("FeatureTypeList")
            .map(|l| children(l, "FeatureType"))
            .unwrap_or_default();
        assert!(!types.is_empty(), "WFS {version} feature types");
        for feature_type in types {
            let url = feature_type.child("MetadataURL").expect("a MetadataURL");
            let href = match version {
                "2.0.0" => url.attr("href").unwrap_or_default(),
                _ => url.text.trim(),
            };
            let name = text_of(feature_type, "Name");
            let slug = owner(name.trim_start_matches("dallage:"));
            assert_eq!(href, record(slug), "WFS {version} {name}");
        }
    }
    let (_, _, body, _) = fetch(&format!("{base}/ogcapi/collections?f=json"), None).await;
    let collections: serde_json::Value = serde_json::from_slice(&body).unwrap();
    for collection in collections["collections"].as_array().unwrap() {
        let described: Vec<&serde_json::Value> = collection["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["rel"] == "describedby")
            .collect();
        let id = collection["id"].as_str().unwrap();
        let slug = owner(id);
        assert_eq!(described.len(), 1, "{id}");
        assert_eq!(described[0]["href"], record(slug), "{id}");
    }
    for slug in [raster, vector] {
        let (status, _, body, _) = fetch(&record(slug), None).await;
        assert_eq!(status, 200, "{slug}'s record answers");
        assert_eq!(tree(&body).name, "MD_Metadata");
    }
}

/// `/api/metadata` lists, with links, what the service feed lists, pages with `next`, and
/// keeps only what changed since `updated_since`.
pub async fn api_lists_what_the_feed_lists(base: &str, (raster, vector): (&str, &str)) {
    let get = |query: &str| {
        let url = format!("{base}/api/metadata{query}");
        async move {
            let (status, _, body, _) = fetch(&url, None).await;
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
            )
        }
    };
    let (status, page) = get("").await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    let mut identifiers: Vec<&str> = items.iter().map(|i| i["identifier"].as_str().unwrap()).collect();
    identifiers.sort();
    let mut expected = vec![raster, vector];
    expected.sort();
    assert_eq!(identifiers, expected);
    for item in items {
        let slug = item["identifier"].as_str().unwrap();
        let rel = |rel: &str| {
            item["links"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["rel"] == rel)
                .map(|l| l["href"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(rel("describedby"), [format!("{base}/metadata/{slug}.xml")]);
        assert_eq!(rel("alternate"), [format!("{base}/atom/datasets/{slug}.xml")]);
        // Downloads: allowed for the raster deliverable only (the vector storage says no).
        let allowed = slug == raster;
        assert_eq!(item["download_allowed"], allowed, "{slug}");
        assert_eq!(rel("enclosure").len(), usize::from(allowed), "{slug}");
        let updated = item["updated"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(updated).is_ok(), "{updated}");
        assert_eq!(item["bbox"].as_array().map(Vec::len), Some(4), "{slug}");
    }
    let (_, first) = get("?limit=1").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let next = first["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .expect("a next page");
    assert_eq!(next["href"], format!("{base}/api/metadata?limit=1&offset=1"));
    let (_, later) = get("?updated_since=2999-01-01T00:00:00Z").await;
    assert_eq!(
        later["items"],
        serde_json::json!([]),
        "nothing changed after 2999"
    );
    assert_eq!(later["total"], 2);
    let (_, earlier) = get("?updated_since=2020-01-01T00:00:00%2B02:00").await;
    assert_eq!(earlier["items"].as_array().unwrap().len(), 2);
    let (status, _) = get("?updated_since=2020-01-01").await;
    assert_eq!(
        status, 400,
        "a date alone is not the RFC 3339 time the OpenAPI document says"
    );
    let (status, problem) = get("?updated_since=hier").await;
    assert_eq!(status, 400);
    assert!(problem["detail"].as_str().unwrap().contains("updated_since"));
}
