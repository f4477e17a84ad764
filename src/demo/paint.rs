//! What the scene is made of (shapes and how they are painted) and the canvas that paints a
//! strip of the output.

use super::primitives::{fbm, hash, p, unit_hash, value_noise, Rect, P};

/// Direction the light comes from (south-west, as in a late-morning flight), horizontal unit
/// vector; shadows fall the other way.
pub(super) const SUN_FROM: P = p(-0.64, -0.77);
/// Shadow length per metre of height.
pub(super) const SHADOW_PER_METRE: f64 = 0.55;

#[derive(Debug, Clone)]
pub(super) enum Shape {
    Polygon(Vec<P>),
    Disc { centre: P, radius: f64, seed: u64 },
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Paint {
    Sidewalk,
    Asphalt,
    Marking,
    Path,
    Car {
        rgb: [f64; 3],
        axis: P,
        centre: P,
    },
    Shadow {
        strength: f64,
    },
    TiledRoof {
        rgb: [f64; 3],
        ridge_from: P,
        ridge_dir: P,
        seed: u64,
    },
    FlatRoof {
        grey: f64,
        seed: u64,
    },
    RoofBox,
    Crown {
        rgb: [f64; 3],
        centre: P,
        radius: f64,
        seed: u64,
    },
}

#[derive(Debug, Clone)]
pub(super) struct Object {
    pub(super) shape: Shape,
    pub(super) bounds: Rect,
    pub(super) paint: Paint,
}

impl Object {
    pub(super) fn polygon(points: Vec<P>, paint: Paint) -> Object {
        Object {
            bounds: Rect::of_points(&points),
            shape: Shape::Polygon(points),
            paint,
        }
    }

    pub(super) fn disc(centre: P, radius: f64, seed: u64, paint: Paint) -> Object {
        Object {
            bounds: Rect {
                min_x: centre.x - radius,
                min_y: centre.y - radius,
                max_x: centre.x + radius,
                max_y: centre.y + radius,
            },
            shape: Shape::Disc { centre, radius, seed },
            paint,
        }
    }
}

/// A strip of the output being painted, in floating point.
pub(super) struct Canvas {
    pub(super) pixels: Vec<[f32; 3]>,
    pub(super) width: usize,
    pub(super) rows: usize,
    /// World position of the strip's top-left corner.
    pub(super) origin: P,
    /// Pixel size (x: east, y: south).
    pub(super) pixel: P,
}

impl Canvas {
    fn centre_of(&self, col: usize, row: usize) -> P {
        p(
            self.origin.x + (col as f64 + 0.5) * self.pixel.x,
            self.origin.y - (row as f64 + 0.5) * self.pixel.y,
        )
    }

    pub(super) fn ground(&mut self, seed: u64) {
        for row in 0..self.rows {
            for col in 0..self.width {
                let q = self.centre_of(col, row);
                let dryness = fbm(q.x, q.y, 22.0, seed + 10);
                // Tufts of grass at 35 and 12 cm, blades at pixel scale.
                let grain = value_noise(q.x, q.y, 0.35, seed + 11) * 0.45
                    + value_noise(q.x, q.y, 0.12, seed + 12) * 0.35
                    + unit_hash((q.x * 20.0) as i64, (q.y * 20.0) as i64, seed + 13) * 0.2
                    - 0.5;
                let grass = [72.0, 98.0, 52.0];
                let soil = [138.0, 122.0, 92.0];
                let mix = ((dryness - 0.35) * 2.2).clamp(0.0, 1.0);
                let shade = 1.0 + 0.22 * grain;
                let px = &mut self.pixels[row * self.width + col];
                for c in 0..3 {
                    px[c] = ((grass[c] * (1.0 - mix) + soil[c] * mix) * shade) as f32;
                }
            }
        }
    }

    pub(super) fn paint(&mut self, object: &Object) {
        match &object.shape {
            Shape::Polygon(points) => self.fill_polygon(points, object.paint),
            Shape::Disc { centre, radius, seed } => self.fill_disc(*centre, *radius, *seed, object.paint),
        }
    }

    /// Scanline fill of a convex polygon: each row's span between its edge crossings.
    fn fill_polygon(&mut self, points: &[P], paint: Paint) {
        for row in 0..self.rows {
            let y = self.origin.y - (row as f64 + 0.5) * self.pixel.y;
            let mut low = f64::MAX;
            let mut high = f64::MIN;
            for (i, &a) in points.iter().enumerate() {
                let b = points[(i + 1) % points.len()];
                if (a.y <= y && b.y > y) || (b.y <= y && a.y > y) {
                    let x = a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x);
                    low = low.min(x);
                    high = high.max(x);
                }
            }
            if low > high {
                continue;
            }
            let first = (((low - self.origin.x) / self.pixel.x) - 0.5).ceil().max(0.0) as usize;
            let last = (((high - self.origin.x) / self.pixel.x) - 0.5).floor();
            if last < 0.0 {
                continue;
            }
            let last = (last as usize).min(self.width - 1);
            for col in first..=last {
                let q = self.centre_of(col, row);
                let px = &mut self.pixels[row * self.width + col];
                shade(px, q, paint);
            }
        }
    }

