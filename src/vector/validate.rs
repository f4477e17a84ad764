//! Conformity of features to CNIG PCRS v2.0, with the rules read from the standard's own XSD
//! (compiled in): per class, the mandatory properties (`minOccurs` not 0, inherited through
//! `extension`), the code lists (enumerations, with `other: …` where the type allows it), the
//! geometry type of its geometry property; and for every feature the CRS (Lambert-93 or a CC
//! zone) and, for the surveyed objects (`ObjetVecteurPCRS`), a z. Findings are counted per rule,
//! class and property, with the first offending `gml:id`s.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::geometry::GeometryKind;
use super::gml::GmlFeature;

/// The CNIG PCRS v2.0 application schema.
const PCRS_XSD: &str = include_str!("../../tests/fixtures/pcrs-vector/schemas/CNIG_PCRS_v2.0.xsd");

/// The abstract class of surveyed objects, whose geometries are 3D.
const SURVEYED: &str = "ObjetVecteurPCRSType";

/// Offending identifiers kept per finding.
const FIRST_KEPT: usize = 5;

/// The CRSs PCRS allows: Lambert-93 and the nine conic conformal zones.
pub fn allowed_crs(epsg: u32) -> bool {
    epsg == 2154 || (3942..=3950).contains(&epsg)
}

/// A code list: its values, and whether `other: …` is allowed.
#[derive(Debug, Clone, Default)]
struct CodeList {
    values: Vec<String>,
    other: bool,
}

/// What the schema says of one property of a class.
#[derive(Debug, Clone)]
struct Property {
    name: String,
    required: bool,
    /// Numbers the schema declares (`double`, `integer`…); text otherwise.
    number: Option<Number>,
    codes: Option<CodeList>,
    geometry: Option<Vec<GeometryKind>>,
}

/// A numeric XSD type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number {
    Integer,
    Real,
}

impl Number {
    fn of(kind: &str) -> Option<Number> {
        match kind {
            "double" | "decimal" | "float" => Some(Number::Real),
            "integer" | "int" | "long" | "short" | "nonNegativeInteger" | "positiveInteger" => {
                Some(Number::Integer)
            }
            _ => None,
        }
    }
}

/// The rules of one class.
#[derive(Debug, Clone, Default)]
struct ClassRules {
    properties: Vec<Property>,
    surveyed: bool,
}

/// The rules of every class of the standard.
#[derive(Debug, Default)]
pub struct Rules {
    classes: HashMap<String, ClassRules>,
}

/// One rule broken: how often, and by whom first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// `unknown-class`, `missing-property`, `code-list`, `missing-geometry`, `geometry-type`,
    /// `crs` or `missing-z`.
    pub rule: String,
    /// The class.
    pub class: String,
    /// The property concerned, or what was found.
    pub detail: String,
    /// Features breaking it.
    pub count: u64,
    /// The first of them (`gml:id`).
    pub first: Vec<String>,
}

/// The conformity of a file's features.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Features checked.
    pub checked: u64,
    /// Features breaking no rule.
    pub conforming: u64,
    /// Rules broken, by rule, class and detail.
    pub findings: Vec<Finding>,
}

impl Rules {
    /// The rules of CNIG PCRS v2.0, read once.
    pub fn pcrs() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| read_xsd(PCRS_XSD))
    }

    /// Turns the text of properties the schema declares numeric into JSON numbers (GML holds
    /// only text), so that they are served, typed and compared as numbers; a text that is not
    /// a number stays as it is.
    pub fn type_values(&self, feature: &mut GmlFeature) {
        let Some(class) = self.classes.get(&feature.class) else {
            return;
        };
        for property in &class.properties {
            let Some(number) = property.number else { continue };
            let Some(value) = feature.properties.get_mut(&property.name) else {
                continue;
            };
            let convert = |value: &mut Value| {
                let Some(text) = value.as_str().map(str::trim) else {
                    return;
                };
                let parsed = match number {
                    Number::Integer => text.parse::<i64>().ok().map(Value::from),
                    Number::Real => text
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number),
                };
                if let Some(parsed) = parsed {
                    *value = parsed;
                }
            };
            match value {
                Value::Array(items) => items.iter_mut().for_each(convert),
                one => convert(one),
            }
        }
    }

    /// Number of concrete classes known.
    pub fn class_count(&self) -> usize {
        self.classes.len()
    }
}

