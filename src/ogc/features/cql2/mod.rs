//! CQL2 (OGC API Features Part 3) in its text and JSON encodings, read into the vector
//! module's [`Filter`]: comparisons, `LIKE`, `BETWEEN`, `IN`, `IS NULL`, `AND` / `OR` / `NOT`,
//! boolean literals, `DATE` / `TIMESTAMP` literals, and the spatial functions `S_INTERSECTS`,
//! `S_EQUALS`, `S_DISJOINT`, `S_TOUCHES`, `S_WITHIN`, `S_OVERLAPS`, `S_CROSSES`, `S_CONTAINS`
//! on WKT, GeoJSON or `BBOX` literals in the filter's CRS, and the array functions `A_EQUALS`,
//! `A_CONTAINS`, `A_CONTAINEDBY`, `A_OVERLAPS` (on repeated properties). Nesting is bounded; every error
//! says where and what.

use crate::vector::{to_geo, ArrayOp, Comparison, Filter, Geometry, Literal, Path, Position, SpatialOp};

/// The name of the geometry queryable.
pub const GEOMETRY: &str = "geometry";

/// Where a filter's geometries are: a function taking each position (x, y as written) to
/// CRS:84 longitude, latitude; false when it can't.
pub type ToCrs84<'a> = &'a dyn Fn(&mut [f64], &mut [f64]) -> bool;

mod json;

pub use json::parse_json;

/// Reads CQL2 text.
pub fn parse_text(text: &str, max_depth: usize, to_crs84: ToCrs84) -> Result<Filter, String> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
        max_depth,
        to_crs84,
    };
    let filter = parser.expression()?;
    match parser.peek() {
        None => Ok(filter),
        Some(token) => Err(format!(
            "unexpected {} after the end of the expression",
            token.show()
        )),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Text(String),
    Number(f64),
    Symbol(&'static str),
}

impl Token {
    fn show(&self) -> String {
        match self {
            Token::Word(word) => word.clone(),
            Token::Quoted(name) => format!("\"{name}\""),
            Token::Text(text) => format!("'{text}'"),
            Token::Number(n) => n.to_string(),
            Token::Symbol(s) => s.to_string(),
        }
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("a {c} quote is not closed")),
                    Some(q) if *q == c && chars.get(i + 1) == Some(&c) => {
                        value.push(c);
                        i += 2;
                    }
                    Some(q) if *q == c => {
                        i += 1;
                        break;
                    }
                    Some(other) => {
                        value.push(*other);
                        i += 1;
                    }
                }
            }
            tokens.push(if c == '\'' {
                Token::Text(value)
            } else {
                Token::Quoted(value)
            });
            continue;
        }
        let starts_number = c.is_ascii_digit()
            || (matches!(c, '-' | '+' | '.')
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit() || *n == '.'));
        if starts_number {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.'
                    || matches!(chars[i], 'e' | 'E')
                    || (matches!(chars[i], '-' | '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let number = text
                .parse::<f64>()
                .map_err(|_| format!("{text} is not a number"))?;
            tokens.push(Token::Number(number));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | ':')) {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect()));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let symbol = match (two.as_str(), c) {
            ("<>", _) => "<>",
            ("<=", _) => "<=",
            (">=", _) => ">=",
            (_, '<') => "<",
            (_, '>') => ">",
            (_, '=') => "=",
            (_, '(') => "(",
            (_, ')') => ")",
            (_, ',') => ",",
            _ => return Err(format!("unexpected character {c:?}")),
        };
        i += symbol.len();
        tokens.push(Token::Symbol(symbol));
    }
    Ok(tokens)
}

