//! Features written to files by GDAL: GeoPackage, GML 3.2, GeoJSON or Shapefile (zipped for
//! WFS), one layer per class, fields typed as the collection's properties are, geometries
//! linearised (a Shapefile has no arcs), in the CRS asked and, when an area is given, cut to it
//! (GEOS, through GDAL). The same features give the same bytes: every date the formats store is
//! the one given, so a download resumed later is the same file.

use std::path::{Path, PathBuf};

use gdal::cpl::CslStringList;
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::{Dataset, DriverManager};
use serde_json::Value;

use super::geometry::GeometryKind;
use super::store::{Collection, StoredFeature, Transform, ValueKind};
use super::wkb::write_wkb;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// GDAL refused something.
    #[error("writing {what}: {detail}")]
    Gdal {
        /// What was being written.
        what: String,
        /// GDAL's message.
        detail: String,
    },
    /// The area could not be brought into the output CRS.
    #[error("the area cannot be projected to EPSG:{0}")]
    Area(u32),
}

/// The formats features are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// OGC GeoPackage, one table per class.
    Geopackage,
    /// GML 3.2 with its XSD, every class in one document.
    Gml,
    /// GeoJSON, one file per class.
    Geojson,
    /// ESRI Shapefile, one set of files per class.
    Shapefile,
    /// ESRI Shapefile, every class in one `.shp.zip` (WFS `SHAPE-ZIP`).
    ShapefileZip,
}

impl ExportFormat {
    /// Reads a `format=` value: `gpkg`, `gml`, `geojson`, `shp` (and their usual names).
    pub fn parse(text: &str) -> Option<ExportFormat> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "gpkg" | "geopackage" | "application/geopackage+sqlite3" => ExportFormat::Geopackage,
            "gml" | "gml32" | "application/gml+xml" => ExportFormat::Gml,
            "geojson" | "json" | "application/geo+json" => ExportFormat::Geojson,
            "shp" | "shapefile" | "esri shapefile" => ExportFormat::Shapefile,
            _ => return None,
        })
    }

    /// The values [`ExportFormat::parse`] reads, for error messages.
    pub const NAMES: &'static str = "gpkg, gml, geojson or shp";

    /// The short name used in URLs and file names.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Geopackage => "gpkg",
            ExportFormat::Gml => "gml",
            ExportFormat::Geojson => "geojson",
            ExportFormat::Shapefile | ExportFormat::ShapefileZip => "shp",
        }
    }

    fn driver(self) -> &'static str {
        match self {
            ExportFormat::Geopackage => "GPKG",
            ExportFormat::Gml => "GML",
            ExportFormat::Geojson => "GeoJSON",
            ExportFormat::Shapefile | ExportFormat::ShapefileZip => "ESRI Shapefile",
        }
    }
}

/// One class to write.
pub struct ExportLayer<'a> {
    /// Name of the layer (table, file stem).
    pub name: String,
    /// The collection.
    pub collection: &'a Collection,
    /// The features to write, in this order.
    pub features: Vec<&'a StoredFeature>,
}

/// How to write.
pub struct ExportOptions<'a> {
    /// The format.
    pub format: ExportFormat,
    /// EPSG code of the output (each collection's own when `None`).
    pub epsg: Option<u32>,
    /// Properties to keep (all when `None`).
    pub properties: Option<&'a [String]>,
    /// Polygons in CRS:84 (rings of `[lon, lat]`) geometries are cut to, if any.
    pub clip: Option<&'a [Vec<Vec<[f64; 2]>>]>,
    /// Coordinate transforms.
    pub transform: Transform,
    /// The time stored where a format keeps one (RFC 3339 UTC, `2024-06-01T00:00:00Z`).
    pub time: &'a str,
}

