//! The cache-size calculator: how many tiles and bytes a layer's cache takes for some levels
//! and a format. Tiles are counted over the real coverage (the dalles' footprints); bytes per
//! level come from drawing a random sample of that level's real tiles (which then stay in the
//! cache), scaled to the level's count, with a 95 % confidence interval. Also the PCRS
//! "calculatrice" volume of the deliverable itself.

use serde::Serialize;

use super::seed::{coverage, region, resolve, SeedError, SeedPlan, MAX_TILES};
use super::{TileAnswer, TileRequest, Tiles};

/// Estimate for one level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelEstimate {
    /// Level.
    pub level: u32,
    /// Metres (or CRS units) per pixel.
    pub cell_size: f64,
    /// Scale denominator.
    pub scale_denominator: f64,
    /// Tiles over the coverage.
    pub tiles: u64,
    /// Tiles drawn to measure.
    pub sampled: u64,
    /// Mean encoded size of the sample, bytes.
    pub mean_tile_bytes: f64,
    /// Estimated bytes for the level.
    pub bytes: f64,
    /// 95 % interval, low.
    pub bytes_low: f64,
    /// 95 % interval, high.
    pub bytes_high: f64,
}

/// Delivery volume as the PCRS calculator computes it: km² × (100 000 / resolution in cm)²
/// × 3 bytes × compression ratio.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryVolume {
    /// Area covered by dalles, km².
    pub area_km2: f64,
    /// Resolution, cm.
    pub resolution_cm: f64,
    /// Uncompressed RGB bytes.
    pub raw_bytes: f64,
    /// Bytes by compression: LZW 0.6, Deflate 0.55, lossless JPEG 2000 0.55, lossy JPEG 2000 0.25.
    pub by_compression: Vec<(String, f64)>,
}

/// The whole estimate.
#[derive(Debug, Clone, Serialize)]
pub struct SizeEstimate {
    /// The plan estimated (an area shown by its counts and box).
    #[serde(serialize_with = "super::seed::serialize_summary")]
    pub plan: SeedPlan,
    /// Per level.
    pub levels: Vec<LevelEstimate>,
    /// Total tiles.
    pub tiles: u64,
    /// Estimated bytes.
    pub bytes: f64,
    /// 95 % interval, low.
    pub bytes_low: f64,
    /// 95 % interval, high.
    pub bytes_high: f64,
    /// The deliverable's own volume.
    pub delivery: DeliveryVolume,
}

/// A small deterministic generator (xorshift64*), so estimates are repeatable.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound as u64) as usize
    }
}

/// Estimates the plan, drawing up to `sample` tiles per level.
pub async fn estimate(tiles: &Tiles, plan: &SeedPlan, sample: usize) -> Result<SizeEstimate, SeedError> {
    let (mosaic, set, levels) = resolve(tiles, plan)?;
    let region = region(set, plan)?;
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut estimates = Vec::new();
    let mut budget = MAX_TILES;
    for z in levels {
        let all: Vec<(u32, u32)> = coverage(&mosaic, set, z, &region, &mut budget)?
            .into_iter()
            .collect();
        let count = all.len();
        let picked: Vec<(u32, u32)> = if count <= sample {
            all
        } else {
            // Partial Fisher-Yates: `sample` distinct tiles.
            let mut pool = all;
            for i in 0..sample {
                let j = i + random.below(count - i);
                pool.swap(i, j);
            }
            pool.truncate(sample);
            pool
        };
        let mut sizes = Vec::with_capacity(picked.len());
        for (row, col) in picked {
            let request = TileRequest {
                layer: plan.layer.clone(),
                tms: set.id.clone(),
                z,
                row,
                col,
                format: plan.format,
            };
            let size = match tiles.lone_tile(&request).await {
                Ok(TileAnswer::Tile(tile)) => tile.bytes.len() as f64,
                Ok(TileAnswer::Empty) => 0.0,
                Err(err) => {
                    return Err(SeedError::Tile {
                        z,
                        row,
                        col,
                        detail: err.to_string(),
                    })
                }
            };
            sizes.push(size);
        }
        let matrix = set.matrix(z).expect("level checked");
        estimates.push(level_estimate(
            z,
            matrix.cell_size,
            matrix.scale_denominator,
            count as u64,
            &sizes,
        ));
    }
    let tiles_total = estimates.iter().map(|e| e.tiles).sum();
    let bytes: f64 = estimates.iter().map(|e| e.bytes).sum();
    // Levels are sampled independently: their variances add.
    let half_width = estimates
        .iter()
        .map(|e| ((e.bytes_high - e.bytes) / 1.96).powi(2))
        .sum::<f64>()
        .sqrt()
        * 1.96;
    Ok(SizeEstimate {
        plan: plan.clone(),
        levels: estimates,
        tiles: tiles_total,
        bytes,
        bytes_low: (bytes - half_width).max(0.0),
        bytes_high: bytes + half_width,
        delivery: delivery_volume(&mosaic),
    })
}

