//! The WMS's vector layers: every collection is a layer (drawn with the styles of its class),
//! and every vector deliverable a group layer drawing its classes in the standard's order.
//! Styles are picked by `STYLES`, or brought by the request (`SLD_BODY`); legends are drawn
//! from the rules; GetFeatureInfo answers with the features under the click.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::ogc::common::xml::Xml;
use crate::ogc::common::OwsError;
use crate::raster::crs::{transform_bbox, transform_points};
use crate::vector::render::collections_named;
use crate::vector::render::{self, Layer};
pub use crate::vector::render::{groups, VectorGroup};
use crate::vector::style::{generic_style, Style, Styles};
use crate::vector::{Collection, Vectors};

/// The styles offered for a collection, default first (the generic one when no SLD names its
/// class).
pub fn styles_of(styles: &Styles, collection: &Collection) -> Vec<Arc<Style>> {
    let own = styles.offered(collection.livrable_id, &collection.class);
    if own.is_empty() {
        vec![generic_style(&collection.class, collection.kind)]
    } else {
        own
    }
}

/// The style a collection is drawn with: among the request's own styles (`user`, whose
/// `NamedLayer` names the layer asked for, the collection or its class) first, else among
/// those offered. `wanted` empty or `default` is the default; `None` when not offered.
fn style_for(
    styles: &Styles,
    collection: &Collection,
    layer: &str,
    wanted: &str,
    user: &[Style],
) -> Option<Arc<Style>> {
    let is_default = wanted.is_empty() || wanted.eq_ignore_ascii_case("default");
    let mine: Vec<&Style> = user
        .iter()
        .filter(|s| s.class == layer || s.class == collection.id || s.class == collection.class)
        .collect();
    if !mine.is_empty() {
        let found = if is_default {
            mine.iter().find(|s| s.is_default).or(mine.first())
        } else {
            mine.iter().find(|s| s.name == wanted)
        };
        if let Some(style) = found {
            return Some(Arc::new((*style).clone()));
        }
    }
    let offered = styles_of(styles, collection);
    if is_default {
        offered.into_iter().next()
    } else {
        offered.into_iter().find(|s| s.name == wanted)
    }
}

/// The layers a vector layer name stands for, drawn with `wanted` (a style name, empty for the
/// default): `Ok(None)` when the name is no vector layer, `StyleNotDefined` when no collection
/// of it offers the style.
pub fn resolve(
    vectors: &Vectors,
    styles: &Styles,
    name: &str,
    wanted: &str,
    user: &[Style],
) -> Result<Option<Vec<Layer>>, OwsError> {
    let Some(collections) = collections_named(vectors, name) else {
        return Ok(None);
    };
    let single = collections.len() == 1 && collections[0].id == name;
    let mut layers = Vec::new();
    for collection in collections {
        let style = match style_for(styles, &collection, name, wanted, user) {
            Some(style) => style,
            // In a group, a class without the style asked for keeps its default.
            None if !single => match style_for(styles, &collection, name, "", user) {
                Some(style) => style,
                None => continue,
            },
            None => return Err(style_not_defined(name, wanted)),
        };
        layers.push(Layer { collection, style });
    }
    let any_named = wanted.is_empty()
        || wanted.eq_ignore_ascii_case("default")
        || layers.iter().any(|layer| layer.style.name == wanted);
    if !any_named {
        return Err(style_not_defined(name, wanted));
    }
    Ok(Some(layers))
}

fn style_not_defined(layer: &str, style: &str) -> OwsError {
    OwsError::new(
        "StyleNotDefined",
        "STYLES",
        format!(
            "style {style} is not defined for layer {layer} (see its Style elements in the capabilities)"
        ),
    )
}

/// The features of `layers` under pixel (`i`, `j`) of a map (within a few pixels), at most
/// `count`, with their collection.
pub fn features_at(
    layers: &[Layer],
    epsg: u32,
    bbox: [f64; 4],
    size: (u32, u32),
    pixel: (u32, u32),
    count: usize,
) -> Vec<(Arc<Collection>, Value)> {
    const TOLERANCE_PIXELS: f64 = 4.0;
    let unit_x = (bbox[2] - bbox[0]) / f64::from(size.0);
    let unit_y = (bbox[3] - bbox[1]) / f64::from(size.1);
    let x = bbox[0] + (f64::from(pixel.0) + 0.5) * unit_x;
    let y = bbox[3] - (f64::from(pixel.1) + 0.5) * unit_y;
    let around = [
        x - TOLERANCE_PIXELS * unit_x,
        y - TOLERANCE_PIXELS * unit_y,
        x + TOLERANCE_PIXELS * unit_x,
        y + TOLERANCE_PIXELS * unit_y,
    ];
    let Some(box84) = transform_bbox(epsg, 4326, around) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // The top layer first: what the user sees is what was drawn last.
    for layer in layers.iter().rev() {
        let selection = layer
            .collection
            .select(Some(box84), None, 0, count.saturating_sub(out.len()));
        for feature in selection.features {
            let value: Value = serde_json::from_str(feature.geojson()).unwrap_or(Value::Null);
            out.push((layer.collection.clone(), value));
        }
        if out.len() >= count {
            break;
        }
    }
    out
}

