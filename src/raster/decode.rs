//! Decoding dalles: GDAL datasets kept open per worker thread (a handle is not thread-safe),
//! and a cross-request cache of decoded blocks — a JPEG 2000 codestream tile or a TIFF tile
//! at one resolution level — bounded in bytes. Decoding a JPEG 2000 tile costs about 100 ms;
//! serving the many requests that fall in it from memory is what makes the mosaic fast.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, OnceLock};

use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use super::mosaic::{Dalle, Level};

/// Datasets kept open per worker thread.
const OPEN_PER_THREAD: usize = 96;

/// A decoded block, rows from the north: RGB when every pixel is opaque (a quarter less
/// memory for the usual orthophoto, so more of a deliverable stays decoded), else RGBA.
#[derive(Debug)]
pub struct Block {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes per pixel: 3 (RGB, opaque) or 4 (RGBA).
    pub channels: usize,
    /// The pixels.
    pub data: Vec<u8>,
    /// Requests served from this block while cached.
    pub uses: std::sync::atomic::AtomicU32,
}

impl Block {
    /// Pixel `index` (row-major) as RGBA.
    #[inline]
    pub fn pixel(&self, index: usize) -> Option<[u8; 4]> {
        let start = index * self.channels;
        let p = self.data.get(start..start + self.channels)?;
        Some([p[0], p[1], p[2], if self.channels == 4 { p[3] } else { 255 }])
    }

    /// Writes `count` pixels from `index` on as RGBA into `target`.
    #[inline]
    pub fn copy_rgba(&self, index: usize, count: usize, target: &mut [u8]) {
        let source = &self.data[index * self.channels..(index + count) * self.channels];
        if self.channels == 4 {
            target.copy_from_slice(source);
            return;
        }
        for (rgb, rgba) in source.chunks_exact(3).zip(target.chunks_exact_mut(4)) {
            rgba.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        }
    }
}

/// Identifies a decoded block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockKey {
    /// Dalle id.
    pub dalle: i64,
    /// Dalle file version.
    pub version: u64,
    /// Level index (0 = full resolution).
    pub level: u8,
    /// Block column at that level.
    pub column: u32,
    /// Block row at that level.
    pub row: u32,
}

impl BlockKey {
    /// The key of block (`column`, `row`) of `level` of this version of `dalle`.
    pub fn of(dalle: &Dalle, level: u8, column: u32, row: u32) -> Self {
        BlockKey {
            dalle: dalle.id,
            version: dalle.version,
            level,
            column,
            row,
        }
    }
}

/// Why a block could not be decoded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode {path}: {detail}")]
pub struct DecodeError {
    /// The dalle.
    pub path: String,
    /// GDAL's message (or the storage's).
    pub detail: String,
}

/// The process-wide decoded-block cache, and the memory of which blocks were asked for.
pub struct DecodedCache {
    blocks: moka::sync::Cache<BlockKey, Arc<Block>>,
    /// Blocks a window was decoded from, and how many times: a block asked for again is
    /// worth decoding whole and keeping.
    asked: moka::sync::Cache<BlockKey, u32>,
    /// How many asks make a block warm, as the cache's recent evictions say.
    warmth: Arc<Warmth>,
    /// How windows and blocks were decoded, for benchmarks and tests.
    counts: DecodeCounts,
}

/// When whole blocks pay. A block is decoded whole once asked `threshold` times; when blocks
/// are evicted before serving enough requests to repay their decoding (the cache is small for
/// the area being read, as when a user pans over a big deliverable), the threshold doubles, so
/// windows are decoded instead; evictions of blocks that paid halve it, and each minute without
/// a bad eviction halves it too.
struct Warmth {
    threshold: std::sync::atomic::AtomicU32,
    /// Seconds since start of the last bad eviction.
    raised_at: std::sync::atomic::AtomicU64,
}

/// Requests a whole block must serve to repay its decoding (about five 256² windows).
const PAYS_AFTER: u32 = 5;
/// The highest threshold.
const COLDEST: u32 = 64;

impl Warmth {
    fn now() -> u64 {
        static START: OnceLock<std::time::Instant> = OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed().as_secs()
    }

