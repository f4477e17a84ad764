//! Values a style computes per feature (SE 1.1 parameter values): a literal, a property, the
//! four arithmetic operators and text concatenation, as SLD writes them with `ogc:` / `fes:`
//! elements inside a parameter.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::vector::{local_name, Node};

use super::StyleError;

/// A value computed per feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant, as written (trimmed).
    Literal(String),
    /// A property of the feature (its text; several values joined by `, `).
    Property(String),
    /// Arithmetic on two numbers.
    Arith(Box<Expr>, ArithOp, Box<Expr>),
    /// Text of each part, one after the other.
    Concat(Vec<Expr>),
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `Add`.
    Add,
    /// `Sub`.
    Sub,
    /// `Mul`.
    Mul,
    /// `Div`.
    Div,
}

impl Expr {
    /// The expression an element holds: its child expressions (in order, after its own text
    /// when both are given), or its text.
    pub fn read(node: &Node) -> Result<Expr, StyleError> {
        let mut parts: Vec<Expr> = Vec::new();
        let text = node.text.trim();
        if !text.is_empty() && !node.children.is_empty() {
            parts.push(Expr::Literal(node.text.trim_start().to_string()));
        }
        for child in &node.children {
            parts.push(Expr::of_element(child)?);
        }
        Ok(match parts.len() {
            0 => Expr::Literal(text.to_string()),
            1 => parts.remove(0),
            _ => Expr::Concat(parts),
        })
    }

    /// One expression element (`Literal`, `PropertyName`, `ValueReference`, `Add` …,
    /// `Function name="Concatenate"`).
    fn of_element(node: &Node) -> Result<Expr, StyleError> {
        let arith = |op: ArithOp| -> Result<Expr, StyleError> {
            let [left, right] = node.children.as_slice() else {
                return Err(StyleError::at(node, format!("{} takes two operands", node.name)));
            };
            Ok(Expr::Arith(
                Box::new(Expr::of_element(left)?),
                op,
                Box::new(Expr::of_element(right)?),
            ))
        };
        match node.name.as_str() {
            // Spaces inside a literal matter when it is concatenated.
            "Literal" => Ok(Expr::Literal(node.text.clone())),
            "PropertyName" | "ValueReference" => {
                let name = local_name(&node.text);
                if name.is_empty() {
                    return Err(StyleError::at(node, "an empty property name"));
                }
                Ok(Expr::Property(name.to_string()))
            }
            "Add" => arith(ArithOp::Add),
            "Sub" => arith(ArithOp::Sub),
            "Mul" => arith(ArithOp::Mul),
            "Div" => arith(ArithOp::Div),
            "Function" | "Concatenate" => {
                let name = node.attr("name").unwrap_or(&node.name);
                if !matches!(name, "Concatenate" | "strConcat" | "concat") {
                    return Err(StyleError::at(
                        node,
                        format!("function {name} is not offered (Concatenate, strConcat)"),
                    ));
                }
                let parts = node
                    .children
                    .iter()
                    .filter(|child| child.name != "FallbackValue")
                    .map(Expr::of_element)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Expr::Concat(parts))
            }
            other => Err(StyleError::at(
                node,
                format!(
                    "{other} is not an expression (Literal, PropertyName, Add, Sub, Mul, Div, Concatenate)"
                ),
            )),
        }
    }

    /// Whether the value is the same for every feature.
    pub fn is_constant(&self) -> bool {
        match self {
            Expr::Literal(_) => true,
            Expr::Property(_) => false,
            Expr::Arith(left, _, right) => left.is_constant() && right.is_constant(),
            Expr::Concat(parts) => parts.iter().all(Expr::is_constant),
        }
    }

    /// The properties it reads.
    pub fn property_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Literal(_) => {}
            Expr::Property(name) => out.push(name),
            Expr::Arith(left, _, right) => {
                left.property_names(out);
                right.property_names(out);
            }
            Expr::Concat(parts) => parts.iter().for_each(|part| part.property_names(out)),
        }
    }

    /// The value as text for a feature's properties (empty when a property is missing).
    pub fn text<'a>(&'a self, properties: &Map<String, Value>) -> Cow<'a, str> {
        match self {
            Expr::Literal(text) => Cow::Borrowed(text),
            Expr::Property(name) => Cow::Owned(match properties.get(name) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(Value::Array(items)) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
                Some(other) => plain(other),
            }),
            Expr::Arith(..) => Cow::Owned(match self.number(properties) {
                Some(value) if value.fract() == 0.0 && value.abs() < 1e15 => format!("{value:.0}"),
                Some(value) => value.to_string(),
                None => String::new(),
            }),
            Expr::Concat(parts) => Cow::Owned(parts.iter().map(|part| part.text(properties)).collect()),
        }
    }

    /// The value as a number, `None` when it is not one.
    pub fn number(&self, properties: &Map<String, Value>) -> Option<f64> {
        match self {
            Expr::Arith(left, op, right) => {
                let (a, b) = (left.number(properties)?, right.number(properties)?);
                let value = match op {
                    ArithOp::Add => a + b,
                    ArithOp::Sub => a - b,
                    ArithOp::Mul => a * b,
                    ArithOp::Div => a / b,
                };
                value.is_finite().then_some(value)
            }
            Expr::Property(name) => match properties.get(name)? {
                Value::Number(number) => number.as_f64(),
                Value::String(text) => text.trim().parse().ok(),
                _ => None,
            },
            _ => self
                .text(properties)
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite()),
        }
    }
}

/// A JSON value as plain text.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::{read_tree, XmlLimits};

    #[test]
    fn arithmetic_and_concatenation_read_properties() {
        let node = read_tree(
            br#"<Size><ogc:Mul xmlns:ogc="o"><ogc:PropertyName>taille</ogc:PropertyName><ogc:Literal>2.5</ogc:Literal></ogc:Mul></Size>"#,
            XmlLimits::default(),
        )
        .unwrap();
        let size = Expr::read(&node).unwrap();
        let properties: Map<String, Value> =
            serde_json::from_str(r#"{"taille": 4, "libelle": "Rue", "n": "12"}"#).unwrap();
        assert_eq!(size.number(&properties), Some(10.0));
        assert!(!size.is_constant());
        let label = read_tree(
            r#"<Label><Function name="Concatenate"><PropertyName>libelle</PropertyName><Literal> n°</Literal><PropertyName>n</PropertyName></Function></Label>"#.as_bytes(),
            XmlLimits::default(),
        )
        .unwrap();
        assert_eq!(Expr::read(&label).unwrap().text(&properties), "Rue n°12");
        let missing = Expr::Property("absent".into());
        assert_eq!(missing.text(&properties), "");
        assert_eq!(missing.number(&properties), None);
        let bad = read_tree(b"<Size><Sqrt/></Size>", XmlLimits::default()).unwrap();
        assert!(Expr::read(&bad).unwrap_err().to_string().contains("Sqrt"));
    }
}
