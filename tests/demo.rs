//! `dallage demo --no-serve`: the demo deliverables are real PCRS-like files (checked with GDAL),
//! realistic (textured, compressible like real orthophotos, seamless across dalles), made once,
//! and registered once.

mod common;

use std::process::Command;

use common::*;
use dallage::demo::{DalleSpec, DALLES, DALLE_PIXELS};
use gdal::vector::LayerAccess;
use gdal::{Dataset, Metadata};
use serde_json::Value;

fn run_demo(config: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dallage"))
        .arg("--config")
        .arg(config)
        .args(["demo", "--no-serve"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run dallage demo")
}

/// One column of band `band` of a dataset, as bytes.
fn column(dataset: &Dataset, band: usize, x: usize) -> Vec<u8> {
    let band = dataset.rasterband(band).unwrap();
    band.read_as::<u8>((x as isize, 0), (1, DALLE_PIXELS), (1, DALLE_PIXELS), None)
        .unwrap()
        .into_shape_and_vec()
        .1
}

fn mean_abs_difference(a: &[u8], b: &[u8]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).abs())
        .sum::<f64>()
        / a.len() as f64
}

#[tokio::test]
async fn demo_deliverables_are_realistic_pcrs_dalles() {
    dallage::init_gdal();
    let dir = TempDir::new();
    let config = dir.path().join("dallage.toml");
    let url = format!("sqlite://{}/catalog.db", dir.path().display());
    std::fs::write(&config, config_text(&url, &dir.path())).unwrap();
    let output = run_demo(&config);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let demo = dir.path().join("demo");

    let dalles = DalleSpec::all();
    assert_eq!(dalles.len(), DALLES.0 * DALLES.1);
    assert!(dalles.len() >= 9, "at least 3x3 dalles");
    for dalle in &dalles {
        let (x, y) = dalle.upper_left();
        // JPEG 2000: lossy, several resolution levels, 1024² codestream tiles, GeoJP2 CRS.
        let jp2_path = demo.join("ortho-jp2").join(format!("{}.jp2", dalle.stem()));
        let jp2 = Dataset::open(&jp2_path).unwrap();
        assert_eq!(jp2.driver().short_name(), "JP2OpenJPEG");
        assert_eq!(
            (jp2.raster_size(), jp2.raster_count()),
            ((DALLE_PIXELS, DALLE_PIXELS), 3)
        );
        assert_eq!(jp2.spatial_ref().unwrap().auth_code().unwrap(), 2154);
        let transform = jp2.geo_transform().unwrap();
        assert_eq!(transform, [x, 0.05, 0.0, y, 0.0, -0.05], "{}", dalle.stem());
        let band = jp2.rasterband(1).unwrap();
        assert_eq!(band.overview_count().unwrap(), 5, "6 resolution levels");
        assert_eq!(band.block_size(), (1024, 1024));
        assert_eq!(
            jp2.metadata_item("COMPRESSION_REVERSIBILITY", "IMAGE_STRUCTURE")
                .as_deref(),
            Some("LOSSY")
        );
        // Compression like a real lossy PCRS delivery: about 8:1 (4:1 to 20:1 accepted).
        let raw = (DALLE_PIXELS * DALLE_PIXELS * 3) as f64;
        let ratio = raw / std::fs::metadata(&jp2_path).unwrap().len() as f64;
        assert!((4.0..20.0).contains(&ratio), "JP2 ratio {ratio}");
        let world = std::fs::read_to_string(jp2_path.with_extension("j2w")).unwrap();
        let values: Vec<f64> = world.lines().map(|l| l.trim().parse().unwrap()).collect();
        assert_eq!(values.len(), 6);
        assert!(
            (values[4] - (x + 0.025)).abs() < 1e-6 && (values[5] - (y - 0.025)).abs() < 1e-6,
            "{world}"
        );

        // GeoTIFF: tiled JPEG with overviews.
        let tif_path = demo.join("ortho-geotiff").join(format!("{}.tif", dalle.stem()));
        let tif = Dataset::open(&tif_path).unwrap();
        assert_eq!(tif.spatial_ref().unwrap().auth_code().unwrap(), 2154);
        assert_eq!(tif.geo_transform().unwrap(), transform);
        let band = tif.rasterband(1).unwrap();
        assert_eq!(band.block_size(), (256, 256));
        assert!(band.overview_count().unwrap() >= 3);
        assert!(tif
            .metadata_item("COMPRESSION", "IMAGE_STRUCTURE")
            .unwrap_or_default()
            .contains("JPEG"));
        assert!(tif_path.with_extension("tfw").exists());
    }

    // Realistic content: a wide spread of values, and no seam between neighbouring dalles
    // (the columns either side of the edge look alike; columns far apart don't).
    let west = Dataset::open(
        demo.join("ortho-geotiff")
            .join(format!("{}.tif", dalles[0].stem())),
    )
    .unwrap();
    let east = Dataset::open(
        demo.join("ortho-geotiff")
            .join(format!("{}.tif", dalles[1].stem())),
    )
    .unwrap();
    let edge_west = column(&west, 2, DALLE_PIXELS - 1);
    let edge_east = column(&east, 2, 0);
    let far = column(&west, 2, DALLE_PIXELS / 2);
    let across_edge = mean_abs_difference(&edge_west, &edge_east);
    let far_apart = mean_abs_difference(&edge_west, &far);
    assert!(
        across_edge < 15.0 && across_edge * 2.0 < far_apart,
        "seam: {across_edge} vs {far_apart}"
    );
    let mut histogram = [0usize; 256];
    for value in &far {
        histogram[*value as usize] += 1;
    }
    let distinct = histogram.iter().filter(|n| **n > 0).count();
    let mean = far.iter().map(|v| *v as f64).sum::<f64>() / far.len() as f64;
    let spread = (far.iter().map(|v| (*v as f64 - mean).powi(2)).sum::<f64>() / far.len() as f64).sqrt();
    assert!(
        distinct > 120 && spread > 20.0,
        "flat content: {distinct} values, σ {spread}"
    );

    // Vector PCRS: the Lyon GML opens in OGR, in CC46.
    let gml_dir = demo.join("pcrs-vecteur");
    let gml_files: Vec<_> = std::fs::read_dir(&gml_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(gml_files.len(), 10);
    let mut features = 0;
    for path in &gml_files {
        let dataset = Dataset::open(path).unwrap();
        for mut layer in dataset.layers() {
            features += layer.features().count();
        }
    }
    assert!(features > 100, "{features} features");

    // Registered once, with three deliverables on file storages; a second run makes nothing.
    let second = run_demo(&config);
    assert!(second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        !stderr.contains("demo dalles generated"),
        "second run regenerated: {stderr}"
    );
    let state =
        dallage::open_state(dallage::config::Config::from_toml(&config_text(&url, &dir.path())).unwrap())
            .await
            .unwrap();
    let projects = state
        .catalog()
        .list_projects(&dallage::catalog::ProjectQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(projects.total, 1);
    let livrables = state
        .catalog()
        .project_livrables(projects.items[0].id)
        .await
        .unwrap();
    let natures: Vec<String> = livrables.iter().map(|l| l.nature.to_string()).collect();
    assert_eq!(natures, vec!["jpeg2000", "geotiff", "gml"]);
    for livrable in &livrables {
        let storage = state
            .catalog()
            .active_storage(livrable.id)
            .await
            .unwrap()
            .unwrap();
        let path = storage.path.unwrap();
        assert!(std::path::Path::new(&path).is_dir(), "{path}");
    }
    let _: Value = serde_json::to_value(&projects.items[0]).unwrap();
}
