//! Probing an image through GDAL, reading only its headers: size, bands, compression, tiling,
//! overviews or JPEG 2000 resolution levels, CRS (internal, else world file + `.prj`, else the
//! deliverable's declared one), pixel size, footprint in the native CRS and in WGS84, nodata.
//! Runs on a blocking worker, never on the async runtime.

use gdal::raster::ColorInterpretation;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags, Metadata};
use serde::{Deserialize, Serialize};

use super::jp2::Codestream;
use crate::storage::StorageError;

/// Everything a probe learns about an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// GDAL driver (`JP2OpenJPEG`, `GTiff`).
    pub driver: String,
    /// Width in pixels.
    pub width: u64,
    /// Height in pixels.
    pub height: u64,
    /// Bands: colour interpretation and data type.
    pub bands: Vec<Band>,
    /// Compression (`JPEG2000`, `JPEG`, `YCbCr JPEG`, `LZW`, `DEFLATE`, ...).
    pub compression: Option<String>,
    /// JPEG 2000: `LOSSY` or `LOSSLESS` (GDAL's reading), else none.
    pub reversibility: Option<String>,
    /// Internal block (GeoTIFF tile or strip, JPEG 2000 codestream tile) size.
    pub block: [u64; 2],
    /// Whether the image is internally tiled.
    pub tiled: bool,
    /// Number of overviews (JPEG 2000: resolution levels − 1).
    pub overviews: u32,
    /// JPEG 2000 main header, when the file is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub codestream: Option<Codestream>,
    /// EPSG code of the CRS, when identified.
    pub epsg: Option<i32>,
    /// Name of the CRS.
    pub crs_name: Option<String>,
    /// Where the CRS came from: `internal`, `prj`, `declared` or `none`.
    pub crs_source: String,
    /// Whether the image is placed on the ground at all.
    pub georeferenced: bool,
    /// Where the placement came from: `internal`, `world_file` or `none`.
    pub georef_source: String,
    /// Pixel size (x, y) in CRS units.
    pub pixel_size: Option<[f64; 2]>,
    /// Affine transform, GDAL order.
    pub geotransform: Option<[f64; 6]>,
    /// Footprint in the native CRS: min x, min y, max x, max y.
    pub bbox: Option<[f64; 4]>,
    /// Footprint in WGS84: west, south, east, north.
    pub bbox_wgs84: Option<[f64; 4]>,
    /// WGS84 footprint ring (lon, lat), closed.
    pub footprint_wgs84: Option<Vec<[f64; 2]>>,
    /// Nodata value of the first band.
    pub nodata: Option<f64>,
}

/// One band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Colour interpretation (`RED`, `GREEN`, `BLUE`, `ALPHA`, `GRAY`, `UNDEFINED`...).
    pub colour: String,
    /// Data type (`Byte`, `UInt16`...).
    pub data_type: String,
}

/// Why a probe failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProbeError {
    /// The storage failed while GDAL read: the file may be fine.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The file can't be read as an image.
    #[error("{0}")]
    Broken(String),
}

/// What the probe gets besides the file.
#[derive(Debug, Clone, Default)]
pub struct ProbeInput {
    /// Path GDAL opens (`/vsidallage/...` or a local path).
    pub gdal_path: String,
    /// Names of the files in the same folder (world files, `.prj`...).
    pub siblings: Vec<String>,
    /// Content of the `.prj` next to the image, if any.
    pub prj: Option<String>,
    /// Whether a world file sits next to the image.
    pub world_file: bool,
    /// EPSG code declared on the deliverable.
    pub declared_epsg: Option<i32>,
    /// First bytes of the file (for the JPEG 2000 header).
    pub head: Vec<u8>,
    /// Size of the file, to catch truncated ones.
    pub file_size: u64,
}

/// Probes one image. Blocking (GDAL).
pub fn probe(input: &ProbeInput) -> Result<Probe, ProbeError> {
    crate::storage::vsi::take_last_error();
    let siblings: Vec<&str> = input.siblings.iter().map(String::as_str).collect();
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_RASTER | GdalOpenFlags::GDAL_OF_READONLY,
        allowed_drivers: Some(&["JP2OpenJPEG", "GTiff"]),
        open_options: None,
        sibling_files: Some(&siblings),
    };
    let dataset = match Dataset::open_ex(&input.gdal_path, options) {
        Ok(dataset) => dataset,
        Err(err) => {
            return Err(match crate::storage::vsi::take_last_error() {
                Some(storage) => ProbeError::Storage(storage),
                None => ProbeError::Broken(unopenable(&input.head, &err.to_string())),
            })
        }
    };
    let result = describe(&dataset, input);
    // A storage failure during header reads makes GDAL return partial data: report the fault.
    if let Some(storage) = crate::storage::vsi::take_last_error() {
        return Err(ProbeError::Storage(storage));
    }
    result
}

