//! The deliverable summary (the "Scan" box of pcrs.beta.gouv.fr's project pages) and the PCRS
//! conformity report, computed from the files a scan left in the catalogue.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::probe::Probe;
pub use super::report::{
    Broken, ChangeSet, ChangedFile, Check, Conformity, DalleOnly, Finding, Footprint, PhaseSeconds,
    ReadCounts, Summary,
};
use crate::catalog::validate::PCRS_EPSG_CODES;
use crate::catalog::DalleRecord;
use geo::{Coord, LineString, MultiPolygon, Polygon, Simplify};
use rstar::{RTree, RTreeObject, AABB};

/// PCRS ground resolution, metres.
pub const PCRS_RESOLUTION: f64 = 0.05;
/// Side of a PCRS dalle, metres.
pub const PCRS_DALLE_METRES: f64 = 200.0;
/// Side of a PCRS dalle, pixels.
pub const PCRS_DALLE_PIXELS: u64 = 4000;
/// Most files listed under one check of the conformity report.
const MAX_LISTED: usize = 100;

/// What the summary needs beyond the catalogue rows.
#[derive(Debug, Clone, Default)]
pub struct ScanNotes {
    /// Folders that could not be listed: path and reason.
    pub unreadable_folders: Vec<(String, String)>,
    /// The listing stopped at a limit.
    pub truncated: Option<String>,
}

/// An image with its probe.
struct Image<'a> {
    record: &'a DalleRecord,
    probe: Probe,
}

fn images(files: &[DalleRecord]) -> Vec<Image<'_>> {
    files
        .iter()
        .filter(|f| f.class == "jpeg2000" || f.class == "geotiff")
        .filter(|f| f.error.is_none())
        .filter_map(|record| {
            let probe = serde_json::from_value(record.probe.clone()?).ok()?;
            Some(Image { record, probe })
        })
        .collect()
}

fn format_label(class: &str) -> &'static str {
    match class {
        "jpeg2000" => "JPEG 2000",
        "geotiff" => "GeoTIFF",
        _ => "autre",
    }
}

/// The most frequent value, ties broken by value.
fn dominant<T: Ord + Clone + std::hash::Hash + Eq>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(v, _)| v)
}

/// The deliverable summary.
pub fn summarize(files: &[DalleRecord], notes: &ScanNotes) -> Summary {
    let images = images(files);
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    for file in files {
        *by_class.entry(file.class.clone()).or_default() += 1;
    }
    let mut formats: BTreeMap<String, usize> = BTreeMap::new();
    for image in &images {
        *formats
            .entry(format_label(&image.record.class).to_string())
            .or_default() += 1;
    }
    let format = dominant(images.iter().map(|i| format_label(&i.record.class)));
    let epsg = dominant(images.iter().filter_map(|i| i.probe.epsg));
    let projection = epsg.and_then(|code| {
        images
            .iter()
            .find(|i| i.probe.epsg == Some(code))
            .and_then(|i| i.probe.crs_name.clone())
    });
    let mut projections: BTreeMap<String, usize> = BTreeMap::new();
    for image in &images {
        let key = image
            .probe
            .epsg
            .map(|c| format!("EPSG:{c}"))
            .unwrap_or_else(|| "none".into());
        *projections.entry(key).or_default() += 1;
    }
    let bands = dominant(
        images
            .iter()
            .map(|i| i.probe.bands.iter().map(|b| b.colour.clone()).collect::<Vec<_>>()),
    );
    let resolution = dominant(
        images
            .iter()
            .filter_map(|i| i.probe.pixel_size)
            .map(|p| (p[0] * 1000.0).round() as i64),
    )
    .map(|mm| mm as f64 / 1000.0);
    Summary {
        nature: nature(files, !images.is_empty()).to_string(),
        format: format.map(str::to_string),
        formats,
        dalles: images.len(),
        projection,
        epsg,
        projections,
        bytes: files.iter().map(|f| f.size.max(0) as u64).sum::<u64>(),
        files: files.len(),
        files_by_class: by_class,
        bands,
        resolution,
        footprint: union_footprint(&images),
        broken: broken(files, notes),
        truncated: notes.truncated.clone(),
        read: None,
        seconds: None,
    }
}