/// A value of a predicate: a property, a literal or a geometry.
enum Operand {
    Property(String),
    Value(Literal),
    Shape(geo::Geometry<f64>),
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
    max_depth: usize,
    to_crs84: ToCrs84<'a>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn word(&mut self, word: &str) -> bool {
        if self.peek().is_some_and(|t| t.is_word(word)) {
            self.at += 1;
            return true;
        }
        false
    }

    fn symbol(&mut self, symbol: &str) -> bool {
        if self.peek()
            == Some(&Token::Symbol(match symbol {
                "(" => "(",
                ")" => ")",
                "," => ",",
                _ => return false,
            }))
        {
            self.at += 1;
            return true;
        }
        false
    }

    fn expect(&mut self, symbol: &str) -> Result<(), String> {
        if self.symbol(symbol) {
            return Ok(());
        }
        Err(format!(
            "expected {symbol} but found {}",
            self.peek().map_or("the end".into(), Token::show)
        ))
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(format!(
                "the filter is nested deeper than {} levels",
                self.max_depth
            ));
        }
        Ok(())
    }

    fn expression(&mut self) -> Result<Filter, String> {
        self.deeper()?;
        let mut parts = vec![self.term()?];
        while self.word("OR") {
            parts.push(self.term()?);
        }
        self.depth -= 1;
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::Or(parts)
        })
    }

    fn term(&mut self) -> Result<Filter, String> {
        let mut parts = vec![self.factor()?];
        while self.word("AND") {
            parts.push(self.factor()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::And(parts)
        })
    }

    fn factor(&mut self) -> Result<Filter, String> {
        if self.word("NOT") {
            self.deeper()?;
            let inner = self.factor()?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, String> {
        if self.symbol("(") {
            let inner = self.expression()?;
            self.expect(")")?;
            return Ok(inner);
        }
        if let Some(Token::Word(word)) = self.peek().cloned() {
            if let Some(op) = array_op(&word) {
                self.at += 1;
                self.expect("(")?;
                let first = self.array_operand()?;
                self.expect(",")?;
                let second = self.array_operand()?;
                self.expect(")")?;
                return array(op, first, second);
            }
            if let Some(op) = spatial_op(&word) {
                self.at += 1;
                self.expect("(")?;
                let first = self.operand()?;
                self.expect(",")?;
                let second = self.operand()?;
                self.expect(")")?;
                return spatial(op, first, second);
            }
            let after = self.tokens.get(self.at + 1);
            let alone = after.is_none_or(|t| t.is_word("AND") || t.is_word("OR") || *t == Token::Symbol(")"));
            if alone && (word.eq_ignore_ascii_case("TRUE") || word.eq_ignore_ascii_case("FALSE")) {
                self.at += 1;
                return Ok(if word.eq_ignore_ascii_case("TRUE") {
                    Filter::All
                } else {
                    Filter::Not(Box::new(Filter::All))
                });
            }
        }
        let left = self.operand()?;
        let negated = self.word("NOT");
        let predicate = if self.word("LIKE") {
            let pattern = self.operand()?;
            like(left, pattern)?
        } else if self.word("BETWEEN") {
            let low = self.operand()?;
            if !self.word("AND") {
                return Err("BETWEEN needs AND between its bounds".into());
            }
            let high = self.operand()?;
            between(left, low, high)?
        } else if self.word("IN") {
            self.expect("(")?;
            let mut values = vec![self.operand()?];
            while self.symbol(",") {
                values.push(self.operand()?);
            }
            self.expect(")")?;
            in_list(left, values)?
        } else if !negated && self.word("IS") {
            let not = self.word("NOT");
            if !self.word("NULL") {
                return Err("IS must be followed by [NOT] NULL".into());
            }
            let null = Filter::IsNull(property_name(left, "IS NULL")?);
            return Ok(if not { Filter::Not(Box::new(null)) } else { null });
        } else if negated {
            return Err("NOT must be followed by LIKE, BETWEEN or IN here".into());
        } else {
            let op = match self.next() {
                Some(Token::Symbol("=")) => Comparison::Equal,
                Some(Token::Symbol("<>")) => Comparison::NotEqual,
                Some(Token::Symbol("<")) => Comparison::Less,
                Some(Token::Symbol(">")) => Comparison::Greater,
                Some(Token::Symbol("<=")) => Comparison::LessOrEqual,
                Some(Token::Symbol(">=")) => Comparison::GreaterOrEqual,
                other => {
                    return Err(format!(
                        "expected a comparison, LIKE, BETWEEN, IN or IS NULL but found {}",
                        other.map_or("the end".into(), |t| t.show())
                    ))
                }
            };
            let right = self.operand()?;
            compare(left, op, right)?
        };
        Ok(if negated {
            Filter::Not(Box::new(predicate))
        } else {
            predicate
        })
    }

    fn operand(&mut self) -> Result<Operand, String> {
        match self.next() {
            Some(Token::Text(text)) => Ok(Operand::Value(Literal::Text(text))),
            Some(Token::Number(n)) => Ok(Operand::Value(Literal::Number(n))),
            Some(Token::Quoted(name)) => Ok(Operand::Property(name)),
            Some(Token::Word(word)) => {
                let upper = word.to_ascii_uppercase();
                match upper.as_str() {
                    "TRUE" | "FALSE" => Ok(Operand::Value(Literal::Boolean(upper == "TRUE"))),
                    "DATE" | "TIMESTAMP" => {
                        self.expect("(")?;
                        let Some(Token::Text(text)) = self.next() else {
                            return Err(format!("{upper} takes a quoted instant"));
                        };
                        self.expect(")")?;
                        Ok(Operand::Value(Literal::Text(text)))
                    }
                    "BBOX" => {
                        self.expect("(")?;
                        let mut numbers = vec![self.number()?];
                        while self.symbol(",") {
                            numbers.push(self.number()?);
                        }
                        self.expect(")")?;
                        let b = match numbers.as_slice() {
                            [a, b, c, d] => [*a, *b, *c, *d],
                            [a, b, _, d, e, _] => [*a, *b, *d, *e],
                            _ => return Err("BBOX takes 4 or 6 numbers".into()),
                        };
                        self.shape(Geometry::rectangle(b))
                    }
                    "POINT" | "LINESTRING" | "POLYGON" | "MULTIPOINT" | "MULTILINESTRING"
                    | "MULTIPOLYGON" => {
                        let geometry = self.wkt(&upper)?;
                        self.shape(geometry)
                    }
                    _ if self.peek() == Some(&Token::Symbol("(")) => {
                        Err(format!("function {word} is not offered"))
                    }
                    _ => Ok(Operand::Property(word)),
                }
            }
            other => Err(format!(
                "expected a property or a literal but found {}",
                other.map_or("the end".into(), |t| t.show())
            )),
        }
    }

    /// A property, or an array literal `( literal, … )`.
    fn array_operand(&mut self) -> Result<ArrayArg, String> {
        if self.symbol("(") {
            let mut values = Vec::new();
            if !self.symbol(")") {
                loop {
                    values.push(literal(self.operand()?, "an array")?);
                    if !self.symbol(",") {
                        break;
                    }
                }
                self.expect(")")?;
            }
            return Ok(ArrayArg::Values(values));
        }
        Ok(ArrayArg::Property(property_name(
            self.operand()?,
            "an array function",
        )?))
    }

    fn number(&mut self) -> Result<f64, String> {
        match self.next() {
            Some(Token::Number(n)) => Ok(n),
            other => Err(format!(
                "expected a number but found {}",
                other.map_or("the end".into(), |t| t.show())
            )),
        }
    }

    fn shape(&mut self, geometry: Geometry) -> Result<Operand, String> {
        to_shape(geometry, self.to_crs84).map(Operand::Shape)
    }

    /// `(x y [z], …)`: one list of positions.
    fn positions(&mut self) -> Result<Vec<Position>, String> {
        self.expect("(")?;
        let mut points = Vec::new();
        loop {
            // MULTIPOINT may wrap each point in parentheses.
            let wrapped = self.symbol("(");
            let x = self.number()?;
            let y = self.number()?;
            let z = match self.peek() {
                Some(Token::Number(z)) => {
                    let z = *z;
                    self.at += 1;
                    z
                }
                _ => 0.0,
            };
            if wrapped {
                self.expect(")")?;
            }
            points.push([x, y, z]);
            if !self.symbol(",") {
                break;
            }
        }
        self.expect(")")?;
        Ok(points)
    }

    /// `((…), (…))`: lists of positions.
    fn lists(&mut self) -> Result<Vec<Vec<Position>>, String> {
        self.expect("(")?;
        let mut lists = vec![self.positions()?];
        while self.symbol(",") {
            lists.push(self.positions()?);
        }
        self.expect(")")?;
        Ok(lists)
    }

    fn wkt(&mut self, kind: &str) -> Result<Geometry, String> {
        self.word("Z");
        let straight = |lists: Vec<Vec<Position>>| lists.into_iter().map(Path::straight).collect::<Vec<_>>();
        Ok(match kind {
            "POINT" => {
                let points = self.positions()?;
                Geometry::Point(*points.first().ok_or("POINT without a position")?)
            }
            "MULTIPOINT" => Geometry::MultiPoint(self.positions()?),
            "LINESTRING" => Geometry::Line(Path::straight(self.positions()?)),
            "MULTILINESTRING" => Geometry::MultiLine(straight(self.lists()?)),
            "POLYGON" => Geometry::Polygon(straight(self.lists()?)),
            _ => {
                self.expect("(")?;
                let mut polygons = vec![straight(self.lists()?)];
                while self.symbol(",") {
                    polygons.push(straight(self.lists()?));
                }
                self.expect(")")?;
                Geometry::MultiPolygon(polygons)
            }
        })
    }
}

/// A geometry literal taken to CRS:84 as a `geo` shape.
fn to_shape(mut geometry: Geometry, to_crs84: ToCrs84) -> Result<geo::Geometry<f64>, String> {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    geometry.for_each_position_mut(|p| {
        xs.push(p[0]);
        ys.push(p[1]);
    });
    if !to_crs84(&mut xs, &mut ys) {
        return Err("a geometry of the filter can't be taken to CRS:84".into());
    }
    let mut at = 0;
    geometry.for_each_position_mut(|p| {
        p[0] = xs[at];
        p[1] = ys[at];
        at += 1;
    });
    Ok(to_geo(&geometry))
}

/// An operand of an array function.
enum ArrayArg {
    Property(String),
    Values(Vec<Literal>),
}

fn array_op(word: &str) -> Option<ArrayOp> {
    Some(match word.to_ascii_uppercase().as_str() {
        "A_EQUALS" => ArrayOp::Equals,
        "A_CONTAINS" => ArrayOp::Contains,
        "A_CONTAINEDBY" => ArrayOp::ContainedBy,
        "A_OVERLAPS" => ArrayOp::Overlaps,
        _ => return None,
    })
}

/// An array function of a property and an array literal (either first).
fn array(op: ArrayOp, first: ArrayArg, second: ArrayArg) -> Result<Filter, String> {
    let (property, values, op) = match (first, second) {
        (ArrayArg::Property(property), ArrayArg::Values(values)) => (property, values, op),
        (ArrayArg::Values(values), ArrayArg::Property(property)) => {
            let turned = match op {
                ArrayOp::Contains => ArrayOp::ContainedBy,
                ArrayOp::ContainedBy => ArrayOp::Contains,
                other => other,
            };
            (property, values, turned)
        }
        _ => return Err("an array function relates a property and an array literal".into()),
    };
    Ok(Filter::Array { property, op, values })
}

fn spatial_op(word: &str) -> Option<SpatialOp> {
    Some(match word.to_ascii_uppercase().as_str() {
        "S_INTERSECTS" => SpatialOp::Intersects,
        "S_EQUALS" => SpatialOp::Equals,
        "S_DISJOINT" => SpatialOp::Disjoint,
        "S_TOUCHES" => SpatialOp::Touches,
        "S_WITHIN" => SpatialOp::Within,
        "S_OVERLAPS" => SpatialOp::Overlaps,
        "S_CROSSES" => SpatialOp::Crosses,
        "S_CONTAINS" => SpatialOp::Contains,
        _ => return None,
    })
}

fn property_name(operand: Operand, what: &str) -> Result<String, String> {
    match operand {
        Operand::Property(name) => Ok(name),
        _ => Err(format!("{what} applies to a property")),
    }
}

fn literal(operand: Operand, what: &str) -> Result<Literal, String> {
    match operand {
        Operand::Value(value) => Ok(value),
        Operand::Property(name) => Err(format!(
            "{what}: comparing two properties ({name}) is not offered"
        )),
        Operand::Shape(_) => Err(format!("{what}: a geometry is compared with S_ functions")),
    }
}

fn compare(left: Operand, op: Comparison, right: Operand) -> Result<Filter, String> {
    // A literal first turns the comparison around.
    let (property, value, op) = match (left, right) {
        (Operand::Property(p), value) => (p, literal(value, "comparison")?, op),
        (value, Operand::Property(p)) => {
            let flipped = match op {
                Comparison::Less => Comparison::Greater,
                Comparison::Greater => Comparison::Less,
                Comparison::LessOrEqual => Comparison::GreaterOrEqual,
                Comparison::GreaterOrEqual => Comparison::LessOrEqual,
                other => other,
            };
            (p, literal(value, "comparison")?, flipped)
        }
        _ => return Err("a comparison needs a property on one side".into()),
    };
    Ok(Filter::Compare {
        property,
        op,
        value,
        match_case: true,
    })
}

fn like(left: Operand, pattern: Operand) -> Result<Filter, String> {
    let property = property_name(left, "LIKE")?;
    let Literal::Text(pattern) = literal(pattern, "LIKE")? else {
        return Err("LIKE takes a quoted pattern".into());
    };
    Ok(Filter::Like {
        property,
        pattern: Filter::like_pattern(&pattern, '%', '_', '\\'),
        match_case: true,
    })
}

fn between(left: Operand, low: Operand, high: Operand) -> Result<Filter, String> {
    Ok(Filter::Between {
        property: property_name(left, "BETWEEN")?,
        low: literal(low, "BETWEEN")?,
        high: literal(high, "BETWEEN")?,
    })
}

fn in_list(left: Operand, values: Vec<Operand>) -> Result<Filter, String> {
    let property = property_name(left, "IN")?;
    let parts = values
        .into_iter()
        .map(|value| {
            Ok(Filter::Compare {
                property: property.clone(),
                op: Comparison::Equal,
                value: literal(value, "IN")?,
                match_case: true,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Filter::Or(parts))
}

fn spatial(op: SpatialOp, first: Operand, second: Operand) -> Result<Filter, String> {
    let (property, shape, op) = match (first, second) {
        (Operand::Property(p), Operand::Shape(shape)) => (p, shape, op),
        (Operand::Shape(shape), Operand::Property(p)) => {
            let turned = match op {
                SpatialOp::Within => SpatialOp::Contains,
                SpatialOp::Contains => SpatialOp::Within,
                other => other,
            };
            (p, shape, turned)
        }
        _ => return Err("a spatial function relates the geometry property and a geometry literal".into()),
    };
    if property != GEOMETRY {
        return Err(format!(
            "{property} is not a geometry (the geometry queryable is {GEOMETRY})"
        ));
    }
    Ok(Filter::Spatial {
        op,
        shape,
        distance: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(_: &mut [f64], _: &mut [f64]) -> bool {
        true
    }

    fn text(filter: &str) -> Result<Filter, String> {
        parse_text(filter, 8, &identity)
    }

    #[test]
    fn text_reads_every_predicate_with_its_precedence() {
        let Filter::Or(parts) = text("a = 'x' AND NOT b > 5 OR c IS NOT NULL").unwrap() else {
            panic!("OR binds last")
        };
        assert!(matches!(&parts[0], Filter::And(and) if and.len() == 2));
        assert!(matches!(&parts[1], Filter::Not(_)));
        assert!(matches!(
            text("5 < h").unwrap(),
            Filter::Compare {
                op: Comparison::Greater,
                ..
            }
        ));
        assert!(matches!(text("n NOT LIKE 'Fa%'").unwrap(), Filter::Not(_)));
        assert!(matches!(
            text("d BETWEEN DATE('2019-01-01') AND DATE('2019-12-31')").unwrap(),
            Filter::Between { .. }
        ));
        assert!(matches!(text("t IN ('01', '02', '03')").unwrap(), Filter::Or(list) if list.len() == 3));
        assert!(
            matches!(text("\"nom de rue\" = 'l''Orme'").unwrap(), Filter::Compare { property, value: Literal::Text(v), .. } if property == "nom de rue" && v == "l'Orme")
        );
        let spatial = text("S_INTERSECTS(geometry, POLYGON((4 45, 5 45, 5 46, 4 46, 4 45)))").unwrap();
        assert_eq!(spatial.bbox_hint(), Some([4.0, 45.0, 5.0, 46.0]));
        let within = text("S_WITHIN(BBOX(4, 45, 5, 46), geometry)").unwrap();
        assert!(matches!(
            within,
            Filter::Spatial {
                op: SpatialOp::Contains,
                ..
            }
        ));
        assert!(matches!(text("TRUE").unwrap(), Filter::All));
        assert!(
            matches!(text("A_CONTAINS(objet, ('a', 'b'))").unwrap(), Filter::Array { op: ArrayOp::Contains, values, .. } if values.len() == 2)
        );
        assert!(matches!(
            text("A_CONTAINS(('a'), objet)").unwrap(),
            Filter::Array {
                op: ArrayOp::ContainedBy,
                ..
            }
        ));
        assert!(matches!(
            parse_json(
                r#"{"op": "a_overlaps", "args": [{"property": "objet"}, ["a"]]}"#,
                8,
                &identity
            )
            .unwrap(),
            Filter::Array {
                op: ArrayOp::Overlaps,
                ..
            }
        ));
        for (bad, words) in [
            ("a = ", "the end"),
            ("a == 1", "found ="),
            ("a = 'x", "quote"),
            ("UPPER(a) = 'X'", "function UPPER"),
            ("a = b", "two properties"),
            ("S_INTERSECTS(roads, POINT(1 2))", "not a geometry"),
            ("((((((((((a = 1))))))))))", "deeper than 8"),
        ] {
            let err = text(bad).unwrap_err();
            assert!(err.contains(words), "{bad}: {err}");
        }
    }

    #[test]
    fn json_reads_the_same_expressions() {
        let filter = r#"{"op": "and", "args": [
            {"op": ">=", "args": [{"property": "dateLeve"}, {"date": "2020-01-01"}]},
            {"op": "in", "args": [{"property": "thematique"}, ["01", "02"]]},
            {"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [4.85, 45.75]}]},
            {"op": "not", "args": [{"op": "isNull", "args": [{"property": "idObjet"}]}]}
        ]}"#;
        let Filter::And(parts) = parse_json(filter, 8, &identity).unwrap() else {
            panic!("an and")
        };
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[2].bbox_hint(), Some([4.85, 45.75, 4.85, 45.75]));
        let err = parse_json(r#"{"op": "t_after", "args": []}"#, 8, &identity).unwrap_err();
        assert!(err.contains("t_after"), "{err}");
        assert!(parse_json("[1", 8, &identity).unwrap_err().contains("not JSON"));
    }
}