/// Why GDAL could not open a file: a file whose first bytes are neither a JPEG 2000 nor a
/// TIFF signature says so (a random or mislabelled file); otherwise GDAL's own words, when
/// it gave any.
fn unopenable(head: &[u8], gdal_message: &str) -> String {
    const SIGNATURES: [&[u8]; 4] = [
        b"\x00\x00\x00\x0cjP  \r\n\x87\n",
        b"\xff\x4f\xff\x51",
        b"II*\x00",
        b"MM\x00*",
    ];
    let big_tiff = head.starts_with(b"II+\x00") || head.starts_with(b"MM\x00+");
    if !big_tiff && !SIGNATURES.iter().any(|signature| head.starts_with(signature)) {
        let shown: Vec<String> = head.iter().take(8).map(|b| format!("{b:02X}")).collect();
        return format!(
            "not a JPEG 2000 or TIFF file: its first bytes ({}) are neither signature",
            shown.join(" ")
        );
    }
    let message = clean_gdal_message(gdal_message);
    let message = message
        .split("Error msg:")
        .nth(1)
        .map(|m| m.trim().trim_matches('\'').trim().to_string())
        .unwrap_or(message);
    if message.is_empty() {
        "GDAL cannot open it (it gave no reason)".to_string()
    } else {
        format!("GDAL cannot open it: {message}")
    }
}

fn clean_gdal_message(message: &str) -> String {
    message
        .replace(crate::storage::vsi::PREFIX, "")
        .trim()
        .to_string()
}

fn describe(dataset: &Dataset, input: &ProbeInput) -> Result<Probe, ProbeError> {
    let (width, height) = dataset.raster_size();
    let bands = bands(dataset)?;
    let first = dataset
        .rasterband(1)
        .map_err(|err| ProbeError::Broken(err.to_string()))?;
    let (block_width, block_height) = first.block_size();
    let overviews = first.overview_count().unwrap_or(0).max(0) as u32;
    let nodata = first.no_data_value();
    let driver = dataset.driver().short_name();
    let codestream = if driver == "JP2OpenJPEG" {
        super::jp2::parse(&input.head)
    } else {
        None
    };
    check_complete(dataset, &driver, codestream.as_ref(), input.file_size)?;
    let tiled = match &codestream {
        Some(cs) => cs.tiled(),
        None => block_height > 1 && (block_width as u64) < width as u64,
    };
    let compression = dataset
        .metadata_item("COMPRESSION", "IMAGE_STRUCTURE")
        .or_else(|| first.metadata_item("COMPRESSION", "IMAGE_STRUCTURE"));
    let reversibility = dataset.metadata_item("COMPRESSION_REVERSIBILITY", "IMAGE_STRUCTURE");
    let place = placement(dataset, input, width as f64, height as f64);
    Ok(Probe {
        driver,
        width: width as u64,
        height: height as u64,
        bands,
        compression,
        reversibility,
        block: [block_width as u64, block_height as u64],
        tiled,
        overviews,
        codestream,
        epsg: place.epsg,
        crs_name: place.crs_name,
        crs_source: place.crs_source.into(),
        georeferenced: place.geotransform.is_some(),
        georef_source: place.georef_source.into(),
        pixel_size: place.pixel_size,
        geotransform: place.geotransform,
        bbox: place.bbox,
        bbox_wgs84: place.bbox_wgs84,
        footprint_wgs84: place.footprint_wgs84,
        nodata,
    })
}

/// Each band's colour and data type; an error for a file without bands.
fn bands(dataset: &Dataset) -> Result<Vec<Band>, ProbeError> {
    let count = dataset.raster_count();
    if count == 0 {
        return Err(ProbeError::Broken("the file holds no raster band".into()));
    }
    (1..=count)
        .map(|index| {
            let band = dataset
                .rasterband(index)
                .map_err(|err| ProbeError::Broken(err.to_string()))?;
            Ok(Band {
                colour: colour_name(band.color_interpretation()),
                data_type: band.band_type().name(),
            })
        })
        .collect()
}

