//! From a canvas (dalles assembled in their CRS at one resolution) to the output grid: a
//! straight copy when the grids coincide, else an approximate transform — PROJ on a coarse
//! grid of output pixels, linear in between, stepped incrementally along each row — and
//! nearest, bilinear or cubic sampling. Opaque neighbourhoods, by far the common case inside
//! a mosaic, take integer paths; only edges and holes pay for premultiplied floats.

use super::crs::transform_points;
use super::image::{Canvas, Image, RenderError, RenderRequest, Resampling};

/// Spacing of the exactly transformed points; pixels in between are interpolated. Over 16
/// pixels of a 5 cm – 1 m tile the error of a linear step between CRSs of France is far below
/// a hundredth of a pixel.
const GRID_STEP: u32 = 16;

/// Output = canvas window, when the grids coincide.
pub(super) fn copy_aligned(canvas: &Canvas, request: &RenderRequest, output: &mut Image) {
    let x0 = ((request.bbox[0] - canvas.min_x) / canvas.resolution).round() as i64;
    let y0 = ((canvas.max_y - request.bbox[3]) / canvas.resolution).round() as i64;
    let width = request.width as i64;
    let first_col = (-x0).clamp(0, width);
    let last_col = (canvas.width as i64 - x0).clamp(0, width);
    if first_col >= last_col {
        return;
    }
    for row in 0..request.height as i64 {
        let cy = y0 + row;
        if cy < 0 || cy >= canvas.height as i64 {
            continue;
        }
        let source = (cy as usize * canvas.width + (x0 + first_col) as usize) * 4;
        let target = (row as usize * request.width as usize + first_col as usize) * 4;
        let span = (last_col - first_col) as usize * 4;
        let from = &canvas.rgba[source..source + span];
        let to = &mut output.rgba[target..target + span];
        for (bottom, top) in to.chunks_exact_mut(4).zip(from.chunks_exact(4)) {
            put(bottom, top);
        }
    }
}

/// Writes `top` over `bottom`: a copy when either is trivially so, else compositing.
#[inline]
fn put(bottom: &mut [u8], top: &[u8]) {
    if top[3] == 255 || bottom[3] == 0 {
        bottom.copy_from_slice(top);
    } else {
        over(bottom, top);
    }
}

/// Composites straight-alpha `top` over `bottom` in place.
#[inline]
pub(super) fn over(bottom: &mut [u8], top: &[u8]) {
    match top[3] {
        0 => {}
        255 => bottom.copy_from_slice(top),
        alpha => {
            let a = f32::from(alpha) / 255.0;
            let b = f32::from(bottom[3]) / 255.0;
            let out_a = a + b * (1.0 - a);
            for c in 0..3 {
                let value = (f32::from(top[c]) * a + f32::from(bottom[c]) * b * (1.0 - a)) / out_a.max(1e-6);
                bottom[c] = to_byte(value);
            }
            bottom[3] = to_byte(out_a * 255.0);
        }
    }
}

/// Rounds a channel value to a byte (saturating; `f32::round` is a libm call, this is not).
#[inline]
fn to_byte(value: f32) -> u8 {
    (value + 0.5) as u8
}

/// Resamples the canvas into the output grid through the output → native transform.
pub(super) fn warp(
    canvas: &Canvas,
    request: &RenderRequest,
    native_epsg: u32,
    output: &mut Image,
) -> Result<(), RenderError> {
    let grid = Grid::new(canvas, request, native_epsg)?;
    let width = request.width;
    let mut row_x = vec![0.0; grid.columns as usize];
    let mut row_y = vec![0.0; grid.columns as usize];
    for row in 0..request.height {
        grid.row(row, &mut row_x, &mut row_y);
        let row_start = (row * width) as usize * 4;
        for cell in 0..grid.columns - 1 {
            let c0 = (cell * GRID_STEP).min(width - 1);
            let c1 = ((cell + 1) * GRID_STEP).min(width - 1);
            let end = if cell == grid.columns - 2 { width } else { c1 };
            let steps = f64::from((c1 - c0).max(1));
            let (dx, dy) = (
                (row_x[cell as usize + 1] - row_x[cell as usize]) / steps,
                (row_y[cell as usize + 1] - row_y[cell as usize]) / steps,
            );
            let (fx, fy) = (row_x[cell as usize], row_y[cell as usize]);
            let span = &mut output.rgba[row_start + c0 as usize * 4..row_start + end as usize * 4];
            if request.resampling == Resampling::Bilinear {
                bilinear_span(canvas, span, [fx, fy], [dx, dy]);
            } else {
                let (mut fx, mut fy) = (fx, fy);
                for target in span.chunks_exact_mut(4) {
                    if let Some(pixel) = canvas.sample(fx, fy, request.resampling) {
                        put(target, &pixel);
                    }
                    fx += dx;
                    fy += dy;
                }
            }
        }
    }
    Ok(())
}

