//! A procedural town seen from above at 5 cm: streets with sidewalks and markings, parked cars,
//! blocks of buildings with tiled or flat roofs and their shadows, trees, parks, grass and soil,
//! sensor noise. Everything is defined in world coordinates from a seed, so adjacent dalles
//! join without seams and a dalle renders the same every time. The point is realistic pixel
//! statistics (texture, edges, noise) so that compression ratios and decode speeds mean
//! something; flat colours would not.

use rayon::prelude::*;

use super::paint::{Canvas, Object, Paint, SHADOW_PER_METRE, SUN_FROM};
pub use super::primitives::Rect;
use super::primitives::{convex_hull, oriented_rect, p, Rng, P};

/// The shadow of a prism of `height` metres standing on `footprint`.
fn shadow_of(footprint: &[P], height: f64) -> Vec<P> {
    let offset = SUN_FROM * (-height * SHADOW_PER_METRE);
    let mut points = footprint.to_vec();
    points.extend(footprint.iter().map(|&q| q + offset));
    convex_hull(points)
}

/// A street: a straight band with sidewalks on both sides.
#[derive(Debug, Clone, Copy)]
struct Street {
    from: P,
    to: P,
    carriageway: f64,
    sidewalk: f64,
}

impl Street {
    fn half_width(&self) -> f64 {
        self.carriageway / 2.0 + self.sidewalk
    }

    /// Distance from `q` to the street's centre line.
    fn distance(&self, q: P) -> f64 {
        let d = self.to - self.from;
        let t = ((q - self.from).dot(d) / d.dot(d)).clamp(0.0, 1.0);
        (q - (self.from + d * t)).len()
    }
}

/// The whole scene over an extent.
pub struct Scene {
    seed: u64,
    /// Objects in painting order.
    objects: Vec<Object>,
}

impl Scene {
    /// Lays out a town over `extent` (plus a margin, so shadows and trees cross dalle edges).
    pub fn generate(extent: Rect, seed: u64) -> Scene {
        let margin = 40.0;
        let area = Rect {
            min_x: extent.min_x - margin,
            min_y: extent.min_y - margin,
            max_x: extent.max_x + margin,
            max_y: extent.max_y + margin,
        };
        let mut rng = Rng(seed);
        let mut layers = Layers::default();
        let streets = lay_streets(&area, &mut rng);
        for street in &streets {
            layers.add_street(street, &mut rng);
        }
        let xs = street_positions(&streets, true);
        let ys = street_positions(&streets, false);
        for window in xs.windows(2) {
            for row in ys.windows(2) {
                let block = Rect {
                    min_x: window[0].0 + window[0].1,
                    max_x: window[1].0 - window[1].1,
                    min_y: row[0].0 + row[0].1,
                    max_y: row[1].0 - row[1].1,
                };
                if block.max_x - block.min_x > 12.0 && block.max_y - block.min_y > 12.0 {
                    layers.add_block(&block, &streets, &mut rng);
                }
            }
        }
        Scene {
            seed,
            objects: layers.into_objects(),
        }
    }

    /// Renders the window `[min_x, max_x] × [min_y, max_y]` as `width × height` RGB pixels,
    /// rows from north to south, pixel-interleaved.
    pub fn render(&self, window: Rect, width: usize, height: usize) -> Vec<u8> {
        let pixel_x = (window.max_x - window.min_x) / width as f64;
        let pixel_y = (window.max_y - window.min_y) / height as f64;
        let strip_rows = 64;
        let mut rgb = vec![0u8; width * height * 3];
        rgb.par_chunks_mut(width * 3 * strip_rows)
            .enumerate()
            .for_each(|(strip, bytes)| {
                let rows = bytes.len() / (width * 3);
                let first_row = strip * strip_rows;
                let strip_rect = Rect {
                    min_x: window.min_x,
                    max_x: window.max_x,
                    max_y: window.max_y - first_row as f64 * pixel_y,
                    min_y: window.max_y - (first_row + rows) as f64 * pixel_y,
                };
                let mut canvas = Canvas {
                    pixels: vec![[0.0f32; 3]; width * rows],
                    width,
                    rows,
                    origin: p(window.min_x, strip_rect.max_y),
                    pixel: p(pixel_x, pixel_y),
                };
                canvas.ground(self.seed);
                for object in self.objects.iter().filter(|o| o.bounds.intersects(&strip_rect)) {
                    canvas.paint(object);
                }
                canvas.finish(bytes, self.seed);
            });
        rgb
    }
}