impl Validation {
    /// Checks one feature against `rules`.
    pub fn check(&mut self, rules: &Rules, feature: &GmlFeature) {
        self.checked += 1;
        let id = feature
            .id
            .clone()
            .unwrap_or_else(|| format!("{} #{}", feature.class, self.checked));
        let before = self.findings.iter().map(|f| f.count).sum::<u64>();
        let Some(class) = rules.classes.get(&feature.class) else {
            self.note(
                "unknown-class",
                &feature.class,
                "not a class of CNIG PCRS v2.0",
                &id,
            );
            return;
        };
        for property in &class.properties {
            if property.geometry.is_some() {
                self.check_geometry(feature, property, &id);
                continue;
            }
            match feature.properties.get(&property.name) {
                None if property.required => {
                    self.note("missing-property", &feature.class, &property.name, &id)
                }
                Some(value) => {
                    if let Some(codes) = &property.codes {
                        for text in texts(value) {
                            let allowed = codes.values.iter().any(|code| code == text)
                                || (codes.other && text.starts_with("other: "));
                            if !allowed {
                                self.note(
                                    "code-list",
                                    &feature.class,
                                    &format!("{} = {text:?}", property.name),
                                    &id,
                                );
                            }
                        }
                    }
                }
                None => {}
            }
        }
        if feature.geometry.is_some() {
            match feature.srid {
                Some(srid) if allowed_crs(srid) => {}
                other => {
                    let crs = other
                        .map(|srid| format!("EPSG:{srid}"))
                        .unwrap_or_else(|| "none".into());
                    self.note("crs", &feature.class, &crs, &id);
                }
            }
            if class.surveyed && !feature.has_z {
                self.note("missing-z", &feature.class, "2D geometry", &id);
            }
        }
        if self.findings.iter().map(|f| f.count).sum::<u64>() == before {
            self.conforming += 1;
        }
    }

    fn check_geometry(&mut self, feature: &GmlFeature, property: &Property, id: &str) {
        let kinds = property.geometry.as_deref().unwrap_or_default();
        match (&feature.geometry, feature.geometry_property.as_deref()) {
            (None, _) if property.required => {
                self.note("missing-geometry", &feature.class, &property.name, id)
            }
            (Some(geometry), Some(name))
                if name == property.name && !kinds.is_empty() && !kinds.contains(&geometry.kind()) =>
            {
                let found = format!("{}: {:?}", property.name, geometry.kind());
                self.note("geometry-type", &feature.class, &found, id);
            }
            _ => {}
        }
    }

    fn note(&mut self, rule: &str, class: &str, detail: &str, id: &str) {
        match self
            .findings
            .iter_mut()
            .find(|f| f.rule == rule && f.class == class && f.detail == detail)
        {
            Some(finding) => {
                finding.count += 1;
                if finding.first.len() < FIRST_KEPT {
                    finding.first.push(id.to_string());
                }
            }
            None => self.findings.push(Finding {
                rule: rule.into(),
                class: class.into(),
                detail: detail.into(),
                count: 1,
                first: vec![id.to_string()],
            }),
        }
    }

    /// Adds another file's validation (a deliverable's is the sum of its files').
    pub fn merge(&mut self, other: &Validation) {
        self.checked += other.checked;
        self.conforming += other.conforming;
        for finding in &other.findings {
            for id in &finding.first {
                self.note(&finding.rule, &finding.class, &finding.detail, id);
            }
            if let Some(mine) = self
                .findings
                .iter_mut()
                .find(|f| f.rule == finding.rule && f.class == finding.class && f.detail == finding.detail)
            {
                mine.count += finding.count - finding.first.len() as u64;
            }
        }
    }
}