/// One unit in the 16.16 fixed-point canvas coordinates of the bilinear path.
const FIXED_ONE: f64 = 65_536.0;

/// Bilinear samples along a run of output pixels whose canvas coordinates start at `start`
/// and advance by `step` per pixel. Fixed point and packed channels: the run is the hot loop
/// of every reprojected tile.
fn bilinear_span(canvas: &Canvas, span: &mut [u8], start: [f64; 2], step: [f64; 2]) {
    // Canvases are at most a few thousand pixels wide: 16.16 in an i64 is ample, and the
    // rounding of the step drifts by less than 1/4000 pixel over a grid cell.
    let mut x = ((start[0] - 0.5) * FIXED_ONE) as i64;
    let mut y = ((start[1] - 0.5) * FIXED_ONE) as i64;
    let (dx, dy) = ((step[0] * FIXED_ONE) as i64, (step[1] * FIXED_ONE) as i64);
    for target in span.chunks_exact_mut(4) {
        if let Some(pixel) = canvas.bilinear_fixed(x, y) {
            put(target, &pixel);
        }
        x += dx;
        y += dy;
    }
}

/// Blends two packed RGBA pixels, `t` in 1/256ths of the way from `a` to `b`, two channels
/// per multiplication (each 16-bit lane holds at most 255 × 256).
#[inline]
fn lerp_packed(a: u32, b: u32, t: u32) -> u32 {
    let s = 256 - t;
    let red_blue = (((a & 0x00FF_00FF) * s + (b & 0x00FF_00FF) * t + 0x0080_0080) >> 8) & 0x00FF_00FF;
    let green_alpha =
        (((a >> 8) & 0x00FF_00FF) * s + ((b >> 8) & 0x00FF_00FF) * t + 0x0080_0080) & 0xFF00_FF00;
    red_blue | green_alpha
}

/// Canvas pixel coordinates of output pixel centres on every GRID_STEP-th row and column
/// (and the last ones).
struct Grid {
    columns: u32,
    rows: u32,
    height: u32,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

impl Grid {
    fn new(canvas: &Canvas, request: &RenderRequest, native_epsg: u32) -> Result<Grid, RenderError> {
        let (width, height) = (request.width, request.height);
        let px = (request.bbox[2] - request.bbox[0]) / f64::from(width);
        let py = (request.bbox[3] - request.bbox[1]) / f64::from(height);
        let columns = width.div_ceil(GRID_STEP) + 1;
        let rows = height.div_ceil(GRID_STEP) + 1;
        let mut xs = Vec::with_capacity((columns * rows) as usize);
        let mut ys = Vec::with_capacity((columns * rows) as usize);
        for gj in 0..rows {
            let row = (gj * GRID_STEP).min(height - 1);
            for gi in 0..columns {
                let col = (gi * GRID_STEP).min(width - 1);
                xs.push(request.bbox[0] + (f64::from(col) + 0.5) * px);
                ys.push(request.bbox[3] - (f64::from(row) + 0.5) * py);
            }
        }
        if !transform_points(request.crs.epsg, native_epsg, &mut xs, &mut ys) {
            return Err(RenderError::Transform(request.crs.epsg, native_epsg));
        }
        for (x, y) in xs.iter_mut().zip(ys.iter_mut()) {
            *x = (*x - canvas.min_x) / canvas.resolution;
            *y = (canvas.max_y - *y) / canvas.resolution;
        }
        Ok(Grid {
            columns,
            rows,
            height,
            xs,
            ys,
        })
    }