/// Objects sorted into the layers they are painted in.
#[derive(Default)]
struct Layers {
    paths: Vec<Object>,
    sidewalks: Vec<Object>,
    roads: Vec<Object>,
    markings: Vec<Object>,
    cars: Vec<Object>,
    shadows: Vec<Object>,
    roofs: Vec<Object>,
    crowns: Vec<Object>,
}

impl Layers {
    fn into_objects(self) -> Vec<Object> {
        [
            self.paths,
            self.sidewalks,
            self.roads,
            self.markings,
            self.cars,
            self.shadows,
            self.roofs,
            self.crowns,
        ]
        .concat()
    }

    fn add_tree(&mut self, centre: P, radius: f64, rng: &mut Rng) {
        let seed = (rng.next() * 1e12) as u64;
        let height = radius * rng.range(1.6, 2.4);
        let shadow_centre = centre + SUN_FROM * (-height * SHADOW_PER_METRE * 0.8);
        self.shadows.push(Object::disc(
            shadow_centre,
            radius * 0.95,
            seed,
            Paint::Shadow { strength: 0.5 },
        ));
        let green = rng.range(0.0, 1.0);
        let rgb = [40.0 + 35.0 * green, 72.0 + 30.0 * green, 38.0 + 10.0 * green];
        self.crowns.push(Object::disc(
            centre,
            radius,
            seed,
            Paint::Crown {
                rgb,
                centre,
                radius,
                seed,
            },
        ));
    }

    fn add_street(&mut self, street: &Street, rng: &mut Rng) {
        let axis = (street.to - street.from).unit();
        let length = (street.to - street.from).len();
        let centre = (street.from + street.to) * 0.5;
        self.sidewalks.push(Object::polygon(
            oriented_rect(centre, axis, length, street.carriageway + 2.0 * street.sidewalk),
            Paint::Sidewalk,
        ));
        self.roads.push(Object::polygon(
            oriented_rect(centre, axis, length, street.carriageway),
            Paint::Asphalt,
        ));
        // Dashed centre line: 3 m dashes, 5 m gaps; edge lines along the parking lanes.
        let mut t = 0.0;
        while t + 3.0 < length {
            let dash_centre = street.from + axis * (t + 1.5);
            self.markings.push(Object::polygon(
                oriented_rect(dash_centre, axis, 3.0, 0.15),
                Paint::Marking,
            ));
            t += 8.0;
        }
        // Parked cars along both curbs, trees on wide sidewalks.
        let across = axis.perp();
        for side in [-1.0, 1.0] {
            let lane = street.carriageway / 2.0 - 1.3;
            let mut t = rng.range(2.0, 8.0);
            while t + 5.0 < length {
                if rng.chance(0.55) {
                    let car_centre = street.from + axis * t + across * (side * lane);
                    self.add_car(car_centre, axis, rng);
                }
                t += rng.range(5.5, 7.5);
            }
            if street.sidewalk >= 3.0 {
                let mut t = rng.range(3.0, 9.0);
                while t < length {
                    let spot = street.from
                        + axis * t
                        + across * (side * (street.carriageway / 2.0 + street.sidewalk * 0.6));
                    let radius = rng.range(2.2, 3.8);
                    self.add_tree(spot, radius, rng);
                    t += rng.range(8.0, 11.0);
                }
            }
        }
    }

    fn add_car(&mut self, centre: P, axis: P, rng: &mut Rng) {
        const COLOURS: [[f64; 3]; 7] = [
            [225.0, 225.0, 228.0],
            [30.0, 30.0, 34.0],
            [120.0, 122.0, 126.0],
            [175.0, 178.0, 182.0],
            [150.0, 30.0, 32.0],
            [35.0, 60.0, 120.0],
            [200.0, 190.0, 160.0],
        ];
        let rgb = COLOURS[(rng.next() * COLOURS.len() as f64) as usize % COLOURS.len()];
        let length = rng.range(3.9, 4.8);
        let footprint = oriented_rect(centre, axis, length, 1.8);
        self.shadows.push(Object::polygon(
            shadow_of(&footprint, 1.4),
            Paint::Shadow { strength: 0.45 },
        ));
        self.cars.push(Object::polygon(
            footprint,
            Paint::Car {
                rgb,
                axis: axis.unit(),
                centre,
            },
        ));
    }

