//! Geometries in pixels: a feature's geometry brought into the view, and where symbols and
//! labels go on it (points, middles of lines, centres of areas).

use tiny_skia::PathBuilder;

use super::MapView;
use crate::vector::{Geometry, Path, Piece, StoredFeature, Transform};

/// A geometry in pixels.
pub(super) enum Pixels {
    Points(Vec<(f32, f32)>),
    Lines(Vec<Vec<(f32, f32)>>),
    Polygons(Vec<Vec<Vec<(f32, f32)>>>),
}

/// The feature's geometry in the view's pixels, vertices closer than a third of a pixel merged.
pub(super) fn to_pixels(feature: &StoredFeature, view: &MapView, transform: Transform) -> Option<Pixels> {
    let (geometry, _, _) = feature.geometry_in(Some(view.epsg), false, transform)?;
    let geometry = if geometry.has_arcs() {
        geometry.linearized()
    } else {
        geometry
    };
    let sx = f64::from(view.width) / (view.bbox[2] - view.bbox[0]);
    let sy = f64::from(view.height) / (view.bbox[3] - view.bbox[1]);
    let at = |p: &[f64; 3]| {
        (
            ((p[0] - view.bbox[0]) * sx) as f32,
            ((view.bbox[3] - p[1]) * sy) as f32,
        )
    };
    let line = |path: &Path| -> Vec<(f32, f32)> {
        let mut out: Vec<(f32, f32)> = Vec::new();
        for piece in &path.0 {
            let points = match piece {
                Piece::Line(points) | Piece::Arcs(points) => points,
            };
            for point in points {
                let p = at(point);
                match out.last() {
                    Some(last) if (last.0 - p.0).abs() < 0.33 && (last.1 - p.1).abs() < 0.33 => {}
                    _ => out.push(p),
                }
            }
        }
        out
    };
    Some(match &geometry {
        Geometry::Point(p) => Pixels::Points(vec![at(p)]),
        Geometry::MultiPoint(points) => Pixels::Points(points.iter().map(at).collect()),
        Geometry::Line(path) => Pixels::Lines(vec![line(path)]),
        Geometry::MultiLine(paths) => Pixels::Lines(paths.iter().map(line).collect()),
        Geometry::Polygon(rings) => Pixels::Polygons(vec![rings.iter().map(line).collect()]),
        Geometry::MultiPolygon(polygons) => Pixels::Polygons(
            polygons
                .iter()
                .map(|rings| rings.iter().map(line).collect())
                .collect(),
        ),
    })
}

/// Where point symbols and point labels go: each point, the middle of each line, the centre of
/// each polygon's outer ring.
pub(super) fn anchor_points(pixels: &Pixels) -> Vec<(f32, f32)> {
    match pixels {
        Pixels::Points(points) => points.clone(),
        Pixels::Lines(lines) => lines
            .iter()
            .filter_map(|line| middle_of(line).map(|(p, _)| p))
            .collect(),
        Pixels::Polygons(polygons) => polygons
            .iter()
            .filter_map(|rings| rings.first())
            .filter_map(|ring| centroid(ring))
            .collect(),
    }
}

/// The middle of the first line and the direction there (degrees, clockwise, kept upright).
pub(super) fn line_middle(pixels: &Pixels) -> Option<((f32, f32), f32)> {
    match pixels {
        Pixels::Lines(lines) => lines.iter().find_map(|line| middle_of(line)),
        Pixels::Polygons(polygons) => polygons.first()?.first().and_then(|ring| middle_of(ring)),
        Pixels::Points(points) => points.first().map(|p| (*p, 0.0)),
    }
}

pub(super) fn middle_of(line: &[(f32, f32)]) -> Option<((f32, f32), f32)> {
    let length: f32 = line.windows(2).map(|w| distance(w[0], w[1])).sum();
    if line.len() < 2 {
        return line.first().map(|p| (*p, 0.0));
    }
    let mut left = length / 2.0;
    for w in line.windows(2) {
        let step = distance(w[0], w[1]);
        if step >= left && step > 0.0 {
            let t = left / step;
            let point = (w[0].0 + t * (w[1].0 - w[0].0), w[0].1 + t * (w[1].1 - w[0].1));
            let mut angle = (w[1].1 - w[0].1).atan2(w[1].0 - w[0].0).to_degrees();
            if angle > 90.0 {
                angle -= 180.0;
            } else if angle < -90.0 {
                angle += 180.0;
            }
            return Some((point, angle));
        }
        left -= step;
    }
    line.last().map(|p| (*p, 0.0))
}

pub(super) fn distance(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt()
}

/// Area centroid of a ring (its first point when flat).
pub(super) fn centroid(ring: &[(f32, f32)]) -> Option<(f32, f32)> {
    let first = *ring.first()?;
    let (mut area, mut cx, mut cy) = (0.0f64, 0.0f64, 0.0f64);
    for w in ring.windows(2) {
        let (x0, y0) = (f64::from(w[0].0 - first.0), f64::from(w[0].1 - first.1));
        let (x1, y1) = (f64::from(w[1].0 - first.0), f64::from(w[1].1 - first.1));
        let cross = x0 * y1 - x1 * y0;
        area += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if area.abs() < 1e-9 {
        return Some(first);
    }
    Some((
        (cx / (3.0 * area)) as f32 + first.0,
        (cy / (3.0 * area)) as f32 + first.1,
    ))
}

/// A line moved sideways by `offset` pixels (to its left), each vertex along the mean normal.
pub(super) fn offset_line(line: &[(f32, f32)], offset: f32) -> Vec<(f32, f32)> {
    let normal = |a: (f32, f32), b: (f32, f32)| {
        let length = distance(a, b).max(1e-6);
        // Left of the direction of travel, y down.
        ((b.1 - a.1) / length, -(b.0 - a.0) / length)
    };
    (0..line.len())
        .map(|i| {
            let before = (i > 0).then(|| normal(line[i - 1], line[i]));
            let after = (i + 1 < line.len()).then(|| normal(line[i], line[i + 1]));
            let (nx, ny) = match (before, after) {
                (Some(a), Some(b)) => {
                    let (x, y) = (a.0 + b.0, a.1 + b.1);
                    let length = (x * x + y * y).sqrt().max(1e-6);
                    (x / length, y / length)
                }
                (Some(n), None) | (None, Some(n)) => n,
                (None, None) => (0.0, 0.0),
            };
            (line[i].0 + nx * offset, line[i].1 + ny * offset)
        })
        .collect()
}

pub(super) fn add_line(builder: &mut PathBuilder, line: &[(f32, f32)], close: bool) {
    let Some(first) = line.first() else { return };
    builder.move_to(first.0, first.1);
    for point in &line[1..] {
        builder.line_to(point.0, point.1);
    }
    if close {
        builder.close();
    }
}

pub(super) fn polyline(line: &[(f32, f32)], close: bool) -> Option<tiny_skia::Path> {
    if line.len() < 2 {
        return None;
    }
    let mut builder = PathBuilder::new();
    add_line(&mut builder, line, close);
    builder.finish()
}
