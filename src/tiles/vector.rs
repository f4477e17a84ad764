//! Vector tiles (Mapbox Vector Tiles) of a collection (one MVT layer, named by its class) or of
//! a vector deliverable (one MVT layer per class, in the standard's drawing order), in any tile
//! matrix set, made on the blocking pool.

use std::sync::Arc;

use crate::raster::crs::transform_points;
use crate::vector::mvt::{self, TileBox};
use crate::vector::render::{collections_named, default_layers, draws_at, groups, Layer, PIXEL_METRES};
use crate::vector::style::Styles;
use crate::vector::{Collection, Deadline, Vectors};
use crate::workers::Workers;

use super::{matrix_sets, TileMatrixSet, TileRange};

/// Why a vector tile was not made.
#[derive(Debug, thiserror::Error)]
pub enum VectorTileError {
    /// No such level, row or column in the set.
    #[error("{0}")]
    OutOfRange(String),
    /// Past the request's time budget.
    #[error(transparent)]
    Timeout(#[from] mvt::MvtError),
    /// The blocking pool failed.
    #[error("tile worker failed: {0}")]
    Worker(String),
}

/// A vector map as tile services list it: its name, title and the layers it draws.
pub struct VectorMap {
    /// Layer name: a deliverable's slug or a collection's id.
    pub name: String,
    /// Title.
    pub title: String,
    /// What it draws, with the default styles, bottom first.
    pub layers: Vec<Layer>,
}

impl VectorMap {
    /// The extent of its features in CRS:84 (`None` when it holds none).
    pub fn extent84(&self) -> Option<[f64; 4]> {
        self.layers
            .iter()
            .filter_map(|layer| layer.collection.extent84)
            .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
    }

    /// The levels of `set` where its styles draw something and its extent spans a pixel at
    /// least, or pixels are a metre at most (coarser levels would draw a dot; GDAL 3.6 cannot
    /// open a tileset offering levels where the whole extent is under a pixel), each with the
    /// tiles over its features; empty when the extent does not reach the set's CRS.
    pub fn levels(&self, set: &TileMatrixSet) -> Vec<(u32, TileRange)> {
        let Some(extent84) = self.extent84() else {
            return Vec::new();
        };
        let Some(extent) = crate::raster::crs::transform_bbox(4326, set.crs.epsg, extent84) else {
            return Vec::new();
        };
        let metres_per_unit = if set.crs.is_geographic() { 111_319.49 } else { 1.0 };
        set.matrices
            .iter()
            .enumerate()
            .filter_map(|(z, matrix)| {
                let scale = matrix.cell_size * metres_per_unit / PIXEL_METRES;
                // A point's or a line's extent has no width: levels of metre pixels stay.
                let spans_a_pixel = (extent[2] - extent[0]).min(extent[3] - extent[1]) >= matrix.cell_size
                    || matrix.cell_size * metres_per_unit <= 1.0;
                if !spans_a_pixel || !draws_at(&self.layers, scale) {
                    return None;
                }
                Some((z as u32, matrix.tiles_over(extent)?))
            })
            .collect()
    }
}

/// Every vector deliverable (a group) and every collection, with their default styles; a
/// deliverable whose slug names a raster layer too (a folder holding dalles and GML) is listed
/// by its collections only, the raster layer keeping the name.
pub fn vector_maps(vectors: &Vectors, styles: &Styles, raster_names: &[&str]) -> Vec<VectorMap> {
    let mut maps = Vec::new();
    for group in groups(vectors) {
        let names = std::iter::once((group.slug.clone(), format!("{} — PCRS vecteur", group.slug)))
            .chain(group.collections.iter().map(|c| (c.id.clone(), c.title.clone())));
        for (name, title) in names {
            if raster_names.contains(&name.as_str()) {
                continue;
            }
            if let Some(layers) = default_layers(vectors, styles, &name) {
                maps.push(VectorMap { name, title, layers });
            }
        }
    }
    maps
}

/// The sets vector layers are offered in: the web sets, IGN's Lambert-93 grid, and the 5 cm
/// grid of each collection's CRS.
pub fn vector_sets(layers: &[Layer]) -> Vec<&'static TileMatrixSet> {
    let mut sets: Vec<&'static TileMatrixSet> = ["WebMercatorQuad", "WorldCRS84Quad", "LAMB93"]
        .iter()
        .filter_map(|id| matrix_sets::get(id))
        .collect();
    for layer in layers {
        if let Some(native) = layer.collection.srid.and_then(matrix_sets::native_for) {
            if !sets.iter().any(|s| s.id == native.id) {
                sets.push(native);
            }
        }
    }
    sets
}

