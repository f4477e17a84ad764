//! Filters as WFS clients write them, FES 2.0 (`fes:`) and Filter Encoding 1.1 (`ogc:`), turned
//! into the vector module's [`Filter`]: comparisons, `Like`, `Null` / `Nil`, `Between`, the
//! logical operators, resource / feature identifiers, and the spatial operators with a GML
//! operand (axis order from its `srsName`, reprojected to CRS:84). WFS reads its `FILTER`
//! with it and SLD its rules' filters.

use super::{
    parse_srs_name, read_gml_geometry, to_geo, Comparison, Filter, Literal, Node, SpatialOp, Transform,
};

/// Why a filter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FesError {
    /// The filter is malformed or names what is not there.
    #[error("{0}")]
    Invalid(String),
    /// The filter asks for what the server does not offer (functions).
    #[error("{0}")]
    NotOffered(String),
}

/// A CRS as a filter or a request names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrsAxis {
    /// EPSG code.
    pub epsg: u32,
    /// Whether the first coordinate is the latitude (EPSG:4326 named by URN or URI;
    /// `EPSG:4326` and `CRS:84` are longitude first, as clients expect).
    pub lat_first: bool,
}

impl SrsAxis {
    /// Reads a CRS name; `None` when it names no EPSG code (or holds control characters).
    pub fn parse(text: &str) -> Option<SrsAxis> {
        if text.chars().any(char::is_control) {
            return None;
        }
        let epsg = parse_srs_name(text)?;
        let upper = text.trim().to_ascii_uppercase();
        // GML 2's `…/epsg.xml#4326` is longitude first by convention, as `EPSG:4326` is.
        let short = upper.starts_with("EPSG:")
            || upper.ends_with("CRS84")
            || upper == "CRS:84"
            || upper.contains("EPSG.XML#");
        Some(SrsAxis {
            epsg,
            lat_first: epsg == 4326 && !short,
        })
    }
}

/// What reading a filter needs beyond its text: the CRS of geometries that name none, and a
/// way to take them to CRS:84.
#[derive(Clone, Copy)]
pub struct FesContext {
    /// CRS of operands without a `srsName`.
    pub default_srs: (u32, bool),
    /// Point reprojection (PROJ, given by the caller).
    pub transform: Transform,
}

/// The last part of a property path: `dallage:h`, `a/b:h` and `h[1]` all name `h`.
pub fn local_name(name: &str) -> &str {
    let last = name.trim().rsplit('/').next().unwrap_or(name);
    let last = last.split('[').next().unwrap_or(last);
    last.rsplit(':').next().unwrap_or(last)
}

/// Metres per degree, for distances given in degrees.
const METRES_PER_DEGREE: f64 = 111_195.0;

