//! Vector features: the files imported into a deliverable and their features, stored as the
//! vector module hands them over (JSON properties, ISO WKB geometry, box, CRS); on PostgreSQL,
//! PostGIS derives an indexed geometry column from the WKB. A file's features
//! are replaced in one transaction: readers see the old set or the new one, never a mix.

use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{now, Catalog, CatalogError, Result};

/// Rows inserted per statement (13 values each, well under SQLite's 32 766 parameters).
const ROWS_PER_INSERT: usize = 64;

/// One feature as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureRow {
    /// Its class (`FacadePCRS`).
    pub class: String,
    /// Its identifier (`gml:id`), unique in its deliverable.
    pub fid: String,
    /// EPSG code of its geometry.
    pub srid: Option<i64>,
    /// Whether its geometry has a z.
    pub has_z: bool,
    /// 2D box in its CRS (min x, min y, max x, max y).
    pub bbox: Option<[f64; 4]>,
    /// Properties, a JSON object.
    pub properties: String,
    /// Geometry, ISO WKB (PostGIS builds its indexed `geom` column from it).
    pub geometry: Option<Vec<u8>>,
}

/// A file imported into a deliverable.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorFileRecord {
    /// The deliverable.
    pub livrable_id: i64,
    /// Its path (in its storage, or on disk for `import-gml`).
    pub path: String,
    /// Size in bytes when imported.
    pub size: i64,
    /// Modification time when imported, if known.
    pub mtime: Option<String>,
    /// SHA-256 of its bytes.
    pub digest: String,
    /// Features imported.
    pub features: i64,
    /// The import report, JSON.
    pub report: String,
    /// When.
    pub imported_at: String,
}

/// An import under way: the file's previous features are gone inside the transaction, the new
/// ones are added batch by batch, and [`VectorImport::finish`] commits.
pub struct VectorImport {
    tx: Transaction<'static, Any>,
    /// SQLite: anonymous `?` placeholders. Binding a numbered one (`$7`) looks its name up in
    /// a list as long as the statement's: with 200 rows a statement, two thirds of an import
    /// went there.
    anonymous: bool,
    livrable_id: i64,
    path: String,
    next_seq: i64,
}

impl Catalog {
    /// The record of a file imported into `livrable_id`, if any.
    pub async fn vector_file(&self, livrable_id: i64, path: &str) -> Result<Option<VectorFileRecord>> {
        let row = sqlx::query("SELECT * FROM vector_files WHERE livrable_id = $1 AND path = $2")
            .bind(livrable_id)
            .bind(path)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(file_from_row).transpose()
    }

