//! Legend swatches: one rule's symbolisers drawn over a sample geometry (a box for areas, a
//! line for lines, the mark at the centre, "Abc" for labels), sizes in metres shown as at
//! 1:1000 and everything kept inside the swatch.

use serde_json::Map;
use tiny_skia::{PathBuilder, Transform as Sk};

use super::{fill_path, fill_with, paint_mark, stroke_path, text, Canvas, Fonts, RenderError};
use crate::vector::style::{Expr, Rule, Symbolizer, Unit};

/// Pixels per metre for symbolisers sized on the ground: as drawn at 1:1000.
const LEGEND_PX_PER_METRE: f32 = 1.0 / (1000.0 * 0.000_28);

/// Draws a rule's swatch.
pub fn draw_legend(rule: &Rule, width: u32, height: u32) -> Result<Canvas, RenderError> {
    let mut canvas = Canvas::new(width, height)?;
    let (w, h) = (width as f32, height as f32);
    let properties = Map::new();
    let inset = (w.min(h) * 0.12).max(1.0);
    for symbolizer in &rule.symbolizers {
        match symbolizer {
            Symbolizer::Polygon { fill, stroke, unit } => {
                let Some(rect) = tiny_skia::Rect::from_ltrb(inset, inset, w - inset, h - inset) else {
                    continue;
                };
                let path = PathBuilder::from_rect(rect);
                if let Some(fill) = fill {
                    fill_path(&mut canvas, &path, fill, 1.0, Sk::identity());
                }
                if let Some(stroke) = stroke {
                    stroke_path(
                        &mut canvas,
                        &path,
                        stroke,
                        &properties,
                        fitted(*unit, 2.0),
                        Sk::identity(),
                    );
                }
            }
            Symbolizer::Line { stroke, unit, .. } => {
                let mut builder = PathBuilder::new();
                builder.move_to(inset, h * 0.7);
                builder.line_to(w * 0.4, h * 0.3);
                builder.line_to(w * 0.6, h * 0.7);
                builder.line_to(w - inset, h * 0.3);
                if let Some(path) = builder.finish() {
                    stroke_path(
                        &mut canvas,
                        &path,
                        stroke,
                        &properties,
                        fitted(*unit, 2.0),
                        Sk::identity(),
                    );
                }
            }
            Symbolizer::Point { graphic, unit } => {
                let mut shown = graphic.clone();
                let size = graphic.size.number(&properties).unwrap_or(6.0) as f32 * fitted(*unit, 1.0);
                let fit = size.clamp(3.0, w.min(h) - 2.0 * inset);
                shown.size = Expr::Literal(fit.to_string());
                if !graphic.rotation.is_constant() {
                    shown.rotation = Expr::Literal("0".into());
                }
                paint_mark(&mut canvas, &shown, &properties, 1.0, (w / 2.0, h / 2.0));
            }
            Symbolizer::Text { text: label, .. } => {
                let fonts = Fonts::get();
                let size = (h * 0.6).min(w / 2.2);
                let Some(shaped) = text::shape(fonts, "Abc", &label.families, label.bold, label.italic, size)
                else {
                    continue;
                };
                let (transform, _) =
                    text::placement(&shaped, (w / 2.0, h / 2.0), (0.5, 0.5), (0.0, 0.0), 0.0);
                if let Some((_, halo)) = &label.halo {
                    let mut paint = tiny_skia::Paint::default();
                    paint.set_color(super::color(halo.color, halo.opacity));
                    paint.anti_alias = true;
                    let stroke = tiny_skia::Stroke {
                        width: 2.0,
                        ..Default::default()
                    };
                    canvas
                        .pixmap
                        .stroke_path(&shaped.path, &paint, &stroke, transform, None);
                }
                fill_with(
                    &mut canvas,
                    &shaped.path,
                    &label.fill,
                    1.0,
                    transform,
                    tiny_skia::FillRule::Winding,
                );
            }
        }
    }
    Ok(canvas)
}

/// Pixels per unit in a swatch: ground sizes as at 1:1000, capped so a stroke stays readable.
fn fitted(unit: Unit, cap: f32) -> f32 {
    match unit {
        Unit::Pixel => 1.0,
        Unit::Metre => LEGEND_PX_PER_METRE.min(cap),
    }
}

/// A legend sheet: one row per rule, its swatch (`swatch` pixels) then its title.
pub fn draw_legend_sheet(rows: &[(&str, &Rule)], swatch: (u32, u32)) -> Result<Canvas, RenderError> {
    const GAP: f32 = 4.0;
    const TEXT_SIZE: f32 = 12.0;
    let fonts = Fonts::get();
    let titles: Vec<Option<text::Shaped>> = rows
        .iter()
        .map(|(title, _)| text::shape(fonts, title, &[], false, false, TEXT_SIZE))
        .collect();
    let text_width = titles.iter().flatten().map(|s| s.width).fold(0.0f32, f32::max);
    let row_height = swatch.1 as f32 + GAP;
    // A title can be as long as a user's SLD makes it: the sheet stops at 2 048 pixels.
    let width = (swatch.0 as f32 + 2.0 * GAP + text_width)
        .ceil()
        .clamp(swatch.0 as f32, 2048.0) as u32;
    // At most 1 000 rules a document, 512 pixels a swatch: bounded, but kept under 16 384.
    let height = ((rows.len().max(1) as f32) * row_height).ceil().min(16_384.0) as u32;
    let mut sheet = Canvas::new(width, height)?;
    for (index, ((_, rule), title)) in rows.iter().zip(&titles).enumerate() {
        let top = index as f32 * row_height;
        let swatch_canvas = draw_legend(rule, swatch.0, swatch.1)?;
        sheet.pixmap.draw_pixmap(
            0,
            top as i32,
            swatch_canvas.pixmap.as_ref(),
            &tiny_skia::PixmapPaint::default(),
            Sk::identity(),
            None,
        );
        if let Some(shaped) = title {
            let baseline = top + swatch.1 as f32 / 2.0 + (shaped.ascent - shaped.descent) / 2.0;
            let transform = Sk::from_translate(swatch.0 as f32 + GAP, baseline);
            let mut paint = tiny_skia::Paint::default();
            paint.set_color_rgba8(0, 0, 0, 255);
            paint.anti_alias = true;
            sheet.pixmap.fill_path(
                &shaped.path,
                &paint,
                tiny_skia::FillRule::Winding,
                transform,
                None,
            );
        }
    }
    Ok(sheet)
}
