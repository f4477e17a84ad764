//! Vector maps: the features of collections drawn with their [`Style`]s, anti-aliased by
//! tiny-skia, labels shaped with real fonts and placed last, without overlaps. The caller gives
//! the view (CRS, box, size) and a canvas, blank or holding the orthophoto to draw over.

mod legend;
mod pixels;
mod text;

use std::sync::Arc;

use serde_json::{Map, Value};
use tiny_skia::{
    FillRule, LineCap as SkCap, LineJoin as SkJoin, Paint, PathBuilder, Pixmap, StrokeDash, Transform as Sk,
};

pub use legend::{draw_legend, draw_legend_sheet};
use pixels::{add_line, anchor_points, line_middle, offset_line, polyline, to_pixels, Pixels};
pub use text::Fonts;

use super::style::class_rank;
use super::style::{
    Expr, Fill, Graphic, LineCap, LineJoin, MarkShape, Placement, Rule, Stroke, Style, Symbolizer, Unit,
};
use super::{Collection, Deadline, StoredFeature, Transform, Vectors};
use std::collections::BTreeMap;

/// Size of an OGC "standardized rendering pixel", in metres (scale denominators use it).
pub const PIXEL_METRES: f64 = 0.000_28;

/// Pixels around the view whose features are still drawn, so that symbols and labels of
/// features just outside a tile reach into it and tiles join.
const BUFFER_PIXELS: f64 = 48.0;

/// Why a map could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The request ran past its time budget.
    #[error("drawing the map took longer than the request timeout")]
    Timeout,
    /// The canvas could not be made.
    #[error("a {0}×{1} canvas cannot be made")]
    Canvas(u32, u32),
}

/// What is drawn: CRS, box (x = easting or longitude first) and size.
#[derive(Debug, Clone, Copy)]
pub struct MapView {
    /// EPSG code of the map.
    pub epsg: u32,
    /// min x, min y, max x, max y.
    pub bbox: [f64; 4],
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Metres in one unit of the CRS (111 319.49 for degrees).
    pub metres_per_unit: f64,
}

impl MapView {
    /// Ground metres per pixel (along x).
    pub fn metres_per_pixel(&self) -> f64 {
        (self.bbox[2] - self.bbox[0]) / f64::from(self.width) * self.metres_per_unit
    }

    /// The OGC scale denominator.
    pub fn scale_denominator(&self) -> f64 {
        self.metres_per_pixel() / PIXEL_METRES
    }

    /// The box in CRS:84 the features to draw meet, buffer included; `None` when the view
    /// can't be taken to CRS:84.
    fn bbox84(&self, transform: Transform) -> Option<[f64; 4]> {
        let [x0, y0, x1, y1] = self.bbox;
        let pad_x = (x1 - x0) / f64::from(self.width) * BUFFER_PIXELS;
        let pad_y = (y1 - y0) / f64::from(self.height) * BUFFER_PIXELS;
        let (x0, y0, x1, y1) = (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y);
        const STEPS: usize = 8;
        let mut xs = Vec::with_capacity(4 * STEPS);
        let mut ys = Vec::with_capacity(4 * STEPS);
        for step in 0..STEPS {
            let t = step as f64 / STEPS as f64;
            for (x, y) in [
                (x0 + t * (x1 - x0), y0),
                (x1, y0 + t * (y1 - y0)),
                (x1 - t * (x1 - x0), y1),
                (x0, y1 - t * (y1 - y0)),
            ] {
                xs.push(x);
                ys.push(y);
            }
        }
        if !transform(self.epsg, 4326, &mut xs, &mut ys) {
            return None;
        }
        let fold = |values: &[f64]| {
            values
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)))
        };
        let ((west, east), (south, north)) = (fold(&xs), fold(&ys));
        Some([west, south, east, north])
    }
}

/// A vector deliverable as maps and tiles show it: its slug and its collections, bottom first.
pub struct VectorGroup {
    /// Layer name of the group (the deliverable's slug).
    pub slug: String,
    /// Its collections in drawing order.
    pub collections: Vec<Arc<Collection>>,
}