    /// The files imported into `livrable_id`, by path.
    pub async fn vector_files(&self, livrable_id: i64) -> Result<Vec<VectorFileRecord>> {
        let rows = sqlx::query("SELECT * FROM vector_files WHERE livrable_id = $1 ORDER BY path")
            .bind(livrable_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(file_from_row).collect()
    }

    /// Deliverables that hold imported features.
    pub async fn vector_livrables(&self) -> Result<Vec<i64>> {
        let rows = sqlx::query("SELECT DISTINCT livrable_id FROM vector_files ORDER BY livrable_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok(row.try_get("livrable_id")?)).collect()
    }

    /// Every feature of `livrable_id`, by file then document order.
    pub async fn livrable_features(&self, livrable_id: i64) -> Result<Vec<FeatureRow>> {
        self.livrable_feature_stream(livrable_id).try_collect().await
    }

    /// The same, row by row as the database sends them (a deliverable may hold millions).
    pub fn livrable_feature_stream(&self, livrable_id: i64) -> BoxStream<'_, Result<FeatureRow>> {
        sqlx::query(
            "SELECT class, fid, srid, has_z, west, south, east, north, properties, geometry \
             FROM features WHERE livrable_id = $1 ORDER BY path, seq",
        )
        .bind(livrable_id)
        .fetch(&self.pool)
        .map(|row| feature_from_row(&row?))
        .boxed()
    }

    /// Starts replacing the features of file `path` of `livrable_id`.
    pub async fn begin_vector_import(&self, livrable_id: i64, path: &str) -> Result<VectorImport> {
        let mut tx = self.pool.begin().await?;
        delete_file(&mut tx, livrable_id, path).await?;
        sqlx::query(
            "INSERT INTO vector_files (livrable_id, path, size, mtime, digest, features, report, imported_at) \
             VALUES ($1, $2, 0, NULL, '', 0, '{}', $3)",
        )
        .bind(livrable_id)
        .bind(path)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        Ok(VectorImport {
            tx,
            anonymous: self.backend == super::Backend::Sqlite,
            livrable_id,
            path: path.to_string(),
            next_seq: 0,
        })
    }

    /// Removes an imported file and its features.
    pub async fn delete_vector_file(&self, livrable_id: i64, path: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        delete_file(&mut tx, livrable_id, path).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl VectorImport {
    /// Adds features, in document order.
    pub async fn insert(&mut self, rows: &[FeatureRow]) -> Result<()> {
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let values: Vec<String> = (0..chunk.len())
                .map(|row| match self.anonymous {
                    true => format!("({})", ["?"; 13].join(", ")),
                    false => format!("({})", super::placeholders(row * 13 + 1, 13)),
                })
                .collect();
            let sql = format!(
                "INSERT INTO features (livrable_id, path, seq, class, fid, srid, has_z, west, south, \
                 east, north, properties, geometry) VALUES {}",
                values.join(", ")
            );
            // PostgreSQL types a prepared statement's parameters from its first execution: a
            // box or a CRS absent there (NULL, typed as an integer by the Any driver) would
            // refuse a number in a later one. Unnamed statements are typed afresh each time.
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(self.anonymous);
            for row in chunk {
                let bbox = row.bbox.map(|b| b.map(Some)).unwrap_or([None; 4]);
                query = query
                    .bind(self.livrable_id)
                    .bind(&self.path)
                    .bind(self.next_seq)
                    .bind(&row.class)
                    .bind(&row.fid)
                    .bind(row.srid)
                    .bind(i64::from(row.has_z))
                    .bind(bbox[0])
                    .bind(bbox[1])
                    .bind(bbox[2])
                    .bind(bbox[3])
                    .bind(&row.properties)
                    .bind(&row.geometry);
                self.next_seq += 1;
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Records the file and commits: the new features replace the old ones at once.
    pub async fn finish(mut self, size: i64, mtime: Option<&str>, digest: &str, report: &str) -> Result<()> {
        sqlx::query(
            "UPDATE vector_files SET size = $1, mtime = $2, digest = $3, features = $4, report = $5 \
             WHERE livrable_id = $6 AND path = $7",
        )
        .bind(size)
        .bind(mtime)
        .bind(digest)
        .bind(self.next_seq)
        .bind(report)
        .bind(self.livrable_id)
        .bind(&self.path)
        .execute(&mut *self.tx)
        .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

/// Deletes a file's record and features. Features go with their file (ON DELETE CASCADE);
/// they are deleted explicitly too, in case a SQLite connection runs without foreign keys.
async fn delete_file(tx: &mut Transaction<'static, Any>, livrable_id: i64, path: &str) -> Result<()> {
    for table in ["features", "vector_files"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE livrable_id = $1 AND path = $2"
        )))
        .bind(livrable_id)
        .bind(path)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn file_from_row(row: &AnyRow) -> Result<VectorFileRecord> {
    Ok(VectorFileRecord {
        livrable_id: row.try_get("livrable_id")?,
        path: row.try_get("path")?,
        size: row.try_get("size")?,
        mtime: row.try_get("mtime")?,
        digest: row.try_get("digest")?,
        features: row.try_get("features")?,
        report: row.try_get("report")?,
        imported_at: row.try_get("imported_at")?,
    })
}

fn feature_from_row(row: &AnyRow) -> Result<FeatureRow> {
    let corners: [Option<f64>; 4] = [
        row.try_get("west")?,
        row.try_get("south")?,
        row.try_get("east")?,
        row.try_get("north")?,
    ];
    let bbox = match corners {
        [Some(w), Some(s), Some(e), Some(n)] => Some([w, s, e, n]),
        [None, None, None, None] => None,
        _ => return Err(CatalogError::Corrupt("a feature box with missing corners".into())),
    };
    Ok(FeatureRow {
        class: row.try_get("class")?,
        fid: row.try_get("fid")?,
        srid: row.try_get("srid")?,
        has_z: row.try_get::<i64, _>("has_z")? != 0,
        bbox,
        properties: row.try_get("properties")?,
        geometry: row.try_get("geometry")?,
    })
}
