//! Extra per-dalle metadata from a file a porteur uploads (GeoJSON, a zipped Shapefile, CSV…,
//! anything GDAL reads as a table): each row is joined to a dalle by a name column (`dalle`,
//! `fichier`, `nom`…: the dalle's file name, with or without its extension) or, without one,
//! by its geometry (the dalle whose box holds the row's centre). Every other column becomes a
//! property of the dalle.

use std::path::Path;

use serde_json::{Map, Value};

use super::ogr::read_ogr;
use super::store::Transform;
use super::VectorError;
use crate::catalog::DalleRecord;

/// Column names that hold a dalle's name, compared ignoring case.
pub const KEY_COLUMNS: &[&str] = &["dalle", "nom_dalle", "fichier", "file", "filename", "nom", "name"];

/// One row of the uploaded file.
#[derive(Debug, Clone)]
pub struct ExtraRow {
    /// The dalle it names, when a key column has a value.
    pub key: Option<String>,
    /// The centre of its geometry in CRS:84, when it has one in a known CRS.
    pub centre: Option<[f64; 2]>,
    /// Its other columns.
    pub properties: Map<String, Value>,
}

/// Rows joined to dalles.
#[derive(Debug, Default)]
pub struct Joined {
    /// Dalle path and properties, one per dalle (a later row for the same dalle adds to it).
    pub matched: Vec<(String, Map<String, Value>)>,
    /// The rows no dalle matched, described.
    pub unmatched: Vec<String>,
}

/// Reads every row of a table or vector file (blocking: run it on a worker); `transform`
/// brings geometries to CRS:84.
pub fn read_extras(path: &Path, transform: Transform) -> Result<Vec<ExtraRow>, VectorError> {
    let mut rows = Vec::new();
    let mut notices = Vec::new();
    // CSV has no types: plain decimal numbers become numbers (codes with leading zeros stay text).
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    read_ogr(path, None, &mut notices, &mut |feature| {
        let mut properties = feature.properties;
        if csv {
            for value in properties.values_mut() {
                if let Some(number) = value.as_str().and_then(decimal) {
                    *value = number;
                }
            }
        }
        let key_column = properties
            .keys()
            .find(|name| KEY_COLUMNS.iter().any(|k| k.eq_ignore_ascii_case(name)))
            .cloned();
        let key = key_column
            .and_then(|column| properties.remove(&column))
            .and_then(|value| match value {
                Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            });
        let centre = feature.geometry.as_ref().and_then(|g| g.bbox()).and_then(|b| {
            let (mut xs, mut ys) = ([(b[0] + b[2]) / 2.0], [(b[1] + b[3]) / 2.0]);
            let srid = feature.srid.unwrap_or(4326);
            (srid == 4326 || transform(srid, 4326, &mut xs, &mut ys)).then_some([xs[0], ys[0]])
        });
        rows.push(ExtraRow {
            key,
            centre,
            properties,
        });
        Ok(())
    })?;
    Ok(rows)
}

/// `text` as a JSON number when it is a plain decimal (`12`, `-0.5`; not `012` nor `1e3`).
fn decimal(text: &str) -> Option<Value> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let plain = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && (whole == "0" || !whole.starts_with('0'))
        && !fraction.is_empty()
        && fraction.chars().all(|c| c.is_ascii_digit());
    if !plain {
        return None;
    }
    match text.contains('.') {
        false => text.parse::<i64>().ok().map(Value::from),
        true => text.parse::<f64>().ok().map(Value::from),
    }
}

/// A dalle's file name without its extension, lower case.
fn stem(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.')
        .map_or(file, |(stem, _)| stem)
        .to_ascii_lowercase()
}