    /// The grid columns' canvas coordinates interpolated at output `row`.
    fn row(&self, row: u32, row_x: &mut [f64], row_y: &mut [f64]) {
        let gj = (row / GRID_STEP).min(self.rows - 2);
        let r0 = (gj * GRID_STEP).min(self.height - 1);
        let r1 = ((gj + 1) * GRID_STEP).min(self.height - 1);
        let t = if r1 > r0 {
            f64::from(row - r0) / f64::from(r1 - r0)
        } else {
            0.0
        };
        let top = (gj * self.columns) as usize;
        let bottom = top + self.columns as usize;
        for gi in 0..self.columns as usize {
            row_x[gi] = self.xs[top + gi] + (self.xs[bottom + gi] - self.xs[top + gi]) * t;
            row_y[gi] = self.ys[top + gi] + (self.ys[bottom + gi] - self.ys[top + gi]) * t;
        }
    }
}

/// Floor of a float to an integer without a libm call.
#[inline]
fn floor_int(value: f64) -> i64 {
    let truncated = value as i64;
    truncated - i64::from((truncated as f64) > value)
}

impl Canvas {
    /// The straight-alpha pixel at canvas pixel coordinates (`fx`, `fy`) (pixel centres at
    /// .5), or None where nothing is visible.
    #[inline]
    pub(super) fn sample(&self, fx: f64, fy: f64, resampling: Resampling) -> Option<[u8; 4]> {
        if fx < -1.0 || fy < -1.0 || fx > self.width as f64 + 1.0 || fy > self.height as f64 + 1.0 {
            return None;
        }
        match resampling {
            Resampling::Nearest => self.nearest(fx, fy),
            Resampling::Bilinear => self.bilinear(fx, fy),
            Resampling::Cubic => self.cubic(fx, fy),
        }
    }

    /// Bilinear sample at 16.16 fixed-point coordinates already shifted by half a pixel.
    #[inline]
    fn bilinear_fixed(&self, x: i64, y: i64) -> Option<[u8; 4]> {
        let (x0, y0) = (x >> 16, y >> 16);
        let (width, height) = (self.width as i64, self.height as i64);
        if x0 < -1 || y0 < -1 || x0 >= width || y0 >= height {
            return None;
        }
        if x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height {
            let i = (y0 as usize * self.width + x0 as usize) * 4;
            let j = i + self.width * 4;
            let at = |k: usize| u32::from_le_bytes(self.rgba[k..k + 4].try_into().expect("four bytes"));
            let (p00, p10, p01, p11) = (at(i), at(i + 4), at(j), at(j + 4));
            if (p00 & p10 & p01 & p11) >> 24 == 255 {
                let (tx, ty) = (((x >> 8) & 0xFF) as u32, ((y >> 8) & 0xFF) as u32);
                let top = lerp_packed(p00, p10, tx);
                let bottom = lerp_packed(p01, p11, tx);
                return Some(lerp_packed(top, bottom, ty).to_le_bytes());
            }
            if (p00 | p10 | p01 | p11) >> 24 == 0 {
                return None;
            }
        }
        // Edges and partly transparent neighbourhoods.
        self.bilinear(x as f64 / FIXED_ONE + 0.5, y as f64 / FIXED_ONE + 0.5)
    }

    fn nearest(&self, fx: f64, fy: f64) -> Option<[u8; 4]> {
        let (x, y) = (floor_int(fx), floor_int(fy));
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return None;
        }
        let i = (y as usize * self.width + x as usize) * 4;
        let pixel: [u8; 4] = self.rgba[i..i + 4].try_into().expect("four bytes");
        (pixel[3] > 0).then_some(pixel)
    }

