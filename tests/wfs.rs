//! WFS 2.0 and 1.1 over HTTP on the Lyon deliverable: every document valid against the official
//! schemas (GetFeature against the DescribeFeatureType schema too), GDAL's `WFS:` client reading
//! every feature type with the counts `ogrinfo` reads from the source files, each filter type
//! against answers computed here from the catalogue's rows, paging, sorting, CRSs and axis
//! order, the output formats, POST, stored queries and every exception.

mod common;

use std::path::Path;

use common::pcrs::{class_counts, serve_lyon, stored_rows};
use common::served::{gdal_tool, xmllint, Served};
use common::*;
use serde_json::{json, Value};

const PREFIX: &str = "dallage";
const WFS20_XSD: &str = "ogc/wfs/2.0/wfs.xsd";
/// WFS 1.1 with its GML, filter and OWS 1.0 schemas loaded in the order libxml2 needs.
const WFS11_XSD: &str = "wfs11-all.xsd";

async fn text(served: &Served, query: &str) -> (u16, String) {
    let (status, _, body) = served.get(&format!("/wfs?{query}")).await;
    (status, String::from_utf8(body).unwrap())
}

fn attribute(document: &str, name: &str) -> Option<u64> {
    let start = document.find(&format!(" {name}=\""))? + name.len() + 3;
    document[start..].split('"').next()?.parse().ok()
}

/// A schema importing the WFS schema and the DescribeFeatureType answer, for validating
/// GetFeature answers.
fn wrapper(scratch: &Path, wfs_imports: &str, describe: &str, name: &str) -> String {
    let dft = scratch.join(format!("{name}.xsd"));
    std::fs::write(&dft, describe).unwrap();
    let path = scratch.join(format!("{name}-wrapper.xsd"));
    std::fs::write(
        &path,
        format!(
            r#"<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x-test-wrapper">{wfs_imports}<xsd:import namespace="urn:x-dallage:features" schemaLocation="{}"/></xsd:schema>"#,
            dft.display()
        ),
    )
    .unwrap();
    path.display().to_string()
}

const WFS20_IMPORTS: &str = r#"<xsd:import namespace="http://www.opengis.net/wfs/2.0" schemaLocation="http://schemas.opengis.net/wfs/2.0/wfs.xsd"/>"#;
const WFS11_IMPORTS: &str = r#"<xsd:import namespace="http://www.opengis.net/gml" schemaLocation="http://schemas.opengis.net/gml/3.1.1/base/gml.xsd"/><xsd:import namespace="http://www.opengis.net/ogc" schemaLocation="http://schemas.opengis.net/filter/1.1.0/filterAll.xsd"/><xsd:import namespace="http://www.opengis.net/ows" schemaLocation="http://schemas.opengis.net/ows/1.0.0/owsAll.xsd"/><xsd:import namespace="http://www.opengis.net/wfs" schemaLocation="http://schemas.opengis.net/wfs/1.1.0/wfs.xsd"/>"#;

