//! OGC API Features over HTTP: the Lyon deliverable's collections (paging, bbox, datetime, one
//! item, problems, the deliverable's vector report) read by GDAL's own `OAPIF:` client with the
//! counts `ogrinfo` reads from the source files; the harness tree's GML served after scans over
//! nginx, FTPS and SFTP; GeoPackage and Shapefile layers as collections.

mod common;

use std::collections::BTreeMap;

use common::pcrs::{class_counts, lyon_files, ogr_counts, scratch_copy, serve_lyon, stored_rows};
use common::served::{gdal_tool, Served};
use common::*;
use serde_json::{json, Value};

async fn get_json(served: &Served, path: &str) -> (u16, Value) {
    let (status, kind, body) = served.get(path).await;
    let value: Value = serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{path}: {kind}"));
    (status, value)
}

fn next_link(page: &Value) -> Option<String> {
    page["links"]
        .as_array()?
        .iter()
        .find(|link| link["rel"] == "next")
        .map(|link| link["href"].as_str().unwrap().to_string())
}

/// CRS:84 position of a point given in EPSG:3946, through GDAL (not dallage's code).
fn to_crs84(x: f64, y: f64) -> (f64, f64) {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let mut source = SpatialRef::from_epsg(3946).unwrap();
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target = SpatialRef::from_epsg(4326).unwrap();
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let (mut xs, mut ys) = ([x], [y]);
    CoordTransform::new(&source, &target)
        .unwrap()
        .transform_coords(&mut xs, &mut ys, &mut [])
        .unwrap();
    (xs[0], ys[0])
}

