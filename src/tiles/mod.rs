//! Tiles: tile matrix sets, the tile cache, and the one tile service that WMTS, TMS, XYZ and
//! OGC API Tiles share. A tile is rendered from the layer's mosaic on first request, kept in
//! memory and on disk, and dropped when a rescan changes the dalles under it.

pub mod area;
mod cache;
mod key;
pub mod matrix_sets;
pub mod seed;
pub mod size;
mod store;
pub mod vector;

use std::sync::Arc;

use bytes::Bytes;

pub use cache::{CacheStats, TileCache, TileError};
pub use key::{Tile, TileKey};
pub use matrix_sets::{TileMatrix, TileMatrixSet, TileRange};
pub use store::{DiskStore, Doomed, MemoryStore, S3Store, StoreStats, TileStore};
pub use vector::{vector_maps, vector_sets, VectorMap};

use crate::config::Config;
pub use crate::config::EmptyTiles;
use crate::raster::{
    self, DecodePolicy, EncodeOptions, Format, Mosaic, MosaicChange, Mosaics, RenderRequest, Resampling,
};
use crate::vector::render::{self as vector_render, Canvas, MapView};
use crate::vector::style::StyleBook;
use crate::vector::{Deadline, VectorChange, Vectors};
use crate::workers::Workers;

/// A tile asked for.
#[derive(Debug, Clone)]
pub struct TileRequest {
    /// Layer name.
    pub layer: String,
    /// Tile matrix set identifier.
    pub tms: String,
    /// Level.
    pub z: u32,
    /// Row from the top.
    pub row: u32,
    /// Column from the left.
    pub col: u32,
    /// Encoding.
    pub format: Format,
}

/// Why a tile request fails.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TileRequestError {
    /// No such layer.
    #[error("layer {0} is not defined")]
    UnknownLayer(String),
    /// The set is not offered for the layer.
    #[error("tile matrix set {0} is not offered for this layer")]
    UnknownSet(String),
    /// The level is not in the set.
    #[error("level {z} is not in {tms}, which has levels 0 to {max}")]
    LevelOutOfRange {
        /// The set.
        tms: String,
        /// The level asked for.
        z: u32,
        /// Its finest level for the layer.
        max: u32,
    },
    /// Row or column outside the level's matrix.
    #[error("tile row {row}, column {col} is outside level {z}, which has {rows} rows and {cols} columns")]
    TileOutOfRange {
        /// Level.
        z: u32,
        /// Row asked for.
        row: u32,
        /// Column asked for.
        col: u32,
        /// Rows of the level.
        rows: u32,
        /// Columns of the level.
        cols: u32,
    },
    /// Rendering failed (a storage or decoding fault): worth retrying.
    #[error("the tile could not be drawn: {0}")]
    Render(String),
}

/// A tile, or nothing to draw there.
#[derive(Debug, Clone)]
pub enum TileAnswer {
    /// Encoded tile.
    Tile(Arc<Tile>),
    /// Outside the coverage, or coarser than the layer is drawn.
    Empty,
}

struct Inner {
    cache: TileCache,
    layer_settings: std::collections::BTreeMap<String, crate::config::LayerCacheConfig>,
    seeds: seed::SeedJobs,
    mosaics: Mosaics,
    workers: Workers,
    empty: EmptyTiles,
    /// Vector collections and their styles, for map tiles of vector layers.
    vectors: std::sync::OnceLock<(Vectors, Arc<StyleBook>)>,
    /// Vector tiles made (MVT).
    mvt: vector::MvtCache,
}

/// The tile service; cheap to clone.
#[derive(Clone)]
pub struct Tiles {
    inner: Arc<Inner>,
}

