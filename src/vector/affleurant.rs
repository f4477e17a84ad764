//! Affleurants (CNIG PCRS v2.0) carry their attributes on `AffleurantPCRS`, which has no geometry
//! of its own: its `representation` links an `AffleurantGeometriquePCRS`, whose `enveloppe`,
//! `ligne` and `point` link the drawn `AffleurantEnveloppePCRS` / `AffleurantLignesPCRS` /
//! `AffleurantPointPCRS`, and its `symbolisation` an `AffleurantSymbolePCRS`. A style (the
//! network colours of NF P 98-332) and a click need `reseau` on what is drawn: the drawn
//! representations get their affleurant's attributes (the ones they lack) and its identifier
//! under `affleurant`, as a join in a desktop GIS would give them.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::catalog::FeatureRow;

/// The class holding the attributes.
const AFFLEURANT: &str = "AffleurantPCRS";
/// The class linking an affleurant to its drawn representations.
const GEOMETRIQUE: &str = "AffleurantGeometriquePCRS";
/// Links of `AffleurantGeometriquePCRS` to drawn representations.
const GEOMETRIQUE_LINKS: &[&str] = &["enveloppe", "ligne", "point"];
/// Links of `AffleurantPCRS`: to its geometric description, to its symbol.
const REPRESENTATION: &str = "representation";
const SYMBOLISATION: &str = "symbolisation";
/// The property naming the affleurant a representation was joined to.
pub const JOINED_ID: &str = "affleurant";

/// Whether rows of `class` take part in the join (they are held until every row is read).
pub fn in_join(class: &str) -> bool {
    class.starts_with("Affleurant") && class.ends_with("PCRS")
}

/// The identifiers an `xlink:href` property names (`#id` or `id`, one or several).
fn linked(value: Option<&Value>) -> Vec<String> {
    let one = |value: &Value| {
        value
            .as_str()
            .map(|href| href.trim_start_matches('#').to_string())
    };
    match value {
        Some(Value::Array(values)) => values.iter().filter_map(one).collect(),
        Some(value) => one(value).into_iter().collect(),
        None => Vec::new(),
    }
}

fn properties_of(row: &FeatureRow) -> Map<String, Value> {
    serde_json::from_str(&row.properties).unwrap_or_default()
}

/// Gives the drawn representations of each affleurant its attributes. Rows of other classes,
/// and links to nothing, are left as they are; a representation linked from two affleurants
/// takes the first's.
pub fn join(rows: &mut [FeatureRow]) {
    // Attributes of each affleurant, by the identifiers its links name.
    let mut by_geometrique: HashMap<String, usize> = HashMap::new();
    let mut by_target: HashMap<String, usize> = HashMap::new();
    let mut attributes: Vec<Map<String, Value>> = Vec::new();
    for row in rows.iter().filter(|row| row.class == AFFLEURANT) {
        let mut properties = properties_of(row);
        let geometriques = linked(properties.get(REPRESENTATION));
        let symbols = linked(properties.get(SYMBOLISATION));
        properties.remove(REPRESENTATION);
        properties.remove(SYMBOLISATION);
        properties.insert(JOINED_ID.into(), Value::String(row.fid.clone()));
        let at = attributes.len();
        attributes.push(properties);
        for id in geometriques {
            by_geometrique.entry(id).or_insert(at);
        }
        for id in symbols {
            by_target.entry(id).or_insert(at);
        }
    }
    if attributes.is_empty() {
        return;
    }
    for row in rows.iter().filter(|row| row.class == GEOMETRIQUE) {
        let Some(&at) = by_geometrique.get(&row.fid) else {
            continue;
        };
        let properties = properties_of(row);
        for link in GEOMETRIQUE_LINKS {
            for id in linked(properties.get(*link)) {
                by_target.entry(id).or_insert(at);
            }
        }
    }
    for row in rows.iter_mut() {
        if row.class == AFFLEURANT || row.class == GEOMETRIQUE || row.geometry.is_none() {
            continue;
        }
        let Some(&at) = by_target.get(&row.fid) else {
            continue;
        };
        let mut properties = properties_of(row);
        for (key, value) in &attributes[at] {
            properties.entry(key.clone()).or_insert_with(|| value.clone());
        }
        if let Ok(text) = serde_json::to_string(&properties) {
            row.properties = text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(class: &str, fid: &str, properties: Value, drawn: bool) -> FeatureRow {
        FeatureRow {
            class: class.into(),
            fid: fid.into(),
            srid: Some(3946),
            has_z: false,
            bbox: None,
            properties: properties.to_string(),
            geometry: drawn.then(|| vec![1]),
        }
    }

    #[test]
    fn representations_take_their_affleurants_attributes() {
        let mut rows = vec![
            // Drawn rows may come before the affleurant that names them.
            row("AffleurantEnveloppePCRS", "env.a", serde_json::json!({}), true),
            row(
                "AffleurantPointPCRS",
                "pt.a",
                serde_json::json!({"reseau": "mine"}),
                true,
            ),
            row(
                "AffleurantSymbolePCRS",
                "sym.a",
                serde_json::json!({"reference": "x"}),
                true,
            ),
            row(
                "AffleurantEnveloppePCRS",
                "env.orphan",
                serde_json::json!({}),
                true,
            ),
            row(
                "AffleurantGeometriquePCRS",
                "geom.a",
                serde_json::json!({"enveloppe": "env.a", "point": ["#pt.a"]}),
                false,
            ),
            row(
                "AffleurantPCRS",
                "aff.a",
                serde_json::json!({"reseau": "GAZ", "nature": "03", "representation": "geom.a", "symbolisation": "#sym.a"}),
                false,
            ),
        ];
        join(&mut rows);
        let read = |at: usize| serde_json::from_str::<Value>(&rows[at].properties).unwrap();
        assert_eq!(read(0)["reseau"], "GAZ");
        assert_eq!(read(0)["nature"], "03");
        assert_eq!(read(0)[JOINED_ID], "aff.a");
        assert!(read(0).get(REPRESENTATION).is_none());
        assert_eq!(read(1)["reseau"], "mine", "its own value is kept");
        assert_eq!(
            (read(2)["reseau"].clone(), read(2)["reference"].clone()),
            ("GAZ".into(), "x".into())
        );
        assert_eq!(read(3), serde_json::json!({}), "linked from no affleurant");
        assert!(
            read(5).get(JOINED_ID).is_none(),
            "the affleurant itself is unchanged"
        );
    }
}