/// Where an image lies and where that knowledge came from.
struct Placement {
    geotransform: Option<[f64; 6]>,
    epsg: Option<i32>,
    crs_name: Option<String>,
    /// `internal`, `prj`, `declared` or `none`.
    crs_source: &'static str,
    /// `internal`, `world_file` or `none`.
    georef_source: &'static str,
    bbox: Option<[f64; 4]>,
    pixel_size: Option<[f64; 2]>,
    bbox_wgs84: Option<[f64; 4]>,
    footprint_wgs84: Option<Vec<[f64; 2]>>,
}

/// The image's placement: its geotransform, and its CRS from the file, else from the `.prj`
/// beside its world file, else the one the deliverable declares.
fn placement(dataset: &Dataset, input: &ProbeInput, width: f64, height: f64) -> Placement {
    let geotransform = dataset
        .geo_transform()
        .ok()
        .filter(|gt| *gt != [0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
    let from_prj = || {
        input.prj.as_deref().and_then(|text| {
            SpatialRef::from_esri(text)
                .or_else(|_| SpatialRef::from_wkt(text))
                .ok()
        })
    };
    let declared = || {
        input
            .declared_epsg
            .and_then(|code| SpatialRef::from_epsg(code as u32).ok())
    };
    let (srs, crs_source) = match dataset.spatial_ref().ok() {
        Some(srs) => (Some(srs), "internal"),
        None => match from_prj() {
            Some(srs) => (Some(srs), "prj"),
            None => match declared() {
                Some(srs) => (Some(srs), "declared"),
                None => (None, "none"),
            },
        },
    };
    let (epsg, crs_name) = match &srs {
        Some(srs) => (epsg_of(srs), srs.name()),
        None => (None, None),
    };
    let georef_source = match &geotransform {
        None => "none",
        Some(_) if input.world_file && crs_source != "internal" => "world_file",
        Some(_) => "internal",
    };
    let (bbox, pixel_size) = match &geotransform {
        Some(gt) => (
            Some(bounds(&corners(gt, width, height))),
            Some([gt[1].hypot(gt[4]), gt[2].hypot(gt[5])]),
        ),
        None => (None, None),
    };
    let (bbox_wgs84, footprint_wgs84) = match (&geotransform, &srs) {
        (Some(gt), Some(srs)) => wgs84_footprint(gt, width, height, srs),
        _ => (None, None),
    };
    Placement {
        geotransform,
        epsg,
        crs_name,
        crs_source,
        georef_source,
        bbox,
        pixel_size,
        bbox_wgs84,
        footprint_wgs84,
    }
}

/// Refuses files cut short: a JPEG 2000 whose codestream box is longer than the file, a
/// GeoTIFF whose last tile lies beyond its end. (GDAL opens both, then fails on pixels.)
fn check_complete(
    dataset: &Dataset,
    driver: &str,
    codestream: Option<&Codestream>,
    file_size: u64,
) -> Result<(), ProbeError> {
    if file_size == 0 {
        return Ok(());
    }
    if let Some(expected) = codestream.and_then(|cs| cs.declared_length) {
        if expected > file_size {
            return Err(ProbeError::Broken(format!(
                "truncated: the JPEG 2000 codestream box announces {expected} bytes, the file has {file_size}"
            )));
        }
    }
    if driver == "GTiff" {
        let band = dataset
            .rasterband(1)
            .map_err(|err| ProbeError::Broken(err.to_string()))?;
        let (width, height) = dataset.raster_size();
        let (block_width, block_height) = band.block_size();
        let last = (
            width.div_ceil(block_width.max(1)) - 1,
            height.div_ceil(block_height.max(1)) - 1,
        );
        let item = |name: &str| {
            band.metadata_item(&format!("{name}_{}_{}", last.0, last.1), "TIFF")
                .and_then(|v| v.parse::<u64>().ok())
        };
        if let (Some(offset), Some(size)) = (item("BLOCK_OFFSET"), item("BLOCK_SIZE")) {
            if offset + size > file_size {
                return Err(ProbeError::Broken(format!(
                    "truncated: the last tile ends at byte {}, the file has {file_size}",
                    offset + size
                )));
            }
        }
    }
    Ok(())
}

fn colour_name(colour: ColorInterpretation) -> String {
    let name = colour.name().to_uppercase();
    match name.as_str() {
        "UNDEFINED" | "" => "UNDEFINED".into(),
        _ => name,
    }
}

/// The EPSG code of a CRS: its authority code, else what PROJ identifies it as, else the
/// PCRS projection it is equivalent to (ESRI `.prj` files name Lambert-93 their own way).
fn epsg_of(srs: &SpatialRef) -> Option<i32> {
    if srs.auth_name().as_deref() == Some("EPSG") {
        if let Ok(code) = srs.auth_code() {
            return Some(code);
        }
    }
    let mut copy = srs.clone();
    if copy.auto_identify_epsg().is_ok() {
        if let Ok(code) = copy.auth_code() {
            return Some(code);
        }
    }
    crate::catalog::validate::PCRS_EPSG_CODES
        .iter()
        .chain(&[4326, 3857])
        .copied()
        .find(|code| SpatialRef::from_epsg(*code as u32).is_ok_and(|candidate| candidate == *srs))
}

/// The four corners of the image, clockwise from the upper left.
fn corners(gt: &[f64; 6], width: f64, height: f64) -> [[f64; 2]; 4] {
    let at = |col: f64, row: f64| {
        [
            gt[0] + col * gt[1] + row * gt[2],
            gt[3] + col * gt[4] + row * gt[5],
        ]
    };
    [at(0.0, 0.0), at(width, 0.0), at(width, height), at(0.0, height)]
}

fn bounds(points: &[[f64; 2]]) -> [f64; 4] {
    points
        .iter()
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, p| {
            [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
        })
}

/// The footprint in WGS84 (longitude, latitude): the edges are densified so the reprojected
/// outline follows the curvature of a conic projection.
#[allow(clippy::type_complexity)]
fn wgs84_footprint(
    gt: &[f64; 6],
    width: f64,
    height: f64,
    srs: &SpatialRef,
) -> (Option<[f64; 4]>, Option<Vec<[f64; 2]>>) {
    let Ok(mut wgs84) = SpatialRef::from_epsg(4326) else {
        return (None, None);
    };
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut source = srs.clone();
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let Ok(transform) = CoordTransform::new(&source, &wgs84) else {
        return (None, None);
    };
    const STEPS: usize = 4;
    let corner = corners(gt, width, height);
    let mut ring = Vec::with_capacity(4 * STEPS + 1);
    for side in 0..4 {
        let (a, b) = (corner[side], corner[(side + 1) % 4]);
        for step in 0..STEPS {
            let t = step as f64 / STEPS as f64;
            ring.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
        }
    }
    let mut xs: Vec<f64> = ring.iter().map(|p| p[0]).collect();
    let mut ys: Vec<f64> = ring.iter().map(|p| p[1]).collect();
    if transform.transform_coords(&mut xs, &mut ys, &mut []).is_err() {
        return (None, None);
    }
    let mut lonlat: Vec<[f64; 2]> = xs.into_iter().zip(ys).map(|(x, y)| [x, y]).collect();
    if lonlat.iter().any(|p| !p[0].is_finite() || !p[1].is_finite()) {
        return (None, None);
    }
    lonlat.push(lonlat[0]);
    (Some(bounds(&lonlat)), Some(lonlat))
}

/// The WKT of a closed ring.
pub fn ring_wkt(ring: &[[f64; 2]]) -> String {
    let points: Vec<String> = ring.iter().map(|p| format!("{:.8} {:.8}", p[0], p[1])).collect();
    format!("POLYGON(({}))", points.join(", "))
}

#[cfg(test)]
mod tests {
    use super::unopenable;

    #[test]
    fn says_why_a_file_does_not_open() {
        let random = [0x5Au8, 0x13, 0xC0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06];
        let reason = unopenable(
            &random,
            "GDAL method 'GDALOpenEx' returned a NULL pointer. Error msg: ''",
        );
        assert!(reason.starts_with("not a JPEG 2000 or TIFF file"), "{reason}");
        assert!(reason.contains("5A 13 C0 01"), "{reason}");
        let jp2 = b"\x00\x00\x00\x0cjP  \r\n\x87\nrest";
        let reason = unopenable(
            jp2,
            "GDAL method 'GDALOpenEx' returned a NULL pointer. Error msg: ''",
        );
        assert_eq!(reason, "GDAL cannot open it (it gave no reason)");
        let reason = unopenable(
            b"II*\x00",
            "GDAL method 'GDALOpenEx' returned a NULL pointer. Error msg: 'bad IFD'",
        );
        assert_eq!(reason, "GDAL cannot open it: bad IFD");
    }
}
