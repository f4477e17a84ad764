//! Vector deliverables in a download: Lyon's PCRS GML, imported, comes back whole as a GeoPackage
//! holding what `ogrinfo` reads in the sources, and cut to a rectangle given in EPSG:3946 as
//! GeoJSON, Shapefile (in EPSG:2154) and GML: per class, the features `ogrinfo -spat` finds
//! meeting that rectangle in the sources, every geometry inside it. The archive is the same
//! bytes when asked again, so a Range resumes it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::pcrs::{lyon_files, ogr_counts_of, ogr_counts_within, scratch_copy, serve_lyon};
use common::served::{gdal_tool, Served};
use common::*;

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// GET `/download/zip?{query}` with the admin key: status, ETag and body.
async fn zip_of(served: &Served, query: &str, range: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut request = reqwest::Client::new()
        .get(format!("{}/download/zip?{query}", served.base))
        .header("X-API-Key", ADMIN_KEY);
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, etag, response.bytes().await.unwrap().to_vec())
}

/// Unzips `bytes` into a new folder of `scratch` (checked by `unzip -t` first): the files.
fn unzipped(bytes: &[u8], scratch: &Path, name: &str) -> Vec<PathBuf> {
    let archive = scratch.join(format!("{name}.zip"));
    std::fs::write(&archive, bytes).unwrap();
    let tested = std::process::Command::new("unzip")
        .arg("-t")
        .arg(&archive)
        .output()
        .unwrap();
    assert!(
        tested.status.success(),
        "unzip -t: {}",
        String::from_utf8_lossy(&tested.stdout)
    );
    let folder = scratch.join(name);
    let done = std::process::Command::new("unzip")
        .arg("-q")
        .arg(&archive)
        .arg("-d")
        .arg(&folder)
        .status()
        .unwrap();
    assert!(done.success());
    let mut files = Vec::new();
    let mut stack = vec![folder];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn with_extension<'a>(files: &'a [PathBuf], extension: &str) -> Vec<&'a PathBuf> {
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect()
}

/// Every layer's extent `ogrinfo` reports in the files, as (west, south, east, north).
async fn extents(files: &[&PathBuf]) -> Vec<[f64; 4]> {
    let mut out = Vec::new();
    for file in files {
        let text = gdal_tool(
            "ogrinfo",
            vec![
                "-ro".into(),
                "-so".into(),
                "-al".into(),
                file.display().to_string(),
            ],
        )
        .await;
        for line in text.lines().filter_map(|l| l.strip_prefix("Extent: ")) {
            let numbers: Vec<f64> = line
                .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .filter_map(|n| n.parse().ok())
                .collect();
            out.push([numbers[0], numbers[1], numbers[2], numbers[3]]);
        }
    }
    out
}

