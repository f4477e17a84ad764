//! Réutilisations: what others made of a project's data (a title, a link, a description and an
//! illustration's address), entered by its porteur and shown on the project's page.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::validate::{FieldError, ValidationErrors};
use super::{now, Catalog, CatalogError, Result};

/// A réutilisation as submitted.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReutilisationInput {
    /// Title (3 to 200 characters).
    #[schema(min_length = 3, max_length = 200)]
    pub titre: String,
    /// Where to see it: an http(s) address.
    #[schema(pattern = "^https?://[^\\s]+$", max_length = 2000)]
    pub lien: String,
    /// What it is.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
    /// An illustration's http(s) address (linked from the page, not loaded by it).
    #[serde(default)]
    #[schema(pattern = "^https?://[^\\s]+$", max_length = 2000)]
    pub image: Option<String>,
}

/// A stored réutilisation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reutilisation {
    /// Identifier.
    pub id: i64,
    /// Title.
    pub titre: String,
    /// Where to see it.
    pub lien: String,
    /// What it is.
    pub description: String,
    /// An illustration's address.
    pub image: Option<String>,
    /// When it was entered (RFC 3339).
    pub created_at: String,
}

/// Whether `text` is an http(s) address without spaces (the pattern the OpenAPI document
/// declares; "spaces" as Python's `\s`, which schemathesis uses, counts them).
fn is_address(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest
                .chars()
                .any(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
    })
}

impl ReutilisationInput {
    fn check(&self) -> std::result::Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        if !(3..=200).contains(&self.titre.chars().count()) {
            fail("titre", "must be 3 to 200 characters long");
        }
        if !is_address(&self.lien) || self.lien.chars().count() > 2000 {
            fail("lien", "must be an http:// or https:// address without spaces");
        }
        if self.description.chars().count() > 2000 {
            fail("description", "must be at most 2000 characters long");
        }
        if let Some(image) = &self.image {
            if !is_address(image) || image.chars().count() > 2000 {
                fail("image", "must be an http:// or https:// address without spaces");
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }
}

impl Catalog {
    /// Adds a réutilisation to a project.
    pub async fn add_reutilisation(
        &self,
        project_id: i64,
        input: &ReutilisationInput,
    ) -> Result<Reutilisation> {
        input.check()?;
        let stamp = now();
        let row = sqlx::query(
            "INSERT INTO reutilisations (project_id, titre, lien, description, image, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(project_id)
        .bind(&input.titre)
        .bind(&input.lien)
        .bind(&input.description)
        .bind(&input.image)
        .bind(&stamp)
        .fetch_one(&self.pool)
        .await?;
        Ok(Reutilisation {
            id: row.try_get("id")?,
            titre: input.titre.clone(),
            lien: input.lien.clone(),
            description: input.description.clone(),
            image: input.image.clone(),
            created_at: stamp,
        })
    }

    /// A project's réutilisations, oldest first.
    pub async fn reutilisations(&self, project_id: i64) -> Result<Vec<Reutilisation>> {
        let rows = sqlx::query("SELECT * FROM reutilisations WHERE project_id = $1 ORDER BY id")
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Reutilisation {
                    id: row.try_get("id")?,
                    titre: row.try_get("titre")?,
                    lien: row.try_get("lien")?,
                    description: row.try_get("description")?,
                    image: row.try_get("image")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(CatalogError::from)
    }

    /// Deletes one of a project's réutilisations; false when it has none of that id.
    pub async fn delete_reutilisation(&self, project_id: i64, id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM reutilisations WHERE project_id = $1 AND id = $2")
            .bind(project_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_what_the_schema_says() {
        assert!(is_address("https://data.example.fr/carte"));
        assert!(!is_address("https://"));
        assert!(!is_address("ftp://example.fr"));
        assert!(!is_address("https://a b"));
        assert!(!is_address("https://a\u{1c}b"), "Python's \\s counts it");
    }
}
