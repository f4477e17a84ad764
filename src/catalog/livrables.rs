//! Deliverables.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use super::{
    is_unique_violation, now, opt_text_enum, slugify, text_enum, validate, Catalog, CatalogError, Result,
};

impl Catalog {
    /// Validates and stores a new deliverable of project `project_id`. Its slug (the layer and
    /// collection id) joins the project's slug and the deliverable's name, and never changes.
    pub async fn create_livrable(&self, project_id: i64, input: &LivrableInput) -> Result<Livrable> {
        validate::livrable(input)?;
        self.check_style_named(input).await?;
        let project = self.project(project_id).await?;
        let base = slugify(&format!("{}-{}", project.slug, input.nom));
        for attempt in 1..=50 {
            let slug = if attempt == 1 {
                base.clone()
            } else {
                format!("{base}-{attempt}")
            };
            let inserted = sqlx::query(
                "INSERT INTO livrables (project_id, slug, nom, nature, licence, diffusion, \
                 date_livraison, avancement, crs, style, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(project_id)
            .bind(&slug)
            .bind(input.nom.trim())
            .bind(input.nature.as_str())
            .bind(input.licence.as_str())
            .bind(input.diffusion.map(|d| d.as_str()))
            .bind(&input.date_livraison)
            .bind(input.avancement)
            .bind(input.crs.map(i64::from))
            .bind(&input.style)
            .bind(now())
            .fetch_one(&self.pool)
            .await;
            match inserted {
                Ok(row) => return self.livrable(row.try_get("id")?).await,
                Err(err) if is_unique_violation(&err) => continue,
                Err(err) => return Err(err.into()),
            }
        }
        Err(CatalogError::Conflict(format!(
            "too many deliverables are named like `{}`",
            input.nom
        )))
    }

    /// Replaces a deliverable's fields (its id, project and slug stay).
    pub async fn replace_livrable(&self, id: i64, input: &LivrableInput) -> Result<Livrable> {
        validate::livrable(input)?;
        self.check_style_named(input).await?;
        let updated = sqlx::query(
            "UPDATE livrables SET nom = $1, nature = $2, licence = $3, diffusion = $4, \
             date_livraison = $5, avancement = $6, crs = $7, style = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(input.nom.trim())
        .bind(input.nature.as_str())
        .bind(input.licence.as_str())
        .bind(input.diffusion.map(|d| d.as_str()))
        .bind(&input.date_livraison)
        .bind(input.avancement)
        .bind(input.crs.map(i64::from))
        .bind(&input.style)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(not_found(id));
        }
        self.livrable(id).await
    }

    /// Refuses a `style` that names no uploaded document.
    async fn check_style_named(&self, input: &LivrableInput) -> Result<()> {
        let Some(name) = &input.style else {
            return Ok(());
        };
        if self.style_document(name).await?.is_some() {
            return Ok(());
        }
        Err(validate::field_error(
            "style",
            format!("no style document `{name}` was uploaded (PUT /api/styles/{{name}} first)"),
        )
        .into())
    }

    /// Every deliverable that names a style document, with that name.
    pub async fn livrable_styles(&self) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query("SELECT id, style FROM livrables WHERE style IS NOT NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("style")?)))
            .collect()
    }

    /// Deletes a deliverable with its storages, scans and dalles.
    pub async fn delete_livrable(&self, id: i64) -> Result<()> {
        let deleted = sqlx::query("DELETE FROM livrables WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    /// One deliverable.
    pub async fn livrable(&self, id: i64) -> Result<Livrable> {
        let row = sqlx::query("SELECT * FROM livrables WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found(id))?;
        livrable_from_row(&row)
    }

    /// One deliverable by slug.
    pub async fn livrable_by_slug(&self, slug: &str) -> Result<Livrable> {
        let row = sqlx::query("SELECT * FROM livrables WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "livrable",
                id: slug.to_string(),
            })?;
        livrable_from_row(&row)
    }

    /// The deliverables of one project, in creation order.
    pub async fn project_livrables(&self, project_id: i64) -> Result<Vec<Livrable>> {
        sqlx::query("SELECT * FROM livrables WHERE project_id = $1 ORDER BY id")
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(livrable_from_row)
            .collect()
    }

    /// Every deliverable by project id, each project's in creation order, in one query (the
    /// pages listing every project).
    pub async fn livrables_by_project(&self) -> Result<std::collections::HashMap<i64, Vec<Livrable>>> {
        let mut grouped: std::collections::HashMap<i64, Vec<Livrable>> = std::collections::HashMap::new();
        for row in sqlx::query("SELECT * FROM livrables ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            let livrable = livrable_from_row(&row)?;
            grouped.entry(livrable.project_id).or_default().push(livrable);
        }
        Ok(grouped)
    }

    /// A page of every deliverable, in creation order.
    pub async fn list_livrables(&self, limit: i64, offset: i64) -> Result<Page<Livrable>> {
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM livrables")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let items = sqlx::query("SELECT * FROM livrables ORDER BY id LIMIT $1 OFFSET $2")
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(livrable_from_row)
            .collect::<Result<_>>()?;
        Ok(Page {
            items,
            total,
            limit,
            offset,
        })
    }
}

fn not_found(id: i64) -> CatalogError {
    CatalogError::NotFound {
        what: "livrable",
        id: id.to_string(),
    }
}

fn livrable_from_row(row: &AnyRow) -> Result<Livrable> {
    let crs: Option<i64> = row.try_get("crs")?;
    Ok(Livrable {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        slug: row.try_get("slug")?,
        nom: row.try_get("nom")?,
        nature: text_enum(row, "nature", LivrableNature::parse)?,
        licence: text_enum(row, "licence", Licence::parse)?,
        diffusion: opt_text_enum(row, "diffusion", Diffusion::parse)?,
        date_livraison: row.try_get("date_livraison")?,
        avancement: row.try_get("avancement")?,
        crs: crs.map(|c| c as i32),
        style: row.try_get("style")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}