/// Features per layer of several files.
async fn counts_of(files: &[&PathBuf]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for file in files {
        for (layer, count) in ogr_counts_of(file.display().to_string()).await {
            *counts.entry(layer).or_default() += count;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vector_deliverables_come_cut_to_the_area_in_the_format_and_crs_asked() {
    let (served, expected, _source) = serve_lyon().await;
    let layer = served.layer().to_string();
    let scratch = TempDir::new();

    // Whole, as one GeoPackage: every feature the sources hold.
    let whole_query = format!("livrable={layer}&format=gpkg");
    let (status, etag, whole) = zip_of(&served, &whole_query, None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&whole));
    let files = unzipped(&whole, &scratch.path(), "whole");
    let packages = with_extension(&files, "gpkg");
    assert_eq!(packages.len(), 1, "{files:?}");
    assert_eq!(counts_of(&packages).await, expected);
    let manifest =
        std::fs::read_to_string(files.iter().find(|f| f.ends_with("manifest.csv")).unwrap()).unwrap();
    assert!(manifest.contains(".gpkg\""), "{manifest}");

    // Asked again: the same bytes, so a Range resumes it.
    let (again_status, again_etag, again) = zip_of(&served, &whole_query, None).await;
    assert_eq!((again_status, &again_etag), (200, &etag));
    assert!(again == whole, "the same archive twice");
    let half = whole.len() / 2;
    let (status, _, rest) = zip_of(&served, &whole_query, Some(&format!("bytes={half}-"))).await;
    assert_eq!(status, 206);
    assert!(rest[..] == whole[half..], "a resume is byte-identical");

    // A rectangle in EPSG:3946 over the data's west end, cutting through it 80 m in (at odd
    // centimetres: no edge of the data lies on it).
    let all = extents(&packages).await;
    let [w, s, _, n] = all.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |a, b| {
        [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
    });
    let rect = [w - 1.37, s - 1.37, w + 80.37, n + 1.37];
    let wkt = format!(
        "POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))",
        x0 = rect[0],
        y0 = rect[1],
        x1 = rect[2],
        y1 = rect[3]
    );
    let sources = TempDir::new();
    let mut inside: BTreeMap<String, u64> = BTreeMap::new();
    for file in lyon_files() {
        let copy = scratch_copy(&file, &sources.path());
        for (class, count) in ogr_counts_within(copy.display().to_string(), Some(rect)).await {
            *inside.entry(class).or_default() += count;
        }
    }
    inside.retain(|_, count| *count > 0);
    // Layers without geometries count whole (a spatial filter does not apply to them).
    println!("in the rectangle: {inside:?}");
    assert!(
        !inside.is_empty() && inside != expected,
        "the rectangle holds some, not all: {inside:?}"
    );
    let area = format!("livrable={layer}&area={}&area-crs=3946", encode(&wkt));

    // The preview counts them before anything is written.
    let response = reqwest::Client::new()
        .get(format!("{}/api/downloads/preview?{area}", served.base))
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    let preview: serde_json::Value = response.json().await.unwrap();
    let previewed: BTreeMap<String, u64> =
        serde_json::from_value(preview["livrables"][0]["features"].clone())
            .unwrap_or_else(|err| panic!("{err}: {preview}"));
    assert_eq!(previewed, inside, "{preview}");

    // GeoJSON in the native CRS: the same counts, every geometry inside the rectangle.
    let (status, _, body) = zip_of(&served, &format!("{area}&format=geojson&crs=3946"), None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let files = unzipped(&body, &scratch.path(), "geojson");
    let geojson: Vec<&PathBuf> = with_extension(&files, "geojson")
        .into_iter()
        .filter(|p| !p.ends_with("manifest.geojson"))
        .collect();
    assert_eq!(counts_of(&geojson).await, inside);
    for [x0, y0, x1, y1] in extents(&geojson).await {
        let slack = 1e-3;
        assert!(
            x0 >= rect[0] - slack && y0 >= rect[1] - slack && x1 <= rect[2] + slack && y1 <= rect[3] + slack,
            "cut to the rectangle: {x0} {y0} {x1} {y1} in {rect:?}"
        );
    }

    // Shapefile in Lambert-93 and GML 3.2: the same counts, in the CRS asked.
    let (status, _, body) = zip_of(&served, &format!("{area}&format=shp&crs=2154"), None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let files = unzipped(&body, &scratch.path(), "shp");
    let shapes = with_extension(&files, "shp");
    assert_eq!(counts_of(&shapes).await, inside);
    let prj = std::fs::read_to_string(with_extension(&files, "prj")[0]).unwrap();
    assert!(prj.contains("Lambert-93") || prj.contains("Lambert_93"), "{prj}");
    let (status, _, body) = zip_of(&served, &format!("{area}&format=gml"), None).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let files = unzipped(&body, &scratch.path(), "gml");
    assert_eq!(counts_of(&with_extension(&files, "gml")).await, inside);

    // The command line writes the same files: GeoJSON in Lambert-93, every feature.
    let out = scratch.path().join("cli.zip");
    let out_text = out.to_str().unwrap().to_string();
    let done = served
        .command(&[
            "download",
            "--livrable",
            &layer,
            "--format",
            "geojson",
            "--crs",
            "2154",
            "-o",
            &out_text,
        ])
        .await;
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let files = unzipped(&std::fs::read(&out).unwrap(), &scratch.path(), "cli");
    let geojson: Vec<&PathBuf> = with_extension(&files, "geojson")
        .into_iter()
        .filter(|p| !p.ends_with("manifest.geojson"))
        .collect();
    assert_eq!(counts_of(&geojson).await, expected, "the command line's GeoJSON");
    let refused = served
        .command(&["download", "--livrable", &layer, "--format", "kml", "--dry-run"])
        .await;
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("--format kml"));

    // Bad values are named.
    let (status, _, body) = zip_of(&served, &format!("{area}&format=kml"), None).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("format"));
    let (status, _, body) = zip_of(&served, &format!("{area}&crs=99999"), None).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
}
