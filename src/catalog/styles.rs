//! SLD documents uploaded through the API, kept whole; what they mean is the vector module's.

use sqlx::Row;

use super::{now, Catalog, CatalogError, Result};

/// An uploaded SLD document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleDocument {
    /// Name given at upload (`/api/styles/{name}`).
    pub name: String,
    /// The document as uploaded.
    pub body: String,
    /// Name of the API key that uploaded it.
    pub uploaded_by: String,
    /// When (RFC 3339).
    pub uploaded_at: String,
}

impl Catalog {
    /// Stores a document under `name`, replacing one of that name; true when it replaced one.
    pub async fn put_style_document(&self, name: &str, body: &str, by: &str) -> Result<bool> {
        let existed = self.style_document(name).await?.is_some();
        sqlx::query(
            "INSERT INTO style_documents (name, body, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET body = excluded.body, uploaded_by = excluded.uploaded_by, \
             uploaded_at = excluded.uploaded_at",
        )
        .bind(name)
        .bind(body)
        .bind(by)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(existed)
    }

    /// Every document, by name.
    pub async fn style_documents(&self) -> Result<Vec<StyleDocument>> {
        let rows =
            sqlx::query("SELECT name, body, uploaded_by, uploaded_at FROM style_documents ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(document_from_row).collect()
    }

    /// One document.
    pub async fn style_document(&self, name: &str) -> Result<Option<StyleDocument>> {
        let row =
            sqlx::query("SELECT name, body, uploaded_by, uploaded_at FROM style_documents WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(document_from_row).transpose()
    }

    /// Deletes a document; false when there was none. A document a deliverable names is kept
    /// (a conflict naming them): the deliverable must name another first.
    pub async fn delete_style_document(&self, name: &str) -> Result<bool> {
        let users = sqlx::query("SELECT slug FROM livrables WHERE style = $1 ORDER BY slug")
            .bind(name)
            .fetch_all(&self.pool)
            .await?;
        if !users.is_empty() {
            let slugs = users
                .iter()
                .map(|row| row.try_get::<String, _>("slug"))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            return Err(CatalogError::Conflict(format!(
                "style document `{name}` is the style of {}; name another there first",
                slugs.join(", ")
            )));
        }
        let done = sqlx::query("DELETE FROM style_documents WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

fn document_from_row(row: &sqlx::any::AnyRow) -> Result<StyleDocument> {
    Ok(StyleDocument {
        name: row.try_get("name")?,
        body: row.try_get("body")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}
