//! Extra per-dalle metadata a porteur attaches to a deliverable (tilt, overlap, acquisition
//! date, flight line…): a JSON object per dalle path, replaced whole by each upload.

use std::collections::HashMap;

use serde_json::{Map, Value};
use sqlx::Row;

use super::{now, Catalog, Result};

impl Catalog {
    /// Replaces a deliverable's extra metadata with `rows` (dalle path, properties), in one
    /// transaction; `source` names the uploaded file. Returns how many were stored.
    pub async fn replace_dalle_extras(
        &self,
        livrable_id: i64,
        rows: &[(String, Map<String, Value>)],
        source: &str,
    ) -> Result<u64> {
        let stamp = now();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM dalle_extras WHERE livrable_id = $1")
            .bind(livrable_id)
            .execute(&mut *tx)
            .await?;
        for (path, properties) in rows {
            sqlx::query(
                "INSERT INTO dalle_extras (livrable_id, path, properties, source, imported_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (livrable_id, path) DO UPDATE SET \
                 properties = excluded.properties, source = excluded.source, imported_at = excluded.imported_at",
            )
            .bind(livrable_id)
            .bind(path)
            .bind(Value::Object(properties.clone()).to_string())
            .bind(source)
            .bind(&stamp)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    /// A deliverable's extra metadata, by dalle path.
    pub async fn dalle_extras(&self, livrable_id: i64) -> Result<HashMap<String, Map<String, Value>>> {
        let rows = sqlx::query("SELECT path, properties FROM dalle_extras WHERE livrable_id = $1")
            .bind(livrable_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = HashMap::new();
        for row in rows {
            let path: String = row.try_get("path")?;
            let text: String = row.try_get("properties")?;
            if let Ok(Value::Object(properties)) = serde_json::from_str(&text) {
                out.insert(path, properties);
            }
        }
        Ok(out)
    }
}
