//! Feature filters, whatever language the request spoke (FES 2.0 / FE 1.1 XML in WFS, CQL2 in
//! OGC API Features): one tree, evaluated against the served features. Geometries are in
//! CRS:84, as the features' shapes are; distances are metres.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::cmp::Ordering;
use std::time::{Duration, Instant};

use geo::{BoundingRect, Distance, Euclidean, MapCoords, Relate};
use serde_json::{Map, Value};

use super::store::StoredFeature;

/// Most nodes a filter may have (comparisons, logic, items of `IN` lists…).
pub const MAX_FILTER_NODES: usize = 1000;
/// Longest `Like` pattern, in tokens.
pub const MAX_LIKE_TOKENS: usize = 1000;

/// A time budget for evaluating a filter over many features: checked every few hundred
/// features, so that a costly filter stops rather than holds a server thread.
pub struct Deadline {
    until: Instant,
    calls: Cell<u32>,
    expired: Cell<bool>,
}

impl Deadline {
    /// A budget of `budget` from now.
    pub fn after(budget: Duration) -> Deadline {
        Deadline {
            until: Instant::now() + budget,
            calls: Cell::new(0),
            expired: Cell::new(false),
        }
    }

    /// Whether there is time left (once spent, always false).
    pub fn alive(&self) -> bool {
        if self.expired.get() {
            return false;
        }
        let calls = self.calls.get().wrapping_add(1);
        self.calls.set(calls);
        if calls % 256 == 0 && Instant::now() > self.until {
            self.expired.set(true);
        }
        !self.expired.get()
    }

    /// Whether the budget ran out.
    pub fn expired(&self) -> bool {
        self.expired.get()
    }
}

/// Metres per degree of latitude (mean), for distances measured near the features.
const METRES_PER_DEGREE: f64 = 111_195.0;

/// A filter over features.
#[derive(Debug, Clone)]
pub enum Filter {
    /// Every feature.
    All,
    /// Every one of these.
    And(Vec<Filter>),
    /// Any one of these.
    Or(Vec<Filter>),
    /// Not this one.
    Not(Box<Filter>),
    /// Features with one of these identifiers.
    Ids(Vec<String>),
    /// A property compared with a literal; a property with several values matches when any
    /// one does.
    Compare {
        /// Property name.
        property: String,
        /// The comparison.
        op: Comparison,
        /// The literal.
        value: Literal,
        /// Whether text compares case-sensitively.
        match_case: bool,
    },
    /// A property between two literals, both included.
    Between {
        /// Property name.
        property: String,
        /// Lower bound.
        low: Literal,
        /// Upper bound.
        high: Literal,
    },
    /// A text property matching a pattern.
    Like {
        /// Property name.
        property: String,
        /// The pattern, compiled.
        pattern: Vec<LikeToken>,
        /// Whether letters compare case-sensitively.
        match_case: bool,
    },
    /// A property absent or null.
    IsNull(String),
    /// A property's values (a repeated property's items, or its one value) as an array,
    /// compared with an array of literals.
    Array {
        /// Property name.
        property: String,
        /// The comparison.
        op: ArrayOp,
        /// The literals.
        values: Vec<Literal>,
    },
    /// The feature's geometry related to a shape (CRS:84).
    Spatial {
        /// The relation.
        op: SpatialOp,
        /// The shape, in CRS:84 (longitude first).
        shape: geo::Geometry<f64>,
        /// Distance in metres (`DWithin`, `Beyond`).
        distance: f64,
    },
}

/// A comparison of a property with a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `=`
    Equal,
    /// `<>`
    NotEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `<=`
    LessOrEqual,
    /// `>=`
    GreaterOrEqual,
}

/// A literal of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Text (compared as a number with numeric properties when it reads as one).
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Boolean(bool),
}

/// A comparison of a property's values with an array of literals (CQL2's array functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayOp {
    /// The same items in the same order.
    Equals,
    /// Every literal among the property's values.
    Contains,
    /// Every value of the property among the literals.
    ContainedBy,
    /// At least one in common.
    Overlaps,
}

/// One token of a `Like` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeToken {
    /// Any run of characters, even none.
    Any,
    /// One character.
    One,
    /// This character.
    Char(char),
}

