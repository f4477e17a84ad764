//! Rendering a window of one or more mosaics: pick the dalles that intersect, read the
//! coarsest level that still meets the requested resolution through the decoded-block cache,
//! assemble them on a canvas in their CRS, then resample into the output grid — straight copy
//! when the grids coincide, else through an approximate transform (PROJ on a coarse grid,
//! interpolated in between) with nearest, bilinear or cubic resampling. Runs on a worker.

use super::crs::transform_bbox;
use super::decode::DecodedCache;
use super::image::{Canvas, Image, RenderError, RenderRequest};
use super::mosaic::{CrsGroup, Dalle};
use super::warp::{copy_aligned, warp};

/// Renders `request` (blocking: decoding and resampling).
pub fn render(request: &RenderRequest) -> Result<Image, RenderError> {
    let mut output = Image::transparent(request.width, request.height);
    for mosaic in &request.mosaics {
        for group in &mosaic.groups {
            render_group(request, group, &mut output)?;
        }
    }
    Ok(output)
}

fn render_group(request: &RenderRequest, group: &CrsGroup, output: &mut Image) -> Result<(), RenderError> {
    let out_epsg = request.crs.epsg;
    let Some(native) = transform_bbox(out_epsg, group.epsg, request.bbox) else {
        return Ok(()); // the area has no meaning in this CRS (e.g. far outside its domain)
    };
    let clipped = [
        native[0].max(group.extent[0]),
        native[1].max(group.extent[1]),
        native[2].min(group.extent[2]),
        native[3].min(group.extent[3]),
    ];
    if clipped[0] >= clipped[2] || clipped[1] >= clipped[3] {
        return Ok(());
    }
    // Native size of one output pixel: read the coarsest level that is at least this fine.
    let wanted =
        ((native[2] - native[0]) / request.width as f64).min((native[3] - native[1]) / request.height as f64);
    let level = level_for(group.resolution, wanted);
    let resolution = group.resolution * f64::from(1u32 << level);
    let margin = 2.0 * resolution;
    let canvas_box = [
        clipped[0] - margin,
        clipped[1] - margin,
        clipped[2] + margin,
        clipped[3] + margin,
    ];
    let mut canvas = Canvas::aligned(canvas_box, resolution);
    for dalle in group.dalles_in(canvas_box) {
        canvas.paint(dalle, wanted)?;
    }
    if out_epsg == group.epsg && same_grid(request, resolution) {
        copy_aligned(&canvas, request, output);
    } else {
        warp(&canvas, request, group.epsg, output)?;
    }
    Ok(())
}

/// The level of a mosaic whose resolution is the coarsest still ≤ `wanted`.
fn level_for(finest: f64, wanted: f64) -> u32 {
    let mut level = 0;
    while level < 12 && finest * f64::from(1u32 << (level + 1)) <= wanted * 1.0001 {
        level += 1;
    }
    level
}

fn same_grid(request: &RenderRequest, resolution: f64) -> bool {
    let px = (request.bbox[2] - request.bbox[0]) / request.width as f64;
    let py = (request.bbox[3] - request.bbox[1]) / request.height as f64;
    let aligned = |v: f64| ((v / resolution).round() - v / resolution).abs() < 1e-6;
    (px - resolution).abs() < resolution * 1e-9
        && (py - resolution).abs() < resolution * 1e-9
        && aligned(request.bbox[0])
        && aligned(request.bbox[3])
}

impl Canvas {
    pub(super) fn aligned(bbox: [f64; 4], resolution: f64) -> Canvas {
        let min_x = (bbox[0] / resolution).floor() * resolution;
        let max_y = (bbox[3] / resolution).ceil() * resolution;
        let width = ((bbox[2] - min_x) / resolution).ceil().max(1.0) as usize;
        let height = ((max_y - bbox[1]) / resolution).ceil().max(1.0) as usize;
        Canvas {
            min_x,
            max_y,
            resolution,
            width,
            height,
            rgba: vec![0; width * height * 4],
        }
    }

