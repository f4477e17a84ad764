//! GetFeature as a zipped Shapefile: one layer per feature type, written by the vector module's
//! GDAL export (whose Shapefile driver zips a `.shp.zip` itself) in a temporary folder, read
//! back whole. Fields are typed as the collection's properties are; geometries are linearised
//! (a Shapefile has no arcs) and in the CRS asked for.

use crate::raster::crs::transform_points;
use crate::vector::{export, Collection, ExportFormat, ExportLayer, ExportOptions, StoredFeature};

use super::output::{type_name, Shape};

/// One layer to write: the collection and its features.
pub struct Layer<'a> {
    /// The collection.
    pub collection: &'a Collection,
    /// Its features.
    pub features: Vec<&'a StoredFeature>,
}

/// The zip of a Shapefile per layer, in `shape.srs` (each collection's own CRS when `None`).
pub fn zipped(layers: &[Layer], shape: &Shape) -> Result<Vec<u8>, String> {
    let folder = tempfile::tempdir().map_err(|err| format!("temporary folder: {err}"))?;
    let layers: Vec<ExportLayer> = layers
        .iter()
        .map(|layer| ExportLayer {
            name: type_name(layer.collection),
            collection: layer.collection,
            features: layer.features.clone(),
        })
        .collect();
    let now = chrono::Utc::now().to_rfc3339();
    let options = ExportOptions {
        format: ExportFormat::ShapefileZip,
        epsg: shape.srs.map(|srs| srs.epsg),
        properties: shape.properties,
        clip: None,
        transform: transform_points,
        time: &now,
    };
    let files = export(&layers, &options, folder.path(), "features").map_err(|err| err.to_string())?;
    let zip = files.first().ok_or("GDAL wrote no file")?;
    std::fs::read(zip).map_err(|err| format!("reading the zip back: {err}"))
}
