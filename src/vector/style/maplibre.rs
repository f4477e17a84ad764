//! The same look for web maps: a [`Style`]'s rules as MapLibre GL style layers over the vector
//! tiles (one layer per symboliser; filters as expressions; scale ranges as zoom ranges;
//! ground sizes grown with the zoom). Marks become circles and labels take the map's fonts:
//! what MapLibre cannot draw the same way is approximated, and said here.

use serde_json::{json, Value};

use super::{Expr, Fill, Placement, Rule, Stroke, Style, Symbolizer, Unit};
use crate::vector::{ArrayOp, Comparison, Filter, LikeToken, Literal};

/// Scale denominator of zoom 0 in MapLibre (512-pixel tiles, 0.28 mm pixels, at the equator).
const ZOOM0_SCALE: f64 = 279_541_132.014_358_76;
/// Ground metres of a MapLibre pixel at zoom 0 near 46° N (France), for sizes in metres.
const ZOOM0_METRES_PER_PIXEL: f64 = 78_271.517 * 0.695;

/// The zoom at which a scale denominator is reached.
pub fn zoom_of_scale(scale: f64) -> f64 {
    (ZOOM0_SCALE / scale).log2().clamp(0.0, 24.0)
}

/// MapLibre layers drawing `style` over `source` (a vector source) and its `source_layer`;
/// ids start with `prefix`.
pub fn maplibre_layers(style: &Style, source: &str, source_layer: &str, prefix: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (pass, rules) in style.passes.iter().enumerate() {
        // An ElseFilter rule takes what none of its pass's filtered rules takes.
        let others: Vec<Value> = rules
            .iter()
            .filter(|r| !r.else_filter)
            .filter_map(|r| r.filter.as_ref().map(expression))
            .collect();
        for (index, rule) in rules.iter().enumerate() {
            let filter = if rule.else_filter {
                match others.len() {
                    0 => None,
                    _ => {
                        let mut any = vec![json!("any")];
                        any.extend(others.iter().cloned());
                        Some(json!(["!", any]))
                    }
                }
            } else {
                rule.filter.as_ref().map(expression)
            };
            for (number, symbolizer) in rule.symbolizers.iter().enumerate() {
                let id = format!("{prefix}-{pass}-{index}-{number}");
                for mut layer in symbolizer_layers(symbolizer, &id) {
                    layer["source"] = json!(source);
                    layer["source-layer"] = json!(source_layer);
                    if let Some(filter) = &filter {
                        layer["filter"] = filter.clone();
                    }
                    zoom_range(&mut layer, rule);
                    layer["metadata"] = json!({"dallage:rule": rule.name, "dallage:title": rule.title});
                    out.push(layer);
                }
            }
        }
    }
    out
}

