//! Administrative boundaries: communes, EPCI and départements, kept as CRS:84 GeoJSON with
//! their box. A commune names its département and EPCI, so an EPCI or a département that was
//! not imported on its own is the set of its communes.

use std::collections::HashMap;

use geo::ChamberlainDuquetteArea;
use serde::Serialize;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::TerritoryKind;
use super::{now, text_enum, Catalog, CatalogError, Result};

/// What is known of a boundary besides its geometry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BoundaryInfo {
    /// Commune, EPCI or département.
    pub kind: TerritoryKind,
    /// INSEE code, SIREN or département code (checked before it is stored).
    pub code: String,
    /// Name.
    pub nom: String,
    /// For a commune: its département's code.
    pub departement: Option<String>,
    /// For a commune: its EPCI's SIREN.
    pub epci: Option<String>,
    /// West, south, east, north (CRS:84).
    pub bbox: [f64; 4],
    /// Vertices in the geometry.
    pub vertices: u64,
    /// Inhabitants, when the imported file gives them (ADMIN EXPRESS `POPULATION`).
    pub population: Option<u64>,
}

/// A boundary to store.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryInput {
    /// Code, name, box...
    pub info: BoundaryInfo,
    /// GeoJSON Polygon or MultiPolygon, CRS:84.
    pub geometry: String,
}