/// Reads a filter element (`Filter` or an operator); geometries without a `srsName` are in
/// `context.default_srs`.
pub fn compile_fes(node: &Node, context: &FesContext) -> Result<Filter, FesError> {
    match node.name.as_str() {
        "Filter" => {
            let mut parts = node
                .children
                .iter()
                .map(|child| compile_fes(child, context))
                .collect::<Result<Vec<_>, _>>()?;
            // Several identifiers side by side select any of them.
            if parts.len() > 1 && parts.iter().all(|part| matches!(part, Filter::Ids(_))) {
                let ids = parts
                    .into_iter()
                    .flat_map(|part| match part {
                        Filter::Ids(ids) => ids,
                        _ => Vec::new(),
                    })
                    .collect();
                return Ok(Filter::Ids(ids));
            }
            Ok(match parts.len() {
                0 => Filter::All,
                1 => parts.remove(0),
                _ => Filter::And(parts),
            })
        }
        "And" | "Or" => {
            let parts = node
                .children
                .iter()
                .map(|child| compile_fes(child, context))
                .collect::<Result<Vec<_>, _>>()?;
            if parts.len() < 2 {
                return Err(bad(format!("{} needs at least two operands", node.name)));
            }
            Ok(if node.name == "And" {
                Filter::And(parts)
            } else {
                Filter::Or(parts)
            })
        }
        "Not" => {
            let [inner] = node.children.as_slice() else {
                return Err(bad("Not takes exactly one operand".into()));
            };
            Ok(Filter::Not(Box::new(compile_fes(inner, context)?)))
        }
        "ResourceId" | "FeatureId" | "GmlObjectId" => {
            let id = node
                .attr("rid")
                .or_else(|| node.attr("fid"))
                .or_else(|| node.attr("id"))
                .ok_or_else(|| bad(format!("{} without an identifier", node.name)))?;
            Ok(Filter::Ids(vec![id.to_string()]))
        }
        "PropertyIsEqualTo" => comparison(node, Comparison::Equal),
        "PropertyIsNotEqualTo" => comparison(node, Comparison::NotEqual),
        "PropertyIsLessThan" => comparison(node, Comparison::Less),
        "PropertyIsGreaterThan" => comparison(node, Comparison::Greater),
        "PropertyIsLessThanOrEqualTo" => comparison(node, Comparison::LessOrEqual),
        "PropertyIsGreaterThanOrEqualTo" => comparison(node, Comparison::GreaterOrEqual),
        "PropertyIsLike" => {
            let property = property_of(node)?;
            let pattern = literal_text(node)?;
            let wild = single_char(node, "wildCard", '*')?;
            let single = single_char(node, "singleChar", '?')?;
            let escape = match node.attr("escapeChar") {
                Some(_) => single_char(node, "escapeChar", '\\')?,
                None => single_char(node, "escape", '\\')?,
            };
            Ok(Filter::Like {
                property,
                pattern: Filter::like_pattern(&pattern, wild, single, escape),
                match_case: match_case(node),
            })
        }
        "PropertyIsNull" | "PropertyIsNil" => Ok(Filter::IsNull(property_of(node)?)),
        "PropertyIsBetween" => {
            let bound = |name: &str| -> Result<Literal, FesError> {
                let boundary = node
                    .child(name)
                    .ok_or_else(|| bad(format!("PropertyIsBetween without {name}")))?;
                Ok(Literal::Text(literal_text(boundary)?))
            };
            Ok(Filter::Between {
                property: property_of(node)?,
                low: bound("LowerBoundary")?,
                high: bound("UpperBoundary")?,
            })
        }
        "BBOX" => spatial(node, SpatialOp::BBox, context),
        "Intersects" => spatial(node, SpatialOp::Intersects, context),
        "Disjoint" => spatial(node, SpatialOp::Disjoint, context),
        "Equals" => spatial(node, SpatialOp::Equals, context),
        "Touches" => spatial(node, SpatialOp::Touches, context),
        "Crosses" => spatial(node, SpatialOp::Crosses, context),
        "Within" => spatial(node, SpatialOp::Within, context),
        "Contains" => spatial(node, SpatialOp::Contains, context),
        "Overlaps" => spatial(node, SpatialOp::Overlaps, context),
        "DWithin" => spatial(node, SpatialOp::DWithin, context),
        "Beyond" => spatial(node, SpatialOp::Beyond, context),
        "Function" => Err(FesError::NotOffered(
            "filter functions are not offered (ImplementsFunctions is FALSE)".into(),
        )),
        other => Err(bad(format!(
            "{other} is not a filter operator this server evaluates"
        ))),
    }
}

fn bad(message: String) -> FesError {
    FesError::Invalid(message)
}

/// The property an operator names (`ValueReference` in FES 2.0, `PropertyName` in 1.1).
fn property_of(node: &Node) -> Result<String, FesError> {
    node.children
        .iter()
        .find(|c| c.name == "ValueReference" || c.name == "PropertyName")
        .map(|c| local_name(&c.text).to_string())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| bad(format!("{} names no property", node.name)))
}

fn literal_text(node: &Node) -> Result<String, FesError> {
    // As written: spaces may matter (numbers are trimmed where they are compared).
    node.child("Literal")
        .map(|literal| literal.text.clone())
        .ok_or_else(|| bad(format!("{} has no Literal", node.name)))
}

fn match_case(node: &Node) -> bool {
    node.attr("matchCase").is_none_or(|v| v.trim() != "false")
}

fn single_char(node: &Node, name: &str, default: char) -> Result<char, FesError> {
    match node.attr(name) {
        None => Ok(default),
        Some(text) => {
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(bad(format!("{name}={text:?} must be one character"))),
            }
        }
    }
}

/// A binary comparison; a literal written first turns the comparison around.
fn comparison(node: &Node, op: Comparison) -> Result<Filter, FesError> {
    let property = property_of(node)?;
    let value = literal_text(node)?;
    let literal_first = node.children.first().is_some_and(|c| c.name == "Literal");
    let op = match (literal_first, op) {
        (true, Comparison::Less) => Comparison::Greater,
        (true, Comparison::Greater) => Comparison::Less,
        (true, Comparison::LessOrEqual) => Comparison::GreaterOrEqual,
        (true, Comparison::GreaterOrEqual) => Comparison::LessOrEqual,
        (_, op) => op,
    };
    Ok(Filter::Compare {
        property,
        op,
        value: Literal::Text(value),
        match_case: match_case(node),
    })
}

