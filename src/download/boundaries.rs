//! Administrative boundaries: read from a vector file (ADMIN EXPRESS Shapefile or GeoPackage,
//! geo.api.gouv.fr GeoJSON, anything GDAL reads, in any CRS), stored in the catalogue, and
//! turned back into an [`Area`] for a territory (`commune:69123`, `epci:200046977`,
//! `departement:69`).

use std::collections::HashMap;
use std::path::Path;

use gdal::spatial_ref::{CoordTransform, SpatialRef};
use gdal::vector::LayerAccess;
use gdal::Dataset;
use serde_json::{json, Value};

use crate::catalog::validate::parse_perimetre;
use crate::catalog::{BoundaryInfo, BoundaryInput, Catalog, CatalogError, TerritoryKind};
use crate::raster::crs::spatial_ref;
use crate::tiles::area::Area;

/// Most vertices in one imported boundary (a detailed ADMIN EXPRESS commune has a few
/// thousand; the generalised COG CARTO far fewer).
pub const MAX_BOUNDARY_VERTICES: usize = 500_000;
/// Most vertices in a territory's area (a département made of its communes).
pub const MAX_TERRITORY_VERTICES: usize = 1_000_000;
/// Skipped features described one by one in a report; the others are only counted.
const SKIPS_DESCRIBED: usize = 10;

/// Field names recognised for each attribute, compared ignoring case: ADMIN EXPRESS first,
/// then geo.api.gouv.fr, then common spellings.
const COMMUNE_CODE: &[&str] = &["INSEE_COM", "code_insee", "codgeo", "insee", "code"];
const EPCI_CODE: &[&str] = &[
    "CODE_SIREN",
    "SIREN_EPCI",
    "siren",
    "code_epci",
    "codeEpci",
    "code",
];
const DEPARTEMENT_CODE: &[&str] = &[
    "INSEE_DEP",
    "code_departement",
    "codeDepartement",
    "code_dep",
    "code",
];
const NAME: &[&str] = &["NOM", "NOM_COM", "NOM_M", "nom", "name", "libelle", "libgeo"];
const COMMUNE_DEPARTEMENT: &[&str] = &[
    "INSEE_DEP",
    "codeDepartement",
    "code_departement",
    "code_dep",
    "dep",
];
const COMMUNE_EPCI: &[&str] = &["SIREN_EPCI", "codeEpci", "code_epci", "siren_epci", "epci"];
const POPULATION: &[&str] = &["POPULATION", "population", "PMUN", "pop"];