/// The area of a GeoJSON Polygon or MultiPolygon (CRS:84), in km², on the sphere; 0 for
/// any other geometry.
pub fn geojson_area_km2(geometry: &Value) -> f64 {
    let ring = |points: &Value| -> geo::LineString<f64> {
        points
            .as_array()
            .map(|p| {
                p.iter()
                    .filter_map(|xy| Some((xy[0].as_f64()?, xy[1].as_f64()?)))
                    .collect()
            })
            .unwrap_or_else(|| geo::LineString::new(Vec::new()))
    };
    let polygon = |rings: &Value| -> Option<geo::Polygon<f64>> {
        let rings = rings.as_array()?;
        let (outer, inner) = rings.split_first()?;
        Some(geo::Polygon::new(ring(outer), inner.iter().map(ring).collect()))
    };
    let polygons: Vec<geo::Polygon<f64>> = match geometry["type"].as_str() {
        Some("Polygon") => polygon(&geometry["coordinates"]).into_iter().collect(),
        Some("MultiPolygon") => geometry["coordinates"]
            .as_array()
            .map(|all| all.iter().filter_map(polygon).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    polygons
        .iter()
        .map(|p| p.chamberlain_duquette_unsigned_area())
        .sum::<f64>()
        / 1e6
}

/// A stored boundary, without its geometry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Boundary {
    /// Code, name, box...
    #[serde(flatten)]
    pub info: BoundaryInfo,
    /// The file it was imported from (its name only).
    pub source: String,
    /// When it was imported (RFC 3339).
    pub imported_at: String,
    /// Its area, km² on the sphere, measured when it was imported (absent for boundaries
    /// imported by a version that did not measure it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_km2: Option<f64>,
}

/// A territory's shape: the boundaries it is made of and their GeoJSON geometries.
#[derive(Debug, Clone)]
pub struct TerritoryShape {
    /// The territory's own boundary, or the communes that make it up.
    pub parts: Vec<Boundary>,
    /// Each part's GeoJSON geometry, in the same order.
    pub geometries: Vec<String>,
}

const COLUMNS: &str = "kind, code, nom, departement, epci, west, south, east, north, vertices, population, \
                       source, imported_at, area_km2";

impl Catalog {
    /// Stores boundaries in one transaction, replacing those of the same kind and code.
    /// `source` names the file they came from.
    pub async fn import_boundaries(&self, items: &[BoundaryInput], source: &str) -> Result<u64> {
        let stamp = now();
        let mut tx = self.pool.begin().await?;
        for BoundaryInput { info, geometry } in items {
            sqlx::query(
                "INSERT INTO boundaries (kind, code, nom, departement, epci, west, south, east, north, \
                 vertices, geometry, source, imported_at, population, area_km2) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (kind, code) DO UPDATE SET nom = excluded.nom, \
                 departement = excluded.departement, epci = excluded.epci, west = excluded.west, \
                 south = excluded.south, east = excluded.east, north = excluded.north, \
                 vertices = excluded.vertices, geometry = excluded.geometry, \
                 source = excluded.source, imported_at = excluded.imported_at, \
                 population = excluded.population, area_km2 = excluded.area_km2",
            )
            .bind(info.kind.as_str())
            .bind(&info.code)
            .bind(&info.nom)
            .bind(&info.departement)
            .bind(&info.epci)
            .bind(info.bbox[0])
            .bind(info.bbox[1])
            .bind(info.bbox[2])
            .bind(info.bbox[3])
            .bind(info.vertices as i64)
            .bind(geometry)
            .bind(source)
            .bind(&stamp)
            .bind(info.population.map(|p| p as i64))
            .bind(serde_json::from_str::<Value>(geometry).map_or(0.0, |g| geojson_area_km2(&g)))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(items.len() as u64)
    }

    /// Boundaries of `kind` (any when `None`) whose code starts with `query` or whose name
    /// contains it (ASCII case ignored), by kind and code, at most `limit` from `offset`.
    pub async fn find_boundaries(
        &self,
        kind: Option<TerritoryKind>,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Boundary>> {
        super::check_search_text("q", query)?;
        // Built from constants only: the values are bound.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM boundaries WHERE ($1 = '' OR kind = $1) \
             AND (code LIKE $2 OR LOWER(nom) LIKE $3) ORDER BY kind, code LIMIT $4 OFFSET $5"
        )))
        .bind(kind.map(TerritoryKind::as_str).unwrap_or(""))
        .bind(format!("{}%", super::without_wildcards(query)))
        .bind(format!("%{}%", super::without_wildcards(&query.to_lowercase())))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(boundary_from_row).collect()
    }

    /// The stored boundaries among `keys` (kind and code, as projects name their territories),
    /// found by their key in a query per kind and per 500 codes, whatever their number (the
    /// pages listing every project name every territory).
    pub async fn boundaries_by_key(
        &self,
        keys: &[(TerritoryKind, String)],
    ) -> Result<HashMap<(TerritoryKind, String), Boundary>> {
        let mut found = HashMap::new();
        for kind in [
            TerritoryKind::Commune,
            TerritoryKind::Epci,
            TerritoryKind::Departement,
        ] {
            let codes: Vec<&str> = keys
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, code)| code.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            for chunk in codes.chunks(500) {
                // Built from constants and placeholders only: the values are bound.
                let sql = format!(
                    "SELECT {COLUMNS} FROM boundaries WHERE kind = $1 AND code IN ({})",
                    super::placeholders(2, chunk.len())
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(kind.as_str());
                for code in chunk {
                    query = query.bind(*code);
                }
                for row in query.fetch_all(&self.pool).await? {
                    let boundary = boundary_from_row(&row)?;
                    found.insert((kind, boundary.info.code.clone()), boundary);
                }
            }
        }
        Ok(found)
    }

    /// How many boundaries of each kind are stored.
    pub async fn boundary_counts(&self) -> Result<Vec<(TerritoryKind, u64)>> {
        let rows = sqlx::query("SELECT kind, COUNT(*) AS n FROM boundaries GROUP BY kind ORDER BY kind")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let kind = text_enum(row, "kind", TerritoryKind::parse)?;
                let count: i64 = row.try_get("n")?;
                Ok((kind, count as u64))
            })
            .collect()
    }

    /// A territory's shape: its own boundary when imported, otherwise (EPCI, département) the
    /// communes that name it. `NotFound` when neither is stored.
    pub async fn territory_shape(&self, kind: TerritoryKind, code: &str) -> Result<TerritoryShape> {
        let own = format!("SELECT {COLUMNS}, geometry FROM boundaries WHERE kind = $1 AND code = $2");
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(own))
            .bind(kind.as_str())
            .bind(code)
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() && kind != TerritoryKind::Commune {
            let column = match kind {
                TerritoryKind::Epci => "epci",
                _ => "departement",
            };
            rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS}, geometry FROM boundaries WHERE kind = 'commune' AND {column} = $1 \
                 ORDER BY code"
            )))
            .bind(code)
            .fetch_all(&self.pool)
            .await?;
        }
        if rows.is_empty() {
            return Err(CatalogError::NotFound {
                what: kind.as_str(),
                id: code.to_string(),
            });
        }
        let mut shape = TerritoryShape {
            parts: Vec::with_capacity(rows.len()),
            geometries: Vec::with_capacity(rows.len()),
        };
        for row in &rows {
            shape.parts.push(boundary_from_row(row)?);
            shape.geometries.push(row.try_get("geometry")?);
        }
        Ok(shape)
    }
}

fn boundary_from_row(row: &AnyRow) -> Result<Boundary> {
    let vertices: i64 = row.try_get("vertices")?;
    Ok(Boundary {
        info: BoundaryInfo {
            kind: text_enum(row, "kind", TerritoryKind::parse)?,
            code: row.try_get("code")?,
            nom: row.try_get("nom")?,
            departement: row.try_get("departement")?,
            epci: row.try_get("epci")?,
            bbox: [
                row.try_get("west")?,
                row.try_get("south")?,
                row.try_get("east")?,
                row.try_get("north")?,
            ],
            vertices: vertices as u64,
            population: row
                .try_get::<Option<i64>, _>("population")?
                .map(|p| p.max(0) as u64),
        },
        source: row.try_get("source")?,
        imported_at: row.try_get("imported_at")?,
        area_km2: row.try_get("area_km2")?,
    })
}
