//! The vector files of a deliverable: each file's import report (features per class, repairs,
//! conformity to CNIG PCRS v2.0) and the deliverable's conformity, summed over its files.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::livrables::resolve;
use crate::catalog::Catalog;
use crate::ogc::common::Problem;
use crate::vector::Validation;

/// The vector files imported into a deliverable, with their reports and the deliverable's
/// conformity report.
#[utoipa::path(
    get, path = "/api/livrables/{livrable}/vector", tag = "scans",
    params(("livrable" = String, Path, description = "Deliverable id or slug")),
    responses(
        (status = 200, description = "Files, features per class, conformity to CNIG PCRS v2.0", body = Object),
        (status = 404, description = "No such deliverable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn report(catalog: web::Data<Catalog>, path: web::Path<String>) -> Result<HttpResponse, Problem> {
    let (livrable, _) = resolve(catalog.get_ref(), &path).await?;
    let files = catalog.vector_files(livrable.id).await?;
    let mut validation = Validation::default();
    let mut classes = serde_json::Map::new();
    let mut features = 0i64;
    let mut listed = Vec::with_capacity(files.len());
    for file in files {
        let report: Value = serde_json::from_str(&file.report).unwrap_or(Value::Null);
        if let Some(own) = report
            .get("validation")
            .and_then(|v| serde_json::from_value::<Validation>(v.clone()).ok())
        {
            validation.merge(&own);
        }
        if let Some(counts) = report.get("classes").and_then(Value::as_object) {
            for (class, count) in counts {
                let total =
                    classes.get(class).and_then(Value::as_u64).unwrap_or(0) + count.as_u64().unwrap_or(0);
                classes.insert(class.clone(), json!(total));
            }
        }
        features += file.features;
        listed.push(json!({
            "path": file.path,
            "size": file.size,
            "features": file.features,
            "imported_at": file.imported_at,
            "report": report,
        }));
    }
    Ok(HttpResponse::Ok().json(json!({
        "livrable": livrable.slug,
        "features": features,
        "classes": classes,
        "validation": validation,
        "files": listed,
    })))
}
