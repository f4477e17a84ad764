//! A deliverable's virtual mosaic: its dalles indexed by footprint (R-tree), grouped by CRS,
//! with each dalle's resolution levels (overviews or JPEG 2000 reductions). Built from the
//! catalogue; immutable once built, replaced whole after a scan.

use std::sync::Arc;

use rstar::{RTree, RTreeObject, AABB};
use serde_json::Value;

use crate::catalog::DalleRecord;
use crate::storage::FileSource;

/// One resolution level of a dalle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Reduction factor from full resolution (1, 2, 4...).
    pub factor: u32,
    /// Width in pixels at this level.
    pub width: u32,
    /// Height in pixels at this level.
    pub height: u32,
    /// Decoding unit (codestream or TIFF tile) width at this level.
    pub block_width: u32,
    /// Decoding unit height.
    pub block_height: u32,
}

/// A dalle of a mosaic.
#[derive(Debug, Clone)]
pub struct Dalle {
    /// Catalogue id.
    pub id: i64,
    /// Path in its storage.
    pub path: String,
    /// Where its bytes are.
    pub source: FileSource,
    /// What GDAL opens (made once from `source`).
    pub gdal_path: String,
    /// Identifies this version of the file (for decoded-block cache keys).
    pub version: u64,
    /// Upper-left corner x.
    pub origin_x: f64,
    /// Upper-left corner y.
    pub origin_y: f64,
    /// Pixel width at full resolution.
    pub pixel_x: f64,
    /// Pixel height at full resolution (positive).
    pub pixel_y: f64,
    /// Footprint: min x, min y, max x, max y.
    pub bbox: [f64; 4],
    /// Resolution levels, finest first.
    pub levels: Vec<Level>,
    /// Bands in the file (1 = grey, 3 = RGB, 4 = RGBA).
    pub bands: u32,
    /// Nodata value, if any.
    pub nodata: Option<f64>,
    /// A JPEG 2000 file, whose windows OpenJPEG can decode without whole codestream tiles.
    pub jpeg2000: bool,
    /// Modification time (for GetFeatureInfo).
    pub mtime: Option<String>,
}

impl RTreeObject for Dalle {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners([self.bbox[0], self.bbox[1]], [self.bbox[2], self.bbox[3]])
    }
}

/// The dalles of one CRS.
pub struct CrsGroup {
    /// EPSG code.
    pub epsg: u32,
    /// Finest pixel size among the dalles.
    pub resolution: f64,
    /// Union of the footprints' boxes.
    pub extent: [f64; 4],
    index: RTree<Dalle>,
}

impl CrsGroup {
    /// Dalles whose footprint intersects `bbox`.
    pub fn dalles_in(&self, bbox: [f64; 4]) -> impl Iterator<Item = &Dalle> {
        self.index
            .locate_in_envelope_intersecting(AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]))
    }

    /// Number of dalles.
    pub fn len(&self) -> usize {
        self.index.size()
    }

    /// Whether there is no dalle.
    pub fn is_empty(&self) -> bool {
        self.index.size() == 0
    }

    /// Every dalle.
    pub fn dalles(&self) -> impl Iterator<Item = &Dalle> {
        self.index.iter()
    }
}

/// What services say about a mosaic besides its pixels.
#[derive(Debug, Clone, Default)]
pub struct LayerInfo {
    /// Layer name (the deliverable's slug).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Project slug (the group layer).
    pub project: String,
    /// Project name.
    pub project_title: String,
    /// Who to credit (the project holder).
    pub attribution: Option<String>,
    /// Licence, in words.
    pub licence: String,
}

/// A deliverable's mosaic.
pub struct Mosaic {
    /// Deliverable id.
    pub livrable_id: i64,
    /// Layer name (the deliverable's slug).
    pub name: String,
    /// Names, titles, credits.
    pub info: LayerInfo,
    /// Dalles grouped by CRS, the largest group first.
    pub groups: Vec<CrsGroup>,
    /// Extent in WGS84 (west, south, east, north).
    pub extent_wgs84: [f64; 4],
    /// The main extent in every served CRS (x = easting or longitude).
    pub extents: Vec<(u32, [f64; 4])>,
    /// Number of resolution levels of the dalles (at least 1).
    pub levels: u32,
}

impl Mosaic {
    /// The main CRS (of the largest group).
    pub fn native_epsg(&self) -> u32 {
        self.groups.first().map(|g| g.epsg).unwrap_or(2154)
    }

    /// Finest resolution in the main CRS.
    pub fn resolution(&self) -> f64 {
        self.groups.first().map(|g| g.resolution).unwrap_or(0.05)
    }

    /// Number of dalles.
    pub fn dalle_count(&self) -> usize {
        self.groups.iter().map(CrsGroup::len).sum()
    }

    /// The extent in a served CRS.
    pub fn extent_in(&self, epsg: u32) -> Option<[f64; 4]> {
        self.extents
            .iter()
            .find(|(code, _)| *code == epsg)
            .map(|(_, bbox)| *bbox)
    }