/// Every vector deliverable with its collections, by slug.
pub fn groups(vectors: &Vectors) -> Vec<VectorGroup> {
    let mut by_slug: BTreeMap<String, Vec<Arc<Collection>>> = BTreeMap::new();
    for collection in vectors.all() {
        by_slug
            .entry(collection.livrable_slug().to_string())
            .or_default()
            .push(collection);
    }
    by_slug
        .into_iter()
        .map(|(slug, mut collections)| {
            collections.sort_by_key(|c| class_rank(&c.class));
            VectorGroup { slug, collections }
        })
        .collect()
}

/// The collections a map name stands for: one collection by its id, or a vector deliverable's
/// (its slug) in drawing order; `None` when it names neither.
pub fn collections_named(vectors: &Vectors, name: &str) -> Option<Vec<Arc<Collection>>> {
    match vectors.get(name) {
        Some(collection) => Some(vec![collection]),
        None => groups(vectors)
            .into_iter()
            .find(|group| group.slug == name)
            .map(|group| group.collections),
    }
}

/// The layers a map name stands for, each with its class's default style (the generic one
/// when no SLD names the class): a collection, or a vector deliverable's classes in order.
pub fn default_layers(vectors: &Vectors, styles: &super::style::Styles, name: &str) -> Option<Vec<Layer>> {
    let collections = collections_named(vectors, name)?;
    Some(
        collections
            .into_iter()
            .map(|collection| {
                let style = styles
                    .pick(collection.livrable_id, &collection.class, "")
                    .unwrap_or_else(|| super::style::generic_style(&collection.class, collection.kind));
                Layer { collection, style }
            })
            .collect(),
    )
}

/// Whether any rule of the layers applies at a scale denominator.
pub fn draws_at(layers: &[Layer], scale: f64) -> bool {
    layers.iter().any(|layer| {
        layer
            .style
            .rules()
            .any(|rule| rule.at_scale(scale) && !rule.symbolizers.is_empty())
    })
}

/// A collection and the style it is drawn with.
#[derive(Clone)]
pub struct Layer {
    /// The features.
    pub collection: Arc<Collection>,
    /// Their style.
    pub style: Arc<Style>,
}

/// An image being drawn (premultiplied RGBA inside).
pub struct Canvas {
    pixmap: Pixmap,
}

impl Canvas {
    /// A transparent canvas.
    pub fn new(width: u32, height: u32) -> Result<Canvas, RenderError> {
        Pixmap::new(width, height)
            .map(|pixmap| Canvas { pixmap })
            .ok_or(RenderError::Canvas(width, height))
    }

    /// A canvas holding an image (straight RGBA), to draw over it.
    pub fn from_rgba(mut rgba: Vec<u8>, width: u32, height: u32) -> Result<Canvas, RenderError> {
        for pixel in rgba.chunks_exact_mut(4) {
            let alpha = u16::from(pixel[3]);
            if alpha < 255 {
                for channel in &mut pixel[..3] {
                    *channel = ((u16::from(*channel) * alpha + 127) / 255) as u8;
                }
            }
        }
        let size = tiny_skia::IntSize::from_wh(width, height).ok_or(RenderError::Canvas(width, height))?;
        Pixmap::from_vec(rgba, size)
            .map(|pixmap| Canvas { pixmap })
            .ok_or(RenderError::Canvas(width, height))
    }

    /// The image (straight RGBA).
    pub fn into_rgba(self) -> Vec<u8> {
        let mut rgba = self.pixmap.take();
        for pixel in rgba.chunks_exact_mut(4) {
            let alpha = u16::from(pixel[3]);
            if alpha > 0 && alpha < 255 {
                for channel in &mut pixel[..3] {
                    *channel = ((u16::from(*channel) * 255 + alpha / 2) / alpha).min(255) as u8;
                }
            }
        }
        rgba
    }

    /// Width.
    pub fn width(&self) -> u32 {
        self.pixmap.width()
    }

    /// Height.
    pub fn height(&self) -> u32 {
        self.pixmap.height()
    }
}

