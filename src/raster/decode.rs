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

/// Why a block could not be decoded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode {path}: {detail}")]
pub struct DecodeError {
    /// The dalle.
    pub path: String,
    /// GDAL's message (or the storage's).
    pub detail: String,
}

/// The process-wide decoded-block cache.
pub struct DecodedCache {
    blocks: moka::sync::Cache<BlockKey, Arc<Block>>,
}

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

    fn new(capacity: u64) -> DecodedCache {
        DecodedCache {
            blocks: moka::sync::Cache::builder()
                .weigher(|_: &BlockKey, block: &Arc<Block>| block.data.len().min(u32::MAX as usize) as u32)
                .max_capacity(capacity.max(1))
                .build(),
        }
    }

    /// Bytes held.
    pub fn weighted_size(&self) -> u64 {
        self.blocks.run_pending_tasks();
        self.blocks.weighted_size()
    }

    /// A decoded block, decoding it when missing. Concurrent callers of the same block wait for
    /// one decode.
    pub fn block(&self, dalle: &Dalle, level: u8, column: u32, row: u32) -> Result<Arc<Block>, DecodeError> {
        let key = BlockKey {
            dalle: dalle.id,
            version: dalle.version,
            level,
            column,
            row,
        };
        self.blocks
            .try_get_with(key, || decode_block(dalle, level, column, row).map(Arc::new))
            .map_err(|err| (*err).clone())
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

/// Reads block (`column`, `row`) of `level` of a dalle into RGBA.
fn decode_block(dalle: &Dalle, level: u8, column: u32, row: u32) -> Result<Block, DecodeError> {
    let error = |detail: String| DecodeError {
        path: dalle.path.clone(),
        detail,
    };
    let Level {
        width,
        height,
        block_width,
        block_height,
        ..
    } = *dalle
        .levels
        .get(level as usize)
        .ok_or_else(|| error(format!("no level {level}")))?;
    let x = column * block_width;
    let y = row * block_height;
    if x >= width || y >= height {
        return Err(error(format!("block {column},{row} is outside level {level}")));
    }
    let w = block_width.min(width - x) as usize;
    let h = block_height.min(height - y) as usize;
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
        };
        assert_eq!(block.pixel(1), Some([4, 5, 6, 255]));
        assert_eq!(block.pixel(2), None);
        let mut target = [0u8; 8];
        block.copy_rgba(0, 2, &mut target);
        assert_eq!(target, [1, 2, 3, 255, 4, 5, 6, 255]);
    }
}
