//! Reads SLD 1.0.0 and 1.1.0 documents (Symbology Encoding 1.1 inside 1.1, `sld:` elements in
//! 1.0) and bare SE `FeatureTypeStyle` documents into [`Style`]s. Names are matched by local
//! name, so either namespace (or none) reads. A construct this server does not draw is refused
//! with its line rather than silently left out.

use crate::vector::{compile_fes, local_name, read_tree, FesContext, Node, XmlLimits};

use super::{
    Expr, Fill, Graphic, LineCap, LineJoin, MarkShape, Placement, Rgb, Rule, Stroke, Style, StyleError,
    Symbolizer, Text, Unit,
};

/// Elements read for their meaning elsewhere or left aside on purpose (descriptions, legends,
/// vendor options): not errors.
const IGNORED: &[&str] = &[
    "Description",
    "Abstract",
    "LegendGraphic",
    "VendorOption",
    "Geometry",
    "FeatureTypeConstraint",
    "LayerFeatureConstraints",
    "SemanticTypeIdentifier",
    "Version",
    "IsDefault",
    "Name",
    "Title",
    "OnlineResource",
    "Priority",
];

/// Most rules a document may hold: each is tested against every feature drawn, and a request's
/// `SLD_BODY` is a document.
pub const MAX_RULES: usize = 1000;

/// Reads an SLD document; errors name `file` (when given) and the line.
pub fn parse_sld(text: &[u8], file: Option<&str>) -> Result<Vec<Style>, StyleError> {
    let limits = XmlLimits {
        max_feature_nodes: 200_000,
        ..XmlLimits::default()
    };
    let result = read_tree(text, limits)
        .map_err(|err| match err {
            crate::vector::VectorError::Xml { position, message } => {
                StyleError::at_offset(position, format!("not well-formed XML: {message}"))
            }
            other => StyleError::at_offset(0, other.to_string()),
        })
        .and_then(|root| styles_of(&root));
    match result {
        Ok(styles) if styles.iter().map(|s| s.rules().count()).sum::<usize>() > MAX_RULES => Err(
            StyleError::at_offset(0, format!("the document holds more than {MAX_RULES} rules"))
                .located(text, file),
        ),
        Ok(styles) if styles.is_empty() => {
            Err(StyleError::at_offset(0, "the document holds no style").located(text, file))
        }
        Ok(styles) => Ok(styles),
        Err(err) => Err(err.located(text, file)),
    }
}

fn styles_of(root: &Node) -> Result<Vec<Style>, StyleError> {
    match root.name.as_str() {
        "StyledLayerDescriptor" => {
            let mut styles = Vec::new();
            for layer in &root.children {
                match layer.name.as_str() {
                    "NamedLayer" | "UserLayer" => {
                        let class = name_of(layer)
                            .ok_or_else(|| StyleError::at(layer, format!("{} without a Name", layer.name)))?;
                        for user in layer.children.iter().filter(|c| c.name == "UserStyle") {
                            styles.push(user_style(user, &class)?);
                        }
                    }
                    other if IGNORED.contains(&other) => {}
                    other => return Err(unexpected(layer, other, "StyledLayerDescriptor")),
                }
            }
            Ok(styles)
        }
        "UserStyle" => {
            let class = first_type_name(root)
                .ok_or_else(|| StyleError::at(root, "a UserStyle alone must name its FeatureTypeName"))?;
            Ok(vec![user_style(root, &class)?])
        }
        "FeatureTypeStyle" => {
            let class = type_name(root).ok_or_else(|| {
                StyleError::at(root, "a FeatureTypeStyle alone must name its FeatureTypeName")
            })?;
            let name = name_of(root).unwrap_or_else(|| class.clone());
            Ok(vec![Style {
                title: title_of(root).unwrap_or_else(|| name.clone()),
                abstract_text: text_of(root, "Abstract"),
                name,
                class,
                is_default: true,
                passes: vec![rules(root)?],
            }])
        }
        other => Err(StyleError::at(
            root,
            format!("{other} is not a style document (StyledLayerDescriptor, UserStyle or FeatureTypeStyle)"),
        )),
    }
}