/// A spatial relation between a feature's geometry and the filter's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpatialOp {
    /// The geometry meets the shape's box (FES `BBOX`).
    BBox,
    /// The geometry meets the shape.
    Intersects,
    /// The geometry does not meet the shape.
    Disjoint,
    /// Topologically equal.
    Equals,
    /// They touch only at their boundaries.
    Touches,
    /// They cross.
    Crosses,
    /// The geometry lies within the shape.
    Within,
    /// The geometry contains the shape.
    Contains,
    /// They overlap.
    Overlaps,
    /// The geometry is within the distance of the shape.
    DWithin,
    /// The geometry is farther than the distance from the shape.
    Beyond,
}

impl Filter {
    /// Compiles a `Like` pattern: `wild` any run, `single` one character, `escape` the next
    /// character as itself.
    pub fn like_pattern(pattern: &str, wild: char, single: char, escape: char) -> Vec<LikeToken> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            tokens.push(if c == escape {
                LikeToken::Char(chars.next().unwrap_or(escape))
            } else if c == wild {
                LikeToken::Any
            } else if c == single {
                LikeToken::One
            } else {
                LikeToken::Char(c)
            });
        }
        tokens
    }

    /// Whether the feature passes.
    pub fn matches(&self, feature: &StoredFeature) -> bool {
        let subject = Subject {
            feature,
            properties: OnceCell::new(),
            shape: OnceCell::new(),
        };
        self.test(&subject)
    }

    /// Whether the feature passes, its properties already read (a map draws several rules
    /// over one feature).
    pub fn matches_with(&self, feature: &StoredFeature, properties: &Map<String, Value>) -> bool {
        let subject = Subject {
            feature,
            properties: OnceCell::from(Cow::Borrowed(properties)),
            shape: OnceCell::new(),
        };
        self.test(&subject)
    }

    fn test(&self, subject: &Subject) -> bool {
        match self {
            Filter::All => true,
            Filter::And(all) => all.iter().all(|f| f.test(subject)),
            Filter::Or(any) => any.iter().any(|f| f.test(subject)),
            Filter::Not(inner) => !inner.test(subject),
            Filter::Ids(ids) => ids.iter().any(|id| **id == *subject.feature.fid),
            Filter::Compare {
                property,
                op,
                value,
                match_case,
            } => subject
                .values(property)
                .any(|v| compare(v, value, *match_case).is_some_and(|order| op.holds(order))),
            Filter::Between { property, low, high } => subject.values(property).any(|v| {
                compare(v, low, true).is_some_and(|o| o != Ordering::Less)
                    && compare(v, high, true).is_some_and(|o| o != Ordering::Greater)
            }),
            Filter::Like {
                property,
                pattern,
                match_case,
            } => subject
                .values(property)
                .any(|v| like(&text_of(v), pattern, *match_case)),
            Filter::IsNull(property) => subject.values(property).next().is_none(),
            Filter::Array { property, op, values } => {
                let own: Vec<&Value> = subject.values(property).collect();
                let same =
                    |value: &Value, literal: &Literal| compare(value, literal, true) == Some(Ordering::Equal);
                let among = |value: &Value| values.iter().any(|literal| same(value, literal));
                match op {
                    ArrayOp::Equals => {
                        own.len() == values.len() && own.iter().zip(values).all(|(v, l)| same(v, l))
                    }
                    ArrayOp::Contains => values.iter().all(|l| own.iter().any(|v| same(v, l))),
                    ArrayOp::ContainedBy => own.iter().all(|v| among(v)),
                    ArrayOp::Overlaps => own.iter().any(|v| among(v)),
                }
            }
            Filter::Spatial { op, shape, distance } => subject
                .shape()
                .is_some_and(|geometry| relate(*op, geometry, shape, *distance)),
        }
    }

    /// A CRS:84 box every passing feature meets, when the filter implies one (spatial tests
    /// that need the geometry near the shape), so that the spatial index picks candidates.
    pub fn bbox_hint(&self) -> Option<[f64; 4]> {
        match self {
            Filter::Spatial { op, shape, distance } => {
                let rect = shape.bounding_rect()?;
                let (min, max) = (rect.min(), rect.max());
                match op {
                    SpatialOp::Disjoint | SpatialOp::Beyond => None,
                    SpatialOp::DWithin => {
                        let dy = distance / METRES_PER_DEGREE * 1.01;
                        let widest = min.y.abs().max(max.y.abs()).min(89.0).to_radians().cos();
                        let dx = dy / widest;
                        Some([min.x - dx, min.y - dy, max.x + dx, max.y + dy])
                    }
                    _ => Some([min.x, min.y, max.x, max.y]),
                }
            }
            Filter::And(all) => all.iter().find_map(Filter::bbox_hint),
            Filter::Or(any) => any
                .iter()
                .map(Filter::bbox_hint)
                .collect::<Option<Vec<_>>>()?
                .into_iter()
                .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]),
            _ => None,
        }
    }

    /// Whether the filter is small enough to evaluate: at most [`MAX_FILTER_NODES`] nodes and
    /// `Like` patterns of at most [`MAX_LIKE_TOKENS`]; the error says which limit.
    pub fn check_size(&self) -> Result<(), String> {
        let mut nodes = 0usize;
        let mut stack = vec![self];
        while let Some(filter) = stack.pop() {
            nodes += match filter {
                Filter::Ids(ids) => ids.len().max(1),
                Filter::Array { values, .. } => values.len().max(1),
                _ => 1,
            };
            match filter {
                Filter::And(all) | Filter::Or(all) => stack.extend(all.iter()),
                Filter::Not(inner) => stack.push(inner),
                Filter::Like { pattern, .. } if pattern.len() > MAX_LIKE_TOKENS => {
                    return Err(format!(
                        "a LIKE pattern is longer than {MAX_LIKE_TOKENS} characters"
                    ))
                }
                _ => {}
            }
            if nodes > MAX_FILTER_NODES {
                return Err(format!("the filter has more than {MAX_FILTER_NODES} parts"));
            }
        }
        Ok(())
    }

    /// The property names the filter reads, for checking them against a collection's.
    pub fn property_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Filter::And(all) | Filter::Or(all) => all.iter().for_each(|f| f.property_names(out)),
            Filter::Not(inner) => inner.property_names(out),
            Filter::Compare { property, .. }
            | Filter::Between { property, .. }
            | Filter::Like { property, .. }
            | Filter::IsNull(property)
            | Filter::Array { property, .. } => out.push(property),
            Filter::All | Filter::Ids(_) | Filter::Spatial { .. } => {}
        }
    }
}