#[tokio::test]
async fn ogc_api_features_serves_every_collection_and_gdal_reads_the_same_counts() {
    let (served, expected, _source) = serve_lyon().await;
    let layer = served.layer().to_string();
    let (status, collections) = get_json(&served, "/ogcapi/collections").await;
    assert_eq!(status, 200);
    let vector: Vec<&Value> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["itemType"] == "feature")
        .collect();
    assert_eq!(vector.len(), expected.len());
    let (_, conformance) = get_json(&served, "/ogcapi/conformance").await;
    assert!(conformance["conformsTo"].as_array().unwrap().contains(&json!(
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
    )));

    // Paging: pages of 7 join to the whole, in order, without duplicates.
    let trees = format!("{layer}-ArbrePCRS");
    let mut path = format!("/ogcapi/collections/{trees}/items?limit=7");
    let mut ids = Vec::new();
    let mut points = Vec::new();
    loop {
        let (status, page) = get_json(&served, &path).await;
        assert_eq!(status, 200);
        assert_eq!(page["numberMatched"], json!(expected["ArbrePCRS"]));
        let features = page["features"].as_array().unwrap();
        assert_eq!(page["numberReturned"], json!(features.len()));
        for feature in features {
            ids.push(feature["id"].as_str().unwrap().to_string());
            let c = &feature["geometry"]["coordinates"];
            points.push((c[0].as_f64().unwrap(), c[1].as_f64().unwrap(), feature.clone()));
        }
        match next_link(&page) {
            Some(next) => path = next.trim_start_matches(&served.base).to_string(),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(ids.len() as u64, expected["ArbrePCRS"]);
    assert_eq!(unique.len(), ids.len(), "no feature twice");

    // bbox: the trees whose GDAL-transformed position falls in a box around the first file.
    let store = stored_rows(&served).await;
    let trees_native: Vec<(f64, f64)> = store
        .iter()
        .filter(|row| row.class == "ArbrePCRS")
        .map(|row| {
            let b = row.bbox.unwrap();
            to_crs84(b[0], b[1])
        })
        .collect();
    let bbox = [4.8833, 45.8185, 4.8855, 45.8196];
    let inside = |(x, y): &(f64, f64)| *x >= bbox[0] && *x <= bbox[2] && *y >= bbox[1] && *y <= bbox[3];
    let hand_count = trees_native.iter().filter(|p| inside(p)).count();
    assert!(
        hand_count > 0 && hand_count < trees_native.len(),
        "the box holds some trees: {hand_count}"
    );
    let (_, page) = get_json(
        &served,
        &format!(
            "/ogcapi/collections/{trees}/items?limit=1000&bbox={},{},{},{}",
            bbox[0], bbox[1], bbox[2], bbox[3]
        ),
    )
    .await;
    assert_eq!(page["numberMatched"], json!(hand_count));
    // A 3D bbox reads the same.
    let (_, page3d) = get_json(
        &served,
        &format!(
            "/ogcapi/collections/{trees}/items?limit=1000&bbox={},{},0,{},{},1000",
            bbox[0], bbox[1], bbox[2], bbox[3]
        ),
    )
    .await;
    assert_eq!(page3d["numberMatched"], json!(hand_count));
    // Lines: a box that cuts a line without holding any of its vertices still selects it.
    let walls = format!("{layer}-MurPCRS");
    let (_, all_walls) = get_json(&served, &format!("/ogcapi/collections/{walls}/items")).await;
    let wall = &all_walls["features"][0]["geometry"]["coordinates"];
    let (a, b) = (
        (wall[0][0].as_f64().unwrap(), wall[0][1].as_f64().unwrap()),
        (wall[1][0].as_f64().unwrap(), wall[1][1].as_f64().unwrap()),
    );
    let middle = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let tiny = 1e-7;
    let (_, cut) = get_json(
        &served,
        &format!(
            "/ogcapi/collections/{walls}/items?bbox={},{},{},{}",
            middle.0 - tiny,
            middle.1 - tiny,
            middle.0 + tiny,
            middle.1 + tiny
        ),
    )
    .await;
    assert!(cut["numberMatched"].as_u64().unwrap() >= 1, "{cut}");

    // datetime on the survey date.
    let dates: Vec<String> = points
        .iter()
        .map(|(_, _, f)| f["properties"]["dateLeve"].as_str().unwrap().to_string())
        .collect();
    let before_2020 = dates.iter().filter(|d| d.as_str() < "2020-01-01").count();
    let (_, dated) = get_json(
        &served,
        &format!("/ogcapi/collections/{trees}/items?datetime=../2019-12-31T23:59:59Z"),
    )
    .await;
    assert_eq!(dated["numberMatched"], json!(before_2020));

    // One feature, with its links.
    let (status, one) = get_json(&served, &format!("/ogcapi/collections/{trees}/items/{}", ids[3])).await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], json!(ids[3]));
    assert!(one["links"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["rel"] == "collection"));

    // Errors name what is wrong, as problems.
    for (path, status, words) in [
        (format!("/ogcapi/collections/{trees}/items?limit=0"), 400, "limit"),
        (
            format!("/ogcapi/collections/{trees}/items?bbox=1,2,3"),
            400,
            "bbox",
        ),
        (
            format!("/ogcapi/collections/{trees}/items?colour=red"),
            400,
            "colour",
        ),
        (
            format!("/ogcapi/collections/{trees}/items?crs=EPSG:2154"),
            400,
            "crs",
        ),
        (format!("/ogcapi/collections/{trees}/items/nope"), 404, "nope"),
        (
            "/ogcapi/collections/nothing-here/items".to_string(),
            404,
            "nothing-here",
        ),
    ] {
        let (got, kind, body) = served.get(&path).await;
        assert_eq!(got, status, "{path}");
        assert!(kind.starts_with("application/problem+json"), "{path}: {kind}");
        assert!(String::from_utf8_lossy(&body).contains(words), "{path}");
    }

    // The deliverable's vector report: every file, every feature checked against the CNIG
    // schema (the Lyon files are valid for xmllint: all conform).
    let (status, report) = get_json(&served, &format!("/api/livrables/{layer}/vector")).await;
    assert_eq!(status, 200);
    assert_eq!(report["files"].as_array().unwrap().len(), 10);
    assert_eq!(report["features"], json!(1371));
    assert_eq!(report["validation"]["checked"], json!(1371));
    assert_eq!(report["validation"]["conforming"], json!(1371));
    let classes: BTreeMap<String, u64> = serde_json::from_value(report["classes"].clone()).unwrap();
    assert_eq!(classes, expected);

    // GDAL's OAPIF client reads every collection with ogrinfo's counts on the source files.
    let read = class_counts(format!("OAPIF:{}/ogcapi", served.base), &layer).await;
    assert_eq!(read, expected);
}