impl Tiles {
    /// The service over `mosaics`, with the cache `config` describes.
    pub fn new(config: &Config, mosaics: Mosaics, workers: Workers) -> Tiles {
        let cache_config = &config.cache;
        let disk = (cache_config.tile_disk_size.0 > 0).then(|| {
            let dir = if cache_config.tile_dir.as_os_str().is_empty() {
                config.data.dir.join("tiles")
            } else {
                cache_config.tile_dir.clone()
            };
            (dir, cache_config.tile_disk_size.0)
        });
        let mut cache = TileCache::new(cache_config.tile_memory_size.0, disk);
        if cache_config.s3.enabled() {
            // The settings were checked when the configuration was loaded.
            match S3Store::new(&cache_config.s3) {
                Ok(tier) => cache = cache.with_tier(Arc::new(tier)),
                Err(err) => tracing::error!(error = %err, "no bucket tier"),
            }
        }
        Tiles {
            inner: Arc::new(Inner {
                cache,
                seeds: seed::SeedJobs::default(),
                layer_settings: cache_config.layers.clone(),
                mosaics,
                workers,
                empty: cache_config.empty_tiles,
                vectors: std::sync::OnceLock::new(),
                // A twentieth of the memory tier: vector tiles are small and quick to make again.
                mvt: vector::MvtCache::new(cache_config.vector_tile_memory_size.0),
            }),
        }
    }

    /// Serves map tiles of vector layers too: each collection, each vector deliverable, drawn
    /// with the default styles (set once, at start-up).
    pub fn attach_vectors(&self, vectors: Vectors, styles: Arc<StyleBook>) {
        let _ = self.inner.vectors.set((vectors, styles));
    }

    /// Vector tiles (MVT), kept in memory until an import changes a deliverable.
    pub fn mvt(&self) -> &vector::MvtCache {
        &self.inner.mvt
    }

    /// A vector tile of the map `layer`: kept in memory, or made on each request where
    /// `cache.layers` says the layer's tiles at that level are not kept.
    pub async fn mvt_tile(
        &self,
        layer: &str,
        workers: &Workers,
        request: vector::VectorTileRequest,
        deadline: crate::vector::Deadline,
    ) -> Result<bytes::Bytes, vector::VectorTileError> {
        if self.caches(layer, request.z) {
            self.inner.mvt.tile(workers, request, deadline).await
        } else {
            let (bytes, _) = vector::vector_tile(workers, request, deadline).await?;
            Ok(bytes::Bytes::from(bytes))
        }
    }

    /// Whether tiles of `layer` at level `z` are kept in the cache (`cache.layers`).
    pub fn caches(&self, layer: &str, z: u32) -> bool {
        self.inner
            .layer_settings
            .get(layer)
            .is_none_or(|settings| settings.caches(z))
    }

    /// The cache.
    pub fn cache(&self) -> &TileCache {
        &self.inner.cache
    }

    /// Seeding runs started through the API.
    pub fn seeds(&self) -> &seed::SeedJobs {
        &self.inner.seeds
    }

    /// What empty tiles get.
    pub fn empty_tiles(&self) -> EmptyTiles {
        self.inner.empty
    }

    /// The mosaics behind the tiles.
    pub fn mosaics(&self) -> &Mosaics {
        &self.inner.mosaics
    }