/// What the deliverable holds: raster, vector, both, or nothing recognised.
fn nature(files: &[DalleRecord], has_images: bool) -> &'static str {
    let has_vector = files.iter().any(|f| {
        matches!(
            f.class.as_str(),
            "gml" | "geopackage" | "dxf" | "dwg" | "shapefile"
        )
    });
    match (has_images, has_vector) {
        (true, true) => "PCRS mixte",
        (true, false) => "PCRS raster",
        (false, true) => "PCRS vecteur",
        (false, false) => "aucun livrable reconnu",
    }
}

/// Files that could not be read, then folders that could not be listed.
fn broken(files: &[DalleRecord], notes: &ScanNotes) -> Vec<Broken> {
    let files = files.iter().filter_map(|f| {
        f.error.as_ref().map(|reason| Broken {
            path: f.path.clone(),
            reason: reason.clone(),
        })
    });
    let folders = notes.unreadable_folders.iter().map(|(path, reason)| Broken {
        path: format!("{path}/"),
        reason: reason.clone(),
    });
    files.chain(folders).collect()
}

/// The union of the images' WGS84 footprints, simplified to about a metre, as GeoJSON.
fn union_footprint(images: &[Image<'_>]) -> Option<Footprint> {
    let polygons: Vec<Polygon<f64>> = images
        .iter()
        .filter_map(|i| i.probe.footprint_wgs84.as_ref())
        .map(|ring| {
            Polygon::new(
                LineString::from(
                    ring.iter()
                        .map(|p| Coord { x: p[0], y: p[1] })
                        .collect::<Vec<_>>(),
                ),
                vec![],
            )
        })
        .collect();
    if polygons.is_empty() {
        return None;
    }
    let union: MultiPolygon<f64> = geo::unary_union(&polygons);
    let simplified = union.simplify(1e-5);
    let coordinates = simplified
        .0
        .iter()
        .map(|polygon| {
            let mut rings = vec![ring_positions(polygon.exterior())];
            rings.extend(polygon.interiors().iter().map(ring_positions));
            rings
        })
        .collect();
    Some(Footprint {
        kind: "MultiPolygon".into(),
        coordinates,
    })
}

/// A ring's positions, to 1e-7 degree (about a centimetre).
fn ring_positions(ring: &LineString<f64>) -> Vec<[f64; 2]> {
    ring.0
        .iter()
        .map(|c| [(c.x * 1e7).round() / 1e7, (c.y * 1e7).round() / 1e7])
        .collect()
}

impl Check {
    fn new(
        id: &'static str,
        title: &'static str,
        failing_status: &'static str,
        items: Vec<Finding>,
        ok: &str,
        failing: String,
    ) -> Check {
        let count = items.len();
        Check {
            id: id.to_string(),
            title: title.to_string(),
            status: if count == 0 { "ok" } else { failing_status }.to_string(),
            detail: if count == 0 { ok.to_string() } else { failing },
            items: items.into_iter().take(MAX_LISTED).collect(),
            count,
        }
    }
}

/// The PCRS conformity report: resolution, projection, 200 m grid, 4000×4000 px, 8-bit RGB,
/// homogeneity, gaps, overlaps, georeferencing.
pub fn conformity(files: &[DalleRecord]) -> Conformity {
    let images = images(files);
    if images.is_empty() {
        return Conformity {
            conform: None,
            dalles: 0,
            checks: Vec::new(),
        };
    }
    let mut checks = vec![
        per_dalle(&images, &GEOREFERENCING, unplaced),
        per_dalle(&images, &RESOLUTION, off_resolution),
        per_dalle(&images, &PROJECTION, off_projection),
        per_dalle(&images, &GRID, off_grid),
        per_dalle(&images, &PIXELS, off_size),
        per_dalle(&images, &RGB, not_rgb),
        homogeneity(&images),
    ];
    let (gaps, overlaps) = coverage(&images);
    let (gap_count, overlap_count) = (gaps.len(), overlaps.len());
    checks.push(Check::new(
        "gaps",
        "No missing dalle inside the covered area",
        "warning",
        gaps,
        "no hole in the coverage",
        format!("{gap_count} grid cells inside the coverage have no dalle"),
    ));
    checks.push(Check::new(
        "overlaps",
        "Dalles do not overlap",
        "error",
        overlaps,
        "no two dalles overlap",
        format!("{overlap_count} pairs of dalles overlap"),
    ));
    let conform = checks.iter().all(|c| c.status != "error");
    Conformity {
        conform: Some(conform),
        dalles: images.len(),
        checks,
    }
}

/// A check every dalle must pass, failing with an error.
struct DalleRule {
    id: &'static str,
    title: &'static str,
    /// What passing says.
    ok: &'static str,
    /// What failing says, after the count of dalles at fault.
    failing: &'static str,
}

const GEOREFERENCING: DalleRule = DalleRule {
    id: "georeferencing",
    title: "Every dalle is georeferenced",
    ok: "every dalle is placed on the ground",
    failing: "dalles have no georeferencing (no internal one, no world file)",
};
const RESOLUTION: DalleRule = DalleRule {
    id: "resolution",
    title: "Ground resolution is 5 cm",
    ok: "every dalle has 5 cm pixels",
    failing: "dalles do not have 5 cm pixels",
};
const PROJECTION: DalleRule = DalleRule {
    id: "projection",
    title: "Projection is Lambert-93 or a CC zone (EPSG 2154, 3942–3950)",
    ok: "every dalle is in a PCRS projection",
    failing: "dalles are in another projection or none",
};
const GRID: DalleRule = DalleRule {
    id: "grid",
    title: "Dalles are 200 m squares on the 200 m grid",
    ok: "every dalle is a 200 m square on the grid",
    failing: "dalles are off the 200 m grid or not 200 m wide",
};
const PIXELS: DalleRule = DalleRule {
    id: "pixels",
    title: "Dalles are 4000 × 4000 pixels",
    ok: "every dalle is 4000 × 4000 pixels",
    failing: "dalles have another size",
};
const RGB: DalleRule = DalleRule {
    id: "rgb",
    title: "Images are RGB, 8 bits per band",
    ok: "every dalle is 8-bit RGB",
    failing: "dalles are not 8-bit RGB",
};

/// Runs `rule` over every image: `fault` says what is wrong with one, if anything.
fn per_dalle(images: &[Image<'_>], rule: &DalleRule, fault: fn(&Image<'_>) -> Option<Finding>) -> Check {
    let items: Vec<Finding> = images.iter().filter_map(fault).collect();
    let failing = format!("{} {}", items.len(), rule.failing);
    Check::new(rule.id, rule.title, "error", items, rule.ok, failing)
}

fn unplaced(image: &Image<'_>) -> Option<Finding> {
    (!image.probe.georeferenced).then(|| {
        Finding::Dalle(DalleOnly {
            path: image.record.path.clone(),
        })
    })
}

fn off_resolution(image: &Image<'_>) -> Option<Finding> {
    let size = image.probe.pixel_size?;
    let off = (size[0] - PCRS_RESOLUTION).abs() > 5e-4 || (size[1] - PCRS_RESOLUTION).abs() > 5e-4;
    off.then(|| Finding::Resolution {
        path: image.record.path.clone(),
        pixel_size: size,
    })
}

fn off_projection(image: &Image<'_>) -> Option<Finding> {
    let pcrs = image.probe.epsg.is_some_and(|c| PCRS_EPSG_CODES.contains(&c));
    (!pcrs).then(|| Finding::Projection {
        path: image.record.path.clone(),
        epsg: image.probe.epsg,
        crs: image.probe.crs_name.clone(),
    })
}

fn off_grid(image: &Image<'_>) -> Option<Finding> {
    let bbox = image.probe.bbox?;
    let on_grid = |v: f64| ((v / PCRS_DALLE_METRES).round() * PCRS_DALLE_METRES - v).abs() < 0.01;
    let sized = ((bbox[2] - bbox[0]) - PCRS_DALLE_METRES).abs() < 0.01
        && ((bbox[3] - bbox[1]) - PCRS_DALLE_METRES).abs() < 0.01;
    (!(on_grid(bbox[0]) && on_grid(bbox[1]) && sized)).then(|| Finding::Placement {
        path: image.record.path.clone(),
        bbox,
    })
}

fn off_size(image: &Image<'_>) -> Option<Finding> {
    let probe = &image.probe;
    (probe.width != PCRS_DALLE_PIXELS || probe.height != PCRS_DALLE_PIXELS).then(|| Finding::Size {
        path: image.record.path.clone(),
        width: probe.width,
        height: probe.height,
    })
}

fn not_rgb(image: &Image<'_>) -> Option<Finding> {
    let bands = &image.probe.bands;
    let colours: Vec<&str> = bands.iter().map(|b| b.colour.as_str()).collect();
    let rgb = bands.len() == 3
        && bands.iter().all(|b| b.data_type == "Byte")
        && (colours == ["RED", "GREEN", "BLUE"] || colours.iter().all(|c| *c == "UNDEFINED"));
    (!rgb).then(|| Finding::Bands {
        path: image.record.path.clone(),
        bands: bands.clone(),
    })
}

/// Mixed formats, projections or band layouts, listed per file (when there is a mix).
fn homogeneity(images: &[Image<'_>]) -> Check {
    let signature = |i: &Image<'_>| {
        (
            format_label(&i.record.class).to_string(),
            i.probe
                .epsg
                .map(|c| format!("EPSG:{c}"))
                .unwrap_or_else(|| "none".into()),
            i.probe
                .bands
                .iter()
                .map(|b| format!("{}/{}", b.colour, b.data_type))
                .collect::<Vec<_>>()
                .join(","),
        )
    };
    let groups: HashMap<(String, String, String), Vec<&str>> =
        images.iter().fold(HashMap::new(), |mut groups, image| {
            groups
                .entry(signature(image))
                .or_default()
                .push(image.record.path.as_str());
            groups
        });
    let mixed: Vec<Finding> = if groups.len() > 1 {
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by_key(|(_, paths)| std::cmp::Reverse(paths.len()));
        groups
            .into_iter()
            .map(|((format, projection, bands), paths)| Finding::Group {
                format,
                projection,
                bands,
                count: paths.len(),
                paths: paths.iter().take(20).map(|p| p.to_string()).collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let count = mixed.len();
    Check::new(
        "homogeneity",
        "One format, one projection, one band layout",
        "warning",
        mixed,
        "all dalles share format, projection and bands",
        format!("the dalles fall into {count} different groups of format, projection and bands"),
    )
}

struct Placed {
    index: usize,
    bbox: [f64; 4],
}

impl RTreeObject for Placed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners([self.bbox[0], self.bbox[1]], [self.bbox[2], self.bbox[3]])
    }
}

/// Holes in the 200 m grid (cells with covered cells on both sides in their row and column)
/// and overlapping pairs, per projection.
fn coverage(images: &[Image<'_>]) -> (Vec<Finding>, Vec<Finding>) {
    let mut gaps = Vec::new();
    let mut overlaps = Vec::new();
    let mut by_crs: BTreeMap<Option<i32>, Vec<(usize, [f64; 4])>> = BTreeMap::new();
    for (index, image) in images.iter().enumerate() {
        if let Some(bbox) = image.probe.bbox {
            by_crs.entry(image.probe.epsg).or_default().push((index, bbox));
        }
    }
    for (epsg, placed) in by_crs {
        let tree = RTree::bulk_load(
            placed
                .iter()
                .map(|(index, bbox)| Placed {
                    index: *index,
                    bbox: *bbox,
                })
                .collect(),
        );
        for (index, bbox) in &placed {
            let envelope = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
            for other in tree.locate_in_envelope_intersecting(envelope) {
                if other.index <= *index {
                    continue;
                }
                let width = bbox[2].min(other.bbox[2]) - bbox[0].max(other.bbox[0]);
                let height = bbox[3].min(other.bbox[3]) - bbox[1].max(other.bbox[1]);
                if width > 0.01 && height > 0.01 {
                    overlaps.push(Finding::Overlap {
                        paths: [
                            images[*index].record.path.clone(),
                            images[other.index].record.path.clone(),
                        ],
                        area_m2: (width * height * 100.0).round() / 100.0,
                    });
                }
            }
        }
        let cells: HashSet<(i64, i64)> = placed
            .iter()
            .map(|(_, b)| {
                (
                    (b[0] / PCRS_DALLE_METRES).round() as i64,
                    (b[1] / PCRS_DALLE_METRES).round() as i64,
                )
            })
            .collect();
        let mut rows: HashMap<i64, (i64, i64)> = HashMap::new();
        let mut columns: HashMap<i64, (i64, i64)> = HashMap::new();
        for (x, y) in &cells {
            let row = rows.entry(*y).or_insert((*x, *x));
            *row = (row.0.min(*x), row.1.max(*x));
            let column = columns.entry(*x).or_insert((*y, *y));
            *column = (column.0.min(*y), column.1.max(*y));
        }
        let mut holes: Vec<(i64, i64)> = Vec::new();
        for (y, (x_min, x_max)) in &rows {
            for x in *x_min..=*x_max {
                let inside_column = columns.get(&x).is_some_and(|(low, high)| low < y && y < high);
                if !cells.contains(&(x, *y)) && inside_column {
                    holes.push((x, *y));
                }
            }
        }
        holes.sort();
        gaps.extend(holes.into_iter().map(|(x, y)| Finding::Gap {
            epsg,
            min_x: x as f64 * PCRS_DALLE_METRES,
            min_y: y as f64 * PCRS_DALLE_METRES,
            max_x: (x + 1) as f64 * PCRS_DALLE_METRES,
            max_y: (y + 1) as f64 * PCRS_DALLE_METRES,
        }));
    }
    (gaps, overlaps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::probe::Band;
    use serde_json::{json, Value};

    fn dalle(path: &str, x: f64, y: f64, size: f64, epsg: i32) -> DalleRecord {
        let probe = Probe {
            driver: "JP2OpenJPEG".into(),
            width: (size / 0.05) as u64,
            height: (size / 0.05) as u64,
            bands: ["RED", "GREEN", "BLUE"]
                .iter()
                .map(|c| Band {
                    colour: c.to_string(),
                    data_type: "Byte".into(),
                })
                .collect(),
            compression: Some("JPEG2000".into()),
            reversibility: Some("LOSSY".into()),
            block: [1024, 1024],
            tiled: true,
            overviews: 5,
            codestream: None,
            epsg: Some(epsg),
            crs_name: Some("RGF93 v1 / Lambert-93".into()),
            crs_source: "internal".into(),
            georeferenced: true,
            georef_source: "internal".into(),
            pixel_size: Some([0.05, 0.05]),
            geotransform: Some([x, 0.05, 0.0, y + size, 0.0, -0.05]),
            bbox: Some([x, y, x + size, y + size]),
            bbox_wgs84: None,
            footprint_wgs84: None,
            nodata: None,
        };
        DalleRecord {
            id: 0,
            livrable_id: 1,
            storage_id: 1,
            path: path.into(),
            class: "jpeg2000".into(),
            size: 6_000_000,
            mtime: None,
            etag: None,
            probe: Some(serde_json::to_value(probe).unwrap()),
            error: None,
            epsg: Some(epsg),
            width: Some(4000),
            height: Some(4000),
            bbox: None,
            bbox_wgs84: None,
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

    fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
    }

    #[test]
    fn conform_block_and_its_faults() {
        // A 3x3 block with the centre missing: one hole, no overlap, conform.
        let mut files = Vec::new();
        for i in 0..3 {
            for j in 0..3 {
                if (i, j) != (1, 1) {
                    files.push(dalle(
                        &format!("d{i}{j}.jp2"),
                        846_200.0 + 200.0 * i as f64,
                        6_525_800.0 + 200.0 * j as f64,
                        200.0,
                        2154,
                    ));
                }
            }
        }
        let report = serde_json::to_value(conformity(&files)).unwrap();
        assert_eq!(report["conform"], true, "{report}");
        assert_eq!(check(&report, "gaps")["count"], 1);
        assert_eq!(check(&report, "gaps")["items"][0]["min_x"], 846_400.0);
        assert_eq!(check(&report, "overlaps")["status"], "ok");
        // An overlapping, off-grid dalle in another projection: errors and a mix.
        files.push(dalle("shifted.jp2", 846_300.0, 6_525_800.0, 200.0, 3946));
        files.push(dalle("overlap.jp2", 846_300.0, 6_525_900.0, 200.0, 2154));
        let report = serde_json::to_value(conformity(&files)).unwrap();
        assert_eq!(report["conform"], false);
        assert_eq!(check(&report, "grid")["count"], 2);
        assert!(check(&report, "overlaps")["count"].as_u64().unwrap() >= 2);
        assert_eq!(check(&report, "homogeneity")["status"], "warning");
        assert_eq!(check(&report, "projection")["status"], "ok", "3946 is a CC zone");
        // Read back from the catalogue's JSON, the report is the same.
        let typed = conformity(&files);
        let back: Conformity = serde_json::from_value(serde_json::to_value(&typed).unwrap()).unwrap();
        assert_eq!(back, typed);
        let summary = serde_json::to_value(summarize(&files, &ScanNotes::default())).unwrap();
        assert_eq!(summary["dalles"], 10);
        assert_eq!(summary["epsg"], 2154);
        assert_eq!(summary["nature"], "PCRS raster");
        assert_eq!(summary["bands"], json!(["RED", "GREEN", "BLUE"]));
        assert_eq!(summary["resolution"], 0.05);
    }

    #[test]
    fn every_finding_reads_back_as_itself() {
        let path = || "a.jp2".to_string();
        let findings = vec![
            Finding::Resolution {
                path: path(),
                pixel_size: [0.1, 0.1],
            },
            Finding::Placement {
                path: path(),
                bbox: [0.0, 0.0, 1.0, 1.0],
            },
            Finding::Size {
                path: path(),
                width: 1,
                height: 2,
            },
            Finding::Bands {
                path: path(),
                bands: vec![],
            },
            Finding::Group {
                format: "JPEG 2000".into(),
                projection: "EPSG:2154".into(),
                bands: "RED/Byte".into(),
                count: 1,
                paths: vec![path()],
            },
            Finding::Gap {
                epsg: None,
                min_x: 0.0,
                min_y: 0.0,
                max_x: 200.0,
                max_y: 200.0,
            },
            Finding::Overlap {
                paths: [path(), path()],
                area_m2: 1.5,
            },
            Finding::Dalle(DalleOnly { path: path() }),
            Finding::Projection {
                path: path(),
                epsg: None,
                crs: None,
            },
        ];
        for finding in findings {
            let json = serde_json::to_value(&finding).unwrap();
            assert_eq!(
                serde_json::from_value::<Finding>(json.clone()).unwrap(),
                finding,
                "{json}"
            );
        }
    }
}