fn user_style(node: &Node, class: &str) -> Result<Style, StyleError> {
    let name = name_of(node).ok_or_else(|| StyleError::at(node, "a UserStyle without a Name"))?;
    let mut passes = Vec::new();
    for child in &node.children {
        match child.name.as_str() {
            "FeatureTypeStyle" => passes.push(rules(child)?),
            other if IGNORED.contains(&other) => {}
            other => return Err(unexpected(child, other, "UserStyle")),
        }
    }
    if passes.is_empty() {
        return Err(StyleError::at(
            node,
            format!("UserStyle {name} has no FeatureTypeStyle"),
        ));
    }
    Ok(Style {
        title: title_of(node).unwrap_or_else(|| name.clone()),
        abstract_text: text_of(node, "Abstract"),
        is_default: node
            .child("IsDefault")
            .is_some_and(|d| matches!(d.text.trim(), "1" | "true")),
        name,
        class: class.to_string(),
        passes,
    })
}

fn rules(node: &Node) -> Result<Vec<Rule>, StyleError> {
    let mut out = Vec::new();
    for child in &node.children {
        match child.name.as_str() {
            "Rule" => out.push(rule(child)?),
            "FeatureTypeName" => {}
            other if IGNORED.contains(&other) => {}
            other => return Err(unexpected(child, other, "FeatureTypeStyle")),
        }
    }
    Ok(out)
}

fn rule(node: &Node) -> Result<Rule, StyleError> {
    let mut rule = Rule {
        name: name_of(node).unwrap_or_default(),
        title: title_of(node).unwrap_or_default(),
        filter: None,
        else_filter: false,
        min_scale: 0.0,
        max_scale: f64::INFINITY,
        symbolizers: Vec::new(),
    };
    for child in &node.children {
        match child.name.as_str() {
            "Filter" => rule.filter = Some(filter(child)?),
            "ElseFilter" => rule.else_filter = true,
            "MinScaleDenominator" => rule.min_scale = positive(child)?,
            "MaxScaleDenominator" => rule.max_scale = positive(child)?,
            "LineSymbolizer" => rule.symbolizers.push(line(child)?),
            "PolygonSymbolizer" => rule.symbolizers.push(polygon(child)?),
            "PointSymbolizer" => rule.symbolizers.push(point(child)?),
            "TextSymbolizer" => rule.symbolizers.push(text(child)?),
            "RasterSymbolizer" => {
                return Err(StyleError::at(
                    child,
                    "RasterSymbolizer does not apply to vector PCRS",
                ))
            }
            other if IGNORED.contains(&other) => {}
            other => return Err(unexpected(child, other, "Rule")),
        }
    }
    if rule.min_scale >= rule.max_scale {
        return Err(StyleError::at(
            node,
            format!(
                "MinScaleDenominator {} is not below MaxScaleDenominator {}",
                rule.min_scale, rule.max_scale
            ),
        ));
    }
    if rule.title.is_empty() {
        rule.title = rule.name.clone();
    }
    Ok(rule)
}

/// A rule's filter; spatial operands must be in CRS:84 (styles know no other CRS).
fn filter(node: &Node) -> Result<crate::vector::Filter, StyleError> {
    let context = FesContext {
        default_srs: (4326, false),
        transform: |from, to, _, _| from == to,
    };
    let compiled =
        compile_fes(node, &context).map_err(|err| StyleError::at(node, format!("Filter: {err}")))?;
    compiled
        .check_size()
        .map_err(|message| StyleError::at(node, format!("Filter: {message}")))?;
    Ok(compiled)
}

fn unit(node: &Node) -> Result<Unit, StyleError> {
    match node.attr("uom") {
        None => Ok(Unit::Pixel),
        Some(uom) => match uom.rsplit('/').next().unwrap_or_default() {
            "pixel" => Ok(Unit::Pixel),
            "metre" | "meter" => Ok(Unit::Metre),
            other => Err(StyleError::at(
                node,
                format!("uom {other:?} is not known (pixel, metre)"),
            )),
        },
    }
}

