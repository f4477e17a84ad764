//! OGC API Features Part 3: each collection's queryables (a JSON Schema of its properties and
//! geometry) and the `filter` of items requests, CQL2 text or JSON, its geometries in
//! `filter-crs`, its property names held to the queryables.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use super::cql2;
use super::params::{ApiCrs, ItemsQuery};
use super::{base, collection_of, offered};
use crate::config::Config;
use crate::ogc::common::Problem;
use crate::raster::crs::transform_points;
use crate::vector::{Collection, Filter, GeometryKind, ValueKind, Vectors};

/// The link relation of a collection's queryables.
pub const QUERYABLES_REL: &str = "http://www.opengis.net/def/rel/ogc/1.0/queryables";

/// `GET /collections/{id}/queryables`.
pub async fn queryables(
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let collection = collection_of(&vectors, &path.into_inner())?;
    let here = format!(
        "{}/collections/{}/queryables",
        base(&config, &request),
        collection.id
    );
    Ok(HttpResponse::Ok()
        .content_type("application/schema+json")
        .insert_header(("Cache-Control", "public, max-age=60"))
        .body(schema(&here, &collection).to_string()))
}

/// The queryables of a collection as a JSON Schema.
fn schema(id: &str, collection: &Collection) -> Value {
    let mut properties = Map::new();
    for property in &collection.properties {
        let kind = match property.kind {
            ValueKind::Integer => "integer",
            ValueKind::Number => "number",
            ValueKind::Boolean => "boolean",
            ValueKind::Text => "string",
        };
        let value = if property.repeated {
            json!({"title": property.name, "type": "array", "items": {"type": kind}})
        } else {
            json!({"title": property.name, "type": kind})
        };
        properties.insert(property.name.clone(), value);
    }
    let format = match collection.kind {
        Some(GeometryKind::Point) => "geometry-point",
        Some(GeometryKind::Line) => "geometry-linestring",
        Some(GeometryKind::Polygon) => "geometry-polygon",
        Some(GeometryKind::MultiPoint) => "geometry-multipoint",
        Some(GeometryKind::MultiLine) => "geometry-multilinestring",
        Some(GeometryKind::MultiPolygon) => "geometry-multipolygon",
        None => "geometry-any",
    };
    properties.insert(
        cql2::GEOMETRY.into(),
        json!({"title": "geometry", "format": format, "x-ogc-role": "primary-geometry"}),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": id,
        "type": "object",
        "title": collection.title,
        "properties": properties,
        "additionalProperties": false,
    })
}

/// The filter of an items request, if any: read, its geometries taken to CRS:84, its names
/// checked against the collection's queryables; `max_depth` bounds its nesting.
pub fn compile(
    query: &ItemsQuery,
    collection: &Collection,
    max_depth: usize,
) -> Result<Option<Filter>, Problem> {
    let Some(text) = &query.filter else {
        return Ok(None);
    };
    let crs = match &query.filter_crs {
        Some(value) => ApiCrs::parse("filter-crs", value, &offered(collection))?,
        None => ApiCrs {
            epsg: None,
            lat_first: false,
        },
    };
    let to_crs84 = move |xs: &mut [f64], ys: &mut [f64]| -> bool {
        if crs.lat_first {
            xs.swap_with_slice(ys);
        }
        match crs.epsg {
            None | Some(4326) => true,
            Some(epsg) => transform_points(epsg, 4326, xs, ys),
        }
    };
    let parsed = if query.filter_json {
        cql2::parse_json(text, max_depth, &to_crs84)
    } else {
        cql2::parse_text(text, max_depth, &to_crs84)
    };
    let filter = parsed
        .and_then(|filter| filter.check_size().map(|()| filter))
        .map_err(|message| Problem::bad_request(format!("parameter filter is invalid: {message}")))?;
    let mut names = Vec::new();
    filter.property_names(&mut names);
    if let Some(unknown) = names
        .iter()
        .find(|name| !collection.properties.iter().any(|p| p.name == **name))
    {
        let queryables: Vec<&str> = collection.properties.iter().map(|p| p.name.as_str()).collect();
        return Err(Problem::bad_request(format!(
            "parameter filter is invalid: {unknown} is not a queryable of {} ({}, {})",
            collection.id,
            queryables.join(", "),
            cql2::GEOMETRY
        )));
    }
    Ok(Some(filter))
}