    /// The coarsest pixel size (native units) worth rendering: below the coarsest level,
    /// every dalle would have to be decoded for a few pixels each. Beyond it the layer is
    /// left out of maps (and capabilities say so with a scale limit).
    pub fn coarsest_useful_resolution(&self) -> f64 {
        self.resolution() * f64::from(1u32 << (self.levels.saturating_sub(1)).min(12)) * 8.0
    }
}

fn number(value: &Value) -> Option<f64> {
    value.as_f64()
}

/// The levels of a dalle from its probe: power-of-two reductions; JPEG 2000 codestream tiles
/// shrink with the level, TIFF tiles keep their size.
fn levels_of(probe: &Value, width: u32, height: u32) -> Vec<Level> {
    let overviews = probe["overviews"].as_u64().unwrap_or(0) as u32;
    let block_width = probe["block"][0].as_u64().unwrap_or(256).max(1) as u32;
    let block_height = probe["block"][1].as_u64().unwrap_or(256).max(1) as u32;
    let jp2 = probe["driver"] == "JP2OpenJPEG";
    (0..=overviews.min(12))
        .map(|level| {
            let factor = 1u32 << level;
            let shrink = |block: u32| if jp2 { (block >> level).max(1) } else { block };
            Level {
                factor,
                width: width.div_ceil(factor),
                height: height.div_ceil(factor),
                block_width: shrink(block_width).min(width.div_ceil(factor)),
                block_height: shrink(block_height).min(height.div_ceil(factor)),
            }
        })
        .collect()
}

/// A dalle from its catalogue record, if it was probed, is readable and north-up.
pub fn dalle_from_record(record: &DalleRecord, source: FileSource) -> Option<(u32, Dalle)> {
    if record.error.is_some() {
        return None;
    }
    let probe = record.probe.as_ref()?;
    let gt: Vec<f64> = probe["geotransform"]
        .as_array()?
        .iter()
        .filter_map(number)
        .collect();
    let epsg = probe["epsg"].as_u64()? as u32;
    if gt.len() != 6 || gt[2] != 0.0 || gt[4] != 0.0 || gt[1] <= 0.0 || gt[5] >= 0.0 {
        return None; // rotated or south-up images are not mosaicked
    }
    let width = probe["width"].as_u64()? as u32;
    let height = probe["height"].as_u64()? as u32;
    let bbox = [
        gt[0],
        gt[3] + gt[5] * height as f64,
        gt[0] + gt[1] * width as f64,
        gt[3],
    ];
    let version = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (record.id, record.size, &record.mtime, &record.etag).hash(&mut hasher);
        hasher.finish()
    };
    Some((
        epsg,
        Dalle {
            id: record.id,
            path: record.path.clone(),
            gdal_path: source.gdal_path(),
            source,
            version,
            origin_x: gt[0],
            origin_y: gt[3],
            pixel_x: gt[1],
            pixel_y: -gt[5],
            bbox,
            levels: levels_of(probe, width, height),
            bands: probe["bands"].as_array().map(|b| b.len() as u32).unwrap_or(3),
            nodata: probe["nodata"].as_f64(),
            jpeg2000: record.class == "jpeg2000",
            mtime: record.mtime.clone(),
        },
    ))
}

/// Builds a mosaic from dalles (with their CRS). Blocking (PROJ): call on a worker.
pub fn build(livrable_id: i64, info: LayerInfo, dalles: Vec<(u32, Dalle)>) -> Arc<Mosaic> {
    let levels = dalles
        .iter()
        .map(|(_, d)| d.levels.len() as u32)
        .min()
        .unwrap_or(1)
        .max(1);
    let mut by_crs: std::collections::BTreeMap<u32, Vec<Dalle>> = std::collections::BTreeMap::new();
    for (epsg, dalle) in dalles {
        by_crs.entry(epsg).or_default().push(dalle);
    }
    let mut groups: Vec<CrsGroup> = by_crs
        .into_iter()
        .map(|(epsg, dalles)| {
            let resolution = dalles.iter().map(|d| d.pixel_x).fold(f64::MAX, f64::min);
            let extent = dalles
                .iter()
                .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |e, d| {
                    [
                        e[0].min(d.bbox[0]),
                        e[1].min(d.bbox[1]),
                        e[2].max(d.bbox[2]),
                        e[3].max(d.bbox[3]),
                    ]
                });
            CrsGroup {
                epsg,
                resolution,
                extent,
                index: RTree::bulk_load(dalles),
            }
        })
        .collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    let extent_wgs84 = groups
        .iter()
        .filter_map(|g| super::crs::transform_bbox(g.epsg, 4326, g.extent))
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |e, b| {
            [e[0].min(b[0]), e[1].min(b[1]), e[2].max(b[2]), e[3].max(b[3])]
        });
    let main = groups.first().map(|g| (g.epsg, g.extent));
    let extents = super::crs::SERVED_EPSG
        .iter()
        .filter_map(|code| {
            let (epsg, extent) = main?;
            super::crs::transform_bbox(epsg, *code, extent).map(|bbox| (*code, bbox))
        })
        .collect();
    Arc::new(Mosaic {
        livrable_id,
        name: info.name.clone(),
        info,
        groups,
        extent_wgs84,
        extents,
        levels,
    })
}
