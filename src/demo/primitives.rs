//! Geometry in metres, integer hashing and value noise, and the seeded random stream the
//! scene is laid out with.

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct P {
    /// Easting.
    pub x: f64,
    /// Northing.
    pub y: f64,
}

pub(super) const fn p(x: f64, y: f64) -> P {
    P { x, y }
}

impl std::ops::Add for P {
    type Output = P;
    fn add(self, o: P) -> P {
        p(self.x + o.x, self.y + o.y)
    }
}
impl std::ops::Sub for P {
    type Output = P;
    fn sub(self, o: P) -> P {
        p(self.x - o.x, self.y - o.y)
    }
}
impl std::ops::Mul<f64> for P {
    type Output = P;
    fn mul(self, k: f64) -> P {
        p(self.x * k, self.y * k)
    }
}
impl P {
    pub(super) fn dot(self, o: P) -> f64 {
        self.x * o.x + self.y * o.y
    }
    pub(super) fn len(self) -> f64 {
        self.dot(self).sqrt()
    }
    pub(super) fn unit(self) -> P {
        self * (1.0 / self.len().max(1e-12))
    }
    pub(super) fn perp(self) -> P {
        p(-self.y, self.x)
    }
}

/// An axis-aligned rectangle in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// West.
    pub min_x: f64,
    /// South.
    pub min_y: f64,
    /// East.
    pub max_x: f64,
    /// North.
    pub max_y: f64,
}

impl Rect {
    pub(super) fn of_points(points: &[P]) -> Rect {
        let mut r = Rect {
            min_x: f64::MAX,
            min_y: f64::MAX,
            max_x: f64::MIN,
            max_y: f64::MIN,
        };
        for q in points {
            r.min_x = r.min_x.min(q.x);
            r.min_y = r.min_y.min(q.y);
            r.max_x = r.max_x.max(q.x);
            r.max_y = r.max_y.max(q.y);
        }
        r
    }

    pub(super) fn intersects(&self, o: &Rect) -> bool {
        self.min_x < o.max_x && o.min_x < self.max_x && self.min_y < o.max_y && o.min_y < self.max_y
    }
}

/// A rectangle centred on `centre`, `length` along `axis` and `width` across it.
pub(super) fn oriented_rect(centre: P, axis: P, length: f64, width: f64) -> Vec<P> {
    let a = axis.unit() * (length / 2.0);
    let b = axis.unit().perp() * (width / 2.0);
    vec![centre - a - b, centre + a - b, centre + a + b, centre - a + b]
}

/// Convex hull (monotone chain), counter-clockwise.
pub(super) fn convex_hull(mut points: Vec<P>) -> Vec<P> {
    points.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    let cross = |o: P, a: P, b: P| (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    let mut hull: Vec<P> = Vec::with_capacity(points.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &P>> = if pass == 0 {
            Box::new(points.iter())
        } else {
            Box::new(points.iter().rev())
        };
        for &q in iter {
            while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], q) <= 0.0 {
                hull.pop();
            }
            hull.push(q);
        }
        hull.pop();
    }
    hull
}

// Noise: integer hashing, value noise, fractal sums.

pub(super) fn hash(ix: i64, iy: i64, seed: u64) -> u64 {
    let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
    h ^= (ix as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = h.rotate_left(31).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^= (iy as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^= h >> 32;
    h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

pub(super) fn unit_hash(ix: i64, iy: i64, seed: u64) -> f64 {
    (hash(ix, iy, seed) >> 11) as f64 / (1u64 << 53) as f64
}

/// Smooth value noise in [0, 1] with features of size `scale` metres.
pub(super) fn value_noise(x: f64, y: f64, scale: f64, seed: u64) -> f64 {
    let (fx, fy) = (x / scale, y / scale);
    let (ix, iy) = (fx.floor(), fy.floor());
    let (tx, ty) = (fx - ix, fy - iy);
    let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
    let (ix, iy) = (ix as i64, iy as i64);
    let a = unit_hash(ix, iy, seed);
    let b = unit_hash(ix + 1, iy, seed);
    let c = unit_hash(ix, iy + 1, seed);
    let d = unit_hash(ix + 1, iy + 1, seed);
    let top = a + (b - a) * sx;
    let bottom = c + (d - c) * sx;
    top + (bottom - top) * sy
}

/// Three octaves of value noise, in [0, 1].
pub(super) fn fbm(x: f64, y: f64, scale: f64, seed: u64) -> f64 {
    (value_noise(x, y, scale, seed) * 0.57
        + value_noise(x, y, scale / 2.3, seed + 1) * 0.29
        + value_noise(x, y, scale / 5.1, seed + 2) * 0.14)
        .clamp(0.0, 1.0)
}

/// A deterministic random stream for laying out the scene.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(super) fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next()
    }
    pub(super) fn chance(&mut self, probability: f64) -> bool {
        self.next() < probability
    }
}