impl Comparison {
    fn holds(self, order: Ordering) -> bool {
        match self {
            Comparison::Equal => order == Ordering::Equal,
            Comparison::NotEqual => order != Ordering::Equal,
            Comparison::Less => order == Ordering::Less,
            Comparison::Greater => order == Ordering::Greater,
            Comparison::LessOrEqual => order != Ordering::Greater,
            Comparison::GreaterOrEqual => order != Ordering::Less,
        }
    }
}

/// A feature under test; its properties and shape are read once, and only when asked for.
struct Subject<'a> {
    feature: &'a StoredFeature,
    properties: OnceCell<Cow<'a, Map<String, Value>>>,
    shape: OnceCell<Option<Cow<'a, geo::Geometry<f64>>>>,
}

impl<'a> Subject<'a> {
    /// The property's values (none when absent or null; each item of a repeated one).
    fn values<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s Value> + 's {
        let properties = self
            .properties
            .get_or_init(|| Cow::Owned(self.feature.properties()));
        let items: &'s [Value] = match properties.get(name) {
            Some(Value::Array(items)) => items,
            Some(value) => std::slice::from_ref(value),
            None => &[],
        };
        items.iter().filter(|value| !value.is_null())
    }

    fn shape(&self) -> Option<&geo::Geometry<f64>> {
        self.shape.get_or_init(|| self.feature.shape84()).as_deref()
    }
}

/// How a property's value orders against a literal: numerically when the value is a number
/// (or both read as numbers and the value is not text), as text otherwise; `None` when they
/// can't be compared.
fn compare(value: &Value, literal: &Literal, match_case: bool) -> Option<Ordering> {
    match (value, literal) {
        (Value::Number(n), literal) => {
            let left = n.as_f64()?;
            let right = match literal {
                Literal::Number(right) => *right,
                Literal::Text(text) => text.trim().parse().ok()?,
                Literal::Boolean(_) => return None,
            };
            left.partial_cmp(&right)
        }
        (Value::Bool(b), Literal::Boolean(right)) => Some(b.cmp(right)),
        (Value::Bool(b), Literal::Text(text)) => Some(b.to_string().as_str().cmp(text.as_str())),
        (Value::String(text), Literal::Number(right)) => text.trim().parse::<f64>().ok()?.partial_cmp(right),
        (value, literal) => {
            let left = text_of(value);
            let right = match literal {
                Literal::Text(text) => Cow::Borrowed(text.as_str()),
                Literal::Number(n) => Cow::Owned(n.to_string()),
                Literal::Boolean(b) => Cow::Owned(b.to_string()),
            };
            Some(if match_case {
                left.as_ref().cmp(right.as_ref())
            } else {
                left.to_lowercase().cmp(&right.to_lowercase())
            })
        }
    }
}