/// What a drawing did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    /// Features some rule drew.
    pub features: usize,
    /// Labels placed.
    pub labels: usize,
}

/// A label waiting for the end of the drawing.
struct PendingLabel {
    text: String,
    style: Arc<Style>,
    /// Index of the text symboliser: (pass, rule, symboliser).
    at: (usize, usize, usize),
    size: f32,
    position: (f32, f32),
    rotation: f32,
    anchor: (f32, f32),
    shift: (f32, f32),
    halo: f32,
}

/// Draws `layers` (in order, each its passes) over the canvas; labels last.
pub fn draw(
    canvas: &mut Canvas,
    view: &MapView,
    layers: &[Layer],
    transform: Transform,
    deadline: &Deadline,
) -> Result<Drawn, RenderError> {
    let scale = view.scale_denominator();
    let px_per_metre = 1.0 / view.metres_per_pixel();
    let mut drawn = Drawn::default();
    let mut labels = Vec::new();
    let Some(bbox84) = view.bbox84(transform) else {
        return Ok(drawn);
    };
    for layer in layers {
        let passes: Vec<Vec<&Rule>> = layer
            .style
            .passes
            .iter()
            .map(|rules| rules.iter().filter(|rule| rule.at_scale(scale)).collect())
            .collect();
        if passes.iter().all(Vec::is_empty) {
            continue;
        }
        let needs_properties = style_reads_properties(&layer.style);
        let selection = layer.collection.select(Some(bbox84), None, 0, usize::MAX);
        let mut features: Vec<(&StoredFeature, Pixels, Map<String, Value>)> =
            Vec::with_capacity(selection.features.len());
        for (count, feature) in selection.features.into_iter().enumerate() {
            if count % 256 == 0 && deadline.expired() {
                return Err(RenderError::Timeout);
            }
            let Some(pixels) = to_pixels(feature, view, transform) else {
                continue;
            };
            let properties = if needs_properties {
                feature.properties()
            } else {
                Map::new()
            };
            features.push((feature, pixels, properties));
        }
        let mut drew = vec![false; features.len()];
        for (pass_index, rules) in passes.iter().enumerate() {
            for (index, (feature, pixels, properties)) in features.iter().enumerate() {
                // The rules whose filter takes the feature, else the `ElseFilter` ones.
                let mut chosen: Vec<&Rule> = rules
                    .iter()
                    .filter(|rule| !rule.else_filter)
                    .filter(|rule| {
                        rule.filter
                            .as_ref()
                            .is_none_or(|f| f.matches_with(feature, properties))
                    })
                    .copied()
                    .collect();
                if chosen.is_empty() {
                    chosen = rules.iter().filter(|rule| rule.else_filter).copied().collect();
                }
                let taken = !chosen.is_empty();
                for rule in chosen {
                    let target = Target {
                        style: &layer.style,
                        pass: pass_index,
                        px_per_metre,
                    };
                    paint_rule(canvas, rule, pixels, properties, &target, &mut labels);
                }
                drew[index] |= taken;
            }
            if deadline.expired() {
                return Err(RenderError::Timeout);
            }
        }
        drawn.features += drew.iter().filter(|d| **d).count();
    }
    drawn.labels = place_labels(canvas, labels);
    Ok(drawn)
}

/// Whether drawing needs the features' properties (a filter or a computed value).
fn style_reads_properties(style: &Style) -> bool {
    let mut names = Vec::new();
    for rule in style.rules() {
        if rule.filter.is_some() {
            return true;
        }
        for symbolizer in &rule.symbolizers {
            symbolizer_properties(symbolizer, &mut names);
        }
    }
    !names.is_empty()
}