/// The MVT layers a name stands for: a collection (its class), or a vector deliverable's slug
/// (each class); `None` when it is neither.
pub fn mvt_layers(vectors: &Vectors, name: &str) -> Option<Vec<(String, Arc<Collection>)>> {
    let collections = collections_named(vectors, name)?;
    Some(collections.into_iter().map(|c| (c.class.clone(), c)).collect())
}

/// One vector tile to make.
pub struct VectorTileRequest {
    /// MVT layer names with their collections.
    pub layers: Vec<(String, Arc<Collection>)>,
    /// Tile matrix set.
    pub set: &'static TileMatrixSet,
    /// Level.
    pub z: u32,
    /// Row.
    pub row: u32,
    /// Column.
    pub col: u32,
    /// Properties kept (all when `None`).
    pub properties: Option<Vec<String>>,
}

/// Vector tiles made, kept in memory until an import changes a deliverable (then all go: a
/// tile is cheap to make again, and an MVT tile of a group holds every class).
pub struct MvtCache {
    /// `None`: nothing is kept (`cache.vector_tile_memory_size` = 0).
    tiles: Option<moka::future::Cache<MvtKey, bytes::Bytes>>,
}

/// What a vector tile is made of: its layers, where, and the properties kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MvtKey {
    /// Collection ids, in order.
    pub layers: Vec<String>,
    /// Tile matrix set.
    pub set: String,
    /// Level, row, column.
    pub tile: (u32, u32, u32),
    /// Properties kept (all when `None`).
    pub properties: Option<Vec<String>>,
}

impl MvtCache {
    /// A cache of at most `bytes` (0: none).
    pub fn new(bytes: u64) -> MvtCache {
        let tiles = (bytes > 0).then(|| {
            moka::future::Cache::builder()
                .weigher(|_: &MvtKey, tile: &bytes::Bytes| u32::try_from(tile.len()).unwrap_or(u32::MAX))
                .max_capacity(bytes)
                .build()
        });
        MvtCache { tiles }
    }

    /// Forgets every tile (a deliverable changed).
    pub fn clear(&self) {
        if let Some(tiles) = &self.tiles {
            tiles.invalidate_all();
        }
    }

    /// The tile, from memory or made now (one making per tile however many ask at once).
    pub async fn tile(
        &self,
        workers: &Workers,
        request: VectorTileRequest,
        deadline: Deadline,
    ) -> Result<bytes::Bytes, VectorTileError> {
        let key = MvtKey {
            layers: request.layers.iter().map(|(_, c)| c.id.clone()).collect(),
            set: request.set.id.clone(),
            tile: (request.z, request.row, request.col),
            properties: request.properties.clone(),
        };
        let Some(tiles) = &self.tiles else {
            let (bytes, _) = vector_tile(workers, request, deadline).await?;
            return Ok(bytes::Bytes::from(bytes));
        };
        let workers = workers.clone();
        tiles
            .try_get_with(key, async move {
                vector_tile(&workers, request, deadline)
                    .await
                    .map(|(bytes, _)| bytes::Bytes::from(bytes))
            })
            .await
            .map_err(|err: Arc<VectorTileError>| match &*err {
                VectorTileError::OutOfRange(message) => VectorTileError::OutOfRange(message.clone()),
                VectorTileError::Timeout(_) => VectorTileError::Timeout(mvt::MvtError::Timeout),
                VectorTileError::Worker(message) => VectorTileError::Worker(message.clone()),
            })
    }
}

/// Makes a tile on the pool: its bytes and what it holds.
pub async fn vector_tile(
    workers: &Workers,
    request: VectorTileRequest,
    deadline: Deadline,
) -> Result<(Vec<u8>, mvt::TileSummary), VectorTileError> {
    let matrix = request.set.matrix(request.z).ok_or_else(|| {
        VectorTileError::OutOfRange(format!(
            "level {} is not in {} (0 to {})",
            request.z,
            request.set.id,
            request.set.matrices.len().saturating_sub(1)
        ))
    })?;
    if request.row >= matrix.matrix_height || request.col >= matrix.matrix_width {
        return Err(VectorTileError::OutOfRange(format!(
            "tile {}/{}/{} is outside {} (rows 0 to {}, columns 0 to {})",
            request.z,
            request.row,
            request.col,
            request.set.id,
            matrix.matrix_height - 1,
            matrix.matrix_width - 1
        )));
    }
    let tile = TileBox {
        epsg: request.set.crs.epsg,
        bbox: matrix.tile_bbox(request.row, request.col),
    };
    workers
        .run(move || {
            mvt::encode_tile(
                &request.layers,
                tile,
                transform_points,
                request.properties.as_deref(),
                &deadline,
            )
        })
        .await
        .map_err(|err| VectorTileError::Worker(err.to_string()))?
        .map_err(VectorTileError::from)
}