fn zoom_range(layer: &mut Value, rule: &Rule) {
    if rule.max_scale.is_finite() {
        layer["minzoom"] = json!(round2(zoom_of_scale(rule.max_scale)));
    }
    if rule.min_scale > 0.0 {
        layer["maxzoom"] = json!(round2(zoom_of_scale(rule.min_scale)));
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn symbolizer_layers(symbolizer: &Symbolizer, id: &str) -> Vec<Value> {
    match symbolizer {
        Symbolizer::Line { stroke, offset, unit } => {
            let mut layer = line_layer(stroke, *unit, id);
            if *offset != 0.0 {
                layer["paint"]["line-offset"] = size(&Expr::Literal((-offset).to_string()), *unit);
            }
            vec![layer]
        }
        Symbolizer::Polygon { fill, stroke, unit } => {
            let mut layers = Vec::new();
            if let Some(fill) = fill {
                layers.push(json!({
                    "id": format!("{id}-fill"),
                    "type": "fill",
                    "paint": {"fill-color": fill.color.hex(), "fill-opacity": fill.opacity},
                }));
            }
            if let Some(stroke) = stroke {
                layers.push(line_layer(stroke, *unit, &format!("{id}-outline")));
            }
            layers
        }
        Symbolizer::Point { graphic, unit } => {
            let fill = graphic.fill.clone().unwrap_or(Fill {
                color: super::Rgb(0, 0, 0),
                opacity: 0.0,
            });
            let mut paint = json!({
                "circle-color": fill.color.hex(),
                "circle-opacity": fill.opacity * graphic.opacity,
                "circle-radius": half(size(&graphic.size, *unit)),
            });
            if let Some(stroke) = &graphic.stroke {
                paint["circle-stroke-color"] = json!(stroke.color.hex());
                paint["circle-stroke-opacity"] = json!(stroke.opacity * graphic.opacity);
                paint["circle-stroke-width"] = size(&stroke.width, *unit);
            }
            vec![
                json!({"id": id, "type": "circle", "paint": paint, "metadata": {"dallage:mark": graphic.shape.name()}}),
            ]
        }
        Symbolizer::Text { text, unit } => {
            let mut layout = json!({
                "text-field": value(&text.label),
                "text-size": size(&text.size, *unit),
                "text-font": [if text.bold { "DejaVu Sans Bold" } else { "DejaVu Sans Book" }],
                "text-allow-overlap": false,
            });
            match &text.placement {
                Placement::Point { anchor, rotation, .. } => {
                    layout["text-anchor"] = json!(anchor_name(*anchor));
                    layout["text-rotate"] = value(rotation);
                    layout["text-rotation-alignment"] = json!("map");
                }
                Placement::Line { .. } => layout["symbol-placement"] = json!("line"),
            }
            let mut paint = json!({"text-color": text.fill.color.hex(), "text-opacity": text.fill.opacity});
            if let Some((radius, halo)) = &text.halo {
                paint["text-halo-color"] = json!(halo.color.hex());
                paint["text-halo-width"] = size(&Expr::Literal(radius.to_string()), *unit);
            }
            vec![json!({"id": id, "type": "symbol", "layout": layout, "paint": paint})]
        }
    }
}

fn line_layer(stroke: &Stroke, unit: Unit, id: &str) -> Value {
    let mut paint = json!({
        "line-color": stroke.color.hex(),
        "line-opacity": stroke.opacity,
        "line-width": size(&stroke.width, unit),
    });
    if !stroke.dashes.is_empty() {
        // MapLibre counts dashes in line widths.
        let width = stroke.width.number(&Default::default()).unwrap_or(1.0).max(0.1) as f32;
        let dashes: Vec<f32> = stroke.dashes.iter().map(|d| d / width).collect();
        paint["line-dasharray"] = json!(dashes);
    }
    let cap = match stroke.cap {
        super::LineCap::Butt => "butt",
        super::LineCap::Round => "round",
        super::LineCap::Square => "square",
    };
    let join = match stroke.join {
        super::LineJoin::Mitre => "miter",
        super::LineJoin::Round => "round",
        super::LineJoin::Bevel => "bevel",
    };
    json!({"id": id, "type": "line", "layout": {"line-cap": cap, "line-join": join}, "paint": paint})
}

fn anchor_name(anchor: (f32, f32)) -> &'static str {
    let horizontal = if anchor.0 < 0.25 {
        "left"
    } else if anchor.0 > 0.75 {
        "right"
    } else {
        ""
    };
    let vertical = if anchor.1 < 0.25 {
        "bottom"
    } else if anchor.1 > 0.75 {
        "top"
    } else {
        ""
    };
    match (vertical, horizontal) {
        ("", "") => "center",
        ("", h) => h,
        (v, "") => v,
        ("bottom", "left") => "bottom-left",
        ("bottom", _) => "bottom-right",
        (_, "left") => "top-left",
        _ => "top-right",
    }
}

/// A size: pixels as they are; metres grown with the zoom (doubling each level).
fn size(expr: &Expr, unit: Unit) -> Value {
    let base = value(expr);
    match unit {
        Unit::Pixel => base,
        Unit::Metre => {
            let at = |zoom: f64| json!(["/", ["*", base.clone(), 2f64.powf(zoom)], ZOOM0_METRES_PER_PIXEL]);
            json!([
                "interpolate",
                ["exponential", 2],
                ["zoom"],
                0,
                at(0.0),
                24,
                at(24.0)
            ])
        }
    }
}

fn half(value: Value) -> Value {
    match value.as_f64() {
        Some(number) => json!(number / 2.0),
        None => json!(["/", value, 2]),
    }
}

/// An SE value as a MapLibre expression.
fn value(expr: &Expr) -> Value {
    match expr {
        Expr::Literal(text) => match text.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => json!(number),
            _ => json!(text),
        },
        Expr::Property(name) => json!(["get", name]),
        Expr::Arith(left, op, right) => {
            let symbol = match op {
                super::ArithOp::Add => "+",
                super::ArithOp::Sub => "-",
                super::ArithOp::Mul => "*",
                super::ArithOp::Div => "/",
            };
            json!([
                symbol,
                ["to-number", value(left), 0],
                ["to-number", value(right), 0]
            ])
        }
        Expr::Concat(parts) => {
            let mut list = vec![json!("concat")];
            list.extend(parts.iter().map(|p| json!(["to-string", value(p)])));
            Value::Array(list)
        }
    }
}