    fn threshold(&self) -> u32 {
        use std::sync::atomic::Ordering::Relaxed;
        let minutes = Self::now().saturating_sub(self.raised_at.load(Relaxed)) / 60;
        (self.threshold.load(Relaxed) >> minutes.min(31)).max(WARM_AFTER)
    }

    /// A block left the cache for room after serving `uses` requests.
    fn evicted(&self, uses: u32) {
        use std::sync::atomic::Ordering::Relaxed;
        let current = self.threshold();
        if uses < PAYS_AFTER {
            self.threshold.store((current * 2).min(COLDEST), Relaxed);
            self.raised_at.store(Self::now(), Relaxed);
        } else {
            self.threshold.store((current / 2).max(WARM_AFTER), Relaxed);
        }
    }
}

/// How many windows and whole blocks were decoded since start.
#[derive(Debug, Default)]
pub struct DecodeCounts {
    /// Windows decoded by OpenJPEG (not kept).
    pub windows: std::sync::atomic::AtomicU64,
    /// Whole blocks decoded (kept in the cache).
    pub blocks: std::sync::atomic::AtomicU64,
}

/// Decoded pixels of a dalle at one level, and where their upper-left pixel lies in that
/// level: a whole cached block, or a window decoded for one request.
pub struct Pixels {
    /// The pixels.
    pub block: Arc<Block>,
    /// Column of their first pixel in the level.
    pub x: u32,
    /// Row of their first pixel in the level.
    pub y: u32,
}

/// How a read chooses between a window and a whole block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodePolicy {
    /// A window when the block is cold and the request covers little of it; whole blocks
    /// when the block was asked for before or most of it is wanted (the serving path).
    Adaptive,
    /// Always whole blocks, kept (seeding, size sampling: their neighbours come next).
    WholeBlocks,
}

thread_local! {
    static POLICY: std::cell::Cell<DecodePolicy> = const { std::cell::Cell::new(DecodePolicy::Adaptive) };
}

/// Runs `work` with `policy` for the reads made on this thread (a worker).
pub fn with_policy<T>(policy: DecodePolicy, work: impl FnOnce() -> T) -> T {
    let previous = POLICY.with(|cell| cell.replace(policy));
    let result = work();
    POLICY.with(|cell| cell.set(previous));
    result
}

/// A block asked for this many times (within `ASKED_FOR` of the last ask) is decoded whole and
/// kept: decoding a 1024² tile costs about five 256² windows, so it pays once a few more
/// requests are likely to fall in it while it stays in the cache.
const WARM_AFTER: u32 = 4;
/// How long an ask is remembered.
const ASKED_FOR: std::time::Duration = std::time::Duration::from_secs(120);
/// A request that wants at least this share of a block gets the whole block.
const MOST_OF_A_BLOCK: f64 = 0.5;
/// Blocks smaller than this (in pixels) are always decoded whole (GeoTIFF tiles, reduced
/// JPEG 2000 tiles): a window would not save enough.
const WINDOW_WORTH: u64 = 512 * 512;

static GLOBAL: OnceLock<DecodedCache> = OnceLock::new();