fn line(node: &Node) -> Result<Symbolizer, StyleError> {
    only(node, &["Stroke", "PerpendicularOffset"])?;
    let stroke = match node.child("Stroke") {
        Some(stroke_node) => stroke(stroke_node)?,
        None => default_stroke(),
    };
    Ok(Symbolizer::Line {
        stroke,
        offset: optional_number(node, "PerpendicularOffset")?.unwrap_or(0.0),
        unit: unit(node)?,
    })
}

fn polygon(node: &Node) -> Result<Symbolizer, StyleError> {
    only(node, &["Fill", "Stroke"])?;
    let fill = node.child("Fill").map(fill).transpose()?;
    let stroke = node.child("Stroke").map(stroke).transpose()?;
    Ok(Symbolizer::Polygon {
        // SE: a symboliser with neither draws a grey fill.
        fill: if fill.is_none() && stroke.is_none() {
            Some(Fill {
                color: Rgb(0x80, 0x80, 0x80),
                opacity: 1.0,
            })
        } else {
            fill
        },
        stroke,
        unit: unit(node)?,
    })
}

fn point(node: &Node) -> Result<Symbolizer, StyleError> {
    only(node, &["Graphic"])?;
    let graphic = match node.child("Graphic") {
        Some(g) => graphic(g)?,
        None => Graphic {
            shape: MarkShape::Square,
            fill: Some(Fill {
                color: Rgb(0x80, 0x80, 0x80),
                opacity: 1.0,
            }),
            stroke: None,
            size: Expr::Literal("6".into()),
            rotation: Expr::Literal("0".into()),
            opacity: 1.0,
        },
    };
    Ok(Symbolizer::Point {
        graphic,
        unit: unit(node)?,
    })
}

fn graphic(node: &Node) -> Result<Graphic, StyleError> {
    only(node, &["Mark", "Size", "Rotation", "Opacity"])?;
    let mark = node.child("Mark");
    let shape = match mark.and_then(|m| m.child("WellKnownName")) {
        Some(name) => MarkShape::parse(&name.text).ok_or_else(|| {
            StyleError::at(
                name,
                format!(
                    "WellKnownName {:?} is not a mark this server draws (square, circle, triangle, star, cross, x)",
                    name.text.trim()
                ),
            )
        })?,
        None => MarkShape::Square,
    };
    if let Some(mark) = mark {
        only(mark, &["WellKnownName", "Fill", "Stroke"])?;
    }
    let fill = match mark {
        Some(mark) => mark.child("Fill").map(fill).transpose()?,
        None => None,
    };
    let stroke = match mark {
        Some(mark) => mark.child("Stroke").map(stroke).transpose()?,
        None => None,
    };
    // SE: a mark with neither has a grey fill and a black outline.
    let (fill, stroke) = if fill.is_none() && stroke.is_none() {
        (
            Some(Fill {
                color: Rgb(0x80, 0x80, 0x80),
                opacity: 1.0,
            }),
            Some(default_stroke()),
        )
    } else {
        (fill, stroke)
    };
    Ok(Graphic {
        shape,
        fill,
        stroke,
        size: expression(node, "Size")?.unwrap_or_else(|| Expr::Literal("6".into())),
        rotation: expression(node, "Rotation")?.unwrap_or_else(|| Expr::Literal("0".into())),
        opacity: optional_number(node, "Opacity")?.unwrap_or(1.0).clamp(0.0, 1.0),
    })
}