/// The text values of a property (one, or each of a repeated one).
fn texts(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(values) => values.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// What one named XSD type declares.
#[derive(Debug, Default)]
struct ComplexType {
    base: Option<String>,
    elements: Vec<(String, bool, String)>,
}

/// Reads the classes, their properties and the code lists from an XSD.
fn read_xsd(text: &str) -> Rules {
    let mut reader = Reader::from_str(text);
    let mut complex: BTreeMap<String, ComplexType> = BTreeMap::new();
    let mut enumerations: HashMap<String, CodeList> = HashMap::new();
    let mut unions: HashMap<String, Vec<String>> = HashMap::new();
    let mut classes: Vec<(String, String)> = Vec::new();
    // (element name, depth) of the named types being read.
    let mut current_complex: Option<(String, usize)> = None;
    let mut current_simple: Option<(String, usize)> = None;
    let mut depth = 0usize;
    let local = |name: &str| name.rsplit(':').next().unwrap_or(name).to_string();
    loop {
        let (start, empty) = match reader.read_event() {
            Ok(Event::Start(start)) => (start, false),
            Ok(Event::Empty(start)) => (start, true),
            Ok(Event::End(_)) => {
                if current_complex.as_ref().is_some_and(|(_, at)| *at == depth) {
                    current_complex = None;
                }
                if current_simple.as_ref().is_some_and(|(_, at)| *at == depth) {
                    current_simple = None;
                }
                depth = depth.saturating_sub(1);
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => continue,
        };
        if !empty {
            depth += 1;
        }
        // The element's own level (the schema is 1; its named types and elements 2).
        let level = if empty { depth + 1 } else { depth };
        let attr = |key: &str| {
            start
                .attributes()
                .flatten()
                .find(|a| a.key.as_ref() == key)
                .map(|a| a.value.to_string())
        };
        match start.local_name().as_ref() {
            "complexType" if attr("name").is_some() && level == 2 => {
                let name = attr("name").unwrap_or_default();
                complex.entry(name.clone()).or_default();
                current_complex = Some((name, level));
            }
            "simpleType" if level == 2 => current_simple = attr("name").map(|name| (name, level)),
            "extension" => {
                if let (Some((name, _)), Some(base)) = (&current_complex, attr("base")) {
                    complex
                        .entry(name.clone())
                        .or_default()
                        .base
                        .get_or_insert(local(&base));
                }
            }
            // Only the named type's own properties (sequence → element), not those of the
            // anonymous types nested in them.
            "element" if level == 2 => {
                if let (Some(name), Some(kind)) = (attr("name"), attr("type")) {
                    classes.push((name, local(&kind)));
                }
            }
            // A property without a type whose anonymous type holds `element ref="gml:Polygon"`:
            // a geometry property of that one type.
            "element" if attr("name").is_none() => {
                if let (Some((owner, _)), Some(reference)) = (&current_complex, attr("ref")) {
                    if let Some(geometry) = reference.strip_prefix("gml:") {
                        if let Some(last) = complex.get_mut(owner).and_then(|c| c.elements.last_mut()) {
                            if last.2.is_empty() {
                                last.2 = format!("gml:ref:{geometry}");
                            }
                        }
                    }
                }
            }
            "element" => {
                if let (Some((owner, at)), Some(name)) = (&current_complex, attr("name")) {
                    let nested_in_sequence = level <= at + 4;
                    if nested_in_sequence && !complex_has(&complex, owner, &name) {
                        let required = attr("minOccurs").as_deref() != Some("0");
                        let kind = attr("type").map(|kind| {
                            if kind.starts_with("gml:") {
                                kind
                            } else {
                                local(&kind)
                            }
                        });
                        complex.entry(owner.clone()).or_default().elements.push((
                            name,
                            required,
                            kind.unwrap_or_default(),
                        ));
                    }
                }
            }
            "enumeration" => {
                if let (Some((simple, _)), Some(value)) = (&current_simple, attr("value")) {
                    enumerations.entry(simple.clone()).or_default().values.push(value);
                }
            }
            "pattern" => {
                if let (Some((simple, _)), Some(value)) = (&current_simple, attr("value")) {
                    if value.starts_with("other:") {
                        enumerations.entry(simple.clone()).or_default().other = true;
                    }
                }
            }
            "union" => {
                if let (Some((simple, _)), Some(members)) = (&current_simple, attr("memberTypes")) {
                    unions.insert(simple.clone(), members.split_whitespace().map(local).collect());
                }
            }
            _ => {}
        }
    }
    let code_list = |kind: &str| -> Option<CodeList> {
        match unions.get(kind) {
            Some(members) => {
                let mut merged = CodeList::default();
                for member in members {
                    if let Some(list) = enumerations.get(member) {
                        merged.values.extend(list.values.iter().cloned());
                        merged.other |= list.other;
                    }
                }
                Some(merged)
            }
            None => enumerations.get(kind).cloned(),
        }
    };
    let mut rules = Rules::default();
    for (class, kind) in classes {
        let Some(own) = complex.get(&kind) else { continue };
        // Properties from the most general type down.
        let mut chain = vec![(kind.clone(), own)];
        let mut base = own.base.clone();
        let mut surveyed = kind == SURVEYED;
        while let Some(parent) = base {
            surveyed |= parent == SURVEYED;
            match complex.get(&parent) {
                Some(found) => {
                    chain.push((parent.clone(), found));
                    base = found.base.clone();
                }
                None => break,
            }
        }
        let mut properties = Vec::new();
        for (_, declared) in chain.iter().rev() {
            for (name, required, kind) in &declared.elements {
                properties.push(Property {
                    name: name.clone(),
                    required: *required,
                    number: Number::of(kind),
                    codes: code_list(kind),
                    geometry: geometry_kinds(kind),
                });
            }
        }
        rules.classes.insert(class, ClassRules { properties, surveyed });
    }
    rules
}

fn complex_has(complex: &BTreeMap<String, ComplexType>, owner: &str, name: &str) -> bool {
    complex
        .get(owner)
        .is_some_and(|declared| declared.elements.iter().any(|(element, _, _)| element == name))
}

/// The geometry kinds a GML property type allows (empty: any); `None` when not a geometry.
fn geometry_kinds(kind: &str) -> Option<Vec<GeometryKind>> {
    use GeometryKind::*;
    let name = kind.strip_prefix("gml:")?;
    Some(match name {
        "PointPropertyType" => vec![Point],
        "CurvePropertyType" | "LineStringPropertyType" => vec![Line],
        "SurfacePropertyType" | "PolygonPropertyType" => vec![Polygon, MultiPolygon],
        "MultiPointPropertyType" => vec![MultiPoint],
        "MultiCurvePropertyType" => vec![MultiLine],
        "MultiSurfacePropertyType" => vec![MultiPolygon],
        "GeometryPropertyType" => Vec::new(),
        "ref:Point" => vec![Point],
        "ref:LineString" | "ref:Curve" => vec![Line],
        "ref:Polygon" => vec![Polygon],
        "ref:Surface" => vec![Polygon, MultiPolygon],
        "ref:MultiPoint" => vec![MultiPoint],
        "ref:MultiCurve" => vec![MultiLine],
        "ref:MultiSurface" => vec![MultiPolygon],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_the_schema_declares_become_numbers() {
        let mut feature = GmlFeature {
            class: "AffleurantSymbolePCRS".into(),
            id: Some("a".into()),
            properties: serde_json::from_str(
                r#"{"angleRotation": " 12.5 ", "longueur_mm": "about 3", "largeur_mm": "7", "thematique": "06"}"#,
            )
            .unwrap(),
            geometry: None,
            geometry_property: None,
            srid: None,
            has_z: false,
        };
        Rules::pcrs().type_values(&mut feature);
        assert_eq!(feature.properties["angleRotation"], serde_json::json!(12.5));
        assert_eq!(feature.properties["largeur_mm"], serde_json::json!(7.0));
        // Not a number: kept as written (the report's other rules see it); codes stay text.
        assert_eq!(feature.properties["longueur_mm"], serde_json::json!("about 3"));
        assert_eq!(feature.properties["thematique"], serde_json::json!("06"));
    }

    #[test]
    fn the_standard_s_rules_are_read_from_its_schema() {
        let rules = Rules::pcrs();
        assert!(rules.class_count() >= 30, "{} classes", rules.class_count());
        let tree = &rules.classes["ArbrePCRS"];
        assert!(tree.surveyed);
        let names: Vec<&str> = tree.properties.iter().map(|p| p.name.as_str()).collect();
        for expected in [
            "idObjet",
            "thematique",
            "qualiteCategorisation",
            "precisionPlanimetrique",
            "producteur",
            "geometrie",
            "reference",
        ] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
        let theme = tree.properties.iter().find(|p| p.name == "thematique").unwrap();
        assert!(theme.required);
        assert!(theme.codes.as_ref().unwrap().values.contains(&"06".to_string()));
        let date = tree.properties.iter().find(|p| p.name == "dateLeve").unwrap();
        assert!(!date.required);
        let geometry = tree.properties.iter().find(|p| p.name == "geometrie").unwrap();
        assert_eq!(geometry.geometry.as_deref(), Some(&[GeometryKind::Point][..]));
        // An anonymous type holding `element ref="gml:Polygon"`.
        let outline = &rules.classes["AffleurantEnveloppePCRS"].properties;
        let outline = outline.iter().find(|p| p.name == "geometrie").unwrap();
        assert_eq!(outline.geometry.as_deref(), Some(&[GeometryKind::Polygon][..]));
        assert!(!rules.classes["EmpriseEchangePCRS"].surveyed);
    }
}
