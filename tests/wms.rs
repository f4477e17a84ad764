//! WMS pixels: GetMap in every offered CRS and both versions compared with `gdalwarp` over the
//! same dalle files; no seams between dalles of different formats and resolutions; missing
//! dalles transparent or filled with BGCOLOR; GDAL's own `WMS:` client reads what we serve;
//! the same map over HTTP, FTPS (explicit and implicit) and SFTP storages as from a folder.
//!
//! Tolerance: the mosaic is composited before warping where gdalwarp warps each file on its
//! own, and both use an approximate transform, so pixels differ slightly. Over 256×256 windows
//! the mean per-channel difference must stay at most 0.5 (of 255; measured 0 in Lambert-93,
//! up to 0.18 elsewhere), at most 0.1 % of pixels may have a channel more than 16 apart
//! (measured none), and at most 1 % may be opaque in one image only (measured none).

mod common;

use common::served::{gdal_tool, gdalwarp, Rgba, Served};
use common::*;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use serde_json::json;

const MEAN: f64 = 0.5;
const FAR_SHARE: f64 = 0.001;
const ALPHA_SHARE: f64 = 0.01;

/// A square window of `half` metres around `centre` (Lambert-93), as the envelope of its
/// corners in `target` (x or longitude first).
fn window(target: &str, centre: [f64; 2], half: f64) -> [f64; 4] {
    let mut source = SpatialRef::from_epsg(2154).unwrap();
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut destination = SpatialRef::from_definition(target).unwrap();
    destination.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let transform = CoordTransform::new(&source, &destination).unwrap();
    let mut xs = [
        centre[0] - half,
        centre[0] + half,
        centre[0] - half,
        centre[0] + half,
    ];
    let mut ys = [
        centre[1] - half,
        centre[1] - half,
        centre[1] + half,
        centre[1] + half,
    ];
    transform.transform_coords(&mut xs, &mut ys, &mut []).unwrap();
    let fold = |values: &[f64], pick: fn(f64, f64) -> f64| values.iter().copied().reduce(pick).unwrap();
    [
        fold(&xs, f64::min),
        fold(&ys, f64::min),
        fold(&xs, f64::max),
        fold(&ys, f64::max),
    ]
}

/// The GetMap query for `extent` (x first) in `crs`, written in `version`'s axis order.
fn get_map(layer: &str, version: &str, crs: &str, extent: [f64; 4], extra: &str) -> String {
    let latitude_first = version == "1.3.0" && crs == "EPSG:4326";
    let [a, b, c, d] = if latitude_first {
        [extent[1], extent[0], extent[3], extent[2]]
    } else {
        extent
    };
    let crs_name = if version == "1.3.0" { "CRS" } else { "SRS" };
    format!(
        "SERVICE=WMS&VERSION={version}&REQUEST=GetMap&LAYERS={layer}&STYLES=&{crs_name}={crs}\
         &BBOX={a:.10},{b:.10},{c:.10},{d:.10}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE{extra}"
    )
}

fn file_storage() -> serde_json::Value {
    json!({"type": "file", "path": fixtures().display().to_string()})
}

/// Where two JPEG 2000 dalles meet side by side, and where a JPEG 2000 dalle meets the GeoTIFF
/// one below it: 12.8 m windows, 5 cm per pixel.
const JUNCTIONS: [(&str, [f64; 2]); 2] = [
    ("x junction JP2|JP2", [846_395.0, 6_526_215.0]),
    ("y junction JP2/TIF", [846_380.0, 6_526_200.0]),
];

