//! The Lyon PCRS GML fixtures and what `ogrinfo` reads from them, for the vector tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::served::gdal_tool;

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
