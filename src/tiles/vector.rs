//! Vector tiles (Mapbox Vector Tiles) of a collection (one MVT layer, named by its class) or of
//! a vector deliverable (one MVT layer per class, in the standard's drawing order), in any tile
//! matrix set, made on the blocking pool.

use std::sync::Arc;

use crate::raster::crs::transform_points;
use crate::vector::mvt::{self, TileBox};
use crate::vector::render::groups;
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
    if let Some(collection) = vectors.get(name) {
        return Some(vec![(collection.class.clone(), collection)]);
    }
    groups(vectors)
        .into_iter()
        .find(|group| group.slug == name)
        .map(|group| {
            group
                .collections
                .into_iter()
                .map(|c| (c.class.clone(), c))
                .collect()
        })
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