const CRSES: [(&str, &str); 13] = [
    ("EPSG:2154", "EPSG:2154"),
    ("EPSG:3942", "EPSG:3942"),
    ("EPSG:3943", "EPSG:3943"),
    ("EPSG:3944", "EPSG:3944"),
    ("EPSG:3945", "EPSG:3945"),
    ("EPSG:3946", "EPSG:3946"),
    ("EPSG:3947", "EPSG:3947"),
    ("EPSG:3948", "EPSG:3948"),
    ("EPSG:3949", "EPSG:3949"),
    ("EPSG:3950", "EPSG:3950"),
    ("EPSG:3857", "EPSG:3857"),
    ("EPSG:4326", "EPSG:4326"),
    ("CRS:84", "OGC:CRS84"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_map_matches_gdalwarp_in_every_crs_and_axis_order() {
    let served = Served::start(vec![file_storage()]).await;
    let scratch = served.dir.path();
    let mut report = Vec::new();
    for (name, centre) in JUNCTIONS {
        for (crs, gdal_crs) in CRSES {
            let extent = window(gdal_crs, centre, 6.4);
            let reference = gdalwarp(gdal_crs, extent, 256, 256, "bilinear", &scratch.join("ref.tif"));
            for version in ["1.3.0", "1.1.1"] {
                let ours = served
                    .map(&get_map(served.layer(), version, crs, extent, ""))
                    .await;
                let difference = ours.compare(&reference);
                report.push(format!("{name} {crs} {version}: {difference:?}"));
                assert!(
                    difference.within(MEAN, FAR_SHARE, ALPHA_SHARE),
                    "{name} {crs} {version}: {difference:?}"
                );
            }
        }
    }
    println!("{}", report.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nearest_and_cubic_match_gdalwarp_and_a_wrong_axis_order_misses() {
    let served = Served::start(vec![file_storage()]).await;
    let scratch = served.dir.path();
    let (_, centre) = JUNCTIONS[0];
    let extent = window("EPSG:3857", centre, 6.4);
    for (ours, gdal) in [("nearest", "near"), ("cubic", "cubic")] {
        let reference = gdalwarp("EPSG:3857", extent, 256, 256, gdal, &scratch.join("ref.tif"));
        let extra = format!("&RESAMPLING={ours}");
        let image = served
            .map(&get_map(served.layer(), "1.3.0", "EPSG:3857", extent, &extra))
            .await;
        let difference = image.compare(&reference);
        println!("{ours}: {difference:?}");
        assert!(
            difference.within(MEAN, FAR_SHARE, ALPHA_SHARE),
            "{ours}: {difference:?}"
        );
    }
    // EPSG:4326 in 1.3.0 is latitude first: the same numbers sent longitude first fall in
    // the sea off Somalia, where there is nothing to draw.
    let extent = window("EPSG:4326", centre, 6.4);
    let swapped = get_map(served.layer(), "1.1.1", "EPSG:4326", extent, "")
        .replace("VERSION=1.1.1", "VERSION=1.3.0")
        .replace("SRS=", "CRS=");
    let image = served.map(&swapped).await;
    assert!(image.alpha_everywhere(0), "nothing drawn with the axes swapped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_seams_between_dalles_and_missing_dalles_are_transparent() {
    let served = Served::start(vec![file_storage()]).await;
    let layer = served.layer();
    // Across each junction, on the pixel grid and half a pixel off it: every pixel opaque.
    for (name, centre) in JUNCTIONS {
        for shift in [0.0, 0.025] {
            let centre = [centre[0] + shift, centre[1] + shift];
            for crs in ["EPSG:2154", "EPSG:3857"] {
                let extent = window(crs, centre, 6.4);
                let image = served.map(&get_map(layer, "1.3.0", crs, extent, "")).await;
                assert!(image.alpha_everywhere(255), "{name} shift {shift} {crs}: a gap");
            }
        }
    }
    // 0.8 m per pixel over four dalles of three kinds (JPEG 2000 5 cm, GeoTIFF 5 cm with
    // overviews, JPEG 2000 20 cm with a world file): still no gap.
    let extent = [846_297.6, 6_526_147.6, 846_502.4, 6_526_352.4];
    let image = served
        .map(&get_map(layer, "1.3.0", "EPSG:2154", extent, ""))
        .await;
    assert!(image.alpha_everywhere(255), "coarse window has a gap");

    // No dalle east of x = 846 600: the right half of a window centred there is transparent...
    let extent = [846_593.6, 6_526_293.6, 846_606.4, 6_526_306.4];
    let image = served
        .map(&get_map(layer, "1.3.0", "EPSG:2154", extent, ""))
        .await;
    for y in [0, 128, 255] {
        assert_eq!(image.at(10, y)[3], 255, "left half drawn");
        assert_eq!(image.at(245, y)[3], 0, "right half transparent");
    }
    // ...or BGCOLOR when the map is opaque, in PNG as in JPEG.
    for format in ["image/png", "image/jpeg"] {
        let extra = format!("&TRANSPARENT=FALSE&BGCOLOR=0x336699&FORMAT={format}");
        let image = served
            .map(
                &get_map(layer, "1.3.0", "EPSG:2154", extent, &extra)
                    .replace("&FORMAT=image/png&TRANSPARENT=TRUE", ""),
            )
            .await;
        let pixel = image.at(245, 128);
        assert_eq!(pixel[3], 255, "{format}");
        for (channel, expected) in [0x33u8, 0x66, 0x99].into_iter().enumerate() {
            assert!(pixel[channel].abs_diff(expected) <= 2, "{format}: {pixel:?}");
        }
    }
    // Entirely outside: a transparent image, not an error.
    let extent = [900_000.0, 6_600_000.0, 900_100.0, 6_600_100.0];
    let image = served
        .map(&get_map(layer, "1.3.0", "EPSG:2154", extent, ""))
        .await;
    assert!(image.alpha_everywhere(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gdal_wms_client_lists_the_layer_and_reads_a_window() {
    let served = Served::start(vec![file_storage()]).await;
    let base = served.base.clone();
    let layer = served.layer().to_string();
    let scratch = served.dir.path();
    let info = gdal_tool("gdalinfo", vec![format!("WMS:{base}/wms")]).await;
    let subdataset = info
        .lines()
        .filter_map(|line| line.trim().strip_prefix("SUBDATASET_"))
        .filter_map(|line| line.split_once("_NAME=").map(|(_, url)| url.to_string()))
        .find(|url| url.contains(&format!("LAYERS={layer}")))
        .unwrap_or_else(|| panic!("layer {layer} listed by gdalinfo:\n{info}"));
    assert!(
        subdataset.contains("SRS=EPSG:2154") || subdataset.contains("SRS=EPSG%3A2154"),
        "{subdataset}"
    );

    let (_, centre) = JUNCTIONS[0];
    let extent = window("EPSG:2154", centre, 6.4);
    let out = scratch.join("client.tif");
    let (ulx, uly, lrx, lry) = (extent[0], extent[3], extent[2], extent[1]);
    let args: Vec<String> = vec![
        "-q".into(),
        "-projwin".into(),
        ulx.to_string(),
        uly.to_string(),
        lrx.to_string(),
        lry.to_string(),
        "-outsize".into(),
        "256".into(),
        "256".into(),
        subdataset,
        out.display().to_string(),
    ];
    gdal_tool("gdal_translate", args).await;
    let read = Rgba::read_gdal(&out);
    let reference = gdalwarp(
        "EPSG:2154",
        extent,
        256,
        256,
        "bilinear",
        &scratch.join("ref.tif"),
    );
    let difference = read.compare(&reference);
    // The client asks for its own block grid and resamples it into the window: looser.
    println!("GDAL WMS client: {difference:?}");
    assert!(difference.within(4.0, 0.03, 0.02), "{difference:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_map_over_http_ftps_and_sftp_storages() {
    let all = storages();
    let pick = |name: &str| all.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let names = ["file", "nginx", "ftp", "ftps", "ftps implicit", "sftp"];
    let served = Served::start(names.iter().map(|n| pick(n)).collect()).await;
    let (_, centre) = JUNCTIONS[1];
    let extent = window("EPSG:3857", centre, 6.4);
    let mut maps = Vec::new();
    for layer in &served.layers {
        let (status, _, body) = served
            .wms(&get_map(layer, "1.3.0", "EPSG:3857", extent, ""))
            .await;
        assert_eq!(status, 200, "{layer}");
        maps.push(body);
    }
    let from_folder = &maps[0];
    assert!(!Rgba::decode(from_folder).alpha_everywhere(0), "something drawn");
    for (name, map) in names.iter().zip(&maps).skip(1) {
        assert!(map == from_folder, "{name}: not the same PNG as from the folder");
    }
    // A project name is a group layer: all its deliverables, drawn in order.
    let (status, _, _) = served
        .wms(&get_map("pcrs-lyon", "1.3.0", "EPSG:3857", extent, ""))
        .await;
    assert_eq!(status, 200);
}
