//! What a scan writes, typed: the deliverable's summary, the PCRS conformity report, the
//! change set. The catalogue keeps them as JSON; these structs are their shape, read and
//! written with serde (`summary.rs` computes them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::probe::Band;

/// A deliverable's summary, as a scan writes it and the API shows it (the "Scan" box of
/// pcrs.beta.gouv.fr's project pages).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// `PCRS raster`, `PCRS vecteur`, `PCRS mixte` or `aucun livrable reconnu`.
    pub nature: String,
    /// The commonest image format (`JPEG 2000`, `GeoTIFF`).
    pub format: Option<String>,
    /// Images per format.
    pub formats: BTreeMap<String, usize>,
    /// Readable images.
    pub dalles: usize,
    /// Name of the commonest projection.
    pub projection: Option<String>,
    /// EPSG code of the commonest projection.
    pub epsg: Option<i32>,
    /// Images per projection (`EPSG:2154`, `none`).
    pub projections: BTreeMap<String, usize>,
    /// Bytes of every file.
    pub bytes: u64,
    /// Files.
    pub files: usize,
    /// Files per class (`jpeg2000`, `world_file`, `gml`…).
    pub files_by_class: BTreeMap<String, usize>,
    /// The commonest band layout (`RED`, `GREEN`, `BLUE`).
    pub bands: Option<Vec<String>>,
    /// The commonest pixel size, metres.
    pub resolution: Option<f64>,
    /// The union of the images' footprints, simplified to about a metre (CRS:84).
    pub footprint: Option<Footprint>,
    /// Files and folders that could not be read, with the reason.
    pub broken: Vec<Broken>,
    /// Why the listing stopped early, if it did.
    pub truncated: Option<String>,
    /// What the scan's last run cost the storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<ReadCounts>,
    /// How long the scan's last run listed and probed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<PhaseSeconds>,
}

/// A GeoJSON MultiPolygon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    /// Always `MultiPolygon`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Polygons, rings, positions (longitude, latitude).
    pub coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

/// A file (or a folder, ending with `/`) that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broken {
    /// Its path in the storage.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Requests, bytes and connections a scan's run cost its storage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadCounts {
    /// Requests (listings, stats, range reads).
    pub requests: u64,
    /// Bytes received.
    pub bytes: u64,
    /// Connections opened.
    pub connections: u64,
}

/// Seconds a scan's run spent listing and probing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseSeconds {
    /// Listing folders.
    pub listing: f64,
    /// Probing images.
    pub probing: f64,
}

/// The PCRS conformity report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conformity {
    /// Whether no check failed with an error; none when there is no image to judge.
    pub conform: Option<bool>,
    /// Images judged.
    pub dalles: usize,
    /// The checks, in order.
    pub checks: Vec<Check>,
}

/// One check of the conformity report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `georeferencing`, `resolution`, `projection`, `grid`, `pixels`, `rgb`, `homogeneity`,
    /// `gaps`, `overlaps`.
    pub id: String,
    /// What it checks.
    pub title: String,
    /// `ok`, `warning` or `error`.
    pub status: String,
    /// What it found, in words.
    pub detail: String,
    /// What it found, item by item (at most 100).
    pub items: Vec<Finding>,
    /// How many items it found.
    pub count: usize,
}

/// One thing a check found. Written as a plain object (the variant is not named); read back,
/// the first variant whose fields fit is taken, hence their order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Finding {
    /// A dalle with its pixel size.
    Resolution {
        /// The dalle.
        path: String,
        /// Its pixel size.
        pixel_size: [f64; 2],
    },
    /// A dalle with its footprint.
    Placement {
        /// The dalle.
        path: String,
        /// Its footprint in its CRS.
        bbox: [f64; 4],
    },
    /// A dalle with its size in pixels.
    Size {
        /// The dalle.
        path: String,
        /// Width.
        width: u64,
        /// Height.
        height: u64,
    },
    /// A dalle with its bands.
    Bands {
        /// The dalle.
        path: String,
        /// Its bands.
        bands: Vec<Band>,
    },
    /// A group of dalles sharing format, projection and bands.
    Group {
        /// Format.
        format: String,
        /// Projection.
        projection: String,
        /// Band layout.
        bands: String,
        /// Dalles in the group.
        count: usize,
        /// The first 20.
        paths: Vec<String>,
    },
    /// A 200 m cell with no dalle inside the covered area.
    Gap {
        /// The projection.
        epsg: Option<i32>,
        /// West.
        min_x: f64,
        /// South.
        min_y: f64,
        /// East.
        max_x: f64,
        /// North.
        max_y: f64,
    },
    /// Two overlapping dalles.
    Overlap {
        /// The two dalles.
        paths: [String; 2],
        /// The area they share.
        area_m2: f64,
    },
    /// A dalle (without georeferencing). Before `Projection`: read back, an object with only
    /// a path is this one.
    Dalle(DalleOnly),
    /// A dalle with its projection.
    Projection {
        /// The dalle.
        path: String,
        /// Its EPSG code.
        epsg: Option<i32>,
        /// Its CRS's name.
        crs: Option<String>,
    },
}

/// A finding that names a dalle and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DalleOnly {
    /// The dalle.
    pub path: String,
}

/// What a scan added, modified and removed, for whoever keeps caches over the dalles (tiles,
/// feeds).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// Files seen for the first time.
    pub added: Vec<ChangedFile>,
    /// Files whose fingerprint changed, with their former footprint.
    pub modified: Vec<ChangedFile>,
    /// Files gone.
    pub removed: Vec<ChangedFile>,
}

/// One file of a change set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedFile {
    /// Its path in the storage.
    pub path: String,
    /// Its class.
    pub class: String,
    /// Its EPSG code.
    pub epsg: Option<i32>,
    /// Its footprint in its CRS.
    pub bbox: Option<[f64; 4]>,
    /// Its footprint in CRS:84.
    pub bbox_wgs84: Option<[f64; 4]>,
    /// Its outline in CRS:84 (WKT).
    pub footprint_wgs84: Option<String>,
    /// For a modified file, its outline before (WKT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_footprint_wgs84: Option<Option<String>>,
}