/// The properties a symboliser reads.
pub fn symbolizer_properties<'a>(symbolizer: &'a Symbolizer, out: &mut Vec<&'a str>) {
    let stroke = |stroke: &'a Option<Stroke>, out: &mut Vec<&'a str>| {
        if let Some(stroke) = stroke {
            stroke.width.property_names(out);
        }
    };
    match symbolizer {
        Symbolizer::Line { stroke: s, .. } => s.width.property_names(out),
        Symbolizer::Polygon { stroke: s, .. } => stroke(s, out),
        Symbolizer::Point { graphic, .. } => {
            graphic.size.property_names(out);
            graphic.rotation.property_names(out);
            stroke(&graphic.stroke, out);
        }
        Symbolizer::Text { text, .. } => {
            text.label.property_names(out);
            text.size.property_names(out);
            if let Placement::Point { rotation, .. } = &text.placement {
                rotation.property_names(out);
            }
        }
    }
}

/// Pixels per unit of a symboliser.
fn unit_scale(unit: Unit, px_per_metre: f64) -> f32 {
    match unit {
        Unit::Pixel => 1.0,
        Unit::Metre => px_per_metre as f32,
    }
}

/// Where a rule draws: its style and pass (labels point back to them), at which ground scale.
struct Target<'a> {
    style: &'a Arc<Style>,
    pass: usize,
    px_per_metre: f64,
}

fn paint_rule(
    canvas: &mut Canvas,
    rule: &Rule,
    pixels: &Pixels,
    properties: &Map<String, Value>,
    target: &Target,
    labels: &mut Vec<PendingLabel>,
) {
    let (style, pass, px_per_metre) = (target.style, target.pass, target.px_per_metre);
    let rule_index = style.passes[pass]
        .iter()
        .position(|r| std::ptr::eq(r, rule))
        .unwrap_or(0);
    for (index, symbolizer) in rule.symbolizers.iter().enumerate() {
        match symbolizer {
            Symbolizer::Line { stroke, offset, unit } => {
                let k = unit_scale(*unit, px_per_metre);
                let rings: Vec<&Vec<(f32, f32)>> = match pixels {
                    Pixels::Points(_) => continue,
                    Pixels::Lines(lines) => lines.iter().collect(),
                    Pixels::Polygons(polygons) => polygons.iter().flatten().collect(),
                };
                for line in rings {
                    let shifted;
                    let line = if *offset != 0.0 {
                        shifted = offset_line(line, offset * k);
                        &shifted
                    } else {
                        line
                    };
                    if let Some(path) = polyline(line, false) {
                        stroke_path(canvas, &path, stroke, properties, k, Sk::identity());
                    }
                }
            }
            Symbolizer::Polygon { fill, stroke, unit } => {
                let Pixels::Polygons(polygons) = pixels else {
                    continue;
                };
                let k = unit_scale(*unit, px_per_metre);
                for rings in polygons {
                    let mut builder = PathBuilder::new();
                    for ring in rings {
                        add_line(&mut builder, ring, true);
                    }
                    let Some(path) = builder.finish() else { continue };
                    if let Some(fill) = fill {
                        fill_path(canvas, &path, fill, 1.0, Sk::identity());
                    }
                    if let Some(stroke) = stroke {
                        stroke_path(canvas, &path, stroke, properties, k, Sk::identity());
                    }
                }
            }
            Symbolizer::Point { graphic, unit } => {
                let k = unit_scale(*unit, px_per_metre);
                for position in anchor_points(pixels) {
                    paint_mark(canvas, graphic, properties, k, position);
                }
            }
            Symbolizer::Text { text, unit } => {
                let k = unit_scale(*unit, px_per_metre);
                let label = text.label.text(properties).trim().to_string();
                if label.is_empty() {
                    continue;
                }
                let size = text.size.number(properties).map_or(10.0, |s| s as f32 * k);
                // Unreadable or absurd: left out.
                if !(4.0..=400.0).contains(&size) {
                    continue;
                }
                let (position, rotation, anchor, shift) = match &text.placement {
                    Placement::Point {
                        anchor,
                        displacement,
                        rotation,
                    } => {
                        let Some(position) = anchor_points(pixels).into_iter().next() else {
                            continue;
                        };
                        let turn = rotation.number(properties).unwrap_or(0.0) as f32;
                        (position, turn, *anchor, (displacement.0 * k, displacement.1 * k))
                    }
                    Placement::Line { offset } => {
                        let Some((position, angle)) = line_middle(pixels) else {
                            continue;
                        };
                        (position, angle, (0.5, 0.5), (0.0, offset * k))
                    }
                };
                labels.push(PendingLabel {
                    text: label,
                    style: style.clone(),
                    at: (pass, rule_index, index),
                    size,
                    position,
                    rotation,
                    anchor,
                    shift,
                    halo: text.halo.as_ref().map_or(0.0, |(radius, _)| radius * k),
                });
            }
        }
    }
}