fn text(node: &Node) -> Result<Symbolizer, StyleError> {
    only(node, &["Label", "Font", "LabelPlacement", "Halo", "Fill"])?;
    let label = node
        .child("Label")
        .map(Expr::read)
        .transpose()?
        .ok_or_else(|| StyleError::at(node, "a TextSymbolizer without a Label"))?;
    let mut families = Vec::new();
    let mut size = Expr::Literal("10".into());
    let (mut bold, mut italic) = (false, false);
    if let Some(font) = node.child("Font") {
        for (name, parameter) in parameters(font)? {
            match name.as_str() {
                "font-family" => families.push(
                    Expr::read(parameter)?
                        .text(&Default::default())
                        .trim()
                        .to_string(),
                ),
                "font-size" => size = numeric(parameter)?,
                "font-weight" => bold = parameter.text.trim() == "bold",
                "font-style" => italic = matches!(parameter.text.trim(), "italic" | "oblique"),
                other => {
                    return Err(StyleError::at(
                        parameter,
                        format!("font parameter {other:?} is not known"),
                    ))
                }
            }
        }
    }
    let placement = match node.child("LabelPlacement") {
        None => Placement::Point {
            anchor: (0.0, 0.5),
            displacement: (0.0, 0.0),
            rotation: Expr::Literal("0".into()),
        },
        Some(placement) => label_placement(placement)?,
    };
    let halo = match node.child("Halo") {
        None => None,
        Some(halo) => {
            only(halo, &["Radius", "Fill"])?;
            let radius = optional_number(halo, "Radius")?.unwrap_or(1.0);
            let fill = match halo.child("Fill") {
                Some(f) => fill(f)?,
                None => Fill {
                    color: Rgb(255, 255, 255),
                    opacity: 1.0,
                },
            };
            Some((radius, fill))
        }
    };
    let fill = match node.child("Fill") {
        Some(f) => fill(f)?,
        None => Fill {
            color: Rgb(0, 0, 0),
            opacity: 1.0,
        },
    };
    Ok(Symbolizer::Text {
        text: Box::new(Text {
            label,
            families,
            size,
            bold,
            italic,
            placement,
            halo,
            fill,
        }),
        unit: unit(node)?,
    })
}

fn label_placement(node: &Node) -> Result<Placement, StyleError> {
    only(node, &["PointPlacement", "LinePlacement"])?;
    if let Some(point) = node.child("PointPlacement") {
        only(point, &["AnchorPoint", "Displacement", "Rotation"])?;
        let pair = |name: &str, x: &str, y: &str, default: (f32, f32)| -> Result<(f32, f32), StyleError> {
            match point.child(name) {
                None => Ok(default),
                Some(node) => Ok((
                    optional_number(node, x)?.unwrap_or(default.0),
                    optional_number(node, y)?.unwrap_or(default.1),
                )),
            }
        };
        return Ok(Placement::Point {
            anchor: pair("AnchorPoint", "AnchorPointX", "AnchorPointY", (0.0, 0.5))?,
            displacement: pair("Displacement", "DisplacementX", "DisplacementY", (0.0, 0.0))?,
            rotation: expression(point, "Rotation")?.unwrap_or_else(|| Expr::Literal("0".into())),
        });
    }
    let line = node
        .child("LinePlacement")
        .ok_or_else(|| StyleError::at(node, "a LabelPlacement needs PointPlacement or LinePlacement"))?;
    Ok(Placement::Line {
        offset: optional_number(line, "PerpendicularOffset")?.unwrap_or(0.0),
    })
}

fn default_stroke() -> Stroke {
    Stroke {
        color: Rgb(0, 0, 0),
        opacity: 1.0,
        width: Expr::Literal("1".into()),
        dashes: Vec::new(),
        dash_offset: 0.0,
        cap: LineCap::Butt,
        join: LineJoin::Mitre,
    }
}

