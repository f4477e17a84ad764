//! The Lyon PCRS GML fixtures and what `ogrinfo` reads from them, for the vector tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::served::{gdal_tool, Served};
use super::TempDir;

/// The ten Lyon files served from a folder storage (the folder, kept while the test runs), and
/// the features per class `ogrinfo` reads from them (on copies: no `.gfs` beside the fixtures).
pub async fn serve_lyon() -> (Served, BTreeMap<String, u64>, TempDir) {
    dallage::init_gdal();
    let source = TempDir::new();
    for file in lyon_files() {
        scratch_copy(&file, &source.path());
    }
    let storage = serde_json::json!({"type": "file", "path": source.path().display().to_string()});
    let served = Served::start(vec![storage]).await;
    let scratch = TempDir::new();
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for file in lyon_files() {
        for (class, count) in ogr_counts(&scratch_copy(&file, &scratch.path())).await {
            *expected.entry(class).or_default() += count;
        }
    }
    (served, expected, source)
}

/// The catalogue's rows of the deliverable `served` serves first.
pub async fn stored_rows(served: &Served) -> Vec<dallage::catalog::FeatureRow> {
    let catalog = served.state.catalog();
    let livrable = catalog.livrable_by_slug(served.layer()).await.unwrap();
    catalog.livrable_features(livrable.id).await.unwrap()
}

pub fn lyon_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pcrs-vector/lyon")
}

pub fn lyon_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(lyon_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "gml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "the ten Lyon files");
    files
}

/// `file` copied into `scratch`, so the `.gfs` GDAL writes beside it stays out of the fixtures.
pub fn scratch_copy(file: &Path, scratch: &Path) -> PathBuf {
    let copy = scratch.join(file.file_name().unwrap());
    std::fs::copy(file, &copy).unwrap();
    copy
}

/// Features per layer as `ogrinfo` counts them.
pub async fn ogr_counts(file: &Path) -> BTreeMap<String, u64> {
    ogr_counts_of(file.display().to_string()).await
}

/// Features per class of the deliverable `slug` as `ogrinfo` counts them in `source` (a file,
/// `OAPIF:…`, `WFS:…`), layer names stripped of the deliverable and of a `dallage:` prefix.
pub async fn class_counts(source: String, slug: &str) -> BTreeMap<String, u64> {
    let prefix = format!("{slug}-");
    ogr_counts_of(source)
        .await
        .into_iter()
        .filter_map(|(name, count)| {
            let name = name.trim_start_matches("dallage:").trim_start_matches("dallage_");
            Some((name.strip_prefix(&prefix)?.to_string(), count))
        })
        .collect()
}

/// Features per layer as `ogrinfo` counts them in any source GDAL opens.
pub async fn ogr_counts_of(source: String) -> BTreeMap<String, u64> {
    ogr_counts_within(source, None).await
}

/// Features per layer as `ogrinfo` counts them in a source, only those meeting a rectangle
/// (`-spat`, in the layers' CRS) when one is given.
pub async fn ogr_counts_within(source: String, rect: Option<[f64; 4]>) -> BTreeMap<String, u64> {
    let mut args: Vec<String> = vec!["-ro".into(), "-so".into(), "-al".into()];
    if let Some(rect) = rect {
        args.push("-spat".into());
        args.extend(rect.iter().map(f64::to_string));
    }
    args.push(source);
    let text = gdal_tool("ogrinfo", args).await;
    let mut counts = BTreeMap::new();
    let mut layer = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layer = Some(name.trim().to_string());
        } else if let (Some(count), Some(name)) = (line.strip_prefix("Feature Count: "), &layer) {
            counts.insert(name.clone(), count.trim().parse().unwrap());
        }
    }
    counts
}