    /// The sets a layer is offered in: the web sets, IGN's Lambert-93 grid, and the native
    /// 5 cm grid of each CRS its dalles use.
    pub fn sets_for(mosaic: &Mosaic) -> Vec<&'static TileMatrixSet> {
        let mut sets: Vec<&'static TileMatrixSet> = ["WebMercatorQuad", "WorldCRS84Quad", "LAMB93"]
            .iter()
            .filter_map(|id| matrix_sets::get(id))
            .collect();
        for group in &mosaic.groups {
            if let Some(native) = matrix_sets::native_for(group.epsg) {
                if !sets.iter().any(|s| s.id == native.id) {
                    sets.push(native);
                }
            }
        }
        sets
    }

    /// The set named `id` (any case) if the layer is offered in it; no list is built, as this
    /// runs for every tile request.
    pub fn set_for(mosaic: &Mosaic, id: &str) -> Option<&'static TileMatrixSet> {
        let set = matrix_sets::get(id)?;
        let offered = ["WebMercatorQuad", "WorldCRS84Quad", "LAMB93"].contains(&set.id.as_str())
            || mosaic
                .groups
                .iter()
                .any(|group| matrix_sets::native_for(group.epsg).is_some_and(|native| native.id == set.id));
        offered.then_some(set)
    }

    /// The layer's extent and finest useful level in `set`.
    pub fn layer_in_set(mosaic: &Mosaic, set: &TileMatrixSet) -> Option<LayerInSet> {
        let extent = mosaic.extent_in(set.crs.epsg)?;
        let native = mosaic.extent_in(mosaic.native_epsg())?;
        // Units of the set per unit of the native CRS, around the layer.
        let ratio = (extent[2] - extent[0]) / (native[2] - native[0]).max(f64::EPSILON);
        let finest = set.level_for(mosaic.resolution() * ratio);
        let coarsest_drawn = set.level_for(mosaic.coarsest_useful_resolution() * ratio * 2.0);
        Some(LayerInSet {
            extent,
            max_level: finest,
            min_drawn_level: coarsest_drawn.min(finest),
        })
    }

    /// The tile, from the cache or drawn now. Tiles come in batches (a map view asks for a
    /// screenful of neighbours, seeding for a whole area), so blocks are decoded whole and kept
    /// ([`DecodePolicy::WholeBlocks`]): the next tiles read them.
    pub async fn tile(&self, request: &TileRequest) -> Result<TileAnswer, TileRequestError> {
        self.tile_decoded(request, DecodePolicy::WholeBlocks).await
    }

    /// A tile asked alone (the cache-size calculator's scattered samples): a cold JPEG 2000
    /// block it wants little of is read as a window ([`DecodePolicy::Adaptive`]).
    pub async fn lone_tile(&self, request: &TileRequest) -> Result<TileAnswer, TileRequestError> {
        self.tile_decoded(request, DecodePolicy::Adaptive).await
    }

    async fn tile_decoded(
        &self,
        request: &TileRequest,
        policy: DecodePolicy,
    ) -> Result<TileAnswer, TileRequestError> {
        let Some(mosaic) = self.inner.mosaics.get(&request.layer) else {
            return self.vector_map_tile(request).await;
        };
        let set = Self::set_for(&mosaic, &request.tms)
            .ok_or_else(|| TileRequestError::UnknownSet(request.tms.clone()))?;
        let layer =
            Self::layer_in_set(&mosaic, set).ok_or_else(|| TileRequestError::UnknownSet(set.id.clone()))?;
        let matrix = checked_matrix(set, request, layer.max_level)?;
        let inside = matrix
            .tiles_over(layer.extent)
            .is_some_and(|range| range.contains(request.row, request.col));
        if !inside || request.z < layer.min_drawn_level {
            return Ok(TileAnswer::Empty);
        }
        let key = TileKey::of(mosaic.name.as_str(), set, request);
        let render = RenderRequest {
            mosaics: vec![mosaic.clone()],
            crs: set.crs,
            bbox: matrix.tile_bbox(request.row, request.col),
            width: matrix.tile_width,
            height: matrix.tile_height,
            resampling: Resampling::Bilinear,
        };
        let workers = self.inner.workers.clone();
        let format = request.format;
        let drawing = || async move {
            workers
                .run(move || raster::with_policy(policy, || draw(&render, format)))
                .await
                .map_err(|err| TileError(err.to_string()))?
        };
        self.cached_or_drawn(&key, drawing).await
    }

    /// The tile from the cache, or drawn (and kept, unless `cache.layers` says otherwise).
    async fn cached_or_drawn<F, Fut>(&self, key: &TileKey, drawing: F) -> Result<TileAnswer, TileRequestError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Bytes, TileError>>,
    {
        if !self.caches(&key.layer, key.z) {
            let bytes = drawing().await.map_err(|err| TileRequestError::Render(err.0))?;
            return Ok(TileAnswer::Tile(Arc::new(Tile::new(bytes))));
        }
        self.inner
            .cache
            .get_or_render(key, drawing)
            .await
            .map(TileAnswer::Tile)
            .map_err(|err| TileRequestError::Render(err.0))
    }

    /// An empty tile's bytes in `format` (transparent, or white for JPEG), made once.
    pub fn blank(&self, format: Format) -> Bytes {
        use std::sync::OnceLock;
        static BLANKS: OnceLock<[Bytes; 4]> = OnceLock::new();
        let blanks = BLANKS.get_or_init(|| {
            [Format::Png, Format::Jpeg, Format::Webp, Format::JpegPng].map(|format| {
                let image = raster::Image::transparent(256, 256);
                Bytes::from(raster::encode(&image, &encoding(format)).unwrap_or_default())
            })
        });
        blanks[match format {
            Format::Png => 0,
            Format::Jpeg => 1,
            Format::Webp => 2,
            Format::JpegPng => 3,
        }]
        .clone()
    }

    /// Drops cached tiles over the dalles each rebuilt mosaic changed (call once at start-up).
    pub fn follow(&self) {
        let mut changes = self.inner.mosaics.subscribe();
        let tiles = self.clone();
        tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(change) => {
                        let removed = tiles.invalidate(&change).await;
                        tracing::info!(layer = %change.layer, scan = change.scan_id, removed, "tiles over changed dalles dropped");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                        // Changes were missed: which tiles they concerned is unknown.
                        tracing::warn!(missed, "mosaic changes missed: the whole tile cache is dropped");
                        tiles.inner.cache.clear_everything().await;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }

    /// Drops the tiles of `change.layer` over its changed dalles (old and new footprints), at
    /// every level of every set, in both tiers; returns the files deleted.
    pub async fn invalidate(&self, change: &MosaicChange) -> u64 {
        if change.whole_layer {
            return self.inner.cache.clear_layer(&change.layer).await;
        }
        let mut boxes_wgs84: Vec<[f64; 4]> = Vec::new();
        for file in change.changed.iter() {
            boxes_wgs84.extend(file.bbox_wgs84);
            if let Some(previous) = file.previous_footprint.as_deref().and_then(wkt_bbox) {
                boxes_wgs84.push(previous);
            }
        }
        // Resampling reaches a pixel or two past a dalle's edge.
        self.invalidate_boxes(&change.layer, &boxes_wgs84, 2.0).await
    }

    /// Drops the tiles of `layer` over CRS:84 boxes grown by `margin_pixels` at each level, at
    /// every level of every set, in every tier.
    async fn invalidate_boxes(&self, layer: &str, boxes_wgs84: &[[f64; 4]], margin_pixels: f64) -> u64 {
        let mut boxes: Vec<(String, [f64; 4])> = Vec::new();
        for set in matrix_sets::all().values() {
            for bbox in boxes_wgs84 {
                if let Some(projected) = raster::crs::transform_bbox(4326, set.crs.epsg, *bbox) {
                    boxes.push((set.id.clone(), projected));
                }
            }
        }
        let boxes = Arc::new(boxes);
        self.inner
            .cache
            .invalidate(layer, move |tms_id, z, row, col| {
                boxes.iter().filter(|(id, _)| id == tms_id).any(|(id, bbox)| {
                    let Some(matrix) = matrix_sets::get(id).and_then(|set| set.matrix(z)) else {
                        return false;
                    };
                    let margin = margin_pixels * matrix.cell_size;
                    let grown = [
                        bbox[0] - margin,
                        bbox[1] - margin,
                        bbox[2] + margin,
                        bbox[3] + margin,
                    ];
                    matrix
                        .tiles_over(grown)
                        .is_some_and(|range| range.contains(row, col))
                })
            })
            .await
    }

    /// Drops the map tiles over what each vector import changed (call once at start-up, after
    /// [`Tiles::attach_vectors`]).
    pub fn follow_vectors(&self) {
        let Some((vectors, _)) = self.inner.vectors.get() else {
            return;
        };
        let mut changes = vectors.subscribe();
        let tiles = self.clone();
        tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(change) => {
                        let removed = tiles.invalidate_vector(&change).await;
                        tracing::info!(
                            livrable = change.livrable_id,
                            boxes = change.boxes84.len(),
                            removed,
                            "tiles over changed features dropped"
                        );
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        // Which features changed is unknown: every vector layer's tiles go.
                        if let Some((vectors, _)) = tiles.inner.vectors.get() {
                            for group in vector_render::groups(vectors) {
                                tiles.inner.cache.clear_layer(&group.slug).await;
                                for collection in group.collections {
                                    tiles.inner.cache.clear_layer(&collection.id).await;
                                }
                            }
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        });
    }

    /// Drops every cached tile of the vector layers drawing one of `classes` (their default style
    /// changed): the collections of those classes and the deliverables holding them.
    pub async fn drop_vector_classes(&self, classes: &[String]) -> u64 {
        let Some((vectors, _)) = self.inner.vectors.get() else {
            return 0;
        };
        let mut removed = 0;
        for group in vector_render::groups(vectors) {
            let touched: Vec<_> = group
                .collections
                .iter()
                .filter(|c| classes.contains(&c.class))
                .collect();
            if touched.is_empty() {
                continue;
            }
            removed += self.inner.cache.clear_layer(&group.slug).await;
            for collection in touched {
                removed += self.inner.cache.clear_layer(&collection.id).await;
            }
        }
        removed
    }

    /// Drops every cached tile of a vector deliverable's layers (the style it names changed).
    pub async fn drop_vector_livrable(&self, livrable_id: i64) -> u64 {
        let Some((vectors, _)) = self.inner.vectors.get() else {
            return 0;
        };
        let mut removed = 0;
        for group in vector_render::groups(vectors) {
            if !group.collections.iter().any(|c| c.livrable_id == livrable_id) {
                continue;
            }
            removed += self.inner.cache.clear_layer(&group.slug).await;
            for collection in &group.collections {
                removed += self.inner.cache.clear_layer(&collection.id).await;
            }
        }
        removed
    }

    /// Drops the tiles of every layer a vector change feeds, over its boxes.
    pub async fn invalidate_vector(&self, change: &VectorChange) -> u64 {
        self.inner.mvt.clear();
        let mut removed = 0;
        if change.boxes84.is_empty() {
            // Invalidating bumps the cache's generation: tiles being drawn would not be kept.
            return 0;
        }
        for layer in &change.layers {
            // Symbols and labels reach as far as the drawing's buffer past a feature.
            removed += self.invalidate_boxes(layer, &change.boxes84, 64.0).await;
        }
        removed
    }

    /// A map tile of a vector layer (a collection, or a vector deliverable's classes), drawn
    /// with the default styles and kept in the cache like any tile.
    async fn vector_map_tile(&self, request: &TileRequest) -> Result<TileAnswer, TileRequestError> {
        let unknown = || TileRequestError::UnknownLayer(request.layer.clone());
        let (vectors, styles) = self.inner.vectors.get().ok_or_else(unknown)?;
        let layers =
            vector_render::default_layers(vectors, &styles.current(), &request.layer).ok_or_else(unknown)?;
        let set = matrix_sets::get(&request.tms)
            .filter(|set| vector_sets(&layers).iter().any(|offered| offered.id == set.id))
            .ok_or_else(|| TileRequestError::UnknownSet(request.tms.clone()))?;
        let matrix = checked_matrix(set, request, set.matrices.len().saturating_sub(1) as u32)?;
        let view = MapView {
            epsg: set.crs.epsg,
            bbox: matrix.tile_bbox(request.row, request.col),
            width: matrix.tile_width,
            height: matrix.tile_height,
            metres_per_unit: if set.crs.is_geographic() { 111_319.49 } else { 1.0 },
        };
        // Outside the features, or at a scale no rule draws: nothing to draw.
        let extent = layers
            .iter()
            .filter_map(|layer| layer.collection.extent84)
            .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
            .and_then(|extent| raster::crs::transform_bbox(4326, set.crs.epsg, extent));
        let inside = extent.is_some_and(|extent| {
            let margin = 64.0 * matrix.cell_size;
            let grown = [
                extent[0] - margin,
                extent[1] - margin,
                extent[2] + margin,
                extent[3] + margin,
            ];
            matrix
                .tiles_over(grown)
                .is_some_and(|range| range.contains(request.row, request.col))
        });
        if !inside || !vector_render::draws_at(&layers, view.scale_denominator()) {
            return Ok(TileAnswer::Empty);
        }
        let key = TileKey::of(request.layer.as_str(), set, request);
        let workers = self.inner.workers.clone();
        let format = request.format;
        let drawing = || async move {
            workers
                .run(move || -> Result<Bytes, TileError> {
                    let mut canvas =
                        Canvas::new(view.width, view.height).map_err(|err| TileError(err.to_string()))?;
                    // Tiles are drawn ahead of any request's time budget; a minute bounds a runaway.
                    let deadline = Deadline::after(std::time::Duration::from_secs(60));
                    vector_render::draw(
                        &mut canvas,
                        &view,
                        &layers,
                        raster::crs::transform_points,
                        &deadline,
                    )
                    .map_err(|err| TileError(err.to_string()))?;
                    let image = raster::Image {
                        width: view.width,
                        height: view.height,
                        rgba: canvas.into_rgba(),
                    };
                    raster::encode(&image, &encoding(format))
                        .map(Bytes::from)
                        .map_err(|err| TileError(err.to_string()))
                })
                .await
                .map_err(|err| TileError(err.to_string()))?
        };
        self.cached_or_drawn(&key, drawing).await
    }
}

