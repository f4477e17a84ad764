//! WMS requests other than pixels: capabilities (content, axis order, validity against the
//! official XSD and DTD), every exception path (code, locator, status, validity), exceptions
//! as images, GetFeatureInfo (the dalle, its file, its pixel values as GDAL reads them) in
//! every format, GetLegendGraphic, output formats and case-insensitive parameter names.

mod common;

use std::collections::BTreeMap;

use common::served::{xmllint, Rgba, Served};
use common::*;
use serde_json::{json, Value};

const SCHEMA_130: &str = "wms130_sld.xsd";
const EXCEPTIONS_130: &str = "http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd";

async fn served() -> Served {
    Served::start(vec![
        json!({"type": "file", "path": fixtures().display().to_string()}),
    ])
    .await
}

/// The attributes of every `<tag ...>` element of `document`, in order.
fn elements(document: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
    document
        .split(&format!("<{tag} "))
        .skip(1)
        .map(|rest| {
            let head = &rest[..rest.find('>').unwrap()];
            let mut attributes = BTreeMap::new();
            for part in head.split('"').collect::<Vec<_>>().chunks(2) {
                if let [name, value] = part {
                    attributes.insert(name.trim().trim_end_matches('=').to_string(), value.to_string());
                }
            }
            attributes
        })
        .collect()
}

fn number(attributes: &BTreeMap<String, String>, name: &str) -> f64 {
    attributes[name].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capabilities_describe_each_layer_and_validate() {
    let served = served().await;
    let layer = served.layer();
    let scratch = served.dir.path();

    let (status, content_type, body) = served
        .wms("service=WMS&request=GetCapabilities&version=1.3.0")
        .await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/xml"), "{content_type}");
    xmllint(&body, Some(SCHEMA_130), &scratch).expect("1.3.0 capabilities valid against the XSD");
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains(&format!("<Name>{layer}</Name>")), "layer listed");
    assert!(text.contains("<Name>pcrs-lyon</Name>"), "project group listed");
    for needed in [
        "<EX_GeographicBoundingBox>",
        "<Attribution>",
        "<MetadataURL",
        "<LegendURL",
        "<MaxWidth>",
        "<LayerLimit>16</LayerLimit>",
        "<MinScaleDenominator>",
    ] {
        assert!(text.contains(needed), "{needed} in 1.3.0 capabilities");
    }
    for crs in [
        "EPSG:2154",
        "EPSG:3857",
        "EPSG:4326",
        "CRS:84",
        "EPSG:3942",
        "EPSG:3950",
    ] {
        assert!(text.contains(&format!("<CRS>{crs}</CRS>")), "{crs} offered");
    }
    // 1.3.0 writes EPSG:4326 boxes latitude first, CRS:84 longitude first.
    let boxes = elements(&text, "BoundingBox");
    let geographic = boxes
        .iter()
        .find(|b| b["CRS"] == "EPSG:4326")
        .expect("EPSG:4326 box");
    assert!(
        (45.0..47.0).contains(&number(geographic, "minx")),
        "latitude first: {geographic:?}"
    );
    assert!((4.0..6.0).contains(&number(geographic, "miny")), "{geographic:?}");
    let crs84 = boxes.iter().find(|b| b["CRS"] == "CRS:84").expect("CRS:84 box");
    assert!((4.0..6.0).contains(&number(crs84, "minx")), "{crs84:?}");
    let lambert = boxes
        .iter()
        .find(|b| b["CRS"] == "EPSG:2154")
        .expect("Lambert-93 box");
    assert_eq!(number(lambert, "minx"), 846_200.0);
    assert_eq!(number(lambert, "maxx"), 846_600.0);
    assert_eq!(number(lambert, "miny"), 6_526_000.0);
    assert_eq!(number(lambert, "maxy"), 6_526_400.0);

    let (status, content_type, body) = served
        .wms("SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1")
        .await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/vnd.ogc.wms_xml; charset=utf-8");
    xmllint(&body, None, &scratch).expect("1.1.1 capabilities valid against the DTD");
    let text = String::from_utf8(body).unwrap();
    let lat_lon = &elements(&text, "LatLonBoundingBox")[0];
    assert!(
        (4.0..6.0).contains(&number(lat_lon, "minx")),
        "1.1.1 is longitude first: {lat_lon:?}"
    );
    assert!(text.contains("<SRS>EPSG:2154</SRS>") && text.contains("<ScaleHint"));

    // Version negotiation: an unknown higher version gets 1.3.0, a lower one 1.1.1.
    let (_, _, body) = served
        .wms("SERVICE=WMS&REQUEST=GetCapabilities&VERSION=2.0.0")
        .await;
    assert!(String::from_utf8_lossy(&body).contains("version=\"1.3.0\""));
    let (_, _, body) = served
        .wms("SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.0.0")
        .await;
    assert!(String::from_utf8_lossy(&body).contains("version=\"1.1.1\""));
}