fn stroke(node: &Node) -> Result<Stroke, StyleError> {
    if let Some(graphic) = node.child("GraphicStroke").or_else(|| node.child("GraphicFill")) {
        return Err(StyleError::at(
            graphic,
            format!(
                "{} is not drawn by this server: use dashes (stroke-dasharray)",
                graphic.name
            ),
        ));
    }
    let mut stroke = default_stroke();
    for (name, parameter) in parameters(node)? {
        match name.as_str() {
            "stroke" => stroke.color = color(parameter)?,
            "stroke-opacity" => stroke.opacity = unit_interval(parameter)?,
            "stroke-width" => stroke.width = numeric(parameter)?,
            "stroke-dasharray" => {
                stroke.dashes = parameter
                    .text
                    .split([' ', ','])
                    .filter(|w| !w.is_empty())
                    .map(|w| w.parse::<f32>().ok().filter(|v| v.is_finite() && *v >= 0.0))
                    .collect::<Option<Vec<f32>>>()
                    .filter(|d| !d.is_empty() && d.iter().any(|v| *v > 0.0))
                    .ok_or_else(|| {
                        StyleError::at(
                            parameter,
                            format!(
                                "stroke-dasharray {:?} is not a list of lengths",
                                parameter.text.trim()
                            ),
                        )
                    })?;
                if stroke.dashes.len() % 2 == 1 {
                    // SVG: an odd list is repeated to make it even.
                    stroke.dashes.extend_from_within(..);
                }
            }
            "stroke-dashoffset" => stroke.dash_offset = number(parameter)? as f32,
            "stroke-linecap" => {
                stroke.cap = match parameter.text.trim() {
                    "butt" => LineCap::Butt,
                    "round" => LineCap::Round,
                    "square" => LineCap::Square,
                    other => {
                        return Err(StyleError::at(
                            parameter,
                            format!("stroke-linecap {other:?} (butt, round, square)"),
                        ))
                    }
                }
            }
            "stroke-linejoin" => {
                stroke.join = match parameter.text.trim() {
                    "mitre" | "miter" => LineJoin::Mitre,
                    "round" => LineJoin::Round,
                    "bevel" => LineJoin::Bevel,
                    other => {
                        return Err(StyleError::at(
                            parameter,
                            format!("stroke-linejoin {other:?} (mitre, round, bevel)"),
                        ))
                    }
                }
            }
            other => {
                return Err(StyleError::at(
                    parameter,
                    format!("stroke parameter {other:?} is not known"),
                ))
            }
        }
    }
    Ok(stroke)
}

fn fill(node: &Node) -> Result<Fill, StyleError> {
    if let Some(graphic) = node.child("GraphicFill") {
        return Err(StyleError::at(
            graphic,
            "GraphicFill is not drawn by this server: use a plain fill",
        ));
    }
    let mut fill = Fill {
        color: Rgb(0x80, 0x80, 0x80),
        opacity: 1.0,
    };
    for (name, parameter) in parameters(node)? {
        match name.as_str() {
            "fill" => fill.color = color(parameter)?,
            "fill-opacity" => fill.opacity = unit_interval(parameter)?,
            other => {
                return Err(StyleError::at(
                    parameter,
                    format!("fill parameter {other:?} is not known"),
                ))
            }
        }
    }
    Ok(fill)
}

/// The `CssParameter` (SLD 1.0) / `SvgParameter` (SE 1.1) children, by name.
fn parameters(node: &Node) -> Result<Vec<(String, &Node)>, StyleError> {
    let mut out = Vec::new();
    for child in &node.children {
        match child.name.as_str() {
            "CssParameter" | "SvgParameter" => {
                let name = child
                    .attr("name")
                    .ok_or_else(|| StyleError::at(child, format!("{} without a name", child.name)))?;
                out.push((name.to_string(), child));
            }
            other => return Err(unexpected(child, other, &node.name)),
        }
    }
    Ok(out)
}

fn color(node: &Node) -> Result<Rgb, StyleError> {
    let text = Expr::read(node)?;
    if !text.is_constant() {
        return Err(StyleError::at(node, "a colour must be a constant (#RRGGBB)"));
    }
    let value = text.text(&Default::default());
    Rgb::parse(&value)
        .ok_or_else(|| StyleError::at(node, format!("{:?} is not a colour (#RRGGBB)", value.trim())))
}

fn number(node: &Node) -> Result<f64, StyleError> {
    node.text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            StyleError::at(
                node,
                format!("{}: {:?} is not a number", node.name, node.text.trim()),
            )
        })
}

fn positive(node: &Node) -> Result<f64, StyleError> {
    let value = number(node)?;
    if value < 0.0 {
        return Err(StyleError::at(
            node,
            format!("{} must not be negative", node.name),
        ));
    }
    Ok(value)
}

fn unit_interval(node: &Node) -> Result<f32, StyleError> {
    let value = number(node)?;
    if !(0.0..=1.0).contains(&value) {
        return Err(StyleError::at(node, format!("{value} is not between 0 and 1")));
    }
    Ok(value as f32)
}

fn optional_number(node: &Node, name: &str) -> Result<Option<f32>, StyleError> {
    node.child(name)
        .map(|child| number(child).map(|v| v as f32))
        .transpose()
}