fn color(rgb: super::style::Rgb, opacity: f32) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(
        rgb.0,
        rgb.1,
        rgb.2,
        (opacity.clamp(0.0, 1.0) * 255.0).round() as u8,
    )
}

fn fill_path(canvas: &mut Canvas, path: &tiny_skia::Path, fill: &Fill, opacity: f32, transform: Sk) {
    fill_with(canvas, path, fill, opacity, transform, FillRule::EvenOdd);
}

/// Fills a path with a rule: even-odd for areas with holes, non-zero for glyphs.
fn fill_with(
    canvas: &mut Canvas,
    path: &tiny_skia::Path,
    fill: &Fill,
    opacity: f32,
    transform: Sk,
    rule: FillRule,
) {
    let mut paint = Paint::default();
    paint.set_color(color(fill.color, fill.opacity * opacity));
    paint.anti_alias = true;
    canvas.pixmap.fill_path(path, &paint, rule, transform, None);
}

/// Strokes a path; `k` is pixels per unit of the symboliser.
fn stroke_path(
    canvas: &mut Canvas,
    path: &tiny_skia::Path,
    stroke: &Stroke,
    properties: &Map<String, Value>,
    k: f32,
    transform: Sk,
) {
    let width = stroke.width.number(properties).unwrap_or(1.0) as f32 * k;
    if width.is_nan() || width <= 0.0 {
        return;
    }
    let mut paint = Paint::default();
    paint.set_color(color(stroke.color, stroke.opacity));
    paint.anti_alias = true;
    let dash = if stroke.dashes.is_empty() {
        None
    } else {
        StrokeDash::new(
            stroke.dashes.iter().map(|d| d * k).collect(),
            stroke.dash_offset * k,
        )
    };
    let sk_stroke = tiny_skia::Stroke {
        width: width.min(500.0),
        line_cap: match stroke.cap {
            LineCap::Butt => SkCap::Butt,
            LineCap::Round => SkCap::Round,
            LineCap::Square => SkCap::Square,
        },
        line_join: match stroke.join {
            LineJoin::Mitre => SkJoin::Miter,
            LineJoin::Round => SkJoin::Round,
            LineJoin::Bevel => SkJoin::Bevel,
        },
        dash,
        ..Default::default()
    };
    canvas
        .pixmap
        .stroke_path(path, &paint, &sk_stroke, transform, None);
}

/// A mark of height 1 centred on the origin.
fn mark_path(shape: MarkShape) -> Option<tiny_skia::Path> {
    let mut builder = PathBuilder::new();
    match shape {
        MarkShape::Square => builder.push_rect(tiny_skia::Rect::from_xywh(-0.5, -0.5, 1.0, 1.0)?),
        MarkShape::Circle => builder.push_circle(0.0, 0.0, 0.5),
        MarkShape::Triangle => {
            builder.move_to(0.0, -0.5);
            builder.line_to(0.5, 0.5);
            builder.line_to(-0.5, 0.5);
            builder.close();
        }
        MarkShape::Star => {
            for i in 0..10 {
                let radius = if i % 2 == 0 { 0.5 } else { 0.2 };
                let angle = (i as f32 * 36.0 - 90.0).to_radians();
                let (x, y) = (radius * angle.cos(), radius * angle.sin());
                if i == 0 {
                    builder.move_to(x, y);
                } else {
                    builder.line_to(x, y);
                }
            }
            builder.close();
        }
        MarkShape::Cross => {
            builder.move_to(-0.5, 0.0);
            builder.line_to(0.5, 0.0);
            builder.move_to(0.0, -0.5);
            builder.line_to(0.0, 0.5);
        }
        MarkShape::X => {
            builder.move_to(-0.5, -0.5);
            builder.line_to(0.5, 0.5);
            builder.move_to(0.5, -0.5);
            builder.line_to(-0.5, 0.5);
        }
    }
    builder.finish()
}