/// A spatial operator: its GML operand in CRS:84, and its distance in metres.
fn spatial(node: &Node, op: SpatialOp, context: &FesContext) -> Result<Filter, FesError> {
    let operand = node
        .children
        .iter()
        .find(|c| c.name != "ValueReference" && c.name != "PropertyName" && c.name != "Distance")
        .ok_or_else(|| bad(format!("{} has no geometry operand", node.name)))?;
    let (geometry, _) =
        read_gml_geometry(operand).map_err(|message| bad(format!("{}: {message}", node.name)))?;
    let (epsg, lat_first) = match operand.attr("srsName") {
        Some(text) => SrsAxis::parse(text)
            .map(|srs| (srs.epsg, srs.lat_first))
            .ok_or_else(|| bad(format!("srsName={text}: unknown CRS")))?,
        None => context.default_srs,
    };
    let mut geometry = geometry.linearized();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    geometry.for_each_position_mut(|p| {
        let (x, y) = if lat_first { (p[1], p[0]) } else { (p[0], p[1]) };
        xs.push(x);
        ys.push(y);
    });
    if !(context.transform)(epsg, 4326, &mut xs, &mut ys) {
        return Err(bad(format!(
            "the operand of {} can't be taken to WGS84 from EPSG:{epsg}",
            node.name
        )));
    }
    let mut at = 0;
    geometry.for_each_position_mut(|p| {
        p[0] = xs[at];
        p[1] = ys[at];
        at += 1;
    });
    let distance = match op {
        SpatialOp::DWithin | SpatialOp::Beyond => distance_metres(node)?,
        _ => 0.0,
    };
    Ok(Filter::Spatial {
        op,
        shape: to_geo(&geometry),
        distance,
    })
}

/// `Distance` with its unit (`uom` in FES 2.0, `units` in 1.1), in metres.
fn distance_metres(node: &Node) -> Result<f64, FesError> {
    let distance = node
        .child("Distance")
        .ok_or_else(|| bad(format!("{} needs a Distance", node.name)))?;
    let value: f64 = distance
        .text
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| bad(format!("Distance {:?} is not a number", distance.text.trim())))?;
    let unit = distance
        .attr("uom")
        .or_else(|| distance.attr("units"))
        .unwrap_or("m")
        .to_ascii_lowercase();
    let unit = unit.rsplit([':', '/', '#']).next().unwrap_or_default();
    let factor = match unit {
        "" | "m" | "metre" | "meter" | "metres" | "meters" | "9001" => 1.0,
        "km" | "kilometre" | "kilometer" | "9036" => 1000.0,
        "deg" | "degree" | "degrees" | "9102" => METRES_PER_DEGREE,
        other => return Err(bad(format!("Distance unit {other:?} is not known (m, km, deg)"))),
    };
    Ok(value * factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::{read_tree, XmlLimits};

    fn tree(xml: &str) -> Node {
        read_tree(xml.as_bytes(), XmlLimits::default()).unwrap()
    }

    #[test]
    fn fes_and_filter_encoding_read_into_one_tree() {
        let srs = FesContext {
            default_srs: (4326, true),
            transform: |from, to, _, _| from == to,
        };
        let fes = tree(
            r#"<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:And>
            <fes:PropertyIsLessThan><fes:Literal>5</fes:Literal><fes:ValueReference>dallage:h</fes:ValueReference></fes:PropertyIsLessThan>
            <fes:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\"><fes:ValueReference>n</fes:ValueReference><fes:Literal>Fa%</fes:Literal></fes:PropertyIsLike>
            </fes:And></fes:Filter>"#,
        );
        let Filter::And(parts) = compile_fes(&fes, &srs).unwrap() else {
            panic!("an And")
        };
        // `5 < h` is `h > 5`.
        assert!(
            matches!(&parts[0], Filter::Compare { property, op: Comparison::Greater, .. } if property == "h")
        );
        assert!(matches!(&parts[1], Filter::Like { .. }));
        let ids = tree(
            r#"<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc"><ogc:FeatureId fid="a"/><ogc:FeatureId fid="b"/></ogc:Filter>"#,
        );
        assert!(matches!(compile_fes(&ids, &srs).unwrap(), Filter::Ids(ids) if ids == ["a", "b"]));
        // A box in lat/lon order (URN) lands in lon/lat.
        let bbox = tree(
            r#"<Filter><BBOX><ValueReference>geometry</ValueReference><Envelope srsName="urn:ogc:def:crs:EPSG::4326"><lowerCorner>45 4</lowerCorner><upperCorner>46 5</upperCorner></Envelope></BBOX></Filter>"#,
        );
        let hint = compile_fes(&bbox, &srs).unwrap().bbox_hint().unwrap();
        assert_eq!(hint, [4.0, 45.0, 5.0, 46.0]);
        let far = tree(
            r#"<Filter><DWithin><Point><pos>45 4</pos></Point><Distance uom="km">2</Distance></DWithin></Filter>"#,
        );
        assert!(
            matches!(compile_fes(&far, &srs).unwrap(), Filter::Spatial { distance, .. } if distance == 2000.0)
        );
        let unknown = tree("<Filter><PropertyIsAwesome/></Filter>");
        let err = compile_fes(&unknown, &srs).unwrap_err();
        assert!(
            matches!(&err, FesError::Invalid(m) if m.contains("PropertyIsAwesome")),
            "{err}"
        );
    }
}