    /// Fills a disc whose edge wobbles with the angle (tree crowns, their shadows).
    fn fill_disc(&mut self, centre: P, radius: f64, seed: u64, paint: Paint) {
        let top = ((self.origin.y - (centre.y + radius)) / self.pixel.y)
            .floor()
            .max(0.0) as usize;
        let bottom = (((self.origin.y - (centre.y - radius)) / self.pixel.y)
            .ceil()
            .max(0.0) as usize)
            .min(self.rows);
        let left = ((centre.x - radius - self.origin.x) / self.pixel.x)
            .floor()
            .max(0.0) as usize;
        let right = (((centre.x + radius - self.origin.x) / self.pixel.x)
            .ceil()
            .max(0.0) as usize)
            .min(self.width);
        for row in top..bottom {
            for col in left..right {
                let q = self.centre_of(col, row);
                let d = q - centre;
                let angle = d.y.atan2(d.x);
                let wobble = 0.86 + 0.14 * value_noise(angle * 3.0, 0.0, 1.0, seed);
                if d.len() <= radius * wobble {
                    let px = &mut self.pixels[row * self.width + col];
                    shade(px, q, paint);
                }
            }
        }
    }

    /// Adds sensor noise and writes 8-bit RGB.
    pub(super) fn finish(&self, out: &mut [u8], seed: u64) {
        for (i, px) in self.pixels.iter().enumerate() {
            let (col, row) = (i % self.width, i / self.width);
            let q = self.centre_of(col, row);
            // Pixel centres sit at half-integers of the pixel grid: floor is exact there.
            let ix = (q.x / self.pixel.x).floor() as i64;
            let iy = (q.y / self.pixel.y).floor() as i64;
            let h = hash(ix, iy, seed + 99);
            let luma_noise = ((h & 0xFF) as f32 - 127.5) / 127.5 * 3.5;
            for c in 0..3 {
                let chroma_noise = (((h >> (8 + 8 * c)) & 0xFF) as f32 - 127.5) / 127.5 * 1.5;
                out[i * 3 + c] = (px[c] + luma_noise + chroma_noise).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

fn set(px: &mut [f32; 3], rgb: [f64; 3], shade: f64) {
    for c in 0..3 {
        px[c] = (rgb[c] * shade) as f32;
    }
}

/// Colour of `paint` at world point `q`, over what is already there.
fn shade(px: &mut [f32; 3], q: P, paint: Paint) {
    match paint {
        Paint::Sidewalk => {
            let slab = value_noise(q.x, q.y, 0.6, 21) * 0.12 + value_noise(q.x, q.y, 0.08, 22) * 0.1;
            set(px, [168.0, 166.0, 160.0], 0.9 + slab);
        }
        Paint::Path => {
            let grit = value_noise(q.x, q.y, 0.1, 23) * 0.2;
            set(px, [182.0, 168.0, 140.0], 0.88 + grit);
        }
        Paint::Asphalt => {
            let patches = fbm(q.x, q.y, 9.0, 24);
            let grit = value_noise(q.x, q.y, 0.07, 25) * 0.25;
            set(px, [92.0, 93.0, 96.0], 0.8 + 0.3 * patches + grit);
        }
        Paint::Marking => {
            let wear = value_noise(q.x, q.y, 0.3, 26);
            set(px, [232.0, 232.0, 226.0], 0.75 + 0.25 * wear);
        }
        Paint::Car { rgb, axis, centre } => {
            let along = (q - centre).dot(axis);
            // Windscreen and rear window are dark bands; the roof catches light.
            let glass = (along > 0.55 && along < 1.25) || (along < -1.0 && along > -1.5);
            let across = (q - centre).dot(axis.perp()).abs();
            if glass && across < 0.75 {
                set(px, [38.0, 44.0, 52.0], 1.0);
            } else {
                set(px, rgb, if across < 0.6 { 1.05 } else { 0.88 });
            }
        }
        Paint::Shadow { strength } => {
            let factor = (1.0 - strength) as f32;
            px[0] *= factor;
            px[1] *= factor * 1.02;
            px[2] *= factor * 1.12;
        }
        Paint::TiledRoof {
            rgb,
            ridge_from,
            ridge_dir,
            seed,
        } => {
            let across = (q - ridge_from).dot(ridge_dir.perp());
            let along = (q - ridge_from).dot(ridge_dir);
            // The slope facing the sun is lit; tile courses run parallel to the ridge.
            let facing = if across * ridge_dir.perp().dot(SUN_FROM) > 0.0 {
                1.12
            } else {
                0.72
            };
            let course = ((across.abs() / 0.32).fract() - 0.5).abs() * 0.18;
            let joint = if ((along / 0.22).fract()) < 0.15 {
                0.93
            } else {
                1.0
            };
            let ridge = if across.abs() < 0.18 { 0.8 } else { 1.0 };
            let weathering = 0.9 + 0.2 * fbm(q.x, q.y, 2.5, seed);
            set(px, rgb, facing * (0.92 + course) * joint * ridge * weathering);
        }
        Paint::FlatRoof { grey, seed } => {
            let gravel = value_noise(q.x, q.y, 0.06, seed) * 0.16;
            let stains = fbm(q.x, q.y, 3.0, seed + 1) * 0.2;
            set(px, [grey, grey, grey * 1.02], 0.85 + gravel + stains);
        }
        Paint::RoofBox => set(px, [196.0, 198.0, 200.0], 1.0),
        Paint::Crown {
            rgb,
            centre,
            radius,
            seed,
        } => {
            let d = (q - centre) * (1.0 / radius);
            let z = (1.0 - d.dot(d)).max(0.0).sqrt();
            let lit = 0.62 + 0.45 * (-(d.dot(SUN_FROM)) * 0.7 + z * 0.5).clamp(0.0, 1.0);
            let leaves =
                value_noise(q.x, q.y, 0.25, seed) * 0.35 + value_noise(q.x, q.y, 0.9, seed + 1) * 0.2;
            set(px, rgb, lit * (0.78 + leaves));
        }
    }
}