impl DecodedCache {
    /// Sets the size of the process-wide cache (the first call wins).
    pub fn init_global(capacity: u64) -> &'static DecodedCache {
        GLOBAL.get_or_init(|| DecodedCache::new(capacity))
    }

    /// The process-wide cache (512 MiB unless set).
    pub fn global() -> &'static DecodedCache {
        GLOBAL.get_or_init(|| DecodedCache::new(512 << 20))
    }

    /// A cache of its own holding up to `capacity` bytes (tests and measurements that must
    /// not share blocks with the process's).
    pub fn new(capacity: u64) -> DecodedCache {
        let warmth = Arc::new(Warmth {
            threshold: std::sync::atomic::AtomicU32::new(WARM_AFTER),
            raised_at: std::sync::atomic::AtomicU64::new(0),
        });
        let listener = warmth.clone();
        DecodedCache {
            blocks: moka::sync::Cache::builder()
                .weigher(|_: &BlockKey, block: &Arc<Block>| block.data.len().min(u32::MAX as usize) as u32)
                .max_capacity(capacity.max(1))
                .eviction_listener(move |_, block: Arc<Block>, cause| {
                    if cause == moka::notification::RemovalCause::Size {
                        listener.evicted(block.uses.load(std::sync::atomic::Ordering::Relaxed));
                    }
                })
                .build(),
            warmth,
            asked: moka::sync::Cache::builder()
                .max_capacity(1 << 16)
                .time_to_idle(ASKED_FOR)
                .build(),
            counts: DecodeCounts::default(),
        }
    }

    /// Windows and blocks decoded so far.
    pub fn counts(&self) -> &DecodeCounts {
        &self.counts
    }

    /// The pixels `wanted` (level pixels: x0, y0, x1, y1) of a dalle at `level`, as pieces
    /// that cover them: one window decoded by OpenJPEG across the codestream tiles it meets
    /// when none of them is cached or warm (the cold regime: one decode, one header read), else
    /// block by block as [`DecodedCache::pixels`] says.
    pub fn region(&self, dalle: &Dalle, level: u8, wanted: [u32; 4]) -> Result<Vec<Pixels>, DecodeError> {
        let info = *dalle.levels.get(level as usize).ok_or_else(|| DecodeError {
            path: dalle.path.clone(),
            detail: format!("no level {level}"),
        })?;
        let (bw, bh) = (info.block_width.max(1), info.block_height.max(1));
        let blocks: Vec<(u32, u32, [u32; 4])> = (wanted[1] / bh..=(wanted[3].max(1) - 1) / bh)
            .flat_map(|row| (wanted[0] / bw..=(wanted[2].max(1) - 1) / bw).map(move |column| (column, row)))
            .map(|(column, row)| {
                let part = [
                    wanted[0].max(column * bw),
                    wanted[1].max(row * bh),
                    wanted[2].min((column + 1) * bw),
                    wanted[3].min((row + 1) * bh),
                ];
                (column, row, part)
            })
            .collect();
        if blocks.len() > 1 && self.cold_everywhere(dalle, level, &blocks) {
            if let Ok(block) = decode_window(dalle, level, wanted) {
                self.counts
                    .windows
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(vec![Pixels {
                    block: Arc::new(block),
                    x: wanted[0],
                    y: wanted[1],
                }]);
            }
        }
        blocks
            .into_iter()
            .map(|(column, row, part)| self.pixels(dalle, level, column, row, part))
            .collect()
    }

    /// Whether a window pays for every one of `blocks` (none cached, none warm), noting the
    /// ask of each; when one does not, nothing is noted (the blocks then decide one by one).
    fn cold_everywhere(&self, dalle: &Dalle, level: u8, blocks: &[(u32, u32, [u32; 4])]) -> bool {
        let key = |column: u32, row: u32| BlockKey::of(dalle, level, column, row);
        let cold = blocks.iter().all(|(column, row, part)| {
            let key = key(*column, *row);
            !self.blocks.contains_key(&key)
                && self.window_allowed(dalle, level, *part)
                && !self.in_warm_area(&key)
                && self.asked.get(&key).unwrap_or(0) + 1 < self.warmth.threshold()
        });
        if cold {
            for (column, row, _) in blocks {
                let key = key(*column, *row);
                self.asked.insert(key, self.asked.get(&key).unwrap_or(0) + 1);
            }
        }
        cold
    }

    /// The pixels `wanted` (level pixels: x0, y0, x1, y1, inside block (`column`, `row`) of
    /// `level`) of a dalle: the cached block when there is one; else, by the thread's
    /// [`DecodePolicy`], a window decoded by OpenJPEG for this request only (a JPEG 2000
    /// block that is cold and mostly unwanted) or the whole block, decoded and kept. Both give
    /// the same pixels; a window that OpenJPEG cannot decode falls back to the block.
    pub fn pixels(
        &self,
        dalle: &Dalle,
        level: u8,
        column: u32,
        row: u32,
        wanted: [u32; 4],
    ) -> Result<Pixels, DecodeError> {
        let key = BlockKey::of(dalle, level, column, row);
        let whole = |cache: &DecodedCache| -> Result<Pixels, DecodeError> {
            let block = cache.block(dalle, level, column, row)?;
            let Level {
                block_width,
                block_height,
                ..
            } = dalle.levels[level as usize];
            Ok(Pixels {
                block,
                x: column * block_width,
                y: row * block_height,
            })
        };
        if self.blocks.contains_key(&key) || !self.window_pays(dalle, level, wanted, &key) {
            return whole(self);
        }
        match decode_window(dalle, level, wanted) {
            Ok(block) => {
                self.counts
                    .windows
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(Pixels {
                    block: Arc::new(block),
                    x: wanted[0],
                    y: wanted[1],
                })
            }
            Err(reason) => {
                tracing::debug!(dalle = %dalle.path, %reason, "window not decoded by OpenJPEG: whole block");
                whole(self)
            }
        }
    }

    /// Whether a window may replace the block at all: a JPEG 2000 block, big enough, little of
    /// it wanted, under the adaptive policy.
    fn window_allowed(&self, dalle: &Dalle, level: u8, wanted: [u32; 4]) -> bool {
        if !dalle.jpeg2000 || POLICY.with(|cell| cell.get()) != DecodePolicy::Adaptive {
            return false;
        }
        let Some(level_info) = dalle.levels.get(level as usize) else {
            return false;
        };
        let block_area = u64::from(level_info.block_width) * u64::from(level_info.block_height);
        let wanted_area =
            u64::from(wanted[2].saturating_sub(wanted[0])) * u64::from(wanted[3].saturating_sub(wanted[1]));
        block_area >= WINDOW_WORTH && (wanted_area as f64) < block_area as f64 * MOST_OF_A_BLOCK
    }

    /// Whether a window is cheaper than the block: allowed, the block not yet warm and not
    /// beside a cached one. Notes the ask, so that a block asked often enough is decoded whole.
    fn window_pays(&self, dalle: &Dalle, level: u8, wanted: [u32; 4], key: &BlockKey) -> bool {
        if !self.window_allowed(dalle, level, wanted) || self.in_warm_area(key) {
            return false;
        }
        let asked = self.asked.get(key).unwrap_or(0) + 1;
        if asked >= self.warmth.threshold() {
            self.asked.invalidate(key);
            return false;
        }
        self.asked.insert(*key, asked);
        true
    }

    /// Whether the block's area is being browsed: one of its eight neighbours is cached, and
    /// the cache keeps what it decodes (the threshold is at its lowest). A user panning asks
    /// next for the blocks beside those already shown. When the cache throws blocks away
    /// unused, the threshold rises and only a block's own asks count.
    fn in_warm_area(&self, key: &BlockKey) -> bool {
        if self.warmth.threshold() > WARM_AFTER {
            return false;
        }
        let (column, row) = (i64::from(key.column), i64::from(key.row));
        (row - 1..=row + 1)
            .flat_map(|r| (column - 1..=column + 1).map(move |c| (c, r)))
            .filter(|&(c, r)| (c, r) != (column, row) && c >= 0 && r >= 0)
            .any(|(c, r)| {
                self.blocks.contains_key(&BlockKey {
                    column: c as u32,
                    row: r as u32,
                    ..*key
                })
            })
    }

    /// Bytes held.
    pub fn weighted_size(&self) -> u64 {
        self.blocks.run_pending_tasks();
        self.blocks.weighted_size()
    }

    /// A decoded block, decoding it when missing. Concurrent callers of the same block wait for
    /// one decode.
    pub fn block(&self, dalle: &Dalle, level: u8, column: u32, row: u32) -> Result<Arc<Block>, DecodeError> {
        let key = BlockKey::of(dalle, level, column, row);
        let block = self
            .blocks
            .try_get_with(key, || {
                self.counts
                    .blocks
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                decode_block(dalle, level, column, row).map(Arc::new)
            })
            .map_err(|err| (*err).clone())?;
        block.uses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(block)
    }

    /// Forgets every block of a dalle (when its file changed).
    pub fn forget_dalle(&self, dalle_id: i64) {
        let _ = self
            .blocks
            .invalidate_entries_if(move |key, _| key.dalle == dalle_id);
    }
}

