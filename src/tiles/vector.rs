//! Vector tiles (Mapbox Vector Tiles) of a collection (one MVT layer, named by its class) or of
//! a vector deliverable (one MVT layer per class, in the standard's drawing order), in any tile
//! matrix set, made on the blocking pool.

use std::sync::Arc;

use crate::raster::crs::transform_points;
use crate::vector::mvt::{self, TileBox};
use crate::vector::render::collections_named;
use crate::vector::{Collection, Deadline, Vectors};
use crate::workers::Workers;

use super::TileMatrixSet;

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
    tiles: moka::future::Cache<MvtKey, bytes::Bytes>,
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
    /// A cache of at most `bytes`.
    pub fn new(bytes: u64) -> MvtCache {
        MvtCache {
            tiles: moka::future::Cache::builder()
                .weigher(|_: &MvtKey, tile: &bytes::Bytes| u32::try_from(tile.len()).unwrap_or(u32::MAX))
                .max_capacity(bytes)
                .build(),
        }
    }

    /// Forgets every tile (a deliverable changed).
    pub fn clear(&self) {
        self.tiles.invalidate_all();
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
        let workers = workers.clone();
        self.tiles
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