/// A feature-info body for vector features, in one of the WMS info formats.
pub fn feature_info_body(format: &str, hits: &[(Arc<Collection>, Value)]) -> Vec<u8> {
    match format {
        "application/json" => {
            let features: Vec<Value> = hits
                .iter()
                .map(|(collection, feature)| {
                    let mut feature = feature.clone();
                    if let Some(object) = feature.as_object_mut() {
                        object.insert("layer".into(), json!(collection.id));
                    }
                    feature
                })
                .collect();
            json!({"type": "FeatureCollection", "features": features})
                .to_string()
                .into_bytes()
        }
        "text/html" => html(hits).into_bytes(),
        "application/vnd.ogc.gml" => gml(hits),
        _ => text(hits).into_bytes(),
    }
}

fn properties(feature: &Value) -> Map<String, Value> {
    feature
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn feature_id(feature: &Value) -> String {
    feature.get("id").map(plain).unwrap_or_default()
}

fn text(hits: &[(Arc<Collection>, Value)]) -> String {
    if hits.is_empty() {
        return "no feature at this point\n".into();
    }
    let mut out = String::new();
    for (collection, feature) in hits {
        out.push_str(&format!(
            "Layer '{}'\n  Feature {}:\n",
            collection.id,
            feature_id(feature)
        ));
        for (name, value) in properties(feature) {
            out.push_str(&format!("    {name} = '{}'\n", plain(&value)));
        }
    }
    out
}

fn html(hits: &[(Arc<Collection>, Value)]) -> String {
    let escape = |text: &str| quick_xml::escape::escape(text).into_owned();
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Objets</title></head><body>\n",
    );
    if hits.is_empty() {
        out.push_str("<p>Aucun objet à cet endroit.</p>\n");
    }
    for (collection, feature) in hits {
        out.push_str(&format!(
            "<table><caption>{} — {}</caption>\n",
            escape(&collection.title),
            escape(&feature_id(feature))
        ));
        for (name, value) in properties(feature) {
            out.push_str(&format!(
                "<tr><th>{}</th><td>{}</td></tr>\n",
                escape(&name),
                escape(&plain(&value))
            ));
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// MapServer's `msGMLOutput` layout, which QGIS and GDAL read: one `{layer}_layer` element per
/// layer, one `{layer}_feature` per feature with its properties.
fn gml(hits: &[(Arc<Collection>, Value)]) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open(
        "msGMLOutput",
        &[
            ("xmlns:gml", "http://www.opengis.net/gml"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    let mut by_layer: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for (collection, feature) in hits {
        by_layer.entry(&collection.id).or_default().push(feature);
    }
    for (layer, features) in by_layer {
        let name = xml_name(layer);
        xml.open(&format!("{name}_layer"), &[]);
        xml.leaf("gml:name", &[], layer);
        for feature in features {
            xml.open(&format!("{name}_feature"), &[("fid", &feature_id(feature))]);
            for (key, value) in properties(feature) {
                xml.leaf(&xml_name(&key), &[], &plain(&value));
            }
            xml.close(&format!("{name}_feature"));
        }
        xml.close(&format!("{name}_layer"));
    }
    xml.close("msGMLOutput");
    xml.finish()
}

/// A name usable as an XML element name.
fn xml_name(text: &str) -> String {
    let mut name: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    name
}

/// The box of collections in an EPSG code, from their CRS:84 extents.
pub fn extent_in(collections: &[Arc<Collection>], epsg: u32) -> Option<[f64; 4]> {
    collections
        .iter()
        .filter_map(|c| c.extent84)
        .filter_map(|b| transform_bbox(4326, epsg, b))
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
}

/// Draws the legend of layers: each applicable rule's swatch and title, one row each; or one
/// rule's swatch alone (`rule`) at the asked size.
pub fn legend(
    layers: &[Layer],
    rule: Option<&str>,
    scale: Option<f64>,
    size: (u32, u32),
) -> Result<render::Canvas, OwsError> {
    let mut rows = Vec::new();
    for layer in layers {
        for candidate in layer.style.rules() {
            if scale.is_some_and(|s| !candidate.at_scale(s)) || candidate.symbolizers.is_empty() {
                continue;
            }
            rows.push(candidate);
        }
    }
    let failed = |err: render::RenderError| {
        OwsError::server(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            err.to_string(),
        )
    };
    if let Some(name) = rule {
        let found = rows.iter().find(|r| r.name == name).ok_or_else(|| {
            OwsError::invalid(
                "RULE",
                format!("RULE={name}: no rule of this name in the layer's style"),
            )
        })?;
        return render::draw_legend(found, size.0, size.1).map_err(failed);
    }
    let titled: Vec<(&str, &crate::vector::style::Rule)> =
        rows.iter().map(|r| (r.title.as_str(), *r)).collect();
    render::draw_legend_sheet(&titled, size).map_err(failed)
}

/// Transform used to draw: PROJ through GDAL, as everywhere else.
pub const TRANSFORM: crate::vector::Transform = transform_points;