/// A small LRU of open datasets for this thread.
struct OpenDatasets {
    open: HashMap<String, Dataset>,
    order: VecDeque<String>,
}

thread_local! {
    static DATASETS: RefCell<OpenDatasets> = RefCell::new(OpenDatasets { open: HashMap::new(), order: VecDeque::new() });
}

/// Runs `work` on this thread's open dataset of `path` at `version`. A new version of a file
/// gets a new handle: the old one would keep reading the old file's structure.
fn with_dataset<T>(
    path: &str,
    version: u64,
    work: impl FnOnce(&Dataset) -> Result<T, String>,
) -> Result<T, String> {
    let key = format!("{version:016x}{path}");
    DATASETS.with(|cell| {
        let mut pool = cell.borrow_mut();
        if !pool.open.contains_key(&key) {
            let options = DatasetOptions {
                open_flags: GdalOpenFlags::GDAL_OF_RASTER | GdalOpenFlags::GDAL_OF_READONLY,
                allowed_drivers: Some(&["JP2OpenJPEG", "GTiff"]),
                open_options: None,
                sibling_files: Some(&[]),
            };
            let dataset = Dataset::open_ex(path, options).map_err(|err| err.to_string())?;
            if pool.open.len() >= OPEN_PER_THREAD {
                if let Some(oldest) = pool.order.pop_front() {
                    pool.open.remove(&oldest);
                }
            }
            pool.open.insert(key.clone(), dataset);
            pool.order.push_back(key.clone());
        }
        let dataset = pool.open.get(&key).expect("just opened");
        work(dataset)
    })
}