    fn add_block(&mut self, block: &Rect, streets: &[Street], rng: &mut Rng) {
        let centre = p(
            (block.min_x + block.max_x) / 2.0,
            (block.min_y + block.max_y) / 2.0,
        );
        let clear_of_streets = |corners: &[P]| {
            streets
                .iter()
                .all(|s| corners.iter().all(|&c| s.distance(c) > s.half_width() + 0.3))
        };
        if rng.chance(0.2) {
            // A park: paths and trees.
            let axis = p(1.0, rng.range(-0.3, 0.3)).unit();
            self.paths.push(Object::polygon(
                oriented_rect(centre, axis, block.max_x - block.min_x, 2.5),
                Paint::Path,
            ));
            let count = ((block.max_x - block.min_x) * (block.max_y - block.min_y) / 120.0) as usize;
            for _ in 0..count {
                let spot = p(
                    rng.range(block.min_x + 3.0, block.max_x - 3.0),
                    rng.range(block.min_y + 3.0, block.max_y - 3.0),
                );
                if clear_of_streets(&[spot]) {
                    let radius = rng.range(2.5, 5.5);
                    self.add_tree(spot, radius, rng);
                }
            }
            return;
        }
        // Buildings along the four edges, facing the street, and a second ring inside large
        // blocks; a courtyard remains in the middle.
        let short_side = (block.max_y - block.min_y).min(block.max_x - block.min_x);
        let rings = if short_side > 70.0 { 2 } else { 1 };
        for ring in 0..rings {
            let inset = ring as f64 * 22.0;
            let inner = Rect {
                min_x: block.min_x + inset,
                min_y: block.min_y + inset,
                max_x: block.max_x - inset,
                max_y: block.max_y - inset,
            };
            let edges = [
                (
                    p(inner.min_x, inner.max_y),
                    p(1.0, 0.0),
                    p(0.0, -1.0),
                    inner.max_x - inner.min_x,
                ),
                (
                    p(inner.max_x, inner.min_y),
                    p(-1.0, 0.0),
                    p(0.0, 1.0),
                    inner.max_x - inner.min_x,
                ),
                (
                    p(inner.min_x, inner.min_y),
                    p(0.0, 1.0),
                    p(1.0, 0.0),
                    inner.max_y - inner.min_y,
                ),
                (
                    p(inner.max_x, inner.max_y),
                    p(0.0, -1.0),
                    p(-1.0, 0.0),
                    inner.max_y - inner.min_y,
                ),
            ];
            let max_depth = ((short_side - 2.0 * inset) / 2.0 - 2.0).max(6.0);
            for (start, along, inward, length) in edges {
                let mut t = rng.range(0.0, 3.0);
                while t < length - 6.0 {
                    let frontage = rng.range(7.0, 18.0).min(length - t);
                    let depth = rng.range(9.0, 15.0).min(max_depth);
                    let setback = if ring == 0 {
                        rng.range(0.0, 1.5)
                    } else {
                        rng.range(0.0, 4.0)
                    };
                    if frontage > 5.0 && (ring == 0 || rng.chance(0.6)) {
                        let centre = start + along * (t + frontage / 2.0) + inward * (depth / 2.0 + setback);
                        if clear_of_streets(&oriented_rect(centre, along, frontage, depth)) {
                            self.add_building(centre, along, frontage, depth, rng);
                        }
                    }
                    t += frontage
                        + if rng.chance(0.25) {
                            rng.range(1.0, 4.0)
                        } else {
                            0.0
                        };
                }
            }
        }
        // A few trees in the courtyard.
        let (half_w, half_h) = (
            (block.max_x - block.min_x) / 4.0,
            (block.max_y - block.min_y) / 4.0,
        );
        for _ in 0..(rng.range(1.0, 6.0) as usize) {
            let spot = centre + p(rng.range(-half_w, half_w), rng.range(-half_h, half_h));
            let radius = rng.range(2.0, 4.0);
            self.add_tree(spot, radius, rng);
        }
    }

    fn add_building(&mut self, centre: P, along: P, frontage: f64, depth: f64, rng: &mut Rng) {
        let footprint = oriented_rect(centre, along, frontage, depth);
        let height = rng.range(6.0, 22.0);
        self.shadows.push(Object::polygon(
            shadow_of(&footprint, height),
            Paint::Shadow { strength: 0.55 },
        ));
        let seed = (rng.next() * 1e12) as u64;
        if rng.chance(0.6) {
            let warm = rng.range(0.0, 1.0);
            let rgb = [150.0 + 45.0 * warm, 75.0 + 25.0 * warm, 55.0 + 15.0 * warm];
            // The ridge runs along the longer side.
            let ridge_dir = if frontage >= depth { along } else { along.perp() };
            self.roofs.push(Object::polygon(
                footprint,
                Paint::TiledRoof {
                    rgb,
                    ridge_from: centre,
                    ridge_dir,
                    seed,
                },
            ));
        } else {
            let grey = rng.range(110.0, 165.0);
            self.roofs
                .push(Object::polygon(footprint, Paint::FlatRoof { grey, seed }));
            for _ in 0..(rng.range(0.0, 3.0) as usize) {
                let spot = centre
                    + along * rng.range(-frontage / 4.0, frontage / 4.0)
                    + along.perp() * rng.range(-depth / 4.0, depth / 4.0);
                self.roofs.push(Object::polygon(
                    oriented_rect(spot, along, rng.range(1.0, 2.5), rng.range(1.0, 2.0)),
                    Paint::RoofBox,
                ));
            }
        }
    }
}