#[tokio::test]
async fn wfs_documents_are_valid_and_gdal_reads_every_feature_type() {
    let (served, expected, _source) = serve_lyon().await;
    let layer = served.layer().to_string();
    let scratch = TempDir::new();
    let (status, caps20) = text(&served, "SERVICE=WFS&REQUEST=GetCapabilities").await;
    assert_eq!(status, 200);
    xmllint(caps20.as_bytes(), Some(WFS20_XSD), &scratch.path()).expect("2.0 capabilities valid");
    let (_, caps11) = text(&served, "SERVICE=WFS&REQUEST=GetCapabilities&VERSION=1.1.0").await;
    xmllint(caps11.as_bytes(), Some(WFS11_XSD), &scratch.path()).expect("1.1 capabilities valid");
    let types: Vec<String> = expected
        .keys()
        .map(|class| format!("{PREFIX}:{layer}-{class}"))
        .collect();
    for name in &types {
        assert!(caps20.contains(&format!("<wfs:Name>{name}</wfs:Name>")), "{name}");
        assert!(caps11.contains(&format!("<wfs:Name>{name}</wfs:Name>")), "{name}");
    }
    assert!(caps20.contains("<wfs:DefaultCRS>urn:ogc:def:crs:EPSG::3946</wfs:DefaultCRS>"));

    // Every feature of every type, in both versions, valid against WFS + DescribeFeatureType.
    let all = types.join(",");
    for (version, names, imports, xsd) in [
        ("2.0.0", "TYPENAMES", WFS20_IMPORTS, "dft20"),
        ("1.1.0", "TYPENAME", WFS11_IMPORTS, "dft11"),
    ] {
        let (_, describe) = text(
            &served,
            &format!("SERVICE=WFS&VERSION={version}&REQUEST=DescribeFeatureType"),
        )
        .await;
        let schema = wrapper(&scratch.path(), imports, &describe, xsd);
        let (status, features) = text(
            &served,
            &format!("SERVICE=WFS&VERSION={version}&REQUEST=GetFeature&{names}={all}&COUNT=10000"),
        )
        .await;
        assert_eq!(status, 200, "{features}");
        xmllint(features.as_bytes(), Some(&schema), &scratch.path())
            .unwrap_or_else(|e| panic!("{version} GetFeature valid against its schema: {e}"));
        let members = features
            .matches(if version == "2.0.0" {
                "<wfs:member>"
            } else {
                "<gml:featureMember>"
            })
            .count();
        assert_eq!(members as u64, expected.values().sum::<u64>(), "{version}");
    }

    // Counts per type by resultType=hits match ogrinfo on the source files.
    for (class, count) in &expected {
        let (_, hits) = text(
            &served,
            &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={PREFIX}:{layer}-{class}&RESULTTYPE=hits"),
        )
        .await;
        xmllint(hits.as_bytes(), Some(WFS20_XSD), &scratch.path()).expect("hits valid");
        assert_eq!(attribute(&hits, "numberMatched"), Some(*count), "{class}");
    }

    // Properties the CNIG schema declares numeric are numbers: typed so in the schema, and
    // compared as numbers (1 = 1.0, which as text they are not).
    let symbols = format!("{PREFIX}:{layer}-AffleurantSymbolePCRS");
    let (_, describe) = text(
        &served,
        &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES={symbols}"),
    )
    .await;
    assert!(
        describe.contains(r#"name="largeur_mm" type="xsd:double""#),
        "{describe}"
    );
    let filter = r#"<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>largeur_mm</fes:ValueReference><fes:Literal>1.0</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>"#;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("SERVICE", "WFS")
        .append_pair("VERSION", "2.0.0")
        .append_pair("REQUEST", "GetFeature")
        .append_pair("TYPENAMES", &symbols)
        .append_pair("RESULTTYPE", "hits")
        .append_pair("FILTER", filter)
        .finish();
    let (_, hits) = text(&served, &query).await;
    assert_eq!(
        attribute(&hits, "numberMatched"),
        Some(expected["AffleurantSymbolePCRS"]),
        "{hits}"
    );

    // 3D coordinates come out as stored: a tree's position and height to the millimetre.
    let rows = stored_rows(&served).await;
    let tree = rows.iter().find(|row| row.class == "ArbrePCRS").unwrap();
    let (geometry, _) = dallage::vector::read_wkb(tree.geometry.as_ref().unwrap()).unwrap();
    let dallage::vector::Geometry::Point(p) = geometry else {
        panic!("trees are points")
    };
    let (_, one) = text(
        &served,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID={}",
            tree.fid
        ),
    )
    .await;
    let pos = one.split("<gml:pos>").nth(1).unwrap().split('<').next().unwrap();
    let numbers: Vec<f64> = pos.split(' ').map(|n| n.parse().unwrap()).collect();
    for (got, stored) in numbers.iter().zip(p) {
        assert!((got - stored).abs() < 0.001, "{pos} vs {p:?}");
    }

    // GDAL's WFS client copies every feature type (paging through them) with ogrinfo's counts.
    let copy = scratch.path().join("copy.gpkg");
    for version in ["2.0.0", "1.1.0"] {
        let _ = std::fs::remove_file(&copy);
        gdal_tool(
            "ogr2ogr",
            vec![
                "-f".into(),
                "GPKG".into(),
                copy.display().to_string(),
                format!("WFS:{}/wfs?VERSION={version}", served.base),
            ],
        )
        .await;
        let read = class_counts(copy.display().to_string(), &layer).await;
        assert_eq!(read, expected, "GDAL over WFS {version}");
    }
}