/// Closes this thread's dataset of `path` at `version` (after a read failed).
fn close_dataset(path: &str, version: u64) {
    let key = format!("{version:016x}{path}");
    DATASETS.with(|cell| {
        let mut pool = cell.borrow_mut();
        pool.open.remove(&key);
        pool.order.retain(|p| *p != key);
    });
}

/// Reads block (`column`, `row`) of `level` of a dalle: a JPEG 2000 codestream tile through
/// OpenJPEG directly (the window of the whole tile: the same pixels as GDAL's driver, without
/// its per-read overhead, about 15 % of a 1024² tile), anything else — and a JPEG 2000 block
/// OpenJPEG refuses — through GDAL.
fn decode_block(dalle: &Dalle, level: u8, column: u32, row: u32) -> Result<Block, DecodeError> {
    if dalle.jpeg2000 {
        if let Ok(whole) = block_bounds(dalle, level, column, row) {
            match decode_window(dalle, level, whole) {
                Ok(block) => return Ok(block),
                Err(reason) => {
                    tracing::debug!(dalle = %dalle.path, %reason, "block not decoded by OpenJPEG: GDAL")
                }
            }
        }
    }
    gdal_block(dalle, level, column, row)
}

/// The level pixels (x0, y0, x1, y1) of block (`column`, `row`) of `level`, cut at the image's
/// edge.
fn block_bounds(dalle: &Dalle, level: u8, column: u32, row: u32) -> Result<[u32; 4], String> {
    let Level {
        width,
        height,
        block_width,
        block_height,
        ..
    } = *dalle
        .levels
        .get(level as usize)
        .ok_or_else(|| format!("no level {level}"))?;
    let (x, y) = (column * block_width, row * block_height);
    if x >= width || y >= height {
        return Err(format!("block {column},{row} is outside level {level}"));
    }
    Ok([x, y, (x + block_width).min(width), (y + block_height).min(height)])
}

/// Block (`column`, `row`) of `level` of a dalle as GDAL's driver decodes it: the path of every
/// format, and the reference the tests hold OpenJPEG's windows and blocks to.
pub fn gdal_block(dalle: &Dalle, level: u8, column: u32, row: u32) -> Result<Block, DecodeError> {
    let error = |detail: String| DecodeError {
        path: dalle.path.clone(),
        detail,
    };
    let [x, y, x1, y1] = block_bounds(dalle, level, column, row).map_err(error)?;
    let (w, h) = ((x1 - x) as usize, (y1 - y) as usize);
    crate::storage::vsi::take_last_error();
    let planes = with_dataset(&dalle.gdal_path, dalle.version, |dataset| {
        let count = dataset.raster_count().min(4);
        let mut planes = Vec::with_capacity(count);
        for index in 1..=count {
            let band = dataset.rasterband(index).map_err(|err| err.to_string())?;
            let band = if level == 0 {
                band
            } else {
                band.overview(level as usize - 1).map_err(|err| err.to_string())?
            };
            let buffer = band
                .read_as::<u8>((x as isize, y as isize), (w, h), (w, h), None)
                .map_err(|err| err.to_string())?;
            planes.push(buffer.into_shape_and_vec().1);
        }
        Ok(planes)
    });
    let planes = match planes {
        Ok(planes) => planes,
        Err(detail) => {
            // A storage failure made GDAL fail: say so rather than GDAL's guess.
            let detail = crate::storage::vsi::take_last_error()
                .map(|e| e.to_string())
                .unwrap_or(detail);
            close_dataset(&dalle.gdal_path, dalle.version);
            return Err(error(detail));
        }
    };
    let (channels, data) = interleave(&planes, w * h, dalle.nodata);
    Ok(Block {
        width: w as u32,
        height: h as u32,
        channels,
        data,
        uses: Default::default(),
    })
}

