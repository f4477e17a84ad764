//! Vector files GDAL reads (GeoPackage, Shapefile, GeoJSON…): one class per layer, the
//! feature id `{layer}.{fid}`, attributes typed from the layer's fields (integers and reals as
//! JSON numbers, dates as `YYYY-MM-DD`, lists as arrays), geometries through ISO WKB with
//! their arcs and z.

use std::path::Path;

use gdal::vector::{FieldValue, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use serde_json::{json, Map, Value};

use super::gml::{GmlFeature, Notice};
use super::wkb::read_wkb;
use super::VectorError;

/// Extensions read through GDAL rather than the GML reader.
pub const OGR_EXTENSIONS: &[&str] = &["gpkg", "shp", "geojson", "json", "fgb"];

/// Whether a file is read through GDAL (by its extension).
pub fn is_ogr_file(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| OGR_EXTENSIONS.iter().any(|known| ext.eq_ignore_ascii_case(known)))
}

/// Reads every feature of every layer of `path`, handing each to `emit`; what could not be
/// kept goes to `notices`.
pub fn read_ogr(
    path: &Path,
    default_srid: Option<u32>,
    notices: &mut Vec<Notice>,
    emit: &mut dyn FnMut(GmlFeature) -> Result<(), VectorError>,
) -> Result<(), VectorError> {
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
        ..Default::default()
    };
    let dataset = Dataset::open_ex(path, options).map_err(|err| {
        VectorError::Worker(format!("{}: not a vector file GDAL reads: {err}", path.display()))
    })?;
    for mut layer in dataset.layers() {
        let class = layer.name();
        let srid = layer
            .spatial_ref()
            .and_then(|srs| srs.auth_code().ok())
            .and_then(|code| u32::try_from(code).ok());
        if srid.is_none() {
            notices.push(Notice {
                feature: class.clone(),
                message: match default_srid {
                    Some(code) => {
                        format!("layer without a known EPSG CRS: EPSG:{code} assumed (the deliverable's)")
                    }
                    None => "layer without a known EPSG CRS and none declared".into(),
                },
            });
        }
        let srid = srid.or(default_srid);
        for feature in layer.features() {
            let id = format!("{class}.{}", feature.fid().unwrap_or_default());
            let mut properties = Map::new();
            for (name, value) in feature.fields() {
                properties.insert(name, value.map(json_value).unwrap_or(Value::Null));
            }
            let (geometry, has_z) = match feature.geometry().map(|g| g.wkb()) {
                None => (None, false),
                Some(Ok(bytes)) => match read_wkb(&bytes) {
                    Ok((geometry, z)) => (Some(geometry), z),
                    Err(message) => {
                        notices.push(Notice {
                            feature: id.clone(),
                            message: format!("geometry not kept: {message}"),
                        });
                        (None, false)
                    }
                },
                Some(Err(err)) => {
                    notices.push(Notice {
                        feature: id.clone(),
                        message: format!("geometry not kept: {err}"),
                    });
                    (None, false)
                }
            };
            emit(GmlFeature {
                class: class.clone(),
                id: Some(id),
                properties,
                geometry_property: geometry.as_ref().map(|_| "geometry".to_string()),
                srid: geometry.as_ref().and(srid),
                has_z,
                geometry,
            })?;
        }
    }
    Ok(())
}

fn json_value(value: FieldValue) -> Value {
    match value {
        FieldValue::IntegerValue(v) => json!(v),
        FieldValue::IntegerListValue(v) => json!(v),
        FieldValue::Integer64Value(v) => json!(v),
        FieldValue::Integer64ListValue(v) => json!(v),
        FieldValue::StringValue(v) => json!(v),
        FieldValue::StringListValue(v) => json!(v),
        FieldValue::RealValue(v) if v.is_finite() => json!(v),
        FieldValue::RealValue(_) => Value::Null,
        FieldValue::RealListValue(v) => json!(v),
        FieldValue::DateValue(v) => json!(v.format("%Y-%m-%d").to_string()),
        FieldValue::DateTimeValue(v) => json!(v.to_rfc3339()),
    }
}