    fn bilinear(&self, fx: f64, fy: f64) -> Option<[u8; 4]> {
        let (x, y) = (fx - 0.5, fy - 0.5);
        let (x0, y0) = (floor_int(x), floor_int(y));
        let inside = x0 >= 0 && y0 >= 0 && x0 + 1 < self.width as i64 && y0 + 1 < self.height as i64;
        if inside {
            let i = (y0 as usize * self.width + x0 as usize) * 4;
            let j = i + self.width * 4;
            let p = &self.rgba;
            let alphas = [p[i + 3], p[i + 7], p[j + 3], p[j + 7]];
            if alphas == [255; 4] {
                // Weights in 1/256ths: exact enough for 8-bit channels, and all integer.
                let tx = ((x - x0 as f64) * 256.0) as u32;
                let ty = ((y - y0 as f64) * 256.0) as u32;
                let mut out = [0, 0, 0, 255];
                for (c, value) in out.iter_mut().take(3).enumerate() {
                    let top = u32::from(p[i + c]) * (256 - tx) + u32::from(p[i + 4 + c]) * tx;
                    let bottom = u32::from(p[j + c]) * (256 - tx) + u32::from(p[j + 4 + c]) * tx;
                    *value = ((top * (256 - ty) + bottom * ty + 32_768) >> 16) as u8;
                }
                return Some(out);
            }
            if alphas == [0; 4] {
                return None;
            }
        }
        let (tx, ty) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
        let p00 = self.premultiplied(x0, y0);
        let p10 = self.premultiplied(x0 + 1, y0);
        let p01 = self.premultiplied(x0, y0 + 1);
        let p11 = self.premultiplied(x0 + 1, y0 + 1);
        let mut out = [0.0; 4];
        for c in 0..4 {
            let top = p00[c] + (p10[c] - p00[c]) * tx;
            let bottom = p01[c] + (p11[c] - p01[c]) * tx;
            out[c] = top + (bottom - top) * ty;
        }
        straight(out)
    }

    fn cubic(&self, fx: f64, fy: f64) -> Option<[u8; 4]> {
        let (x, y) = (fx - 0.5, fy - 0.5);
        let (x0, y0) = (floor_int(x), floor_int(y));
        let wx = catmull_rom((x - x0 as f64) as f32);
        let wy = catmull_rom((y - y0 as f64) as f32);
        let mut out = [0.0f32; 4];
        for (j, wyj) in wy.iter().enumerate() {
            for (i, wxi) in wx.iter().enumerate() {
                // Edge pixels repeat past the canvas: zeros there would make the kernel's
                // negative lobes overshoot next to the border.
                let p = self.premultiplied(
                    (x0 + i as i64 - 1).clamp(0, self.width as i64 - 1),
                    (y0 + j as i64 - 1).clamp(0, self.height as i64 - 1),
                );
                let w = wxi * wyj;
                for c in 0..4 {
                    out[c] += p[c] * w;
                }
            }
        }
        out[3] = out[3].clamp(0.0, 1.0);
        straight(out)
    }

    /// Canvas pixel (x, y) as premultiplied RGBA floats (0 outside).
    #[inline]
    fn premultiplied(&self, x: i64, y: i64) -> [f32; 4] {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return [0.0; 4];
        }
        let i = (y as usize * self.width + x as usize) * 4;
        let a = f32::from(self.rgba[i + 3]) / 255.0;
        [
            f32::from(self.rgba[i]) * a,
            f32::from(self.rgba[i + 1]) * a,
            f32::from(self.rgba[i + 2]) * a,
            a,
        ]
    }
}

/// Premultiplied floats back to a straight-alpha pixel (None when transparent).
#[inline]
fn straight(p: [f32; 4]) -> Option<[u8; 4]> {
    let alpha = p[3].min(1.0);
    let a = to_byte(alpha * 255.0);
    if a == 0 {
        return None;
    }
    Some([
        to_byte(p[0] / alpha),
        to_byte(p[1] / alpha),
        to_byte(p[2] / alpha),
        a,
    ])
}

