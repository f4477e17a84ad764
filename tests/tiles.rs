//! Tiles over WMTS (KVP and REST), TMS and XYZ: capabilities valid against the WMTS XSD, the
//! same pixels as a WMS GetMap of the tile's box in every set, rows flipped for TMS, entity
//! tags and 304, empty tiles, exceptions, GDAL's WMTS client, one render per tile however many
//! ask, the disk tier, and tiles dropped only over the dalles a rescan found changed.

mod common;

use std::time::Duration;

use common::served::{gdal_tool, gdalwarp, xmllint, Rgba, Served};
use common::*;
use dallage::raster::crs::transform_points;
use dallage::tiles::matrix_sets;
use serde_json::json;

const WMTS_XSD: &str = "ogc/wmts/1.0/wmtsGetCapabilities_response.xsd";
const OWS_EXCEPTION_XSD: &str = "ogc/ows/1.1.0/owsExceptionReport.xsd";

/// Level per set where pixels are about 5 cm.
const SETS: [(&str, u32); 4] = [
    ("WebMercatorQuad", 21),
    ("LAMB93", 21),
    ("2154_5cm", 22),
    ("WorldCRS84Quad", 20),
];

/// Where two JPEG 2000 dalles meet (Lambert-93).
const JUNCTION: [f64; 2] = [846_399.0, 6_526_215.0];

async fn served_folder() -> Served {
    Served::start(vec![
        json!({"type": "file", "path": fixtures().display().to_string()}),
    ])
    .await
}