fn literal(value: &Literal) -> Value {
    match value {
        Literal::Text(text) => json!(text),
        Literal::Number(number) => json!(number),
        Literal::Boolean(b) => json!(b),
    }
}

/// A filter as a MapLibre expression; what has no counterpart (spatial tests) passes.
fn expression(filter: &Filter) -> Value {
    match filter {
        Filter::All => json!(true),
        Filter::And(parts) => list("all", parts),
        Filter::Or(parts) => list("any", parts),
        Filter::Not(inner) => json!(["!", expression(inner)]),
        Filter::Ids(ids) => json!(["in", ["get", "fid"], ["literal", ids]]),
        Filter::Compare {
            property, op, value, ..
        } => {
            let symbol = match op {
                Comparison::Equal => "==",
                Comparison::NotEqual => "!=",
                Comparison::Less => "<",
                Comparison::LessOrEqual => "<=",
                Comparison::Greater => ">",
                Comparison::GreaterOrEqual => ">=",
            };
            json!([symbol, ["get", property], literal(value)])
        }
        Filter::Between { property, low, high } => json!([
            "all",
            [">=", ["get", property], literal(low)],
            ["<=", ["get", property], literal(high)]
        ]),
        Filter::IsNull(property) => json!(["!", ["has", property]]),
        Filter::Like {
            property, pattern, ..
        } => {
            // Plain text, or a prefix, is what MapLibre can test; other patterns pass.
            let chars: Option<String> = pattern
                .iter()
                .map(|token| match token {
                    LikeToken::Char(c) => Some(*c),
                    _ => None,
                })
                .collect();
            let prefix: Option<String> = match pattern.split_last() {
                Some((LikeToken::Any, head)) => head
                    .iter()
                    .map(|token| match token {
                        LikeToken::Char(c) => Some(*c),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            };
            match (chars, prefix) {
                (Some(text), _) => json!(["==", ["get", property], text]),
                (None, Some(prefix)) => json!([
                    "==",
                    [
                        "slice",
                        ["to-string", ["get", property]],
                        0,
                        prefix.chars().count()
                    ],
                    prefix
                ]),
                _ => json!(true),
            }
        }
        Filter::Array { property, op, values } => {
            let values: Vec<Value> = values.iter().map(literal).collect();
            match op {
                ArrayOp::Overlaps | ArrayOp::Contains | ArrayOp::ContainedBy | ArrayOp::Equals => {
                    json!(["in", ["get", property], ["literal", values]])
                }
            }
        }
        Filter::Spatial { .. } => json!(true),
    }
}

fn list(name: &str, parts: &[Filter]) -> Value {
    let mut out = vec![json!(name)];
    out.extend(parts.iter().map(expression));
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::style::Styles;

    #[test]
    fn shipped_styles_become_maplibre_layers() {
        let styles = Styles::shipped();
        let voirie = styles.pick(0, "LimiteVoiriePCRS", "").unwrap();
        let layers = maplibre_layers(&voirie, "pcrs", "LimiteVoiriePCRS", "voirie");
        assert_eq!(layers.len(), 3, "{layers:#?}");
        assert_eq!(layers[0]["type"], "line");
        assert_eq!(layers[0]["filter"], json!(["==", ["get", "thematique"], "03"]));
        assert_eq!(layers[0]["paint"]["line-color"], "#1a1a1a");
        // The ElseFilter rule takes what the others don't.
        assert_eq!(layers[2]["filter"][0], "!");
        // 1:25 000 is about zoom 13.4.
        let zoom = layers[0]["minzoom"].as_f64().unwrap();
        assert!((13.0..14.0).contains(&zoom), "{zoom}");
        let texts = styles.pick(0, "HabillageTextePCRS", "").unwrap();
        let layer = &maplibre_layers(&texts, "pcrs", "HabillageTextePCRS", "t")[0];
        assert_eq!(layer["type"], "symbol");
        assert_eq!(layer["layout"]["text-field"], json!(["get", "libelle"]));
        assert_eq!(
            layer["layout"]["text-size"][0], "interpolate",
            "sizes in metres grow with the zoom"
        );
    }
}