/// A valid request of each kind, as ordered key-value pairs.
fn valid(version: &str, request: &str, layer: &str) -> Vec<(String, String)> {
    let crs = if version == "1.3.0" { "CRS" } else { "SRS" };
    let mut pairs = vec![
        ("SERVICE", "WMS".to_string()),
        ("VERSION", version.to_string()),
        ("REQUEST", request.to_string()),
    ];
    match request {
        "GetLegendGraphic" => {
            pairs.push(("LAYER", layer.to_string()));
            pairs.push(("FORMAT", "image/png".into()));
        }
        _ => {
            pairs.extend([
                ("LAYERS", layer.to_string()),
                ("STYLES", String::new()),
                (crs, "EPSG:2154".into()),
                ("BBOX", "846300,6526250,846310,6526260".into()),
                ("WIDTH", "64".into()),
                ("HEIGHT", "64".into()),
                ("FORMAT", "image/png".into()),
            ]);
            if request == "GetFeatureInfo" {
                let (i, j) = if version == "1.3.0" {
                    ("I", "J")
                } else {
                    ("X", "Y")
                };
                pairs.extend([
                    ("QUERY_LAYERS", layer.to_string()),
                    (i, "10".into()),
                    (j, "10".into()),
                ]);
                pairs.push(("INFO_FORMAT", "application/json".into()));
            }
        }
    }
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// `pairs` with `change` applied: `KEY` alone removes it, `KEY=value` sets it.
fn query(mut pairs: Vec<(String, String)>, change: &str) -> String {
    if !change.is_empty() {
        let (key, value) = change
            .split_once('=')
            .map_or((change, None), |(k, v)| (k, Some(v)));
        pairs.retain(|(k, _)| k != key);
        if let Some(value) = value {
            pairs.push((key.to_string(), value.to_string()));
        }
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(' ', "%20")))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exception_path_has_its_code_and_a_valid_report() {
    let served = served().await;
    let layer = served.layer().to_string();
    let scratch = served.dir.path();
    let max_width = served.state.config().limits.max_image_width;
    let too_wide = format!("WIDTH={}", max_width + 1);
    let seventeen = format!("LAYERS={}", vec![layer.as_str(); 17].join(","));
    let styles_17 = format!("STYLES={}", vec![""; 16].join(","));
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        // (version, request, change, expected code)
        ("1.3.0", "GetMap", "REQUEST", "MissingParameterValue"),
        ("1.3.0", "GetMap", "REQUEST=GetSomething", "OperationNotSupported"),
        ("1.3.0", "GetMap", "SERVICE=WFS", "InvalidParameterValue"),
        ("1.3.0", "GetMap", "LAYERS", "MissingParameterValue"),
        ("1.3.0", "GetMap", "STYLES", "MissingParameterValue"),
        ("1.3.0", "GetMap", "CRS", "MissingParameterValue"),
        ("1.3.0", "GetMap", "BBOX", "MissingParameterValue"),
        ("1.3.0", "GetMap", "WIDTH", "MissingParameterValue"),
        ("1.3.0", "GetMap", "HEIGHT", "MissingParameterValue"),
        ("1.3.0", "GetMap", "FORMAT", "MissingParameterValue"),
        ("1.3.0", "GetMap", "LAYERS=nowhere", "LayerNotDefined"),
        ("1.3.0", "GetMap", "STYLES=fancy", "StyleNotDefined"),
        (
            "1.3.0",
            "GetMap",
            "STYLES=default,default",
            "InvalidParameterValue",
        ),
        ("1.3.0", "GetMap", "CRS=EPSG:27572", "InvalidCRS"),
        ("1.3.0", "GetMap", "BBOX=a,b,c,d", "InvalidParameterValue"),
        (
            "1.3.0",
            "GetMap",
            "BBOX=846310,6526250,846300,6526260",
            "InvalidParameterValue",
        ),
        ("1.3.0", "GetMap", "BBOX=1,2,3", "InvalidParameterValue"),
        ("1.3.0", "GetMap", "WIDTH=0", "InvalidParameterValue"),
        ("1.3.0", "GetMap", "HEIGHT=-3", "InvalidParameterValue"),
        ("1.3.0", "GetMap", &too_wide, "InvalidParameterValue"),
        ("1.3.0", "GetMap", "FORMAT=image/gif", "InvalidFormat"),
        ("1.3.0", "GetMap", "BGCOLOR=red", "InvalidParameterValue"),
        ("1.3.0", "GetMap", "TRANSPARENT=maybe", "InvalidParameterValue"),
        ("1.3.0", "GetMap", "RESAMPLING=lanczos", "InvalidParameterValue"),
        ("1.3.0", "GetMap", "TIME=2024-06-01", "InvalidDimensionValue"),
        ("1.3.0", "GetMap", &seventeen, "InvalidParameterValue"),
        ("1.3.0", "GetMap", &styles_17, "InvalidParameterValue"),
        ("1.1.1", "GetMap", "SRS=EPSG:27572", "InvalidSRS"),
        ("1.1.1", "GetMap", "SRS", "MissingParameterValue"),
        ("1.1.1", "GetMap", "LAYERS=nowhere", "LayerNotDefined"),
        ("1.1.1", "GetMap", "FORMAT=text/html", "InvalidFormat"),
        ("1.3.0", "GetFeatureInfo", "QUERY_LAYERS", "MissingParameterValue"),
        (
            "1.3.0",
            "GetFeatureInfo",
            "QUERY_LAYERS=elsewhere",
            "LayerNotDefined",
        ),
        ("1.3.0", "GetFeatureInfo", "I", "MissingParameterValue"),
        ("1.3.0", "GetFeatureInfo", "I=64", "InvalidPoint"),
        ("1.3.0", "GetFeatureInfo", "J=-1", "InvalidPoint"),
        (
            "1.3.0",
            "GetFeatureInfo",
            "INFO_FORMAT=application/pdf",
            "InvalidFormat",
        ),
        (
            "1.3.0",
            "GetFeatureInfo",
            "FEATURE_COUNT=0",
            "InvalidParameterValue",
        ),
        ("1.1.1", "GetFeatureInfo", "X=99", "InvalidPoint"),
        ("1.3.0", "GetLegendGraphic", "LAYER", "MissingParameterValue"),
        ("1.3.0", "GetLegendGraphic", "LAYER=nowhere", "LayerNotDefined"),
        ("1.3.0", "GetLegendGraphic", "FORMAT=image/gif", "InvalidFormat"),
        ("1.3.0", "GetLegendGraphic", "WIDTH=0", "InvalidParameterValue"),
    ];
    for (version, request, change, code) in cases {
        let what = format!("{version} {request} {change}");
        let (status, content_type, body) = served.wms(&query(valid(version, request, &layer), change)).await;
        let text = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 400, "{what}: {text}");
        assert!(
            text.contains(&format!("code=\"{code}\"")),
            "{what}: expected {code} in {text}"
        );
        if version == "1.3.0" {
            assert!(content_type.starts_with("text/xml"), "{what}: {content_type}");
            let parameter = change.split('=').next().unwrap();
            if code != "OperationNotSupported" && parameter != "SERVICE" {
                assert!(text.contains("locator=\""), "{what}: a locator in {text}");
            }
            xmllint(&body, Some(EXCEPTIONS_130), &scratch).unwrap_or_else(|e| panic!("{what}: {e}"));
        } else {
            assert!(
                content_type.starts_with("application/vnd.ogc.se_xml"),
                "{what}: {content_type}"
            );
            xmllint(&body, None, &scratch).unwrap_or_else(|e| panic!("{what}: {e}"));
        }
    }

    // The request asked for the error as an image: INIMAGE writes it, BLANK leaves it empty.
    let wrong_layer = query(valid("1.3.0", "GetMap", "nowhere"), "EXCEPTIONS=INIMAGE");
    let (status, content_type, body) = served.wms(&format!("{wrong_layer}&TRANSPARENT=TRUE")).await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    let image = Rgba::decode(&body);
    assert_eq!((image.width, image.height), (64, 64));
    assert!(
        image.pixels.chunks(4).any(|p| p[3] == 255),
        "the message is drawn"
    );
    let blank = query(valid("1.3.0", "GetMap", "nowhere"), "EXCEPTIONS=BLANK");
    let (_, _, body) = served.wms(&format!("{blank}&TRANSPARENT=TRUE")).await;
    assert!(Rgba::decode(&body).alpha_everywhere(0), "blank is empty");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_info_names_the_dalle_and_its_pixels_as_gdal_reads_them() {
    let served = served().await;
    let layer = served.layer().to_string();
    // A 5 cm grid aligned on the dalles' pixels: pixel (i, j) of the map is one source pixel.
    let bbox = "846390,6526390,846403.2,6526396.4";
    let base = |format: &str, i: u32, j: u32| {
        format!(
            "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS={layer}&QUERY_LAYERS={layer}&STYLES=\
             &CRS=EPSG:2154&BBOX={bbox}&WIDTH=264&HEIGHT=128&FORMAT=image/png&INFO_FORMAT={format}&I={i}&J={j}"
        )
    };
    for (i, j, file, column, row) in [
        (37u32, 21u32, "2024-0846200-6526400-LA93-0M05-RVB.jp2", 3_837, 93),
        (250, 100, "2024-0846400-6526400-LA93-0M05-RVB.jp2", 50, 172),
    ] {
        let (status, content_type, body) = served.wms(&base("application/json", i, j)).await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("application/json"), "{content_type}");
        let found: Value = serde_json::from_slice(&body).unwrap();
        let properties = &found["features"][0]["properties"];
        assert_eq!(properties["file"], file, "{found}");
        assert_eq!(properties["resolution"], 0.05);
        assert!(properties["date"].is_string(), "{properties}");
        let dataset = gdal::Dataset::open(fixtures().join("ortho").join(file)).unwrap();
        for (band, name) in [(1, "red"), (2, "green"), (3, "blue")] {
            let value = dataset
                .rasterband(band)
                .unwrap()
                .read_as::<u8>((column, row), (1, 1), (1, 1), None)
                .unwrap()
                .data()[0];
            assert_eq!(properties[name], value, "{file} {name} at ({column}, {row})");
        }
    }
    for (format, needle) in [
        ("text/plain", "2024-0846200-6526400-LA93-0M05-RVB.jp2"),
        ("text/html", "<table"),
        (
            "application/vnd.ogc.gml",
            "2024-0846200-6526400-LA93-0M05-RVB.jp2",
        ),
    ] {
        let (status, content_type, body) = served.wms(&base(format, 37, 21)).await;
        assert_eq!(status, 200, "{format}");
        assert!(content_type.starts_with(format), "{format}: {content_type}");
        assert!(String::from_utf8_lossy(&body).contains(needle), "{format}");
    }
    // Where there is no dalle: an empty answer, not an error.
    let outside = base("application/json", 1, 1).replace(bbox, "900000,6600000,900013.2,6600006.4");
    let (status, _, body) = served.wms(&outside).await;
    assert_eq!(status, 200);
    let empty: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(empty["features"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formats_legends_several_layers_and_any_case() {
    let served = served().await;
    let layer = served.layer().to_string();
    let map = |extra: &str| {
        format!(
            "service=WMS&version=1.3.0&request=GetMap&layers={layer}&styles=&crs=EPSG:2154\
             &bbox=846300,6526250,846312.8,6526262.8&width=256&height=256{extra}"
        )
    };
    let mut decoded = Vec::new();
    for (format, magic) in [
        ("image/png", &b"\x89PNG"[..]),
        ("image/jpeg", &b"\xFF\xD8\xFF"[..]),
        ("image/webp", &b"RIFF"[..]),
    ] {
        let (status, content_type, body) = served.wms(&map(&format!("&format={format}"))).await;
        assert_eq!(status, 200, "{format}");
        assert_eq!(content_type, format);
        assert!(body.starts_with(magic), "{format} bytes");
        let image = Rgba::decode(&body);
        assert_eq!((image.width, image.height), (256, 256));
        decoded.push(image);
    }
    // The three encodings show the same picture (JPEG is lossy; WebP here is lossless).
    assert!(decoded[1].compare(&decoded[0]).within(4.0, 0.05, 0.0));
    assert!(decoded[2].compare(&decoded[0]).within(0.0, 0.0, 0.0));

    // Parameter names in any case, and values of FORMAT and REQUEST too.
    let (status, _, mixed) = served
        .wms(&map("&FoRmAt=IMAGE/PNG").replace("request=GetMap", "REQUEST=getmap"))
        .await;
    assert_eq!(status, 200);
    assert!(Rgba::decode(&mixed).compare(&decoded[0]).within(0.0, 0.0, 0.0));

    // The same layer twice, and the project group with it: still the same opaque picture.
    let twice =
        map("&format=image/png").replace(&format!("layers={layer}"), &format!("layers={layer},pcrs-lyon"));
    let (status, _, body) = served.wms(&twice.replace("styles=", "styles=,")).await;
    assert_eq!(status, 200);
    assert!(Rgba::decode(&body).compare(&decoded[0]).within(0.0, 0.0, 0.0));

    // GetLegendGraphic: a thumbnail of the imagery at the size asked for.
    let (status, content_type, body) = served
        .wms(&format!("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER={layer}&FORMAT=image/png&WIDTH=40&HEIGHT=30"))
        .await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    let legend = Rgba::decode(&body);
    assert_eq!((legend.width, legend.height), (40, 30));
    assert!(legend.alpha_everywhere(255));

    // POSTed key-value pairs work like a query string.
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{}/wms", served.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(map("&format=image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let posted = Rgba::decode(&response.bytes().await.unwrap());
    assert!(posted.compare(&decoded[0]).within(0.0, 0.0, 0.0));
}