/// Draws a point symbol at a position.
fn paint_mark(
    canvas: &mut Canvas,
    graphic: &Graphic,
    properties: &Map<String, Value>,
    k: f32,
    at: (f32, f32),
) {
    let size = graphic.size.number(properties).unwrap_or(6.0) as f32 * k;
    if size.is_nan() || size <= 0.0 || size > 1000.0 {
        return;
    }
    let rotation = graphic.rotation.number(properties).unwrap_or(0.0) as f32;
    let Some(path) = mark_path(graphic.shape) else {
        return;
    };
    let Some(path) = path.transform(Sk::from_scale(size, size)) else {
        return;
    };
    let transform = Sk::from_translate(at.0, at.1).pre_rotate(rotation);
    let open = matches!(graphic.shape, MarkShape::Cross | MarkShape::X);
    if let (Some(fill), false) = (&graphic.fill, open) {
        fill_path(canvas, &path, fill, graphic.opacity, transform);
    }
    match &graphic.stroke {
        Some(stroke) => stroke_path(
            canvas,
            &path,
            &faded(stroke, graphic.opacity),
            properties,
            k,
            transform,
        ),
        // A cross without a stroke is drawn with its fill colour.
        None if open => {
            if let Some(fill) = &graphic.fill {
                let stroke = Stroke {
                    color: fill.color,
                    opacity: fill.opacity * graphic.opacity,
                    width: Expr::Literal("1".into()),
                    dashes: Vec::new(),
                    dash_offset: 0.0,
                    cap: LineCap::Butt,
                    join: LineJoin::Mitre,
                };
                stroke_path(canvas, &path, &stroke, properties, 1.0, transform);
            }
        }
        None => {}
    }
}

fn faded(stroke: &Stroke, opacity: f32) -> Stroke {
    Stroke {
        opacity: stroke.opacity * opacity,
        ..stroke.clone()
    }
}

/// Draws the labels that fit, in order, none over another; returns how many.
fn place_labels(canvas: &mut Canvas, labels: Vec<PendingLabel>) -> usize {
    let fonts = Fonts::get();
    if !fonts.available() {
        return 0;
    }
    let (width, height) = (canvas.width() as f32, canvas.height() as f32);
    let mut taken: Vec<[f32; 4]> = Vec::new();
    for label in labels {
        let Symbolizer::Text { text, .. } =
            &label.style.passes[label.at.0][label.at.1].symbolizers[label.at.2]
        else {
            continue;
        };
        let Some(shaped) = text::shape(
            fonts,
            &label.text,
            &text.families,
            text.bold,
            text.italic,
            label.size,
        ) else {
            continue;
        };
        let (transform, bounds) =
            text::placement(&shaped, label.position, label.anchor, label.shift, label.rotation);
        let off_canvas = bounds[2] < 0.0 || bounds[3] < 0.0 || bounds[0] > width || bounds[1] > height;
        let overlaps = taken
            .iter()
            .any(|b| b[0] < bounds[2] && bounds[0] < b[2] && b[1] < bounds[3] && bounds[1] < b[3]);
        if off_canvas || overlaps {
            continue;
        }
        taken.push(bounds);
        if let Some((_, halo_fill)) = &text.halo {
            if label.halo > 0.0 {
                let mut paint = Paint::default();
                paint.set_color(color(halo_fill.color, halo_fill.opacity));
                paint.anti_alias = true;
                let stroke = tiny_skia::Stroke {
                    width: label.halo * 2.0,
                    line_join: SkJoin::Round,
                    ..Default::default()
                };
                canvas
                    .pixmap
                    .stroke_path(&shaped.path, &paint, &stroke, transform, None);
            }
        }
        fill_with(
            canvas,
            &shaped.path,
            &text.fill,
            1.0,
            transform,
            FillRule::Winding,
        );
    }
    taken.len()
}