/// Joins rows to `dalles` (a deliverable's current images).
pub fn join(rows: Vec<ExtraRow>, dalles: &[DalleRecord]) -> Joined {
    let mut joined = Joined::default();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (row_number, row) in rows.into_iter().enumerate() {
        let found = match (&row.key, row.centre) {
            (Some(key), _) => dalles.iter().find(|d| stem(&d.path) == stem(key)),
            (None, Some([x, y])) => dalles
                .iter()
                .filter(|d| {
                    d.bbox_wgs84
                        .is_some_and(|b| b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3])
                })
                .min_by(|a, b| distance(a, x, y).total_cmp(&distance(b, x, y))),
            (None, None) => None,
        };
        let Some(dalle) = found else {
            joined.unmatched.push(match (&row.key, row.centre) {
                (Some(key), _) => format!("row {}: no dalle named {key}", row_number + 1),
                (None, Some([x, y])) => format!("row {}: no dalle under {x:.6} {y:.6}", row_number + 1),
                (None, None) => format!(
                    "row {}: neither a dalle name ({}) nor a geometry",
                    row_number + 1,
                    KEY_COLUMNS.join(", ")
                ),
            });
            continue;
        };
        match index.get(&dalle.path) {
            Some(at) => joined.matched[*at].1.extend(row.properties),
            None => {
                index.insert(dalle.path.clone(), joined.matched.len());
                joined.matched.push((dalle.path.clone(), row.properties));
            }
        }
    }
    joined
}

/// Distance from (`x`, `y`) to a dalle's box centre, for a point on a shared edge.
fn distance(dalle: &DalleRecord, x: f64, y: f64) -> f64 {
    dalle.bbox_wgs84.map_or(f64::MAX, |b| {
        ((b[0] + b[2]) / 2.0 - x).hypot((b[1] + b[3]) / 2.0 - y)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dalle(path: &str, bbox: [f64; 4]) -> DalleRecord {
        DalleRecord {
            id: 1,
            livrable_id: 1,
            storage_id: 1,
            path: path.into(),
            class: "jp2".into(),
            size: 1,
            mtime: None,
            etag: None,
            probe: None,
            error: None,
            epsg: Some(2154),
            width: None,
            height: None,
            bbox: None,
            bbox_wgs84: Some(bbox),
            footprint_wgs84: None,
            first_scan_id: None,
            last_scan_id: None,
            changed_scan_id: None,
            removed_scan_id: None,
            previous_footprint: None,
            needs_probe: false,
            sha256: None,
            crc32: None,
        }
    }

    fn row(key: Option<&str>, centre: Option<[f64; 2]>, tilt: f64) -> ExtraRow {
        let mut properties = Map::new();
        properties.insert("inclinaison".into(), serde_json::json!(tilt));
        ExtraRow {
            key: key.map(String::from),
            centre,
            properties,
        }
    }

    #[test]
    fn csv_numbers_are_plain_decimals() {
        assert_eq!(decimal("12"), Some(serde_json::json!(12)));
        assert_eq!(decimal("-0.5"), Some(serde_json::json!(-0.5)));
        assert_eq!(decimal("012"), None, "a code keeps its zero");
        assert_eq!(decimal("1e3"), None);
        assert_eq!(decimal("A12"), None);
        assert_eq!(decimal("2024-05-14"), None);
    }

    #[test]
    fn rows_join_by_name_then_by_place() {
        let dalles = [
            dalle(
                "été/2024-0846200-6526400-LA93-0M05-RVB.jp2",
                [4.0, 45.0, 4.1, 45.1],
            ),
            dalle(
                "été/2024-0846400-6526400-LA93-0M05-RVB.jp2",
                [4.1, 45.0, 4.2, 45.1],
            ),
        ];
        let joined = join(
            vec![
                row(Some("2024-0846200-6526400-LA93-0M05-RVB"), None, 1.5),
                row(Some("2024-0846400-6526400-LA93-0M05-RVB.JP2"), None, 2.5),
                row(None, Some([4.05, 45.05]), 3.5),
                row(Some("absente"), None, 0.0),
                row(None, Some([5.0, 46.0]), 0.0),
            ],
            &dalles,
        );
        assert_eq!(joined.matched.len(), 2, "{:?}", joined.matched);
        assert_eq!(joined.matched[0].0, dalles[0].path);
        assert_eq!(
            joined.matched[0].1["inclinaison"], 3.5,
            "the later row for the same dalle wins"
        );
        assert_eq!(joined.matched[1].1["inclinaison"], 2.5);
        assert_eq!(joined.unmatched.len(), 2);
        assert!(joined.unmatched[0].contains("no dalle named absente"));
    }
}