/// Level `request.z` of `set` if it exists and is at most `max_level`, and the request's row
/// and column are inside it.
fn checked_matrix<'s>(
    set: &'s TileMatrixSet,
    request: &TileRequest,
    max_level: u32,
) -> Result<&'s TileMatrix, TileRequestError> {
    let matrix = set
        .matrix(request.z)
        .filter(|_| request.z <= max_level)
        .ok_or_else(|| TileRequestError::LevelOutOfRange {
            tms: set.id.clone(),
            z: request.z,
            max: max_level,
        })?;
    if request.row >= matrix.matrix_height || request.col >= matrix.matrix_width {
        return Err(TileRequestError::TileOutOfRange {
            z: request.z,
            row: request.row,
            col: request.col,
            rows: matrix.matrix_height,
            cols: matrix.matrix_width,
        });
    }
    Ok(matrix)
}

impl TileKey {
    /// The key of `request`'s tile of `layer` in `set`.
    fn of(layer: &str, set: &TileMatrixSet, request: &TileRequest) -> TileKey {
        TileKey {
            layer: Arc::from(layer),
            tms: Arc::from(set.id.as_str()),
            z: request.z,
            row: request.row,
            col: request.col,
            format: request.format,
        }
    }
}

/// A layer seen through one tile matrix set.
#[derive(Debug, Clone, Copy)]
pub struct LayerInSet {
    /// Extent in the set's CRS.
    pub extent: [f64; 4],
    /// Finest level worth serving (pixels at least as fine as the dalles').
    pub max_level: u32,
    /// Coarser levels answer empty tiles: drawing them would read every dalle.
    pub min_drawn_level: u32,
}

