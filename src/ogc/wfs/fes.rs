//! Filters as WFS clients write them, FES 2.0 (`fes:`) and Filter Encoding 1.1 (`ogc:`), turned
//! into the vector module's [`Filter`]: comparisons, `Like`, `Null` / `Nil`, `Between`, the
//! logical operators, resource / feature identifiers, and the spatial operators with a GML
//! operand (axis order from its `srsName`, reprojected to CRS:84).

use crate::ogc::common::OwsError;
use crate::raster::crs::transform_points;
use crate::vector::{read_gml_geometry, to_geo, Comparison, Filter, Literal, Node, SpatialOp};

use super::params::{local_name, SrsName};

/// Metres per degree, for distances given in degrees.
const METRES_PER_DEGREE: f64 = 111_195.0;

/// Reads a filter element (`Filter` or an operator); geometries without a `srsName` are in
/// `default_srs`.
pub fn compile(node: &Node, default_srs: &SrsName) -> Result<Filter, OwsError> {
    match node.name.as_str() {
        "Filter" => {
            let mut parts = node
                .children
                .iter()
                .map(|child| compile(child, default_srs))
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
                .map(|child| compile(child, default_srs))
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
            Ok(Filter::Not(Box::new(compile(inner, default_srs)?)))
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
            let bound = |name: &str| -> Result<Literal, OwsError> {
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
        "BBOX" => spatial(node, SpatialOp::BBox, default_srs),
        "Intersects" => spatial(node, SpatialOp::Intersects, default_srs),
        "Disjoint" => spatial(node, SpatialOp::Disjoint, default_srs),
        "Equals" => spatial(node, SpatialOp::Equals, default_srs),
        "Touches" => spatial(node, SpatialOp::Touches, default_srs),
        "Crosses" => spatial(node, SpatialOp::Crosses, default_srs),
        "Within" => spatial(node, SpatialOp::Within, default_srs),
        "Contains" => spatial(node, SpatialOp::Contains, default_srs),
        "Overlaps" => spatial(node, SpatialOp::Overlaps, default_srs),
        "DWithin" => spatial(node, SpatialOp::DWithin, default_srs),
        "Beyond" => spatial(node, SpatialOp::Beyond, default_srs),
        "Function" => Err(OwsError::new(
            "OperationProcessingFailed",
            "FILTER",
            "filter functions are not offered (ImplementsFunctions is FALSE)",
        )),
        other => Err(bad(format!(
            "{other} is not a filter operator this server evaluates"
        ))),
    }
}

fn bad(message: String) -> OwsError {
    OwsError::invalid("FILTER", message)
}

/// The property an operator names (`ValueReference` in FES 2.0, `PropertyName` in 1.1).
fn property_of(node: &Node) -> Result<String, OwsError> {
    node.children
        .iter()
        .find(|c| c.name == "ValueReference" || c.name == "PropertyName")
        .map(|c| local_name(&c.text).to_string())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| bad(format!("{} names no property", node.name)))
}

fn literal_text(node: &Node) -> Result<String, OwsError> {
    // As written: spaces may matter (numbers are trimmed where they are compared).
    node.child("Literal")
        .map(|literal| literal.text.clone())
        .ok_or_else(|| bad(format!("{} has no Literal", node.name)))
}

fn match_case(node: &Node) -> bool {
    node.attr("matchCase").is_none_or(|v| v.trim() != "false")
}

fn single_char(node: &Node, name: &str, default: char) -> Result<char, OwsError> {
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
fn comparison(node: &Node, op: Comparison) -> Result<Filter, OwsError> {
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
fn spatial(node: &Node, op: SpatialOp, default_srs: &SrsName) -> Result<Filter, OwsError> {
    let operand = node
        .children
        .iter()
        .find(|c| c.name != "ValueReference" && c.name != "PropertyName" && c.name != "Distance")
        .ok_or_else(|| bad(format!("{} has no geometry operand", node.name)))?;
    let (geometry, _) =
        read_gml_geometry(operand).map_err(|message| bad(format!("{}: {message}", node.name)))?;
    let srs = match operand.attr("srsName") {
        Some(text) => SrsName::parse(text).ok_or_else(|| bad(format!("srsName={text}: unknown CRS")))?,
        None => default_srs.clone(),
    };
    let mut geometry = geometry.linearized();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    geometry.for_each_position_mut(|p| {
        let (x, y) = if srs.lat_first { (p[1], p[0]) } else { (p[0], p[1]) };
        xs.push(x);
        ys.push(y);
    });
    if !transform_points(srs.epsg, 4326, &mut xs, &mut ys) {
        return Err(bad(format!(
            "the operand of {} can't be taken to WGS84 from EPSG:{}",
            node.name, srs.epsg
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
fn distance_metres(node: &Node) -> Result<f64, OwsError> {
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
        let srs = SrsName::urn(4326);
        let fes = tree(
            r#"<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:And>
            <fes:PropertyIsLessThan><fes:Literal>5</fes:Literal><fes:ValueReference>dallage:h</fes:ValueReference></fes:PropertyIsLessThan>
            <fes:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\"><fes:ValueReference>n</fes:ValueReference><fes:Literal>Fa%</fes:Literal></fes:PropertyIsLike>
            </fes:And></fes:Filter>"#,
        );
        let Filter::And(parts) = compile(&fes, &srs).unwrap() else {
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
        assert!(matches!(compile(&ids, &srs).unwrap(), Filter::Ids(ids) if ids == ["a", "b"]));
        // A box in lat/lon order (URN) lands in lon/lat.
        let bbox = tree(
            r#"<Filter><BBOX><ValueReference>geometry</ValueReference><Envelope srsName="urn:ogc:def:crs:EPSG::4326"><lowerCorner>45 4</lowerCorner><upperCorner>46 5</upperCorner></Envelope></BBOX></Filter>"#,
        );
        let hint = compile(&bbox, &srs).unwrap().bbox_hint().unwrap();
        assert_eq!(hint, [4.0, 45.0, 5.0, 46.0]);
        let far = tree(
            r#"<Filter><DWithin><Point><pos>45 4</pos></Point><Distance uom="km">2</Distance></DWithin></Filter>"#,
        );
        assert!(
            matches!(compile(&far, &srs).unwrap(), Filter::Spatial { distance, .. } if distance == 2000.0)
        );
        let unknown = tree("<Filter><PropertyIsAwesome/></Filter>");
        let err = compile(&unknown, &srs).unwrap_err();
        assert_eq!(
            (err.code, err.locator.as_deref()),
            (Some("InvalidParameterValue"), Some("FILTER"))
        );
        assert!(err.message.contains("PropertyIsAwesome"), "{}", err.message);
    }
}