/// Writes the layers into `folder` (named `stem` where the format makes one file): the files
/// written, sorted by name.
pub fn export(
    layers: &[ExportLayer],
    options: &ExportOptions,
    folder: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    let failed = |what: &str| {
        let what = what.to_string();
        move |err: gdal::errors::GdalError| ExportError::Gdal {
            what: what.clone(),
            detail: err.to_string(),
        }
    };
    let driver = DriverManager::get_driver_by_name(options.format.driver()).map_err(failed("the driver"))?;
    // GeoPackage stamps its tables with the current time unless told which.
    gdal::config::set_thread_local_config_option("OGR_CURRENT_DATE", &gpkg_time(options.time))
        .map_err(failed("the date"))?;
    let result = (|| {
        match options.format {
            ExportFormat::Geojson => {
                for layer in layers {
                    let path = folder.join(format!("{}.geojson", layer.name));
                    let mut dataset = create(&driver, &path, &[]).map_err(failed(&layer.name))?;
                    write_layer(&mut dataset, layer, options)?;
                }
            }
            format => {
                let (path, dataset_options): (PathBuf, &[&str]) = match format {
                    ExportFormat::Geopackage => (folder.join(format!("{stem}.gpkg")), &[]),
                    ExportFormat::Gml => (
                        folder.join(format!("{stem}.gml")),
                        &[
                            "FORMAT=GML3.2",
                            "PREFIX=pcrs",
                            "TARGET_NAMESPACE=http://dallage.fr/pcrs",
                        ],
                    ),
                    ExportFormat::ShapefileZip => (folder.join(format!("{stem}.shp.zip")), &[]),
                    _ => (folder.to_path_buf(), &[]),
                };
                let mut dataset = create(&driver, &path, dataset_options).map_err(failed(stem))?;
                for layer in layers {
                    write_layer(&mut dataset, layer, options)?;
                }
                dataset.flush_cache().map_err(failed(stem))?;
            }
        }
        Ok(())
    })();
    let _ = gdal::config::clear_thread_local_config_option("OGR_CURRENT_DATE");
    result?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|err| ExportError::Gdal {
            what: folder.display().to_string(),
            detail: err.to_string(),
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// `2024-06-01T10:00:00.000Z` from an RFC 3339 or SQLite time.
fn gpkg_time(time: &str) -> String {
    let parsed = chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S").map(|t| t.and_utc()))
        .unwrap_or_default();
    parsed.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn create(driver: &gdal::Driver, path: &Path, options: &[&str]) -> gdal::errors::Result<Dataset> {
    let mut list = CslStringList::new();
    for option in options {
        let (key, value) = option.split_once('=').unwrap_or((option, ""));
        list.set_name_value(key, value)?;
    }
    driver.create_with_band_type_with_options::<u8, _>(path, 0, 0, 0, &list)
}

/// A spatial reference with x = easting / longitude.
fn spatial_ref(epsg: u32) -> Option<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(epsg).ok()?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Some(srs)
}

fn write_layer(
    dataset: &mut Dataset,
    layer: &ExportLayer,
    options: &ExportOptions,
) -> Result<(), ExportError> {
    let failed = |err: gdal::errors::GdalError| ExportError::Gdal {
        what: layer.name.clone(),
        detail: err.to_string(),
    };
    let collection = layer.collection;
    let epsg = options.epsg.or(collection.srid);
    let srs = epsg.and_then(spatial_ref);
    let clip = match (options.clip, epsg) {
        (Some(polygons), Some(epsg)) => Some(clip_area(polygons, epsg, options.transform)?),
        _ => None,
    };
    let ty = geometry_type(collection.kind, collection.has_z, clip.is_some());
    let date = options.time.get(..10).unwrap_or("1970-01-01");
    let date_option = format!("DBF_DATE_LAST_UPDATE={date}");
    let layer_options: Vec<&str> = match options.format {
        ExportFormat::Shapefile | ExportFormat::ShapefileZip => vec!["ENCODING=UTF-8", &date_option],
        ExportFormat::Geojson => vec!["WRITE_NAME=YES"],
        _ => Vec::new(),
    };
    let out = dataset
        .create_layer(LayerOptions {
            name: &layer.name,
            srs: srs.as_ref(),
            ty,
            options: Some(&layer_options),
        })
        .map_err(failed)?;
    let wanted: Vec<_> = collection
        .properties
        .iter()
        .filter(|p| options.properties.is_none_or(|names| names.contains(&p.name)))
        .collect();
    let fields: Vec<(&str, OGRFieldType::Type)> = wanted
        .iter()
        .map(|p| {
            let kind = match (p.kind, p.repeated) {
                (ValueKind::Integer, false) => OGRFieldType::OFTInteger64,
                (ValueKind::Number, false) => OGRFieldType::OFTReal,
                _ => OGRFieldType::OFTString,
            };
            (p.name.as_str(), kind)
        })
        .collect();
    out.create_defn_fields(&fields).map_err(failed)?;
    // Drivers may shorten names (Shapefile: ten characters): fields are set by position.
    for feature in &layer.features {
        let Some(geometry) = output_geometry(feature, epsg, options.transform, clip.as_ref(), ty)? else {
            continue;
        };
        let mut record = Feature::new(out.defn()).map_err(failed)?;
        let properties = feature.properties();
        for (index, property) in wanted.iter().enumerate() {
            let result = match properties.get(&property.name) {
                None | Some(Value::Null) => record.set_field_null(index),
                Some(Value::Number(n)) if property.kind == ValueKind::Integer && !property.repeated => {
                    record.set_field_integer64(index, n.as_i64().unwrap_or_default())
                }
                Some(Value::Number(n)) if !property.repeated => {
                    record.set_field_double(index, n.as_f64().unwrap_or(f64::NAN))
                }
                Some(Value::String(text)) => record.set_field_string(index, text),
                Some(other) => record.set_field_string(index, &other.to_string()),
            };
            result.map_err(failed)?;
        }
        if let Some(geometry) = geometry {
            record.set_geometry(geometry).map_err(failed)?;
        }
        record.create(&out).map_err(|err| ExportError::Gdal {
            what: format!("{} feature {}", layer.name, feature.fid),
            detail: err.to_string(),
        })?;
    }
    Ok(())
}

/// The feature's geometry as written: `Some(None)` for a feature without one, `None` for a
/// feature outside the clip area (left out).
fn output_geometry(
    feature: &StoredFeature,
    epsg: Option<u32>,
    transform: Transform,
    clip: Option<&gdal::vector::Geometry>,
    layer_type: OGRwkbGeometryType::Type,
) -> Result<Option<Option<gdal::vector::Geometry>>, ExportError> {
    let Some((geometry, has_z, _)) = feature.geometry_in(epsg, false, transform) else {
        return Ok(Some(None));
    };
    let wkb = write_wkb(&geometry.linearized(), has_z);
    let geometry = gdal::vector::Geometry::from_wkb(&wkb).map_err(|err| ExportError::Gdal {
        what: format!("feature {}", feature.fid),
        detail: err.to_string(),
    })?;
    let Some(area) = clip else {
        return Ok(Some(Some(geometry)));
    };
    if area.contains(&geometry) {
        return Ok(Some(Some(to_multi(geometry, layer_type))));
    }
    if !area.intersects(&geometry) {
        return Ok(None);
    }
    let cut = geometry.intersection(area).filter(|cut| !cut.is_empty());
    Ok(cut.and_then(|cut| same_dimension(cut, layer_type)).map(Some))
}

/// The clip polygons, moved from CRS:84 into EPSG `epsg`, as one GDAL multipolygon.
fn clip_area(
    polygons: &[Vec<Vec<[f64; 2]>>],
    epsg: u32,
    transform: Transform,
) -> Result<gdal::vector::Geometry, ExportError> {
    let mut wkt = String::from("MULTIPOLYGON(");
    for (p, polygon) in polygons.iter().enumerate() {
        wkt += if p > 0 { ",(" } else { "(" };
        for (r, ring) in polygon.iter().enumerate() {
            let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = ring.iter().map(|[x, y]| (*x, *y)).unzip();
            if !transform(4326, epsg, &mut xs, &mut ys) {
                return Err(ExportError::Area(epsg));
            }
            wkt += if r > 0 { ",(" } else { "(" };
            let points: Vec<String> = xs.iter().zip(&ys).map(|(x, y)| format!("{x} {y}")).collect();
            wkt += &points.join(",");
            wkt += ")";
        }
        wkt += ")";
    }
    wkt += ")";
    let area = gdal::vector::Geometry::from_wkt(&wkt).map_err(|err| ExportError::Gdal {
        what: "the clip area".into(),
        detail: err.to_string(),
    })?;
    // A boundary that crosses itself would make every cut fail: mend it (buffer 0).
    Ok(if area.is_valid() {
        area
    } else {
        area.buffer(0.0, 8).unwrap_or(area)
    })
}

/// The parts of a cut whose dimension is the layer's (a polygon cut along an edge may also give
/// a line), as the layer's multi type.
fn same_dimension(
    cut: gdal::vector::Geometry,
    layer_type: OGRwkbGeometryType::Type,
) -> Option<gdal::vector::Geometry> {
    let wanted = dimension(layer_type);
    let flat = gdal::vector::geometry_type_flatten(cut.geometry_type());
    if flat == OGRwkbGeometryType::wkbGeometryCollection {
        let mut kept = gdal::vector::Geometry::empty(layer_type).ok()?;
        for index in 0..cut.geometry_count() {
            let part = cut.get_geometry(index).clone();
            if dimension(part.geometry_type()) == wanted {
                let multi = to_multi(part, layer_type);
                for inner in 0..multi.geometry_count() {
                    kept.add_geometry(multi.get_geometry(inner).clone()).ok()?;
                }
            }
        }
        return (kept.geometry_count() > 0).then_some(kept);
    }
    (wanted.is_none() || dimension(flat) == wanted).then(|| to_multi(cut, layer_type))
}

/// 0 for points, 1 for lines, 2 for polygons.
fn dimension(ty: OGRwkbGeometryType::Type) -> Option<u8> {
    use OGRwkbGeometryType as T;
    match gdal::vector::geometry_type_flatten(ty) {
        T::wkbPoint | T::wkbMultiPoint => Some(0),
        T::wkbLineString | T::wkbMultiLineString => Some(1),
        T::wkbPolygon | T::wkbMultiPolygon => Some(2),
        _ => None,
    }
}

/// A single geometry wrapped in the layer's multi type when the layer is one.
fn to_multi(
    geometry: gdal::vector::Geometry,
    layer_type: OGRwkbGeometryType::Type,
) -> gdal::vector::Geometry {
    use OGRwkbGeometryType as T;
    let multi = gdal::vector::geometry_type_flatten(layer_type);
    let single = gdal::vector::geometry_type_flatten(geometry.geometry_type());
    let wraps = matches!(
        (multi, single),
        (T::wkbMultiPolygon, T::wkbPolygon)
            | (T::wkbMultiLineString, T::wkbLineString)
            | (T::wkbMultiPoint, T::wkbPoint)
    );
    if !wraps {
        return geometry;
    }
    match gdal::vector::Geometry::empty(layer_type) {
        Ok(mut wrapper) => match wrapper.add_geometry(geometry.clone()) {
            Ok(()) => wrapper,
            Err(_) => geometry,
        },
        Err(_) => geometry,
    }
}

/// The layer's geometry type: multi lines and polygons when cut (a cut may split one).
fn geometry_type(kind: Option<GeometryKind>, has_z: bool, cut: bool) -> OGRwkbGeometryType::Type {
    use OGRwkbGeometryType::*;
    let flat = match kind {
        Some(GeometryKind::Point) => wkbPoint,
        Some(GeometryKind::Line) if cut => wkbMultiLineString,
        Some(GeometryKind::Line) => wkbLineString,
        Some(GeometryKind::Polygon) if cut => wkbMultiPolygon,
        Some(GeometryKind::Polygon) => wkbPolygon,
        Some(GeometryKind::MultiPoint) => wkbMultiPoint,
        Some(GeometryKind::MultiLine) => wkbMultiLineString,
        Some(GeometryKind::MultiPolygon) => wkbMultiPolygon,
        None => return wkbUnknown,
    };
    if has_z {
        gdal::vector::geometry_type_set_z(flat)
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_by_their_usual_names() {
        assert_eq!(ExportFormat::parse("GPKG"), Some(ExportFormat::Geopackage));
        assert_eq!(
            ExportFormat::parse("application/geo+json"),
            Some(ExportFormat::Geojson)
        );
        assert_eq!(ExportFormat::parse("shp"), Some(ExportFormat::Shapefile));
        assert_eq!(ExportFormat::parse("gml"), Some(ExportFormat::Gml));
        assert_eq!(ExportFormat::parse("kml"), None);
    }

    #[test]
    fn times_are_written_the_way_geopackage_stores_them() {
        assert_eq!(gpkg_time("2024-06-01T10:20:30Z"), "2024-06-01T10:20:30.000Z");
        assert_eq!(gpkg_time("2024-06-01 10:20:30"), "2024-06-01T10:20:30.000Z");
    }

    #[test]
    fn cuts_keep_only_the_layers_dimension_as_its_multi_type() {
        let polygon_layer = OGRwkbGeometryType::wkbMultiPolygon;
        let cut = gdal::vector::Geometry::from_wkt(
            "GEOMETRYCOLLECTION(POLYGON((0 0,1 0,1 1,0 0)),LINESTRING(2 2,3 3))",
        )
        .unwrap();
        let kept = same_dimension(cut, polygon_layer).unwrap();
        assert_eq!(kept.wkt().unwrap(), "MULTIPOLYGON (((0 0,1 0,1 1,0 0)))");
        let line = gdal::vector::Geometry::from_wkt("LINESTRING(2 2,3 3)").unwrap();
        assert!(same_dimension(line, polygon_layer).is_none());
    }
}