#[tokio::test]
async fn a_gml_file_on_any_storage_is_served_once_its_scan_ends() {
    let wanted = ["nginx", "ftps", "sftp"];
    let storages: Vec<Value> = storages()
        .into_iter()
        .filter(|(name, _)| wanted.contains(name))
        .map(|(_, storage)| storage)
        .collect();
    let served = Served::start(storages).await;
    let scratch = TempDir::new();
    // The tree's vector folder holds a GML file and another without extension (classified by
    // its content); ogrinfo reads a copy of each.
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for (name, copy) in [
        ("20200716.RIL_L263_C299_P0.gml", "a.gml"),
        ("livraison lot 2", "b.gml"),
    ] {
        let target = scratch.path().join(copy);
        std::fs::copy(fixtures().join("vecteur").join(name), &target).unwrap();
        for (class, count) in ogr_counts(&target).await {
            *expected.entry(class).or_default() += count;
        }
    }
    for layer in &served.layers {
        for (class, count) in &expected {
            let (status, page) = get_json(
                &served,
                &format!("/ogcapi/collections/{layer}-{class}/items?limit=1"),
            )
            .await;
            assert_eq!(status, 200, "{layer} {class}");
            assert_eq!(page["numberMatched"], json!(count), "{layer} {class}");
        }
    }
}

#[tokio::test]
async fn geopackage_and_shapefile_layers_are_collections_with_typed_attributes() {
    dallage::init_gdal();
    let source = TempDir::new();
    let scratch = TempDir::new();
    let gml = scratch_copy(&lyon_files()[6], &scratch.path());
    let gpkg = source.path().join("pcrs.gpkg");
    gdal_tool(
        "ogr2ogr",
        vec![
            "-f".into(),
            "GPKG".into(),
            gpkg.display().to_string(),
            gml.display().to_string(),
        ],
    )
    .await;
    let shapefiles = source.path().join("shp");
    gdal_tool(
        "ogr2ogr",
        vec![
            "-f".into(),
            "ESRI Shapefile".into(),
            shapefiles.display().to_string(),
            gml.display().to_string(),
            "MurPCRS".into(),
        ],
    )
    .await;
    // The Shapefile's one layer is named after its file, like the GeoPackage's walls: one class.
    let mut expected = ogr_counts(&gpkg).await;
    let walls_in_shapefile = ogr_counts(&shapefiles.join("MurPCRS.shp")).await["MurPCRS"];
    assert!(walls_in_shapefile > 0);
    *expected.get_mut("MurPCRS").unwrap() += walls_in_shapefile;
    let storage = json!({"type": "file", "path": source.path().display().to_string()});
    let served = Served::start(vec![storage]).await;
    let layer = served.layer().to_string();
    for (class, count) in &expected {
        let (status, page) = get_json(
            &served,
            &format!("/ogcapi/collections/{layer}-{class}/items?limit=1"),
        )
        .await;
        assert_eq!(status, 200, "{class}");
        assert_eq!(page["numberMatched"], json!(count), "{class}");
    }
    // GDAL typed `thematique` as an integer: a JSON number here, where GML keeps its text.
    let (_, trees) = get_json(
        &served,
        &format!("/ogcapi/collections/{layer}-ArbrePCRS/items?limit=1"),
    )
    .await;
    assert!(
        trees["features"][0]["properties"]["thematique"].is_i64(),
        "{}",
        trees["features"][0]
    );
    assert_eq!(
        trees["features"][0]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "z kept"
    );
}