fn catmull_rom(t: f32) -> [f32; 4] {
    let t2 = t * t;
    let t3 = t2 * t;
    [
        -0.5 * t3 + t2 - 0.5 * t,
        1.5 * t3 - 2.5 * t2 + 1.0,
        -1.5 * t3 + 2.0 * t2 + 0.5 * t,
        0.5 * t3 - 0.5 * t2,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing() {
        let mut bottom = [0, 0, 255, 255];
        over(&mut bottom, &[255, 0, 0, 128]);
        assert!(
            bottom[0] > 120 && bottom[2] > 120 && bottom[3] == 255,
            "{bottom:?}"
        );
        let mut empty = [0, 0, 0, 0];
        put(&mut empty, &[10, 20, 30, 40]);
        assert_eq!(empty, [10, 20, 30, 40]);
    }

    #[test]
    fn floors() {
        assert_eq!(floor_int(1.5), 1);
        assert_eq!(floor_int(-0.5), -1);
        assert_eq!(floor_int(-1.0), -1);
        assert_eq!(floor_int(2.0), 2);
    }

    #[test]
    fn sampling() {
        let mut canvas = Canvas::aligned([0.0, 0.0, 2.0, 2.0], 1.0);
        canvas.rgba = vec![
            0, 0, 0, 255, 200, 100, 50, 255, //
            0, 0, 0, 255, 200, 100, 50, 255,
        ];
        let mid = canvas.sample(1.0, 1.0, Resampling::Bilinear).unwrap();
        assert!((i32::from(mid[0]) - 100).abs() <= 1, "{mid:?}");
        assert_eq!(mid[3], 255);
        assert_eq!(canvas.sample(1.6, 0.5, Resampling::Nearest).unwrap()[0], 200);
        let edge = canvas.sample(2.0, 0.5, Resampling::Bilinear).unwrap();
        assert!(edge[3] < 255 && edge[3] > 0, "fades out past the edge: {edge:?}");
        assert_eq!(edge[0], 200, "colour kept where alpha fades: {edge:?}");
        assert!(canvas.sample(5.0, 0.5, Resampling::Bilinear).is_none());
        let cubic = canvas.sample(1.0, 1.0, Resampling::Cubic).unwrap();
        assert!((i32::from(cubic[0]) - 100).abs() <= 2, "{cubic:?}");
    }

    #[test]
    fn packed_blend() {
        let a = u32::from_le_bytes([0, 100, 255, 255]);
        let b = u32::from_le_bytes([255, 200, 0, 255]);
        assert_eq!(lerp_packed(a, b, 0).to_le_bytes(), [0, 100, 255, 255]);
        assert_eq!(lerp_packed(a, b, 128).to_le_bytes(), [128, 150, 128, 255]);
        let near_b = lerp_packed(a, b, 255).to_le_bytes();
        assert!(
            near_b[0] >= 254 && near_b[1] >= 199 && near_b[2] <= 1,
            "{near_b:?}"
        );
    }

    #[test]
    fn fixed_and_float_bilinear_agree() {
        let mut canvas = Canvas::aligned([0.0, 0.0, 4.0, 4.0], 1.0);
        canvas.rgba = (0..16)
            .flat_map(|i| [(i * 15) as u8, (i * 7) as u8, 255 - (i * 11) as u8, 255])
            .collect();
        for (fx, fy) in [(1.3, 1.7), (2.5, 2.5), (0.6, 3.4), (3.49, 0.51)] {
            let fixed = canvas
                .bilinear_fixed(((fx - 0.5) * FIXED_ONE) as i64, ((fy - 0.5) * FIXED_ONE) as i64)
                .unwrap();
            let float = canvas.bilinear(fx, fy).unwrap();
            for c in 0..4 {
                assert!(
                    (i32::from(fixed[c]) - i32::from(float[c])).abs() <= 1,
                    "at {fx},{fy}: {fixed:?} {float:?}"
                );
            }
        }
        assert!(canvas.bilinear_fixed(-3 * 65_536, 0).is_none());
        let edge = canvas
            .bilinear_fixed((3.9 * FIXED_ONE) as i64, FIXED_ONE as i64)
            .unwrap();
        assert!(edge[3] > 0 && edge[3] < 255, "fades at the edge: {edge:?}");
    }

    #[test]
    fn integer_and_float_bilinear_agree() {
        let mut canvas = Canvas::aligned([0.0, 0.0, 3.0, 3.0], 1.0);
        canvas.rgba = (0..9)
            .flat_map(|i| [(i * 29) as u8, (i * 13) as u8, 255 - (i * 7) as u8, 255])
            .collect();
        let fast = canvas.bilinear(1.3, 1.7).unwrap();
        // The float path on the same neighbourhood, with one alpha nudged so it is taken.
        let mut slow_canvas = Canvas::aligned([0.0, 0.0, 3.0, 3.0], 1.0);
        slow_canvas.rgba = canvas.rgba.clone();
        slow_canvas.rgba[4 * 4 + 3] = 254; // the centre pixel, inside the 2×2 neighbourhood
        let slow = slow_canvas.bilinear(1.3, 1.7).unwrap();
        for c in 0..3 {
            assert!(
                (i32::from(fast[c]) - i32::from(slow[c])).abs() <= 2,
                "{fast:?} {slow:?}"
            );
        }
    }
}
