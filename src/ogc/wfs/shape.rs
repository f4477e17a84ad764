//! GetFeature as a zipped Shapefile: one layer per feature type, written by GDAL (whose
//! Shapefile driver zips a `.shp.zip` itself) in a temporary folder, read back whole. Fields
//! are typed as the collection's properties are; geometries are linearised (a Shapefile has
//! no arcs) and in the CRS asked for.

use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::DriverManager;
use serde_json::Value;

use crate::raster::crs::spatial_ref;
use crate::vector::{write_wkb, Collection, GeometryKind, StoredFeature, ValueKind};

use super::output::{geometry_in, type_name, Shape};

/// One layer to write: the collection and its features.
pub struct Layer<'a> {
    /// The collection.
    pub collection: &'a Collection,
    /// Its features.
    pub features: Vec<&'a StoredFeature>,
}

/// The zip of a Shapefile per layer, in `epsg` (each collection's own CRS when `None`).
pub fn zipped(layers: &[Layer], shape: &Shape) -> Result<Vec<u8>, String> {
    let folder = tempfile::tempdir().map_err(|err| format!("temporary folder: {err}"))?;
    let path = folder.path().join("features.shp.zip");
    {
        let driver = DriverManager::get_driver_by_name("ESRI Shapefile").map_err(|err| err.to_string())?;
        let mut dataset = driver.create_vector_only(&path).map_err(|err| err.to_string())?;
        for layer in layers {
            write_layer(&mut dataset, layer, shape)?;
        }
        dataset.flush_cache().map_err(|err| err.to_string())?;
    }
    std::fs::read(&path).map_err(|err| format!("reading the zip back: {err}"))
}

fn write_layer(dataset: &mut gdal::Dataset, layer: &Layer, shape: &Shape) -> Result<(), String> {
    let collection = layer.collection;
    let epsg = shape.srs.map(|srs| srs.epsg).or(collection.srid);
    let srs = epsg.and_then(spatial_ref);
    let name = type_name(collection);
    let options = ["ENCODING=UTF-8"];
    let out = dataset
        .create_layer(LayerOptions {
            name: &name,
            srs: srs.as_ref(),
            ty: geometry_type(collection.kind, collection.has_z),
            options: Some(&options),
        })
        .map_err(|err| format!("layer {name}: {err}"))?;
    let wanted: Vec<_> = collection
        .properties
        .iter()
        .filter(|p| shape.properties.is_none_or(|names| names.contains(&p.name)))
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
    out.create_defn_fields(&fields).map_err(|err| err.to_string())?;
    // The driver shortens names to ten characters: fields are found by position.
    let plain_srs = shape.srs.map(|srs| super::params::SrsName {
        lat_first: false,
        ..srs.clone()
    });
    for feature in &layer.features {
        let mut record = Feature::new(out.defn()).map_err(|err| err.to_string())?;
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
            result.map_err(|err| err.to_string())?;
        }
        if let Some((geometry, has_z, _)) = geometry_in(feature, plain_srs.as_ref()) {
            let wkb = write_wkb(&geometry.linearized(), has_z);
            let geometry = gdal::vector::Geometry::from_wkb(&wkb).map_err(|err| err.to_string())?;
            record.set_geometry(geometry).map_err(|err| err.to_string())?;
        }
        record
            .create(&out)
            .map_err(|err| format!("feature {}: {err}", feature.fid))?;
    }
    Ok(())
}

fn geometry_type(kind: Option<GeometryKind>, has_z: bool) -> OGRwkbGeometryType::Type {
    use OGRwkbGeometryType::*;
    match (kind, has_z) {
        (Some(GeometryKind::Point), false) => wkbPoint,
        (Some(GeometryKind::Point), true) => wkbPoint25D,
        (Some(GeometryKind::Line), false) => wkbLineString,
        (Some(GeometryKind::Line), true) => wkbLineString25D,
        (Some(GeometryKind::Polygon), false) => wkbPolygon,
        (Some(GeometryKind::Polygon), true) => wkbPolygon25D,
        (Some(GeometryKind::MultiPoint), false) => wkbMultiPoint,
        (Some(GeometryKind::MultiPoint), true) => wkbMultiPoint25D,
        (Some(GeometryKind::MultiLine), false) => wkbMultiLineString,
        (Some(GeometryKind::MultiLine), true) => wkbMultiLineString25D,
        (Some(GeometryKind::MultiPolygon), false) => wkbMultiPolygon,
        (Some(GeometryKind::MultiPolygon), true) => wkbMultiPolygon25D,
        (None, _) => wkbUnknown,
    }
}