/// Row and column of the tile over a Lambert-93 point.
fn tile_at(set_id: &str, z: u32, point: [f64; 2]) -> (u32, u32) {
    let set = matrix_sets::get(set_id).unwrap();
    let (mut xs, mut ys) = ([point[0]], [point[1]]);
    assert!(transform_points(2154, set.crs.epsg, &mut xs, &mut ys));
    let range = set
        .matrix(z)
        .unwrap()
        .tiles_over([xs[0], ys[0], xs[0] + 1e-9, ys[0] + 1e-9])
        .unwrap();
    (range.min_row, range.min_col)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wmts_tiles_are_the_wms_picture_of_their_box_in_every_set() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let scratch = served.dir.path();

    let (status, content_type, capabilities) = served.get("/wmts/1.0.0/WMTSCapabilities.xml").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/xml"));
    xmllint(&capabilities, Some(WMTS_XSD), &scratch).expect("WMTS capabilities valid against the XSD");
    let text = String::from_utf8(capabilities).unwrap();
    assert!(text.contains(&format!("<ows:Identifier>{layer}</ows:Identifier>")));
    for (set, _) in SETS {
        assert!(
            text.contains(&format!("<TileMatrixSet>{set}</TileMatrixSet>")),
            "{set} linked"
        );
    }
    let (_, _, kvp_capabilities) = served.get("/wmts?SERVICE=WMTS&REQUEST=GetCapabilities").await;
    assert_eq!(String::from_utf8(kvp_capabilities).unwrap(), text);

    for (set_id, z) in SETS {
        let (row, col) = tile_at(set_id, z, JUNCTION);
        let rest = format!("/wmts/1.0.0/{layer}/default/{set_id}/{z}/{row}/{col}.png");
        let (status, content_type, tile) = served.get(&rest).await;
        assert_eq!((status, content_type.as_str()), (200, "image/png"), "{set_id}");
        let kvp = format!(
            "/wmts?SERVICE=WMTS&VERSION=1.0.0&REQUEST=GetTile&LAYER={layer}&STYLE=default&TILEMATRIXSET={set_id}\
             &TILEMATRIX={z}&TILEROW={row}&TILECOL={col}&FORMAT=image/png"
        );
        let (_, _, by_kvp) = served.get(&kvp).await;
        assert!(by_kvp == tile, "{set_id}: KVP and REST give the same tile");

        // The WMS picture of the tile's box (CRS:84 for the CRS84 set, x first).
        let set = matrix_sets::get(set_id).unwrap();
        let [a, b, c, d] = set.matrix(z).unwrap().tile_bbox(row, col);
        let map = served
            .wms(&format!(
                "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS={}&BBOX={a},{b},{c},{d}\
                 &WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE",
                set.crs.name()
            ))
            .await
            .2;
        let tile_image = Rgba::decode(&tile);
        assert!(tile_image.alpha_everywhere(255), "{set_id}: tile fully covered");
        assert!(
            tile_image.compare(&Rgba::decode(&map)).within(0.0, 0.0, 0.0),
            "{set_id}: tile = WMS picture"
        );
        // And where gdalwarp puts the dalles. Tiles reaching the 20 cm dalle get gdalwarp's
        // partly transparent seam along its edge (it warps file by file): 1 % of alpha allowed.
        let target = if set.crs.crs84 {
            "OGC:CRS84".to_string()
        } else {
            format!("EPSG:{}", set.crs.epsg)
        };
        let reference = gdalwarp(
            &target,
            [a, b, c, d],
            256,
            256,
            "bilinear",
            &scratch.join("ref.tif"),
        );
        let difference = tile_image.compare(&reference);
        assert!(difference.within(1.0, 0.001, 0.01), "{set_id}: {difference:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xyz_and_tms_rows_etags_empty_tiles_and_errors() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let scratch = served.dir.path();
    let (row, col) = tile_at("WebMercatorQuad", 19, JUNCTION);
    let (status, _, xyz) = served.get(&format!("/tiles/{layer}/19/{col}/{row}.jpg")).await;
    assert_eq!(status, 200);
    let (_, _, xyz_named) = served
        .get(&format!("/tiles/{layer}/WebMercatorQuad/19/{col}/{row}.jpg"))
        .await;
    assert!(xyz == xyz_named);
    let (status, content_type, _) = served.get(&format!("/tiles/{layer}/19/{col}")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (404, "application/problem+json"),
        "too few segments"
    );
    let flipped = (1u32 << 19) - 1 - row;
    let (status, content_type, tms_tile) = served
        .get(&format!(
            "/tms/1.0.0/{layer}/WebMercatorQuad/19/{col}/{flipped}.jpg"
        ))
        .await;
    assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));
    assert!(tms_tile == xyz, "TMS counts rows from the bottom");
    let (status, _, tile_map) = served.get(&format!("/tms/1.0.0/{layer}/WebMercatorQuad")).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&tile_map).contains("profile=\"global-mercator\""));
    let (_, _, service) = served.get("/tms/1.0.0").await;
    let service = String::from_utf8_lossy(&service).into_owned();
    assert!(service.contains(&format!("/tms/1.0.0/{layer}/WorldCRS84Quad")));
    // TMS counts rows from one bottom edge, which the Lambert grids' levels do not share.
    assert!(!service.contains(&format!("/tms/1.0.0/{layer}/LAMB93")));
    let (status, _, _) = served.get(&format!("/tms/1.0.0/{layer}/LAMB93/10/0/0.png")).await;
    assert_eq!(status, 404);

    // Entity tags: the same tile again with If-None-Match is 304, without a body.
    let client = reqwest::Client::new();
    let url = format!("{}/tiles/{layer}/19/{col}/{row}.jpg", served.base);
    let first = client.get(&url).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(first.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let again = client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    let other = client
        .get(&url)
        .header("If-None-Match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);

    // Outside the coverage: 204 at once, nothing rendered.
    let renders = served.state.tiles().cache().stats().renders;
    let (status, _, body) = served.get(&format!("/tiles/{layer}/19/0/0.png")).await;
    assert_eq!((status, body.len()), (204, 0));
    assert_eq!(served.state.tiles().cache().stats().renders, renders);

    // WMTS exceptions: code, locator, status, valid OWS reports.
    let base = "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&STYLE=default&FORMAT=image/png&TILEMATRIXSET=WebMercatorQuad";
    let cases = [
        (
            format!("{base}&LAYER=nowhere&TILEMATRIX=19&TILEROW={row}&TILECOL={col}"),
            400,
            "InvalidParameterValue",
            "LAYER",
        ),
        (
            format!("{base}&LAYER={layer}&TILEMATRIX=19&TILEROW={row}"),
            400,
            "MissingParameterValue",
            "TILECOL",
        ),
        (
            format!("{base}&LAYER={layer}&TILEMATRIX=19&TILEROW=999999999&TILECOL={col}"),
            400,
            "TileOutOfRange",
            "TILEROW",
        ),
        (
            format!("{base}&LAYER={layer}&TILEMATRIX=30&TILEROW=0&TILECOL=0"),
            400,
            "InvalidParameterValue",
            "TILEMATRIX",
        ),
        (
            format!("{base}&LAYER={layer}&TILEMATRIX=x&TILEROW=0&TILECOL=0"),
            400,
            "InvalidParameterValue",
            "TILEMATRIX",
        ),
        (
            format!("{base}&LAYER={layer}&TILEMATRIX=19&TILEROW=0&TILECOL=0")
                .replace("FORMAT=image/png", "FORMAT=image/gif"),
            400,
            "InvalidParameterValue",
            "FORMAT",
        ),
        (
            format!("{base}&LAYER={layer}&TILEMATRIX=19&TILEROW=0&TILECOL=0")
                .replace("STYLE=default", "STYLE=fancy"),
            400,
            "InvalidParameterValue",
            "STYLE",
        ),
        (
            format!("{base}&LAYER={layer}&TILEMATRIX=19&TILEROW=0&TILECOL=0")
                .replace("TILEMATRIXSET=WebMercatorQuad", "TILEMATRIXSET=Nope"),
            400,
            "InvalidParameterValue",
            "TILEMATRIXSET",
        ),
        (
            "/wmts?SERVICE=WMTS&REQUEST=GetMap".to_string(),
            501,
            "OperationNotSupported",
            "REQUEST",
        ),
        (
            "/wmts?SERVICE=WMTS".to_string(),
            400,
            "MissingParameterValue",
            "REQUEST",
        ),
        (
            format!("/wmts/1.0.0/nowhere/default/WebMercatorQuad/19/{row}/{col}.png"),
            404,
            "InvalidParameterValue",
            "LAYER",
        ),
        // Inside the matrix but outside the advertised TileMatrixSetLimits.
        (
            format!(
                "{base}&LAYER={layer}&TILEMATRIX=19&TILEROW={}&TILECOL={col}",
                row + 50
            ),
            400,
            "TileOutOfRange",
            "TILEROW",
        ),
        (
            format!(
                "/wmts/1.0.0/{layer}/default/WebMercatorQuad/19/{row}/{}.png",
                col - 50
            ),
            400,
            "TileOutOfRange",
            "TILECOL",
        ),
        (
            format!(
                "{}&LAYER={layer}&TILEMATRIX=19&TILEROW={}&TILECOL={col}&I=1&J=1&INFOFORMAT=application/json",
                base.replace("GetTile", "GetFeatureInfo"),
                row + 50
            ),
            400,
            "TileOutOfRange",
            "TILEROW",
        ),
    ];
    for (path, status, code, locator) in cases {
        let (got, _, body) = served.get(&path).await;
        let text = String::from_utf8_lossy(&body);
        assert_eq!(got, status, "{path}: {text}");
        assert!(
            text.contains(&format!("exceptionCode=\"{code}\"")),
            "{path}: {text}"
        );
        assert!(text.contains(&format!("locator=\"{locator}\"")), "{path}: {text}");
        xmllint(&body, Some(OWS_EXCEPTION_XSD), &scratch).unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    // GetFeatureInfo names the dalle under the pixel.
    let (status, _, info) = served
        .get(&format!(
            "/wmts?SERVICE=WMTS&REQUEST=GetFeatureInfo&VERSION=1.0.0&LAYER={layer}&STYLE=default&FORMAT=image/png\
             &TILEMATRIXSET=2154_5cm&TILEMATRIX=22&TILEROW={}&TILECOL={}&I=10&J=10&INFOFORMAT=application/json",
            tile_at("2154_5cm", 22, [846_300.0, 6_526_300.0]).0,
            tile_at("2154_5cm", 22, [846_300.0, 6_526_300.0]).1
        ))
        .await;
    assert_eq!(status, 200);
    let info: serde_json::Value = serde_json::from_slice(&info).unwrap();
    assert_eq!(
        info["features"][0]["properties"]["file"],
        "2024-0846200-6526400-LA93-0M05-RVB.jp2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gdal_wmts_client_reads_what_gdalwarp_draws() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let scratch = served.dir.path();
    let url = format!(
        "WMTS:{}/wmts/1.0.0/WMTSCapabilities.xml,layer={layer},tilematrixset=2154_5cm",
        served.base
    );
    let extent = [
        JUNCTION[0] - 6.4,
        JUNCTION[1] - 6.4,
        JUNCTION[0] + 6.4,
        JUNCTION[1] + 6.4,
    ];
    let out = scratch.join("wmts.tif");
    let args: Vec<String> = vec![
        "-q".into(),
        "-projwin".into(),
        extent[0].to_string(),
        extent[3].to_string(),
        extent[2].to_string(),
        extent[1].to_string(),
        url,
        out.display().to_string(),
    ];
    gdal_tool("gdal_translate", args).await;
    let read = Rgba::read_gdal(&out);
    assert_eq!(
        (read.width, read.height),
        (256, 256),
        "level 22 is 5 cm: 12.8 m = 256 px"
    );
    let reference = gdalwarp(
        "EPSG:2154",
        extent,
        256,
        256,
        "bilinear",
        &scratch.join("ref.tif"),
    );
    let difference = read.compare(&reference);
    // GDAL's WMTS driver takes the first format offered, JPEG (quality 85): lossy, so looser.
    assert!(difference.within(4.0, 0.02, 0.01), "{difference:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_render_per_tile_kept_on_disk_and_dropped_only_where_dalles_changed() {
    // A copy of the deliverable we can change.
    let copy = TempDir::new();
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(fixtures().join("ortho"))
        .arg(copy.path())
        .status()
        .unwrap();
    assert!(status.success());
    let served = Served::start(vec![
        json!({"type": "file", "path": copy.path().display().to_string()}),
    ])
    .await;
    let layer = served.layer().to_string();
    let stats = || served.state.tiles().cache().stats();

    // Eight clients at once for one tile: one render.
    let over_tif = tile_at("2154_5cm", 22, [846_300.0, 6_526_100.0]);
    let over_jp2 = tile_at("2154_5cm", 22, [846_500.0, 6_526_300.0]);
    let path = |(row, col): (u32, u32)| format!("/tiles/{layer}/2154_5cm/22/{col}/{row}.png");
    let before = stats().renders;
    let tif_path = path(over_tif);
    let requests: Vec<_> = (0..8).map(|_| served.get(&tif_path)).collect();
    let answers = futures_util::future::join_all(requests).await;
    assert!(answers
        .iter()
        .all(|(status, _, body)| *status == 200 && *body == answers[0].2));
    assert_eq!(stats().renders, before + 1, "one render for eight requests");
    let (_, _, jp2_tile) = served.get(&path(over_jp2)).await;
    let tif_tile = answers[0].2.clone();
    let on_disk = served.dir.path().join(format!(
        "tiles/{layer}/2154_5cm/22/{}/{}.png",
        over_tif.1, over_tif.0
    ));
    assert!(on_disk.exists(), "written to the disk tier");

    // Forgetting the memory tier (as a restart does): served from disk, no render.
    served.state.tiles().cache().clear_memory();
    let renders = stats().renders;
    let (_, _, from_disk) = served.get(&path(over_tif)).await;
    assert!(from_disk == tif_tile);
    assert_eq!(stats().renders, renders);
    assert!(stats().disk_hits >= 1);

    // The GeoTIFF dalle changes (colours inverted, same place): a rescan drops the tiles over
    // it, and only those.
    let tif = copy
        .path()
        .join("ortho/Dalles été 2024/2024-0846200-6526200-LA93-0M05-RVB.tif");
    let inverted = copy.path().join("inverted.tif");
    let output = std::process::Command::new("gdal_translate")
        .env("GDAL_PAM_ENABLED", "NO")
        .args([
            "-q",
            "-scale",
            "0",
            "255",
            "255",
            "0",
            "-co",
            "TILED=YES",
            "-co",
            "COMPRESS=DEFLATE",
        ])
        .arg(&tif)
        .arg(&inverted)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::rename(&inverted, &tif).unwrap();
    let livrable = served.state.catalog().livrable_by_slug(&layer).await.unwrap().id;
    let rescan = scan(&served.state, livrable).await;
    assert_eq!(
        rescan.changes.as_ref().unwrap()["modified"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let new_tile = loop {
        let (_, _, tile) = served.get(&path(over_tif)).await;
        if tile != tif_tile {
            break tile;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "tile over the changed dalle never redrawn"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let old = Rgba::decode(&tif_tile);
    let new = Rgba::decode(&new_tile);
    let (a, b) = (old.at(128, 128), new.at(128, 128));
    assert!(
        (0..3).all(|c| (i32::from(a[c]) + i32::from(b[c]) - 255).abs() <= 3),
        "inverted: {a:?} {b:?}"
    );
    let renders = stats().renders;
    let (_, _, jp2_again) = served.get(&path(over_jp2)).await;
    assert!(jp2_again == jp2_tile, "untouched dalle: same tile");
    assert_eq!(stats().renders, renders, "untouched dalle: served from the cache");
}
