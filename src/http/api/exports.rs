//! GeoJSON and CSV exports of dalles and deliverables, as pcrs.beta.gouv.fr offers:
//! `/api/livrables/{livrable}/dalles.geojson`, `/api/dalles.geojson`, `/api/livrables.geojson`,
//! `/api/dalles.csv`, `/api/livrables.csv`. Only deliverables with an active storage appear.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::livrables::resolve;
use crate::catalog::{Catalog, DalleRecord, Livrable};
use crate::http::Problem;

/// Reads the `POLYGON((x y, ...))` WKT this server writes.
fn polygon_coordinates(wkt: &str) -> Option<Value> {
    let inner = wkt.trim().strip_prefix("POLYGON((")?.strip_suffix("))")?;
    let ring: Option<Vec<Value>> = inner
        .split(',')
        .map(|pair| {
            let mut numbers = pair.split_whitespace().map(str::parse::<f64>);
            match (numbers.next(), numbers.next()) {
                (Some(Ok(x)), Some(Ok(y))) => Some(json!([x, y])),
                _ => None,
            }
        })
        .collect();
    Some(json!([ring?]))
}

/// A dalle as a GeoJSON feature, with the extra metadata its porteur attached (`extra`).
fn dalle_feature(dalle: &DalleRecord, livrable: &Livrable, extras: &Extras) -> Value {
    let geometry = dalle
        .footprint_wgs84
        .as_deref()
        .and_then(polygon_coordinates)
        .map(|coordinates| json!({"type": "Polygon", "coordinates": coordinates}))
        .unwrap_or(Value::Null);
    let probe = dalle.probe.as_ref();
    json!({
        "type": "Feature",
        "id": dalle.id,
        "geometry": geometry,
        "properties": {
            "livrable": livrable.slug,
            "livrable_id": livrable.id,
            "path": dalle.path,
            "name": dalle.path.rsplit('/').next().unwrap_or(&dalle.path),
            "format": dalle.class,
            "size": dalle.size,
            "mtime": dalle.mtime,
            "width": dalle.width,
            "height": dalle.height,
            "epsg": dalle.epsg,
            "resolution": probe.and_then(|p| p["pixel_size"][0].as_f64()),
            "compression": probe.and_then(|p| p["compression"].as_str()),
            "error": dalle.error,
            "extra": extras.get(&dalle.path),
        }
    })
}

/// Extra metadata by dalle path.
type Extras = std::collections::HashMap<String, serde_json::Map<String, Value>>;

async fn livrables_by_id(
    catalog: &Catalog,
    dalles: &[DalleRecord],
) -> Result<std::collections::HashMap<i64, Livrable>, Problem> {
    let mut map = std::collections::HashMap::new();
    for dalle in dalles {
        if let std::collections::hash_map::Entry::Vacant(slot) = map.entry(dalle.livrable_id) {
            slot.insert(catalog.livrable(dalle.livrable_id).await?);
        }
    }
    Ok(map)
}

fn geojson(value: Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/geo+json")
        .json(value)
}

/// The dalles of one deliverable, as GeoJSON (WGS84).
#[utoipa::path(
    get, path = "/api/livrables/{livrable}/dalles.geojson", tag = "exports",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    responses(
        (status = 200, description = "A FeatureCollection of the deliverable's image files", content_type = "application/geo+json", body = Object),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn livrable_dalles(
    catalog: web::Data<Catalog>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let (livrable, _) = resolve(catalog.get_ref(), &path).await?;
    let dalles = catalog.current_images(Some(livrable.id)).await?;
    let extras = catalog.dalle_extras(livrable.id).await?;
    let features: Vec<Value> = dalles
        .iter()
        .map(|d| dalle_feature(d, &livrable, &extras))
        .collect();
    Ok(geojson(
        json!({"type": "FeatureCollection", "features": features}),
    ))
}

/// Every dalle of every deliverable, as GeoJSON (WGS84).
#[utoipa::path(
    get, path = "/api/dalles.geojson", tag = "exports",
    responses((status = 200, description = "A FeatureCollection of all image files", content_type = "application/geo+json", body = Object))
)]
pub async fn all_dalles(catalog: web::Data<Catalog>) -> Result<HttpResponse, Problem> {
    let dalles = catalog.current_images(None).await?;
    let livrables = livrables_by_id(catalog.get_ref(), &dalles).await?;
    let mut extras = std::collections::HashMap::new();
    for id in livrables.keys() {
        extras.insert(*id, catalog.dalle_extras(*id).await?);
    }
    let features: Vec<Value> = dalles
        .iter()
        .map(|d| dalle_feature(d, &livrables[&d.livrable_id], &extras[&d.livrable_id]))
        .collect();
    Ok(geojson(
        json!({"type": "FeatureCollection", "features": features}),
    ))
}