/// A numeric expression (a size, a rotation): a constant must read as a number.
fn expression(node: &Node, name: &str) -> Result<Option<Expr>, StyleError> {
    node.child(name).map(numeric).transpose()
}

fn numeric(node: &Node) -> Result<Expr, StyleError> {
    let expr = Expr::read(node)?;
    if expr.is_constant() && expr.number(&Default::default()).is_none() {
        return Err(StyleError::at(
            node,
            format!("{:?} is not a number", expr.text(&Default::default()).trim()),
        ));
    }
    Ok(expr)
}

/// Refuses children other than `allowed` (and the ignored ones), naming the line.
fn only(node: &Node, allowed: &[&str]) -> Result<(), StyleError> {
    for child in &node.children {
        if !allowed.contains(&child.name.as_str()) && !IGNORED.contains(&child.name.as_str()) {
            return Err(StyleError::at(
                child,
                format!(
                    "{} is not drawn inside {} by this server (expected {})",
                    child.name,
                    node.name,
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn unexpected(node: &Node, name: &str, parent: &str) -> StyleError {
    StyleError::at(node, format!("{name} is not expected inside {parent}"))
}

fn name_of(node: &Node) -> Option<String> {
    node.child("Name")
        .map(|n| n.text.trim().to_string())
        .filter(|n| !n.is_empty())
}

fn text_of(node: &Node, name: &str) -> String {
    node.child(name)
        .map(|n| n.text.trim().to_string())
        .unwrap_or_default()
}

/// A title: `Title`, or SE 1.1's `Description/Title`.
fn title_of(node: &Node) -> Option<String> {
    node.child("Title")
        .or_else(|| node.child("Description").and_then(|d| d.child("Title")))
        .map(|t| t.text.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn type_name(node: &Node) -> Option<String> {
    node.child("FeatureTypeName")
        .map(|n| local_name(&n.text).to_string())
        .filter(|n| !n.is_empty())
}

fn first_type_name(node: &Node) -> Option<String> {
    node.children
        .iter()
        .filter(|c| c.name == "FeatureTypeStyle")
        .find_map(type_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_style_names_its_line() {
        let broken = b"<StyledLayerDescriptor>\n<NamedLayer><Name>A</Name>\n<UserStyle><Name>s</Name>\n<FeatureTypeStyle><Rule>\n<LineSymbolizer><Stroke><CssParameter name=\"stroke\">#zz0000</CssParameter></Stroke></LineSymbolizer>\n</Rule></FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>";
        let err = parse_sld(broken, Some("x.sld")).unwrap_err();
        assert_eq!((err.file.as_deref(), err.line), (Some("x.sld"), 5), "{err}");
        assert!(err.message.contains("#zz0000"), "{err}");
        let unclosed = b"<StyledLayerDescriptor>\n<NamedLayer>\n</StyledLayerDescriptor>";
        let err = parse_sld(unclosed, None).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(
            err.to_string().starts_with("line 3: not well-formed XML"),
            "{err}"
        );
        let unknown = b"<FeatureTypeStyle><FeatureTypeName>A</FeatureTypeName>\n<Rule><PolygonSymbolizer><Fill><GraphicFill/></Fill></PolygonSymbolizer></Rule></FeatureTypeStyle>";
        let err = parse_sld(unknown, None).unwrap_err();
        assert!(err.message.contains("GraphicFill") && err.line == 2, "{err}");
        let many = format!(
            "<FeatureTypeStyle><FeatureTypeName>A</FeatureTypeName>{}</FeatureTypeStyle>",
            "<Rule><LineSymbolizer/></Rule>".repeat(MAX_RULES + 1)
        );
        let err = parse_sld(many.as_bytes(), None).unwrap_err();
        assert!(err.message.contains("1000 rules"), "{err}");
    }

    #[test]
    fn every_shipped_style_parses() {
        let styles = super::super::Styles::shipped();
        assert!(styles.len() >= 6, "{}", styles.len());
        let voirie = styles
            .pick(0, "LimiteVoiriePCRS", "")
            .expect("a default style for LimiteVoiriePCRS");
        assert!(voirie.rules().any(|rule| rule.filter.is_some()));
    }
}