/// A straight grid of streets over `area`, with jittered spacing, plus one diagonal avenue.
fn lay_streets(area: &Rect, rng: &mut Rng) -> Vec<Street> {
    let mut streets = Vec::new();
    let mut x = area.min_x + rng.range(5.0, 30.0);
    while x < area.max_x {
        let (carriageway, sidewalk) = if rng.chance(0.3) {
            (12.0, 4.0)
        } else {
            (rng.range(6.5, 9.0), rng.range(1.8, 3.2))
        };
        streets.push(Street {
            from: p(x, area.min_y),
            to: p(x, area.max_y),
            carriageway,
            sidewalk,
        });
        x += rng.range(85.0, 140.0);
    }
    let mut y = area.min_y + rng.range(5.0, 30.0);
    while y < area.max_y {
        let (carriageway, sidewalk) = if rng.chance(0.3) {
            (12.0, 4.0)
        } else {
            (rng.range(6.5, 9.0), rng.range(1.8, 3.2))
        };
        streets.push(Street {
            from: p(area.min_x, y),
            to: p(area.max_x, y),
            carriageway,
            sidewalk,
        });
        y += rng.range(75.0, 125.0);
    }
    streets.push(Street {
        from: p(area.min_x, area.min_y + (area.max_y - area.min_y) * 0.15),
        to: p(area.max_x, area.min_y + (area.max_y - area.min_y) * 0.75),
        carriageway: 14.0,
        sidewalk: 4.0,
    });
    streets
}

/// Positions and half widths of the axis-aligned streets, sorted.
fn street_positions(streets: &[Street], vertical: bool) -> Vec<(f64, f64)> {
    let mut positions: Vec<(f64, f64)> = streets
        .iter()
        .filter(|s| {
            if vertical {
                s.from.x == s.to.x
            } else {
                s.from.y == s.to.y
            }
        })
        .map(|s| (if vertical { s.from.x } else { s.from.y }, s.half_width()))
        .collect();
    positions.sort_by(|a, b| a.0.total_cmp(&b.0));
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent() -> Rect {
        Rect {
            min_x: 846_200.0,
            min_y: 6_525_800.0,
            max_x: 846_400.0,
            max_y: 6_526_000.0,
        }
    }

    #[test]
    fn renders_deterministically_with_texture() {
        let scene = Scene::generate(extent(), 7);
        let window = Rect {
            min_x: 846_250.0,
            min_y: 6_525_850.0,
            max_x: 846_275.6,
            max_y: 6_525_875.6,
        };
        let a = scene.render(window, 256, 256);
        let b = Scene::generate(extent(), 7).render(window, 256, 256);
        assert_eq!(a, b);
        // Not flat: many distinct values and a wide spread.
        let mut seen = std::collections::HashSet::new();
        for px in a.chunks(3) {
            seen.insert([px[0], px[1], px[2]]);
        }
        assert!(seen.len() > 5000, "only {} colours", seen.len());
    }

    #[test]
    fn adjacent_windows_join() {
        // Rendering two halves separately equals rendering the whole: no seams at dalle edges.
        let scene = Scene::generate(extent(), 3);
        let whole = scene.render(
            Rect {
                min_x: 846_300.0,
                min_y: 6_525_900.0,
                max_x: 846_306.4,
                max_y: 6_525_903.2,
            },
            128,
            64,
        );
        let left = scene.render(
            Rect {
                min_x: 846_300.0,
                min_y: 6_525_900.0,
                max_x: 846_303.2,
                max_y: 6_525_903.2,
            },
            64,
            64,
        );
        for row in 0..64 {
            assert_eq!(
                &whole[row * 128 * 3..row * 128 * 3 + 64 * 3],
                &left[row * 64 * 3..(row + 1) * 64 * 3]
            );
        }
    }

    #[test]
    fn hull_of_square_and_offset() {
        let hull = convex_hull(vec![
            p(0.0, 0.0),
            p(1.0, 0.0),
            p(1.0, 1.0),
            p(0.0, 1.0),
            p(2.0, 2.0),
            p(0.5, 0.5),
        ]);
        assert_eq!(hull.len(), 4, "(1,1) and (0.5,0.5) are inside");
    }
}