/// Scales a sample of tile sizes to a level of `count` tiles, with the finite-population
/// correction: an exhaustive sample has no uncertainty.
fn level_estimate(
    level: u32,
    cell_size: f64,
    scale_denominator: f64,
    count: u64,
    sizes: &[f64],
) -> LevelEstimate {
    let n = sizes.len() as f64;
    let mean = if sizes.is_empty() {
        0.0
    } else {
        sizes.iter().sum::<f64>() / n
    };
    let variance = if sizes.len() > 1 {
        sizes.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    let population = count as f64;
    let correction = if population > 1.0 {
        ((population - n) / (population - 1.0)).max(0.0)
    } else {
        0.0
    };
    let half_width = 1.96 * population * (variance / n.max(1.0) * correction).sqrt();
    let bytes = mean * population;
    LevelEstimate {
        level,
        cell_size,
        scale_denominator,
        tiles: count,
        sampled: sizes.len() as u64,
        mean_tile_bytes: mean,
        bytes,
        bytes_low: (bytes - half_width).max(0.0),
        bytes_high: bytes + half_width,
    }
}

/// The PCRS calculator's delivery volume for a mosaic.
fn delivery_volume(mosaic: &crate::raster::Mosaic) -> DeliveryVolume {
    let area_m2: f64 = mosaic
        .groups
        .iter()
        .flat_map(|g| g.dalles())
        .map(|d| (d.bbox[2] - d.bbox[0]) * (d.bbox[3] - d.bbox[1]))
        .sum();
    let area_km2 = area_m2 / 1e6;
    let resolution_cm = mosaic.resolution() * 100.0;
    let raw_bytes = area_km2 * (100_000.0 / resolution_cm).powi(2) * 3.0;
    let by_compression = [
        ("LZW", 0.6),
        ("Deflate", 0.55),
        ("JPEG 2000 lossless", 0.55),
        ("JPEG 2000 lossy", 0.25),
    ]
    .iter()
    .map(|(name, ratio)| (name.to_string(), raw_bytes * ratio))
    .collect();
    DeliveryVolume {
        area_km2,
        resolution_cm,
        raw_bytes,
        by_compression,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhaustive_samples_are_exact_and_partial_ones_have_an_interval() {
        let exact = level_estimate(3, 1.0, 1.0, 4, &[10.0, 20.0, 30.0, 40.0]);
        assert_eq!(
            (exact.bytes, exact.bytes_low, exact.bytes_high),
            (100.0, 100.0, 100.0)
        );
        let partial = level_estimate(3, 1.0, 1.0, 100, &[10.0, 20.0, 30.0, 40.0]);
        assert_eq!(partial.bytes, 2500.0);
        assert!(partial.bytes_low < 2500.0 && partial.bytes_high > 2500.0);
        let mut random = Random(7);
        assert!((0..1000).all(|_| random.below(10) < 10));
    }
}
