//! CQL2 JSON: the same expressions as the text encoding, as JSON objects (`{"op", "args"}`),
//! with GeoJSON and `{"bbox"}` geometry literals.

use serde_json::Value;

use super::{
    array, array_op, between, compare, in_list, like, literal, property_name, spatial, spatial_op, to_shape,
    ArrayArg, Operand, ToCrs84,
};
use crate::vector::{Comparison, Filter, Geometry, Literal, Path, Position};

/// Reads CQL2 JSON.
pub fn parse_json(text: &str, max_depth: usize, to_crs84: ToCrs84) -> Result<Filter, String> {
    let value: Value = serde_json::from_str(text).map_err(|err| format!("not JSON: {err}"))?;
    let reader = JsonReader { max_depth, to_crs84 };
    reader.expression(&value, 0)
}

struct JsonReader<'a> {
    max_depth: usize,
    to_crs84: ToCrs84<'a>,
}

impl JsonReader<'_> {
    fn expression(&self, value: &Value, depth: usize) -> Result<Filter, String> {
        if depth > self.max_depth {
            return Err(format!(
                "the filter is nested deeper than {} levels",
                self.max_depth
            ));
        }
        match value {
            Value::Bool(true) => return Ok(Filter::All),
            Value::Bool(false) => return Ok(Filter::Not(Box::new(Filter::All))),
            _ => {}
        }
        let op = value
            .get("op")
            .and_then(Value::as_str)
            .ok_or("a CQL2 JSON expression is an object with op and args")?;
        let args = value
            .get("args")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{op} without args"))?;
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!("{op} takes {n} arguments, not {}", args.len()))
            }
        };
        let operand = |at: usize| self.operand(&args[at]);
        match op.to_ascii_lowercase().as_str() {
            "and" | "or" => {
                let parts = args
                    .iter()
                    .map(|arg| self.expression(arg, depth + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                if parts.len() < 2 {
                    return Err(format!("{op} takes at least two arguments"));
                }
                Ok(if op.eq_ignore_ascii_case("and") {
                    Filter::And(parts)
                } else {
                    Filter::Or(parts)
                })
            }
            "not" => {
                arity(1)?;
                Ok(Filter::Not(Box::new(self.expression(&args[0], depth + 1)?)))
            }
            "=" | "<>" | "<" | ">" | "<=" | ">=" => {
                arity(2)?;
                let comparison = match op {
                    "=" => Comparison::Equal,
                    "<>" => Comparison::NotEqual,
                    "<" => Comparison::Less,
                    ">" => Comparison::Greater,
                    "<=" => Comparison::LessOrEqual,
                    _ => Comparison::GreaterOrEqual,
                };
                compare(operand(0)?, comparison, operand(1)?)
            }
            "like" => {
                arity(2)?;
                like(operand(0)?, operand(1)?)
            }
            "between" => {
                arity(3)?;
                between(operand(0)?, operand(1)?, operand(2)?)
            }
            "in" => {
                arity(2)?;
                let list = args[1].as_array().ok_or("in takes a property and an array")?;
                let values = list
                    .iter()
                    .map(|v| self.operand(v))
                    .collect::<Result<Vec<_>, _>>()?;
                in_list(operand(0)?, values)
            }
            "isnull" => {
                arity(1)?;
                Ok(Filter::IsNull(property_name(operand(0)?, "isNull")?))
            }
            other => match (spatial_op(other), array_op(other)) {
                (Some(op), _) => {
                    arity(2)?;
                    spatial(op, operand(0)?, operand(1)?)
                }
                (None, Some(op)) => {
                    arity(2)?;
                    array(op, self.array_operand(&args[0])?, self.array_operand(&args[1])?)
                }
                (None, None) => Err(format!("operator {other} is not offered")),
            },
        }
    }

    fn array_operand(&self, value: &Value) -> Result<ArrayArg, String> {
        match value {
            Value::Array(items) => Ok(ArrayArg::Values(
                items
                    .iter()
                    .map(|item| literal(self.operand(item)?, "an array"))
                    .collect::<Result<_, _>>()?,
            )),
            other => Ok(ArrayArg::Property(property_name(
                self.operand(other)?,
                "an array function",
            )?)),
        }
    }

    fn operand(&self, value: &Value) -> Result<Operand, String> {
        match value {
            Value::String(text) => Ok(Operand::Value(Literal::Text(text.clone()))),
            Value::Number(n) => Ok(Operand::Value(Literal::Number(n.as_f64().unwrap_or(f64::NAN)))),
            Value::Bool(b) => Ok(Operand::Value(Literal::Boolean(*b))),
            Value::Object(map) => {
                if let Some(name) = map.get("property").and_then(Value::as_str) {
                    return Ok(Operand::Property(name.to_string()));
                }
                if let Some(text) = map
                    .get("date")
                    .or_else(|| map.get("timestamp"))
                    .and_then(Value::as_str)
                {
                    return Ok(Operand::Value(Literal::Text(text.to_string())));
                }
                if let Some(b) = map.get("bbox").and_then(Value::as_array) {
                    let n: Vec<f64> = b.iter().filter_map(Value::as_f64).collect();
                    let b = match n.as_slice() {
                        [a, b, c, d] => [*a, *b, *c, *d],
                        [a, b, _, d, e, _] => [*a, *b, *d, *e],
                        _ => return Err("bbox takes 4 or 6 numbers".into()),
                    };
                    return to_shape(Geometry::rectangle(b), self.to_crs84).map(Operand::Shape);
                }
                if map.contains_key("type") && map.contains_key("coordinates") {
                    return to_shape(geojson_geometry(value)?, self.to_crs84).map(Operand::Shape);
                }
                Err(format!("{value} is not a property, a literal or a geometry"))
            }
            other => Err(format!("{other} is not an operand")),
        }
    }
}

/// A GeoJSON geometry.
fn geojson_geometry(value: &Value) -> Result<Geometry, String> {
    let kind = value["type"].as_str().unwrap_or_default();
    let coordinates = &value["coordinates"];
    let position = |v: &Value| -> Result<Position, String> {
        let n: Vec<f64> = v
            .as_array()
            .ok_or("a position is an array")?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        match n.as_slice() {
            [x, y] => Ok([*x, *y, 0.0]),
            [x, y, z] => Ok([*x, *y, *z]),
            _ => Err("a position has 2 or 3 numbers".into()),
        }
    };
    let list = |v: &Value| -> Result<Vec<Position>, String> {
        v.as_array()
            .ok_or("expected an array of positions")?
            .iter()
            .map(position)
            .collect()
    };
    let rings = |v: &Value| -> Result<Vec<Path>, String> {
        v.as_array()
            .ok_or("expected an array of rings")?
            .iter()
            .map(|ring| list(ring).map(Path::straight))
            .collect()
    };
    let items = || {
        coordinates
            .as_array()
            .ok_or_else(|| format!("{kind}: coordinates are an array"))
    };
    Ok(match kind {
        "Point" => Geometry::Point(position(coordinates)?),
        "MultiPoint" => Geometry::MultiPoint(list(coordinates)?),
        "LineString" => Geometry::Line(Path::straight(list(coordinates)?)),
        "MultiLineString" => Geometry::MultiLine(rings(coordinates)?),
        "Polygon" => Geometry::Polygon(rings(coordinates)?),
        "MultiPolygon" => Geometry::MultiPolygon(items()?.iter().map(rings).collect::<Result<_, _>>()?),
        other => return Err(format!("geometry type {other:?} is not read")),
    })
}