    /// Copies the part of `dalle` under the canvas, at the level that suits `wanted`.
    fn paint(&mut self, dalle: &Dalle, wanted: f64) -> Result<(), RenderError> {
        let level_index = dalle
            .levels
            .iter()
            .rposition(|l| dalle.pixel_x * f64::from(l.factor) <= wanted * 1.0001)
            .unwrap_or(0);
        let level = dalle.levels[level_index];
        let level_res_x = dalle.pixel_x * f64::from(level.factor);
        let level_res_y = dalle.pixel_y * f64::from(level.factor);
        // The canvas window in this level's pixels.
        let to_col = |x: f64| (x - dalle.origin_x) / level_res_x;
        let to_row = |y: f64| (dalle.origin_y - y) / level_res_y;
        let canvas_max_x = self.min_x + self.width as f64 * self.resolution;
        let canvas_min_y = self.max_y - self.height as f64 * self.resolution;
        let col0 = to_col(self.min_x).floor().max(0.0) as i64;
        let col1 = (to_col(canvas_max_x).ceil() as i64).min(i64::from(level.width));
        let row0 = to_row(self.max_y).floor().max(0.0) as i64;
        let row1 = (to_row(canvas_min_y).ceil() as i64).min(i64::from(level.height));
        if col0 >= col1 || row0 >= row1 {
            return Ok(());
        }
        let same_scale = (level_res_x - self.resolution).abs() < self.resolution * 1e-9
            && (level_res_y - self.resolution).abs() < self.resolution * 1e-9;
        let offset_x = (dalle.origin_x - self.min_x) / self.resolution;
        let offset_y = (self.max_y - dalle.origin_y) / self.resolution;
        let integral =
            (offset_x - offset_x.round()).abs() < 1e-6 && (offset_y - offset_y.round()).abs() < 1e-6;
        let wanted = [col0 as u32, row0 as u32, col1 as u32, row1 as u32];
        for pixels in DecodedCache::global().region(dalle, level_index as u8, wanted)? {
            let (block, bx, by) = (pixels.block, i64::from(pixels.x), i64::from(pixels.y));
            if same_scale && integral {
                self.blit(&block, bx + offset_x.round() as i64, by + offset_y.round() as i64);
            } else {
                self.blit_scaled(
                    &block,
                    dalle.origin_x + bx as f64 * level_res_x,
                    dalle.origin_y - by as f64 * level_res_y,
                    level_res_x,
                    level_res_y,
                );
            }
        }
        Ok(())
    }

    /// Copies a block whose upper-left pixel lands on canvas pixel (`x`, `y`).
    fn blit(&mut self, block: &super::decode::Block, x: i64, y: i64) {
        let (bw, bh) = (i64::from(block.width), i64::from(block.height));
        let x0 = x.max(0);
        let x1 = (x + bw).min(self.width as i64);
        let y0 = y.max(0);
        let y1 = (y + bh).min(self.height as i64);
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let count = (x1 - x0) as usize;
        for row in y0..y1 {
            let source = ((row - y) * bw + (x0 - x)) as usize;
            let target = ((row as usize * self.width) + x0 as usize) * 4;
            block.copy_rgba(source, count, &mut self.rgba[target..target + count * 4]);
        }
    }

    /// Copies a block of another resolution (nearest neighbour) whose upper-left corner is
    /// (`origin_x`, `origin_y`) with pixels of `res_x` × `res_y`.
    fn blit_scaled(
        &mut self,
        block: &super::decode::Block,
        origin_x: f64,
        origin_y: f64,
        res_x: f64,
        res_y: f64,
    ) {
        let col_of = |x: f64| ((x - origin_x) / res_x).floor() as i64;
        let row_of = |y: f64| ((origin_y - y) / res_y).floor() as i64;
        let first_col = (((origin_x - self.min_x) / self.resolution).floor().max(0.0)) as usize;
        let last_col = ((((origin_x + f64::from(block.width) * res_x) - self.min_x) / self.resolution)
            .ceil()
            .max(0.0) as usize)
            .min(self.width);
        let first_row = (((self.max_y - origin_y) / self.resolution).floor().max(0.0)) as usize;
        let last_row = ((((self.max_y - (origin_y - f64::from(block.height) * res_y)) / self.resolution)
            .ceil())
        .max(0.0) as usize)
            .min(self.height);
        for row in first_row..last_row {
            let y = self.max_y - (row as f64 + 0.5) * self.resolution;
            let source_row = row_of(y);
            if source_row < 0 || source_row >= i64::from(block.height) {
                continue;
            }
            for col in first_col..last_col {
                let x = self.min_x + (col as f64 + 0.5) * self.resolution;
                let source_col = col_of(x);
                if source_col < 0 || source_col >= i64::from(block.width) {
                    continue;
                }
                let source = (source_row * i64::from(block.width) + source_col) as usize;
                let target = (row * self.width + col) * 4;
                block.copy_rgba(source, 1, &mut self.rgba[target..target + 4]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::{Crs, Resampling};

    #[test]
    fn levels_and_grids() {
        assert_eq!(level_for(0.05, 0.05), 0);
        assert_eq!(level_for(0.05, 0.09), 0);
        assert_eq!(level_for(0.05, 0.1), 1);
        assert_eq!(level_for(0.05, 0.8), 4);
        assert_eq!(level_for(0.05, 0.01), 0);
        let request = RenderRequest {
            mosaics: vec![],
            crs: Crs::epsg(2154),
            bbox: [846_200.0, 6_526_387.2, 846_212.8, 6_526_400.0],
            width: 256,
            height: 256,
            resampling: Resampling::Bilinear,
        };
        assert!(same_grid(&request, 0.05));
        assert!(!same_grid(&request, 0.1));
    }
}