/// A value as text (strings as they are, anything else as JSON).
fn text_of(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        other => Cow::Owned(other.to_string()),
    }
}

/// Whether `text` matches the pattern (dynamic programming over characters, two rows reused;
/// runs of `Any` count once, and a pattern needing more characters than the text has fails at
/// once).
fn like(text: &str, pattern: &[LikeToken], match_case: bool) -> bool {
    let fold = |c: char| {
        if match_case {
            c
        } else {
            c.to_lowercase().next().unwrap_or(c)
        }
    };
    let text: Vec<char> = text.chars().map(fold).collect();
    let needed = pattern.iter().filter(|t| !matches!(t, LikeToken::Any)).count();
    if needed > text.len() {
        return false;
    }
    // reachable[i]: the pattern so far can end after i characters of the text.
    let mut reachable = vec![false; text.len() + 1];
    let mut next = vec![false; text.len() + 1];
    reachable[0] = true;
    let mut previous_any = false;
    for token in pattern {
        if matches!(token, LikeToken::Any) && previous_any {
            continue;
        }
        previous_any = matches!(token, LikeToken::Any);
        next.iter_mut().for_each(|cell| *cell = false);
        match token {
            LikeToken::Any => {
                let mut any = false;
                for i in 0..=text.len() {
                    any |= reachable[i];
                    next[i] = any;
                }
            }
            LikeToken::One => next[1..].copy_from_slice(&reachable[..text.len()]),
            LikeToken::Char(c) => {
                let c = fold(*c);
                for i in 0..text.len() {
                    next[i + 1] = reachable[i] && text[i] == c;
                }
            }
        }
        std::mem::swap(&mut reachable, &mut next);
        if !reachable.contains(&true) {
            return false;
        }
    }
    reachable[text.len()]
}

/// Whether `geometry` stands in relation `op` to `shape` (both CRS:84).
fn relate(op: SpatialOp, geometry: &geo::Geometry<f64>, shape: &geo::Geometry<f64>, distance: f64) -> bool {
    match op {
        SpatialOp::DWithin => metres_apart(geometry, shape) <= distance,
        SpatialOp::Beyond => metres_apart(geometry, shape) > distance,
        SpatialOp::BBox => shape
            .bounding_rect()
            .is_some_and(|rect| geometry.relate(&geo::Geometry::Rect(rect)).is_intersects()),
        _ => {
            // geo's relate asserts on some invalid shapes (a self-crossing ring a client
            // drew): such a test is false rather than a crashed request.
            let related = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| geometry.relate(shape)));
            let Ok(matrix) = related else {
                return false;
            };
            match op {
                SpatialOp::Intersects => matrix.is_intersects(),
                SpatialOp::Disjoint => matrix.is_disjoint(),
                SpatialOp::Equals => matrix.is_equal_topo(),
                SpatialOp::Touches => matrix.is_touches(),
                SpatialOp::Crosses => matrix.is_crosses(),
                SpatialOp::Within => matrix.is_within(),
                SpatialOp::Contains => matrix.is_contains(),
                SpatialOp::Overlaps => matrix.is_overlaps(),
                _ => unreachable!("distances and boxes are handled above"),
            }
        }
    }
}