fn encoding(format: Format) -> EncodeOptions {
    EncodeOptions {
        format,
        transparent: format.has_alpha(),
        background: [255, 255, 255],
        jpeg_quality: 85,
    }
}

/// Renders and encodes one tile (on a worker).
fn draw(render: &RenderRequest, format: Format) -> Result<Bytes, TileError> {
    let image = raster::render(render).map_err(|err| TileError(err.to_string()))?;
    raster::encode(&image, &encoding(format))
        .map(Bytes::from)
        .map_err(|err| TileError(err.to_string()))
}

/// The bounding box of a WKT polygon's coordinates (x y pairs).
fn wkt_bbox(wkt: &str) -> Option<[f64; 4]> {
    let numbers: Vec<f64> = wkt
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' || c == 'E'))
        .filter_map(|token| token.parse().ok())
        .collect();
    if numbers.len() < 4 || numbers.len() % 2 != 0 {
        return None;
    }
    let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for pair in numbers.chunks_exact(2) {
        bbox = [
            bbox[0].min(pair[0]),
            bbox[1].min(pair[1]),
            bbox[2].max(pair[0]),
            bbox[3].max(pair[1]),
        ];
    }
    Some(bbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_boxes() {
        assert_eq!(
            wkt_bbox("POLYGON((4.8 45.7,4.9 45.7,4.9 45.8,4.8 45.8,4.8 45.7))"),
            Some([4.8, 45.7, 4.9, 45.8])
        );
        assert_eq!(wkt_bbox("POLYGON EMPTY"), None);
    }
}