/// Why boundaries cannot be imported or a territory cannot become an area.
#[derive(Debug, thiserror::Error)]
pub enum BoundaryError {
    /// The file cannot be read as boundaries.
    #[error("{path}: {detail}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The territory is not `kind:code` with a valid code.
    #[error("{0}")]
    Territory(String),
    /// The territory's boundary was never imported.
    #[error("{0} is not among the imported boundaries (import them with `dallage import-boundaries`)")]
    NotImported(String),
    /// The territory's shape cannot be used.
    #[error("{territory}: {detail}")]
    Shape {
        /// The territory.
        territory: String,
        /// What is wrong.
        detail: String,
    },
    /// The catalogue failed.
    #[error(transparent)]
    Catalog(CatalogError),
    /// The blocking pool could not run the reading.
    #[error(transparent)]
    Worker(#[from] crate::workers::WorkerError),
}

/// What was read from a file.
#[derive(Debug, Default)]
pub struct BoundaryFile {
    /// The layer read.
    pub layer: String,
    /// The boundaries, one per code (features sharing a code are merged).
    pub boundaries: Vec<BoundaryInput>,
    /// Features left out.
    pub skipped: u64,
    /// Why, for the first few.
    pub skip_reasons: Vec<String>,
}

/// Reads the boundaries of `kind` from a vector file (blocking: run it on a worker). `layer`
/// picks a layer by name; by default the one named after the kind, else the first.
/// `assume_epsg` is the CRS of a file that declares none.
pub fn read_file(
    path: &Path,
    kind: TerritoryKind,
    layer: Option<&str>,
    assume_epsg: Option<u32>,
) -> Result<BoundaryFile, BoundaryError> {
    let fail = |detail: String| BoundaryError::File {
        path: path.display().to_string(),
        detail,
    };
    let dataset = Dataset::open(path).map_err(|err| fail(format!("not a vector file GDAL reads: {err}")))?;
    let names: Vec<String> = dataset.layers().map(|layer| layer.name()).collect();
    let chosen = choose_layer(&names, kind, layer).map_err(&fail)?;
    let mut source = dataset
        .layer_by_name(&chosen)
        .map_err(|err| fail(format!("layer {chosen}: {err}")))?;
    let transform = to_crs84(source.spatial_ref(), assume_epsg).map_err(&fail)?;
    let fields: Vec<String> = source.defn().fields().map(|field| field.name()).collect();
    let columns = Columns::find(&fields, kind).map_err(&fail)?;
    let mut file = BoundaryFile {
        layer: chosen,
        ..BoundaryFile::default()
    };
    let mut merged: HashMap<String, (BoundaryInfo, Area)> = HashMap::new();
    let mut order = Vec::new();
    for (index, feature) in source.features().enumerate() {
        match read_feature(&feature, kind, &columns, transform.as_ref()) {
            Ok((item, area)) => match merged.get_mut(&item.code) {
                Some((_, known)) => known.polygons.extend(area.polygons),
                None => {
                    order.push(item.code.clone());
                    merged.insert(item.code.clone(), (item, area));
                }
            },
            Err(reason) => {
                file.skipped += 1;
                if file.skip_reasons.len() < SKIPS_DESCRIBED {
                    file.skip_reasons.push(format!("feature {}: {reason}", index + 1));
                }
            }
        }
    }
    for code in order {
        let Some((mut info, area)) = merged.remove(&code) else {
            continue;
        };
        let vertices: usize = area.polygons.iter().flatten().map(Vec::len).sum();
        if vertices > MAX_BOUNDARY_VERTICES {
            file.skipped += 1;
            file.skip_reasons.push(format!(
                "{code}: {vertices} vertices, more than the {MAX_BOUNDARY_VERTICES} allowed"
            ));
            continue;
        }
        info.bbox = area.bbox();
        info.vertices = vertices as u64;
        let geometry = json!({"type": "MultiPolygon", "coordinates": area.polygons}).to_string();
        file.boundaries.push(BoundaryInput { info, geometry });
    }
    Ok(file)
}

/// The layer to read: the one asked for, else the one named after the kind, else the first.
fn choose_layer(names: &[String], kind: TerritoryKind, asked: Option<&str>) -> Result<String, String> {
    if let Some(asked) = asked {
        return names
            .iter()
            .find(|name| name.eq_ignore_ascii_case(asked))
            .cloned()
            .ok_or_else(|| format!("no layer `{asked}` (layers: {})", names.join(", ")));
    }
    names
        .iter()
        .find(|name| name.to_ascii_lowercase().contains(kind.as_str()))
        .or(names.first())
        .cloned()
        .ok_or_else(|| "the file holds no layer".to_string())
}

/// The transformation from the layer's CRS to CRS:84 (none when it is already CRS:84).
fn to_crs84(
    declared: Option<SpatialRef>,
    assume_epsg: Option<u32>,
) -> Result<Option<CoordTransform>, String> {
    let mut source = match (declared, assume_epsg) {
        (_, Some(epsg)) => spatial_ref(epsg).ok_or_else(|| format!("EPSG:{epsg} is unknown"))?,
        (Some(declared), None) => declared,
        (None, None) => return Err("the layer declares no CRS: give its EPSG code with --crs".into()),
    };
    source.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    let target = spatial_ref(4326).ok_or("EPSG:4326 is unknown to PROJ")?;
    if source.auth_code().ok() == Some(4326) {
        return Ok(None);
    }
    CoordTransform::new(&source, &target)
        .map(Some)
        .map_err(|err| format!("cannot transform the layer's CRS into CRS:84: {err}"))
}

/// Which field holds each attribute.
struct Columns {
    code: usize,
    name: Option<usize>,
    departement: Option<usize>,
    epci: Option<usize>,
    population: Option<usize>,
}

impl Columns {
    fn find(fields: &[String], kind: TerritoryKind) -> Result<Columns, String> {
        let find = |candidates: &[&str]| {
            candidates
                .iter()
                .find_map(|wanted| fields.iter().position(|field| field.eq_ignore_ascii_case(wanted)))
        };
        let code_fields = match kind {
            TerritoryKind::Commune => COMMUNE_CODE,
            TerritoryKind::Epci => EPCI_CODE,
            TerritoryKind::Departement => DEPARTEMENT_CODE,
        };
        let code = find(code_fields).ok_or_else(|| {
            format!(
                "no field holds the {kind} code (looked for {}; fields: {})",
                code_fields.join(", "),
                fields.join(", ")
            )
        })?;
        let commune = kind == TerritoryKind::Commune;
        Ok(Columns {
            code,
            name: find(NAME),
            departement: find(COMMUNE_DEPARTEMENT).filter(|_| commune),
            epci: find(COMMUNE_EPCI).filter(|_| commune),
            population: find(POPULATION),
        })
    }
}

/// One feature as a boundary (geometry filled in once features sharing a code are merged).
fn read_feature(
    feature: &gdal::vector::Feature,
    kind: TerritoryKind,
    columns: &Columns,
    transform: Option<&CoordTransform>,
) -> Result<(BoundaryInfo, Area), String> {
    let text = |index: Option<usize>| -> Option<String> {
        let value = feature.field_as_string(index?).ok()??;
        Some(value.trim().to_string()).filter(|value| !value.is_empty())
    };
    let code = text(Some(columns.code)).ok_or("no code")?;
    let territory = format!("{kind}:{code}");
    parse_perimetre(&territory)?;
    let geometry = feature.geometry().ok_or("no geometry")?;
    let geometry = match transform {
        Some(transform) => geometry
            .transform(transform)
            .map_err(|err| format!("{territory}: cannot project: {err}"))?,
        None => geometry.clone(),
    };
    let geojson = geometry
        .json()
        .map_err(|err| format!("{territory}: cannot write as GeoJSON: {err}"))?;
    let value: Value = serde_json::from_str(&geojson).map_err(|err| format!("{territory}: {err}"))?;
    let area = Area::from_geojson_within(&value, MAX_BOUNDARY_VERTICES)
        .map_err(|err| format!("{territory}: {err}"))?;
    let departement = match kind {
        TerritoryKind::Commune => text(columns.departement).or_else(|| departement_of(&code)),
        _ => None,
    };
    // ADMIN EXPRESS writes `NC` or `ZZZZZZZZZ` for communes outside any EPCI.
    let epci = text(columns.epci).filter(|siren| parse_perimetre(&format!("epci:{siren}")).is_ok());
    let info = BoundaryInfo {
        kind,
        nom: text(columns.name).unwrap_or_else(|| code.clone()),
        code,
        departement,
        epci,
        bbox: [0.0; 4],
        vertices: 0,
        // A count written as text or as a decimal number ("12345", "12345.0").
        population: text(columns.population)
            .and_then(|p| p.parse::<f64>().ok())
            .filter(|p| p.is_finite() && *p >= 0.0)
            .map(|p| p.round() as u64),
    };
    Ok((info, area))
}

/// Reads a file on a worker and stores its boundaries; returns the report to print. Fails
/// when the file yields no boundary at all.
pub async fn import(
    catalog: &crate::catalog::Catalog,
    workers: &crate::workers::Workers,
    path: &Path,
    kind: TerritoryKind,
    layer: Option<String>,
    assume_epsg: Option<u32>,
) -> Result<String, BoundaryError> {
    let owned = path.to_path_buf();
    let file = workers
        .run(move || read_file(&owned, kind, layer.as_deref(), assume_epsg))
        .await??;
    let mut report = String::new();
    for reason in &file.skip_reasons {
        report.push_str(&format!("skipped {reason}\n"));
    }
    if file.boundaries.is_empty() {
        return Err(BoundaryError::File {
            path: path.display().to_string(),
            detail: format!(
                "layer {} yields no {kind} boundary ({} features skipped)",
                file.layer, file.skipped
            ),
        });
    }
    let source = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stored = catalog
        .import_boundaries(&file.boundaries, &source)
        .await
        .map_err(BoundaryError::Catalog)?;
    let vertices: u64 = file.boundaries.iter().map(|item| item.info.vertices).sum();
    report.push_str(&format!(
        "imported {stored} {kind} boundaries ({vertices} vertices) from layer {} of {source}; {} features skipped\n",
        file.layer, file.skipped
    ));
    Ok(report)
}

/// A commune's département from its INSEE code (three characters overseas).
fn departement_of(commune: &str) -> Option<String> {
    let length = if commune.starts_with("97") { 3 } else { 2 };
    commune.get(..length).map(str::to_string)
}

/// The territories named by a commune INSEE code, an EPCI SIREN and a département code, as
/// `kind:code`, in that order (callers refuse more than one).
pub fn named_territories(
    commune: Option<&str>,
    epci: Option<&str>,
    departement: Option<&str>,
) -> Vec<String> {
    [("commune", commune), ("epci", epci), ("departement", departement)]
        .into_iter()
        .filter_map(|(kind, code)| code.map(|code| format!("{kind}:{code}")))
        .collect()
}

/// A territory (`commune:69123`, `epci:200046977`, `departement:69`) as an area: its imported
/// boundary, or for an EPCI or département not imported itself, its communes'.
pub async fn area_of(catalog: &Catalog, territory: &str) -> Result<Area, BoundaryError> {
    let (kind, code) = parse_perimetre(territory).map_err(BoundaryError::Territory)?;
    let shape = match catalog.territory_shape(kind, code).await {
        Ok(shape) => shape,
        Err(CatalogError::NotFound { .. }) => return Err(BoundaryError::NotImported(territory.to_string())),
        Err(err) => return Err(BoundaryError::Catalog(err)),
    };
    let shape_error = |detail: String| BoundaryError::Shape {
        territory: territory.to_string(),
        detail,
    };
    let vertices: u64 = shape.parts.iter().map(|part| part.info.vertices).sum();
    if vertices > MAX_TERRITORY_VERTICES as u64 {
        return Err(shape_error(format!(
            "{vertices} vertices, more than the {MAX_TERRITORY_VERTICES} allowed: import generalised \
             boundaries (ADMIN EXPRESS COG CARTO) or the territory's own outline"
        )));
    }
    let mut features = Vec::with_capacity(shape.geometries.len());
    for geometry in &shape.geometries {
        let value: Value =
            serde_json::from_str(geometry).map_err(|err| shape_error(format!("stored geometry: {err}")))?;
        features.push(json!({"type": "Feature", "properties": {}, "geometry": value}));
    }
    let collection = json!({"type": "FeatureCollection", "features": features});
    let mut area = Area::from_geojson_within(&collection, MAX_TERRITORY_VERTICES).map_err(shape_error)?;
    area.label = Some(match shape.parts.as_slice() {
        [own] if own.info.kind == kind => format!("{territory} {}", own.info.nom),
        parts => format!("{territory}: {} communes", parts.len()),
    });
    Ok(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_fields_are_found_by_their_usual_names() {
        let names = ["REGION", "DEPARTEMENT", "COMMUNE", "EPCI"].map(String::from);
        assert_eq!(
            choose_layer(&names, TerritoryKind::Commune, None).unwrap(),
            "COMMUNE"
        );
        assert_eq!(
            choose_layer(&names, TerritoryKind::Epci, Some("epci")).unwrap(),
            "EPCI"
        );
        assert!(choose_layer(&names, TerritoryKind::Epci, Some("ARRONDISSEMENT"))
            .unwrap_err()
            .contains("no layer `ARRONDISSEMENT`"));
        let admin_express = [
            "ID",
            "NOM",
            "NOM_M",
            "INSEE_COM",
            "STATUT",
            "INSEE_DEP",
            "SIREN_EPCI",
        ]
        .map(String::from);
        let columns = Columns::find(&admin_express, TerritoryKind::Commune).unwrap();
        assert_eq!(
            (columns.code, columns.name, columns.departement, columns.epci),
            (3, Some(1), Some(5), Some(6))
        );
        let epci = Columns::find(
            &["ID", "CODE_SIREN", "NOM", "NATURE"].map(String::from),
            TerritoryKind::Epci,
        )
        .unwrap();
        assert_eq!((epci.code, epci.departement, epci.epci), (1, None, None));
        let err = Columns::find(&["ID", "NOM"].map(String::from), TerritoryKind::Departement)
            .err()
            .unwrap();
        assert!(err.contains("no field holds the departement code"), "{err}");
        assert_eq!(departement_of("69123").as_deref(), Some("69"));
        assert_eq!(departement_of("97411").as_deref(), Some("974"));
        assert_eq!(departement_of("2A004").as_deref(), Some("2A"));
    }
}