/// The distance in metres between two CRS:84 geometries, measured in a plane tangent where
/// the shape lies (under 0.1 % off across a town, far less than a survey's tolerance).
fn metres_apart(geometry: &geo::Geometry<f64>, shape: &geo::Geometry<f64>) -> f64 {
    let Some(rect) = shape.bounding_rect() else {
        return f64::INFINITY;
    };
    let latitude = (rect.min().y + rect.max().y) / 2.0;
    let kx = METRES_PER_DEGREE * latitude.to_radians().cos();
    let plane =
        |g: &geo::Geometry<f64>| g.map_coords(|c| geo::coord! {x: c.x * kx, y: c.y * METRES_PER_DEGREE});
    Euclidean.distance(&plane(geometry), &plane(shape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_follow_wildcards_and_escapes() {
        let pattern = Filter::like_pattern("Fa*e!*.", '*', '.', '!');
        assert!(like("Facade*x", &pattern, true));
        assert!(like("Fae*1", &pattern, true));
        assert!(!like("Facade", &pattern, true));
        assert!(!like("facade*x", &pattern, true));
        assert!(like("facade*x", &pattern, false));
        assert!(like("", &Filter::like_pattern("*", '*', '.', '!'), true));
        assert!(!like("ab", &Filter::like_pattern(".", '*', '.', '!'), true));
        assert!(like("abc", &Filter::like_pattern("**a***c", '*', '.', '!'), true));
        let long = "*a".repeat(2000);
        let huge = Filter::Like {
            property: "p".into(),
            pattern: Filter::like_pattern(&long, '*', '.', '!'),
            match_case: true,
        };
        assert!(huge.check_size().unwrap_err().contains("LIKE"));
        let wide = Filter::Or((0..1001).map(|_| Filter::IsNull("p".into())).collect());
        assert!(wide.check_size().unwrap_err().contains("1000 parts"));
        // A spent budget stops the evaluation within a few hundred features, for good.
        let spent = Deadline::after(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(1));
        let alive = (0..1000).filter(|_| spent.alive()).count();
        assert!(alive < 256 && spent.expired(), "{alive}");
        assert!(!spent.alive());
    }

    #[test]
    fn arrays_compare_as_sets_or_sequences() {
        let feature = StoredFeature::for_tests(r#"{"objet":["x","y","z"],"one":"x"}"#);
        let text = |items: &[&str]| {
            items
                .iter()
                .map(|t| Literal::Text(t.to_string()))
                .collect::<Vec<_>>()
        };
        let test = |op, property: &str, items: &[&str]| {
            Filter::Array {
                property: property.into(),
                op,
                values: text(items),
            }
            .matches(&feature)
        };
        assert!(test(ArrayOp::Contains, "objet", &["z", "x"]));
        assert!(!test(ArrayOp::Contains, "objet", &["x", "w"]));
        assert!(test(ArrayOp::ContainedBy, "objet", &["w", "x", "y", "z"]));
        assert!(!test(ArrayOp::ContainedBy, "objet", &["x", "y"]));
        assert!(test(ArrayOp::Overlaps, "objet", &["w", "y"]));
        assert!(test(ArrayOp::Equals, "objet", &["x", "y", "z"]));
        assert!(!test(ArrayOp::Equals, "objet", &["z", "y", "x"]));
        // A single value is an array of one.
        assert!(test(ArrayOp::Equals, "one", &["x"]));
    }

    #[test]
    fn values_compare_by_their_own_type() {
        let number = serde_json::json!(12.5);
        let text = serde_json::json!("06");
        assert_eq!(
            compare(&number, &Literal::Text("9".into()), true),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&number, &Literal::Text("abc".into()), true), None);
        // Text stays text: a code "06" is not the number 6.
        assert_eq!(
            compare(&text, &Literal::Text("6".into()), true),
            Some(Ordering::Less)
        );
        assert_eq!(compare(&text, &Literal::Number(6.0), true), Some(Ordering::Equal));
        let upper = serde_json::json!("Lyon");
        assert_eq!(
            compare(&upper, &Literal::Text("lyon".into()), false),
            Some(Ordering::Equal)
        );
        assert_ne!(
            compare(&upper, &Literal::Text("lyon".into()), true),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn distances_are_metres_and_boxes_hint_the_index() {
        let here = geo::Geometry::Point(geo::Point::new(4.85, 45.75));
        // 0.001° of latitude is about 111 m.
        let north = geo::Geometry::Point(geo::Point::new(4.85, 45.751));
        assert!(relate(SpatialOp::DWithin, &north, &here, 112.0));
        assert!(!relate(SpatialOp::DWithin, &north, &here, 110.0));
        assert!(relate(SpatialOp::Beyond, &north, &here, 110.0));
        let within = Filter::Spatial {
            op: SpatialOp::DWithin,
            shape: here.clone(),
            distance: 111.0,
        };
        let hint = within.bbox_hint().unwrap();
        assert!(hint[3] > 45.751 && hint[1] < 45.749, "{hint:?}");
        let both = Filter::And(vec![
            Filter::IsNull("x".into()),
            Filter::Spatial {
                op: SpatialOp::Disjoint,
                shape: here,
                distance: 0.0,
            },
        ]);
        assert_eq!(both.bbox_hint(), None);
    }
}