/// What the export of a deliverable says: its last successful scan's summary.
async fn livrable_rows(
    catalog: &Catalog,
) -> Result<Vec<(Livrable, String, Option<Value>, Option<String>)>, Problem> {
    let mut rows = Vec::new();
    let mut offset = 0;
    loop {
        let page = catalog.list_livrables(500, offset).await?;
        let count = page.items.len() as i64;
        for livrable in page.items {
            if catalog.active_storage(livrable.id).await?.is_none() {
                continue;
            }
            let project = catalog.project(livrable.project_id).await?;
            let scan = catalog.last_successful_scan(livrable.id).await?;
            let finished = scan.as_ref().and_then(|s| s.finished_at.clone());
            rows.push((livrable, project.nom, scan.and_then(|s| s.summary), finished));
        }
        offset += count;
        if count < 500 {
            break;
        }
    }
    Ok(rows)
}

/// Every deliverable with its footprint and scan summary, as GeoJSON (WGS84).
#[utoipa::path(
    get, path = "/api/livrables.geojson", tag = "exports",
    responses((status = 200, description = "A FeatureCollection of the deliverables", content_type = "application/geo+json", body = Object))
)]
pub async fn all_livrables(catalog: web::Data<Catalog>) -> Result<HttpResponse, Problem> {
    let features: Vec<Value> = livrable_rows(catalog.get_ref())
        .await?
        .into_iter()
        .map(|(livrable, project, summary, finished)| {
            let summary = summary.unwrap_or(Value::Null);
            json!({
                "type": "Feature",
                "id": livrable.id,
                "geometry": summary["footprint"],
                "properties": {
                    "slug": livrable.slug,
                    "nom": livrable.nom,
                    "projet": project,
                    "nature": livrable.nature,
                    "licence": livrable.licence,
                    "diffusion": livrable.diffusion,
                    "dalles": summary["dalles"],
                    "bytes": summary["bytes"],
                    "format": summary["format"],
                    "projection": summary["projection"],
                    "last_scan": finished,
                }
            })
        })
        .collect();
    Ok(geojson(
        json!({"type": "FeatureCollection", "features": features}),
    ))
}

/// A CSV field, quoted when needed (RFC 4180).
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

fn csv(body: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .body(body)
}

fn text<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Every dalle, as CSV.
#[utoipa::path(
    get, path = "/api/dalles.csv", tag = "exports",
    responses((status = 200, description = "One line per image file", content_type = "text/csv", body = String))
)]
pub async fn dalles_csv(catalog: web::Data<Catalog>) -> Result<HttpResponse, Problem> {
    let dalles = catalog.current_images(None).await?;
    let livrables = livrables_by_id(catalog.get_ref(), &dalles).await?;
    let mut body = csv_line(
        &[
            "livrable", "path", "format", "size", "mtime", "width", "height", "epsg", "west", "south",
            "east", "north", "error",
        ]
        .map(String::from),
    );
    for dalle in &dalles {
        let bbox = dalle.bbox_wgs84;
        body.push_str(&csv_line(&[
            livrables[&dalle.livrable_id].slug.clone(),
            dalle.path.clone(),
            dalle.class.clone(),
            dalle.size.to_string(),
            text(dalle.mtime.clone()),
            text(dalle.width),
            text(dalle.height),
            text(dalle.epsg),
            text(bbox.map(|b| b[0])),
            text(bbox.map(|b| b[1])),
            text(bbox.map(|b| b[2])),
            text(bbox.map(|b| b[3])),
            text(dalle.error.clone()),
        ]));
    }
    Ok(csv(body, "dalles.csv"))
}

/// Every deliverable with its scan summary, as CSV.
#[utoipa::path(
    get, path = "/api/livrables.csv", tag = "exports",
    responses((status = 200, description = "One line per deliverable", content_type = "text/csv", body = String))
)]
pub async fn livrables_csv(catalog: web::Data<Catalog>) -> Result<HttpResponse, Problem> {
    let mut body = csv_line(
        &[
            "id",
            "slug",
            "nom",
            "projet",
            "nature",
            "licence",
            "diffusion",
            "dalles",
            "bytes",
            "format",
            "projection",
            "last_scan",
        ]
        .map(String::from),
    );
    for (livrable, project, summary, finished) in livrable_rows(catalog.get_ref()).await? {
        let summary = summary.unwrap_or(Value::Null);
        let field = |key: &str| match &summary[key] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        body.push_str(&csv_line(&[
            livrable.id.to_string(),
            livrable.slug.clone(),
            livrable.nom.clone(),
            project,
            livrable.nature.to_string(),
            livrable.licence.to_string(),
            text(livrable.diffusion),
            field("dalles"),
            field("bytes"),
            field("format"),
            field("projection"),
            text(finished),
        ]));
    }
    Ok(csv(body, "livrables.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_and_csv() {
        let coordinates = polygon_coordinates("POLYGON((4.8 45.8, 4.9 45.8, 4.9 45.9, 4.8 45.8))").unwrap();
        assert_eq!(coordinates[0].as_array().unwrap().len(), 4);
        assert!(polygon_coordinates("POINT(1 2)").is_none());
        assert_eq!(
            csv_line(&["a,b".into(), "say \"hi\"".into(), "x".into()]),
            "\"a,b\",\"say \"\"hi\"\"\",x\r\n"
        );
    }
}