/// Decodes the level pixels `wanted` (x0, y0, x1, y1) of a JPEG 2000 dalle with OpenJPEG,
/// into the same layout as a block.
fn decode_window(dalle: &Dalle, level: u8, wanted: [u32; 4]) -> Result<Block, String> {
    let factor = dalle.levels.get(level as usize).ok_or("no such level")?.factor;
    let window = super::openjpeg::Window {
        reduce: factor.trailing_zeros(),
        x0: wanted[0],
        y0: wanted[1],
        x1: wanted[2],
        y1: wanted[3],
    };
    crate::storage::vsi::take_last_error();
    let decoded =
        super::openjpeg::decode_window(&dalle.gdal_path, dalle.version, window).map_err(|detail| {
            crate::storage::vsi::take_last_error()
                .map(|e| e.to_string())
                .unwrap_or(detail)
        })?;
    let (width, height) = (decoded.width, decoded.height);
    let (channels, data) = interleave(&decoded.planes, (width * height) as usize, dalle.nodata);
    Ok(Block {
        width,
        height,
        channels,
        data,
        uses: Default::default(),
    })
}

/// Planes (grey, RGB or RGBA) to interleaved RGB when no pixel can be transparent, else RGBA
/// with nodata pixels transparent. Returns the bytes per pixel and the bytes.
fn interleave(planes: &[Vec<u8>], pixels: usize, nodata: Option<f64>) -> (usize, Vec<u8>) {
    let nodata = nodata.filter(|v| (0.0..=255.0).contains(v)).map(|v| v as u8);
    let colour = |i: usize| match planes.len() {
        1 | 2 => (planes[0][i], planes[0][i], planes[0][i]),
        _ => (planes[0][i], planes[1][i], planes[2][i]),
    };
    let has_alpha = matches!(planes.len(), 2 | 4);
    if !has_alpha && nodata.is_none() {
        let mut rgb = Vec::with_capacity(pixels * 3);
        for i in 0..pixels {
            let (r, g, b) = colour(i);
            rgb.extend_from_slice(&[r, g, b]);
        }
        return (3, rgb);
    }
    let mut rgba = vec![255u8; pixels * 4];
    for i in 0..pixels {
        let (r, g, b) = colour(i);
        let alpha = match planes.len() {
            2 => planes[1][i],
            4 => planes[3][i],
            _ => 255,
        };
        let transparent = nodata.is_some_and(|n| r == n && g == n && b == n);
        rgba[i * 4..i * 4 + 4].copy_from_slice(&[r, g, b, if transparent { 0 } else { alpha }]);
    }
    (4, rgba)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaves_grey_rgb_rgba_and_nodata() {
        assert_eq!(interleave(&[vec![7, 8]], 2, None), (3, vec![7, 7, 7, 8, 8, 8]));
        assert_eq!(
            interleave(&[vec![1], vec![2], vec![3]], 1, None),
            (3, vec![1, 2, 3])
        );
        assert_eq!(
            interleave(&[vec![1], vec![2], vec![3], vec![9]], 1, None),
            (4, vec![1, 2, 3, 9])
        );
        assert_eq!(
            interleave(&[vec![0, 5], vec![0, 5], vec![0, 5]], 2, Some(0.0)),
            (4, vec![0, 0, 0, 0, 5, 5, 5, 255])
        );
        let block = Block {
            width: 2,
            height: 1,
            channels: 3,
            data: vec![1, 2, 3, 4, 5, 6],
            uses: Default::default(),
        };
        assert_eq!(block.pixel(1), Some([4, 5, 6, 255]));
        assert_eq!(block.pixel(2), None);
        let mut target = [0u8; 8];
        block.copy_rgba(0, 2, &mut target);
        assert_eq!(target, [1, 2, 3, 255, 4, 5, 6, 255]);
    }
}