#[tokio::test]
async fn part_2_answers_in_the_crs_asked_and_reads_boxes_in_any_listed_crs() {
    let (served, _, _source) = serve_lyon().await;
    let layer = served.layer().to_string();
    let trees = format!("{layer}-ArbrePCRS");
    let rows = stored_rows(&served).await;
    let tree = rows.iter().find(|row| row.class == "ArbrePCRS").unwrap();
    let (geometry, _) = dallage::vector::read_wkb(tree.geometry.as_ref().unwrap()).unwrap();
    let dallage::vector::Geometry::Point(stored) = geometry else {
        panic!("trees are points")
    };
    let (_, collection) = get_json(&served, &format!("/ogcapi/collections/{trees}")).await;
    let listed: Vec<&str> = collection["crs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let cc46 = "http://www.opengis.net/def/crs/EPSG/0/3946";
    let wgs84 = "http://www.opengis.net/def/crs/EPSG/0/4326";
    assert!(
        listed.contains(&CRS84_URI) && listed.contains(&cc46) && listed.contains(&wgs84),
        "{listed:?}"
    );
    assert_eq!(collection["storageCrs"], json!(cc46));

    // In the stored CRS: the stored coordinates, z included, and Content-Crs says so.
    let item = |crs: &str| format!("/ogcapi/collections/{trees}/items/{}?crs={crs}", tree.fid);
    let (status, kind, body) = served.get(&item(cc46)).await;
    assert_eq!((status, kind.as_str()), (200, "application/geo+json"));
    let one: Value = serde_json::from_slice(&body).unwrap();
    let c = &one["geometry"]["coordinates"];
    for axis in 0..3 {
        assert!(
            (c[axis].as_f64().unwrap() - stored[axis]).abs() < 1e-6,
            "{c} vs {stored:?}"
        );
    }
    let response = reqwest::get(format!("{}{}", served.base, item(cc46)))
        .await
        .unwrap();
    assert_eq!(response.headers()["content-crs"], format!("<{cc46}>").as_str());
    // Pages also give their links in a Link header (RFC 8288), queryables included.
    let page = reqwest::get(format!(
        "{}/ogcapi/collections/{trees}/items?limit=2",
        served.base
    ))
    .await
    .unwrap();
    let link = page.headers()["link"].to_str().unwrap().to_string();
    for rel in [
        "self",
        "next",
        "http://www.opengis.net/def/rel/ogc/1.0/queryables",
    ] {
        assert!(link.contains(&format!("rel=\"{rel}\"")), "{rel} in {link}");
    }
    // EPSG:4326 is latitude first; CRS:84 longitude first; both where GDAL puts the tree.
    let (lon, lat) = to_crs84(stored[0], stored[1]);
    let (_, _, body) = served.get(&item(wgs84)).await;
    let c = serde_json::from_slice::<Value>(&body).unwrap()["geometry"]["coordinates"].clone();
    assert!(
        (c[0].as_f64().unwrap() - lat).abs() < 1e-8 && (c[1].as_f64().unwrap() - lon).abs() < 1e-8,
        "{c}"
    );
    let (_, _, body) = served.get(&item(CRS84_URI)).await;
    let c = serde_json::from_slice::<Value>(&body).unwrap()["geometry"]["coordinates"].clone();
    assert!((c[0].as_f64().unwrap() - lon).abs() < 1e-8, "{c}");

    // A box in the stored CRS, and the same in EPSG:4326 (latitude first), find the tree.
    let b = [stored[0] - 0.5, stored[1] - 0.5, stored[0] + 0.5, stored[1] + 0.5];
    let count_in = |bbox: String, crs: &str| {
        let served = &served;
        let path = format!("/ogcapi/collections/{trees}/items?bbox={bbox}&bbox-crs={crs}&crs={crs}");
        async move { get_json(served, &path).await.1 }
    };
    let page = count_in(format!("{},{},{},{}", b[0], b[1], b[2], b[3]), cc46).await;
    assert!(
        page["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == json!(tree.fid)),
        "{page}"
    );
    let d = 1e-5;
    let page = count_in(format!("{},{},{},{}", lat - d, lon - d, lat + d, lon + d), wgs84).await;
    assert!(
        page["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == json!(tree.fid)),
        "{page}"
    );
    let next = next_link(&page);
    assert!(
        next.is_none() || next.unwrap().contains("bbox-crs="),
        "links keep the CRSs"
    );

    // A CRS the collection does not list is a problem naming the parameter and the list.
    for parameter in ["crs", "bbox-crs"] {
        let (status, _, body) = served
            .get(&format!(
                "/ogcapi/collections/{trees}/items?bbox=1,2,3,4&{parameter}=http://www.opengis.net/def/crs/EPSG/0/32631"
            ))
            .await;
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, 400, "{text}");
        assert!(text.contains(parameter) && text.contains(cc46), "{text}");
    }
}

const CRS84_URI: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

#[tokio::test]
async fn part_3_filters_in_cql2_text_and_json_answer_as_computed_here() {
    let (served, expected, _source) = serve_lyon().await;
    let layer = served.layer().to_string();
    let trees = format!("{layer}-ArbrePCRS");
    let rows: Vec<(String, Value, [f64; 4])> = stored_rows(&served)
        .await
        .into_iter()
        .filter(|row| row.class == "ArbrePCRS")
        .map(|row| {
            (
                row.fid,
                serde_json::from_str(&row.properties).unwrap(),
                row.bbox.unwrap(),
            )
        })
        .collect();
    let count = |keep: &dyn Fn(&Value, &[f64; 4]) -> bool| rows.iter().filter(|(_, p, b)| keep(p, b)).count();
    let text = |p: &Value, name: &str| p[name].as_str().map(str::to_string);

    // The queryables: every property with its type, and the geometry.
    let (status, queryables) = get_json(&served, &format!("/ogcapi/collections/{trees}/queryables")).await;
    assert_eq!(status, 200);
    assert_eq!(queryables["properties"]["dateLeve"]["type"], json!("string"));
    assert_eq!(
        queryables["properties"]["geometry"]["format"],
        json!("geometry-point")
    );
    assert_eq!(queryables["additionalProperties"], json!(false));

    let matched = |filter: String, lang: &'static str, crs: Option<&'static str>| {
        let served = &served;
        let trees = trees.clone();
        async move {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query
                .append_pair("filter", &filter)
                .append_pair("filter-lang", lang)
                .append_pair("limit", "1");
            if let Some(crs) = crs {
                query.append_pair("filter-crs", crs);
            }
            let (status, page) = get_json(
                served,
                &format!("/ogcapi/collections/{trees}/items?{}", query.finish()),
            )
            .await;
            assert_eq!(status, 200, "{filter}: {page}");
            page["numberMatched"].as_u64().unwrap() as usize
        }
    };
    let first_date = text(&rows[0].1, "dateLeve").unwrap();
    let start: String = text(&rows[0].1, "idObjet").unwrap().chars().take(5).collect();
    let cases: Vec<(String, usize)> = vec![
        (
            format!("dateLeve = '{first_date}'"),
            count(&|p, _| text(p, "dateLeve").as_deref() == Some(&first_date)),
        ),
        (
            "dateLeve < DATE('2020-01-01')".into(),
            count(&|p, _| text(p, "dateLeve").is_some_and(|d| d.as_str() < "2020-01-01")),
        ),
        (
            format!("idObjet LIKE '{start}%'"),
            count(&|p, _| text(p, "idObjet").is_some_and(|v| v.starts_with(&start))),
        ),
        (
            format!("idObjet NOT LIKE '{start}%'"),
            count(&|p, _| text(p, "idObjet").is_some_and(|v| !v.starts_with(&start))),
        ),
        (
            "dateLeve BETWEEN '2019-01-01' AND '2019-12-31'".into(),
            count(&|p, _| {
                text(p, "dateLeve").is_some_and(|d| ("2019-01-01".."2019-12-32").contains(&d.as_str()))
            }),
        ),
        (
            "thematique IN ('06', '07')".into(),
            count(&|p, _| matches!(text(p, "thematique").as_deref(), Some("06" | "07"))),
        ),
        (
            "reference IS NULL".into(),
            count(&|p, _| p["reference"].is_null()),
        ),
        (
            format!("NOT (dateLeve = '{first_date}' OR idObjet LIKE '{start}%')"),
            count(&|p, _| {
                text(p, "dateLeve").as_deref() != Some(&first_date)
                    && !text(p, "idObjet").is_some_and(|v| v.starts_with(&start))
            }),
        ),
    ];
    for (filter, want) in cases {
        assert!(want > 0, "the case selects something: {filter}");
        assert_eq!(matched(filter.clone(), "cql2-text", None).await, want, "{filter}");
    }
    // The same in JSON.
    let json_filter = json!({"op": "and", "args": [
        {"op": "=", "args": [{"property": "dateLeve"}, first_date]},
        {"op": "like", "args": [{"property": "idObjet"}, format!("{start}%")]}
    ]});
    assert_eq!(
        matched(json_filter.to_string(), "cql2-json", None).await,
        count(&|p, _| text(p, "dateLeve").as_deref() == Some(&first_date)
            && text(p, "idObjet").is_some_and(|v| v.starts_with(&start)))
    );

    // Spatial: a square around the first tree in EPSG:3946 (filter-crs), its complement, and
    // the same square in CRS:84 through GDAL.
    let (x, y) = (rows[0].2[0], rows[0].2[1]);
    let inside = count(&|_, b| (b[0] - x).abs() <= 30.0 && (b[1] - y).abs() <= 30.0);
    assert!(inside > 0 && inside < rows.len());
    let square = format!(
        "POLYGON(({} {}, {} {}, {} {}, {} {}, {} {}))",
        x - 30.0,
        y - 30.0,
        x + 30.0,
        y - 30.0,
        x + 30.0,
        y + 30.0,
        x - 30.0,
        y + 30.0,
        x - 30.0,
        y - 30.0
    );
    let cc46 = Some("http://www.opengis.net/def/crs/EPSG/0/3946");
    assert_eq!(
        matched(format!("S_INTERSECTS(geometry, {square})"), "cql2-text", cc46).await,
        inside
    );
    assert_eq!(
        matched(format!("S_WITHIN(geometry, {square})"), "cql2-text", cc46).await,
        inside
    );
    assert_eq!(
        matched(format!("S_DISJOINT(geometry, {square})"), "cql2-text", cc46).await,
        expected["ArbrePCRS"] as usize - inside
    );
    let (west, south) = to_crs84(x - 30.0, y - 30.0);
    let (east, north) = to_crs84(x + 30.0, y + 30.0);
    let near = matched(
        format!("S_INTERSECTS(geometry, BBOX({west}, {south}, {east}, {north}))"),
        "cql2-text",
        None,
    )
    .await;
    // The CRS:84 box of a turned square holds a little more than the square.
    assert!(near >= inside, "{near} < {inside}");

    // Bad filters are problems naming what is wrong.
    let deep = format!("{}a = 1{}", "(".repeat(80), ")".repeat(80));
    for (filter, words) in [
        ("colour = 'red'".to_string(), "colour is not a queryable"),
        ("dateLeve = ".to_string(), "the end"),
        ("UPPER(dateLeve) = 'X'".to_string(), "function UPPER"),
        (deep, "deeper than 64"),
        (
            format!("idObjet LIKE '{}'", "%a".repeat(600)),
            "LIKE pattern is longer than 1000",
        ),
    ] {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("filter", &filter)
            .finish();
        let (status, kind, body) = served
            .get(&format!("/ogcapi/collections/{trees}/items?{query}"))
            .await;
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 400, "{filter}: {body}");
        assert!(
            kind.starts_with("application/problem+json") && body.contains(words),
            "{filter}: {body}"
        );
    }
    let (status, _, _) = served
        .get(&format!("/ogcapi/collections/{trees}/items?filter-lang=cql3"))
        .await;
    assert_eq!(status, 400);

    // Arrays: the exchange footprints referring to a given habillage (a repeated property).
    let footprints: Vec<Value> = stored_rows(&served)
        .await
        .into_iter()
        .filter(|row| row.class == "EmpriseEchangePCRS")
        .map(|row| serde_json::from_str(&row.properties).unwrap())
        .collect();
    let wanted = footprints[0]["habillage"][0].as_str().unwrap().to_string();
    let holding = footprints
        .iter()
        .filter(|p| {
            p["habillage"]
                .as_array()
                .is_some_and(|items| items.iter().any(|i| i == &json!(wanted)))
        })
        .count();
    for (filter, lang) in [
        (format!("A_CONTAINS(habillage, ('{wanted}'))"), "cql2-text"),
        (
            format!("A_OVERLAPS(habillage, ('{wanted}', 'nothing'))"),
            "cql2-text",
        ),
        (
            json!({"op": "a_contains", "args": [{"property": "habillage"}, [wanted]]}).to_string(),
            "cql2-json",
        ),
    ] {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("filter", &filter)
            .append_pair("filter-lang", lang)
            .finish();
        let (_, page) = get_json(
            &served,
            &format!("/ogcapi/collections/{layer}-EmpriseEchangePCRS/items?{query}"),
        )
        .await;
        assert_eq!(page["numberMatched"], json!(holding), "{filter}: {page}");
    }

    // Browsers get pages: items as a table (a row per feature, links that stay in HTML), one
    // feature with its properties, the landing page as lists; JSON clients still get JSON.
    let (status, kind, body) = served
        .get(&format!("/ogcapi/collections/{trees}/items?limit=5&f=html"))
        .await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert_eq!(page.matches("<tr>").count(), 6, "a header and five rows");
    assert!(
        page.contains(&format!("5 of {} features", expected["ArbrePCRS"])),
        "{page}"
    );
    assert!(page.contains("f=html\">next page</a>"), "{page}");
    let (_, _, body) = served
        .get(&format!("/ogcapi/collections/{trees}/items/{}?f=html", rows[0].0))
        .await;
    let one = String::from_utf8(body).unwrap();
    assert!(
        one.contains(&format!("<dt>dateLeve</dt><dd>{first_date}</dd>")),
        "{one}"
    );
    let browser = reqwest::Client::new()
        .get(format!("{}/ogcapi/", served.base))
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert!(browser.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(browser.text().await.unwrap().contains("conformance"));
    let (_, kind, _) = served.get(&format!("/ogcapi/collections/{trees}/items")).await;
    assert_eq!(kind, "application/geo+json");
}