/// The rows of one class, with their properties.
struct Rows {
    rows: Vec<(String, Value, [f64; 4])>,
}

impl Rows {
    fn count(&self, keep: impl Fn(&Value, &[f64; 4]) -> bool) -> u64 {
        self.rows.iter().filter(|(_, p, b)| keep(p, b)).count() as u64
    }
}

#[tokio::test]
async fn wfs_filters_paging_formats_and_errors_answer_as_computed_here() {
    let (served, expected, _source) = serve_lyon().await;
    let layer = served.layer().to_string();
    let scratch = TempDir::new();
    let rows = stored_rows(&served).await;
    let trees = Rows {
        rows: rows
            .iter()
            .filter(|row| row.class == "ArbrePCRS")
            .map(|row| {
                (
                    row.fid.clone(),
                    serde_json::from_str(&row.properties).unwrap(),
                    row.bbox.unwrap(),
                )
            })
            .collect(),
    };
    let tree_type = format!("{PREFIX}:{layer}-ArbrePCRS");
    let hits = |filter: String| {
        let served = &served;
        let tree_type = tree_type.clone();
        async move {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("SERVICE", "WFS")
                .append_pair("VERSION", "2.0.0")
                .append_pair("REQUEST", "GetFeature")
                .append_pair("TYPENAMES", &tree_type)
                .append_pair("RESULTTYPE", "hits")
                .append_pair("FILTER", &filter)
                .finish();
            let (status, body) = text(served, &query).await;
            assert_eq!(status, 200, "{filter}: {body}");
            attribute(&body, "numberMatched").unwrap()
        }
    };
    let fes = |inner: &str| {
        format!(
            r#"<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2">{inner}</fes:Filter>"#
        )
    };
    let prop = |p: &Value, name: &str| p[name].as_str().map(str::to_string);

    // Comparisons, Like, Null, Between, logic: each against a count made from the rows.
    let first_date = prop(&trees.rows[0].1, "dateLeve").unwrap();
    let start: String = prop(&trees.rows[0].1, "idObjet")
        .unwrap()
        .chars()
        .take(5)
        .collect();
    let cases: Vec<(String, u64)> = vec![
        (
            fes(&format!("<fes:PropertyIsEqualTo><fes:ValueReference>dateLeve</fes:ValueReference><fes:Literal>{first_date}</fes:Literal></fes:PropertyIsEqualTo>")),
            trees.count(|p, _| prop(p, "dateLeve").as_deref() == Some(&first_date)),
        ),
        (
            fes(&format!("<fes:PropertyIsNotEqualTo><fes:ValueReference>dateLeve</fes:ValueReference><fes:Literal>{first_date}</fes:Literal></fes:PropertyIsNotEqualTo>")),
            trees.count(|p, _| prop(p, "dateLeve").is_some_and(|d| d != first_date)),
        ),
        (
            fes("<fes:PropertyIsLessThan><fes:ValueReference>dateLeve</fes:ValueReference><fes:Literal>2020-01-01</fes:Literal></fes:PropertyIsLessThan>"),
            trees.count(|p, _| prop(p, "dateLeve").is_some_and(|d| d.as_str() < "2020-01-01")),
        ),
        (
            fes(&format!(r#"<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>idObjet</fes:ValueReference><fes:Literal>{start}*</fes:Literal></fes:PropertyIsLike>"#)),
            trees.count(|p, _| prop(p, "idObjet").is_some_and(|v| v.starts_with(&start))),
        ),
        (
            fes("<fes:PropertyIsNull><fes:ValueReference>reference</fes:ValueReference></fes:PropertyIsNull>"),
            trees.count(|p, _| p.get("reference").is_none_or(Value::is_null)),
        ),
        (
            fes("<fes:PropertyIsBetween><fes:ValueReference>dateLeve</fes:ValueReference><fes:LowerBoundary><fes:Literal>2019-01-01</fes:Literal></fes:LowerBoundary><fes:UpperBoundary><fes:Literal>2019-12-31</fes:Literal></fes:UpperBoundary></fes:PropertyIsBetween>"),
            trees.count(|p, _| prop(p, "dateLeve").is_some_and(|d| ("2019-01-01".."2019-12-32").contains(&d.as_str()))),
        ),
        (
            fes(&format!("<fes:Not><fes:Or><fes:PropertyIsEqualTo><fes:ValueReference>dateLeve</fes:ValueReference><fes:Literal>{first_date}</fes:Literal></fes:PropertyIsEqualTo><fes:PropertyIsLike wildCard='*' singleChar='.' escapeChar='!'><fes:ValueReference>idObjet</fes:ValueReference><fes:Literal>{start}*</fes:Literal></fes:PropertyIsLike></fes:Or></fes:Not>")),
            trees.count(|p, _| {
                prop(p, "dateLeve").as_deref() != Some(&first_date) && !prop(p, "idObjet").is_some_and(|v| v.starts_with(&start))
            }),
        ),
        (
            fes(&format!(r#"<fes:ResourceId rid="{}"/><fes:ResourceId rid="{}"/>"#, trees.rows[0].0, trees.rows[5].0)),
            2,
        ),
    ];
    for (filter, count) in cases {
        assert!(
            count > 0 || filter.contains("Null"),
            "the case selects something: {filter}"
        );
        assert_eq!(hits(filter.clone()).await, count, "{filter}");
    }

    // Spatial: a box, a polygon, a distance, all in EPSG:3946 around the trees' middle.
    // Around the first tree: its street's trees, not the town's.
    let (mx, my) = (trees.rows[0].2[0], trees.rows[0].2[1]);
    let inside = |b: &[f64; 4], x0: f64, y0: f64, x1: f64, y1: f64| {
        b[0] >= x0 && b[0] <= x1 && b[1] >= y0 && b[1] <= y1
    };
    let (x0, y0, x1, y1) = (mx - 40.0, my - 30.0, mx + 25.0, my + 35.0);
    let in_box = trees.count(|_, b| inside(b, x0, y0, x1, y1));
    assert!(in_box > 0 && in_box < trees.rows.len() as u64);
    let envelope = format!(
        r#"<gml:Envelope srsName="urn:ogc:def:crs:EPSG::3946"><gml:lowerCorner>{x0} {y0}</gml:lowerCorner><gml:upperCorner>{x1} {y1}</gml:upperCorner></gml:Envelope>"#
    );
    assert_eq!(
        hits(fes(&format!(
            "<fes:BBOX><fes:ValueReference>geometry</fes:ValueReference>{envelope}</fes:BBOX>"
        )))
        .await,
        in_box
    );
    let polygon = format!(
        r#"<gml:Polygon gml:id="p" srsName="urn:ogc:def:crs:EPSG::3946"><gml:exterior><gml:LinearRing><gml:posList>{x0} {y0} {x1} {y0} {x1} {y1} {x0} {y1} {x0} {y0}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#
    );
    assert_eq!(
        hits(fes(&format!(
            "<fes:Within><fes:ValueReference>geometry</fes:ValueReference>{polygon}</fes:Within>"
        )))
        .await,
        in_box
    );
    assert_eq!(
        hits(fes(&format!(
            "<fes:Disjoint><fes:ValueReference>geometry</fes:ValueReference>{polygon}</fes:Disjoint>"
        )))
        .await,
        trees.rows.len() as u64 - in_box
    );
    // A distance whose circle passes far from every tree (the widest gap between two distances).
    let mut distances: Vec<f64> = trees
        .rows
        .iter()
        .map(|(_, _, b)| ((b[0] - mx).powi(2) + (b[1] - my).powi(2)).sqrt())
        .collect();
    distances.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let half = distances.len() / 2;
    let (gap, at) = (1..distances.len())
        .filter(|i| *i >= half / 2 && *i <= half + half / 2)
        .map(|i| (distances[i] - distances[i - 1], i))
        .fold((0.0, 0), |best, item| if item.0 > best.0 { item } else { best });
    assert!(gap > 0.2, "a gap to draw the circle in: {gap}");
    let radius = (distances[at] + distances[at - 1]) / 2.0;
    let point = format!(
        r#"<gml:Point gml:id="c" srsName="urn:ogc:def:crs:EPSG::3946"><gml:pos>{mx} {my}</gml:pos></gml:Point>"#
    );
    assert_eq!(
        hits(fes(&format!(r#"<fes:DWithin><fes:ValueReference>geometry</fes:ValueReference>{point}<fes:Distance uom="m">{radius}</fes:Distance></fes:DWithin>"#))).await,
        at as u64
    );
    // The KVP box, in the feature type's CRS and in WGS84 lat/lon (URN) and lon/lat (EPSG:4326).
    let (_, box_hits) = text(
        &served,
        &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&RESULTTYPE=hits&BBOX={x0},{y0},{x1},{y1},urn:ogc:def:crs:EPSG::3946"),
    )
    .await;
    assert_eq!(attribute(&box_hits, "numberMatched"), Some(in_box));

    // Paging: pages of 7 join to the whole, in order, no duplicates; next links lead on.
    let mut query = format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&COUNT=7&OUTPUTFORMAT=application/json");
    let mut ids: Vec<String> = Vec::new();
    loop {
        let (status, body) = text(&served, &query).await;
        assert_eq!(status, 200);
        let page: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(page["numberMatched"], json!(expected["ArbrePCRS"]));
        ids.extend(
            page["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_str().unwrap().to_string()),
        );
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next");
        match next {
            Some(link) => {
                query = link["href"]
                    .as_str()
                    .unwrap()
                    .split_once('?')
                    .unwrap()
                    .1
                    .to_string()
            }
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        (ids.len() as u64, unique.len()),
        (expected["ArbrePCRS"], ids.len())
    );

    // SORTBY: descending identifiers.
    let (_, sorted) = text(
        &served,
        &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&SORTBY=idObjet%20DESC&OUTPUTFORMAT=json&PROPERTYNAME=idObjet"),
    )
    .await;
    let sorted: Value = serde_json::from_str(&sorted).unwrap();
    let values: Vec<&str> = sorted["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["idObjet"].as_str().unwrap())
        .collect();
    let mut by_hand = values.clone();
    by_hand.sort_by(|a, b| b.cmp(a));
    assert_eq!(values, by_hand);
    assert_eq!(
        sorted["features"][0]["properties"].as_object().unwrap().len(),
        1,
        "PROPERTYNAME keeps one"
    );

    // SRSNAME: WGS84 by URN is latitude first in GML, EPSG:4326 longitude first.
    let by_id = |srs: &str| {
        format!(
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID={}&SRSNAME={srs}",
        trees.rows[0].0
    )
    };
    let first_pos = |doc: &str| -> Vec<f64> {
        let pos = doc
            .split("<gml:pos")
            .nth(1)
            .unwrap()
            .split_once('>')
            .unwrap()
            .1
            .split('<')
            .next()
            .unwrap()
            .to_string();
        pos.split(' ').map(|n| n.parse().unwrap()).collect()
    };
    let (_, urn) = text(&served, &by_id("urn:ogc:def:crs:EPSG::4326")).await;
    let (_, short) = text(&served, &by_id("EPSG:4326")).await;
    let (lat, lon) = (first_pos(&urn)[0], first_pos(&urn)[1]);
    assert!((45.0..47.0).contains(&lat) && (4.0..6.0).contains(&lon), "{urn}");
    assert_eq!(first_pos(&short)[..2], [lon, lat]);

    // CSV and a zipped Shapefile GDAL reads back.
    let (_, csv) = text(
        &served,
        &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&OUTPUTFORMAT=text/csv"),
    )
    .await;
    assert_eq!(csv.lines().count() as u64, expected["ArbrePCRS"] + 1);
    assert!(csv.lines().nth(1).unwrap().contains("POINT Z ("), "{csv}");
    let (status, _, zip) = served
        .get(&format!("/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&OUTPUTFORMAT=SHAPE-ZIP&SRSNAME=EPSG:2154"))
        .await;
    assert_eq!(status, 200);
    let zip_path = scratch.path().join("trees.zip");
    std::fs::write(&zip_path, zip).unwrap();
    // Counted by ogrinfo, in Lambert-93 as asked.
    let zipped = format!("/vsizip/{}", zip_path.display());
    let read = class_counts(zipped.clone(), &layer).await;
    assert_eq!(read["ArbrePCRS"], expected["ArbrePCRS"]);
    let info = gdal_tool("ogrinfo", vec!["-ro".into(), "-so".into(), "-al".into(), zipped]).await;
    assert!(info.contains("ID[\"EPSG\",2154]"), "{info}");

    // A filter of more than 1 000 parts is refused before it is evaluated.
    let wide = format!(
        r#"<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"><wfs:Query typeNames="{tree_type}">{}</wfs:Query></wfs:GetFeature>"#,
        fes(&"<fes:ResourceId rid=\"a\"/>".repeat(1001))
    );
    let refused = reqwest::Client::new()
        .post(format!("{}/wfs", served.base))
        .body(wide)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("more than 1000 parts"),
        "{}",
        &body[..body.len().min(600)]
    );

    // GetFeatureById in CSV is CSV.
    let (_, one_csv) = text(
        &served,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID={}&OUTPUTFORMAT=text/csv",
            trees.rows[0].0
        ),
    )
    .await;
    assert_eq!(one_csv.lines().count(), 2, "{one_csv}");

    // POST: the same query as an XML document answers the same.
    let post = format!(
        r#"<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0" resultType="hits"><wfs:Query typeNames="{tree_type}">{}</wfs:Query></wfs:GetFeature>"#,
        fes(&format!(
            "<fes:BBOX><fes:ValueReference>geometry</fes:ValueReference>{envelope}</fes:BBOX>"
        ))
    );
    let posted = reqwest::Client::new()
        .post(format!("{}/wfs", served.base))
        .body(post)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    assert_eq!(
        attribute(&posted.text().await.unwrap(), "numberMatched"),
        Some(in_box)
    );

    // Errors: each the version's exception report, valid, naming what is wrong.
    let deep = format!("{}{}", "<fes:Not>".repeat(70), "</fes:Not>".repeat(70));
    let cases: Vec<(String, u16, &str, &str, &str)> = vec![
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={PREFIX}:nope"), 400, "InvalidParameterValue", "TYPENAMES", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=1.1.0&REQUEST=GetFeature&TYPENAME={PREFIX}:nope"), 400, "InvalidParameterValue", "TYPENAME", "ogc/ows/1.0.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&COUNT=99999999"), 400, "InvalidParameterValue", "COUNT", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&SORTBY=colour"), 400, "InvalidParameterValue", "SORTBY", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&SRSNAME=EPSG:32631"), 400, "InvalidParameterValue", "SRSNAME", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&OUTPUTFORMAT=image/png"), 400, "InvalidParameterValue", "OUTPUTFORMAT", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&FILTER={}", url::form_urlencoded::byte_serialize(fes("<fes:PropertyIsEqualTo><fes:ValueReference>colour</fes:ValueReference><fes:Literal>1</fes:Literal></fes:PropertyIsEqualTo>").as_bytes()).collect::<String>()), 400, "InvalidParameterValue", "FILTER", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&FILTER={}", url::form_urlencoded::byte_serialize(fes(&deep).as_bytes()).collect::<String>()), 400, "InvalidParameterValue", "FILTER", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&FILTER={}", url::form_urlencoded::byte_serialize(br#"<!DOCTYPE x [<!ENTITY a "aaaa">]><Filter/>"#).collect::<String>()), 400, "InvalidParameterValue", "FILTER", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        ("VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=nope".into(), 404, "NotFound", "ID", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        ("VERSION=2.0.0&REQUEST=Transaction".into(), 400, "OperationNotSupported", "REQUEST", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        ("VERSION=9.9.9&REQUEST=GetFeature".into(), 400, "InvalidParameterValue", "VERSION", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
        (format!("VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&BBOX=5,46,4,45,EPSG:4326"), 400, "InvalidParameterValue", "BBOX", "ogc/ows/1.1.0/owsExceptionReport.xsd"),
    ];
    for (query, status, code, locator, xsd) in cases {
        let (got, body) = text(&served, &format!("SERVICE=WFS&{query}")).await;
        assert_eq!(got, status, "{query}: {body}");
        assert!(
            body.contains(&format!(r#"exceptionCode="{code}" locator="{locator}""#)),
            "{query}: {body}"
        );
        xmllint(body.as_bytes(), Some(xsd), &scratch.path()).unwrap_or_else(|e| panic!("{query}: {e}"));
    }
    let unknown_property = text(
        &served,
        &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={tree_type}&PROPERTYNAME=colour"),
    )
    .await
    .1;
    assert!(
        unknown_property.contains("colour is not a property"),
        "{unknown_property}"
    );
}
