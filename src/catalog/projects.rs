//! Projects and their nested records (territories, steps, actors, grants).

use std::collections::HashMap;

use sqlx::any::AnyRow;
// Dynamic SQL here is assembled from table names and `$n` placeholders only; values are bound.
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use super::model::*;
use super::{
    current_statut, is_unique_violation, now, placeholders, slugify, text_enum, today, validate, Catalog,
    CatalogError, Result,
};

impl Catalog {
    /// Validates and stores a new project; its slug derives from its name.
    pub async fn create_project(&self, input: &ProjectInput) -> Result<Project> {
        validate::project(input)?;
        let base = slugify(&input.nom);
        for attempt in 1..=50 {
            let slug = if attempt == 1 {
                base.clone()
            } else {
                format!("{base}-{attempt}")
            };
            let mut tx = self.pool.begin().await?;
            let stamp = now();
            let inserted = sqlx::query(
                "INSERT INTO projects (slug, nom, regime, nature, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(&slug)
            .bind(input.nom.trim())
            .bind(input.regime.as_str())
            .bind(input.nature.as_str())
            .bind(&stamp)
            .fetch_one(&mut *tx)
            .await;
            let id: i64 = match inserted {
                Ok(row) => row.try_get("id")?,
                Err(err) if is_unique_violation(&err) => continue,
                Err(err) => return Err(err.into()),
            };
            insert_children(&mut tx, id, input).await?;
            tx.commit().await?;
            return self.project(id).await;
        }
        Err(CatalogError::Conflict(format!(
            "too many projects are named like `{}`",
            input.nom
        )))
    }

    /// Replaces a project's fields (its id and slug stay).
    pub async fn replace_project(&self, id: i64, input: &ProjectInput) -> Result<Project> {
        validate::project(input)?;
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE projects SET nom = $1, regime = $2, nature = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(input.nom.trim())
        .bind(input.regime.as_str())
        .bind(input.nature.as_str())
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(not_found(id));
        }
        for table in ["perimetres", "jalons", "etapes", "acteurs", "subventions"] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE project_id = $1"
            )))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        insert_children(&mut tx, id, input).await?;
        tx.commit().await?;
        self.project(id).await
    }

    /// Deletes a project with its deliverables, storages, scans and dalles.
    pub async fn delete_project(&self, id: i64) -> Result<()> {
        let deleted = sqlx::query("DELETE FROM projects WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    /// One project.
    pub async fn project(&self, id: i64) -> Result<Project> {
        let row = sqlx::query("SELECT * FROM projects WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found(id))?;
        let mut projects = self.assemble(vec![row]).await?;
        Ok(projects.remove(0))
    }

    /// One project by slug.
    pub async fn project_by_slug(&self, slug: &str) -> Result<Project> {
        let row = sqlx::query("SELECT * FROM projects WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "project",
                id: slug.to_string(),
            })?;
        let mut projects = self.assemble(vec![row]).await?;
        Ok(projects.remove(0))
    }

    /// A page of projects, filtered, ordered by id.
    pub async fn list_projects(&self, query: &ProjectQuery) -> Result<Page<Project>> {
        let mut conditions = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        if let Some(q) = query.q.as_deref().filter(|q| !q.is_empty()) {
            super::check_search_text("q", q)?;
            binds.push(format!("%{}%", super::without_wildcards(&q.to_lowercase())));
            conditions.push(format!("LOWER(nom) LIKE ${}", binds.len()));
        }
        if let Some(perimetre) = &query.perimetre {
            let (kind, code) = perimetre.split_once(':').unwrap_or(("", perimetre));
            binds.push(kind.to_string());
            binds.push(code.to_string());
            conditions.push(format!(
                "id IN (SELECT project_id FROM perimetres WHERE kind = ${} AND code = ${})",
                binds.len() - 1,
                binds.len()
            ));
        }
        if let Some(siren) = &query.siren {
            binds.push(siren.clone());
            conditions.push(format!(
                "id IN (SELECT project_id FROM acteurs WHERE siren = ${})",
                binds.len()
            ));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let count_sql = format!("SELECT COUNT(*) AS n FROM projects {filter}");
        let mut count = sqlx::query(AssertSqlSafe(count_sql));
        for bind in &binds {
            count = count.bind(bind);
        }
        let total: i64 = count.fetch_one(&self.pool).await?.try_get("n")?;
        let page_sql = format!(
            "SELECT * FROM projects {filter} ORDER BY id LIMIT ${} OFFSET ${}",
            binds.len() + 1,
            binds.len() + 2
        );
        let mut page = sqlx::query(AssertSqlSafe(page_sql));
        for bind in &binds {
            page = page.bind(bind);
        }
        let rows = page
            .bind(query.limit)
            .bind(query.offset)
            .fetch_all(&self.pool)
            .await?;
        Ok(Page {
            items: self.assemble(rows).await?,
            total,
            limit: query.limit,
            offset: query.offset,
        })
    }

    /// Builds projects from their rows, loading every nested table once for the whole batch.
    async fn assemble(&self, rows: Vec<AnyRow>) -> Result<Vec<Project>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows
            .iter()
            .map(|row| row.try_get("id"))
            .collect::<Result<_, _>>()?;
        let children = |table: &str| {
            format!(
                "SELECT * FROM {table} WHERE project_id IN ({}) ORDER BY project_id, position",
                placeholders(1, ids.len())
            )
        };
        let perimetres = self.fetch_children(&children("perimetres"), &ids).await?;
        let etapes = self.fetch_children(&children("etapes"), &ids).await?;
        let jalons_sql = format!(
            "SELECT * FROM jalons WHERE project_id IN ({}) ORDER BY project_id, etape_position, position",
            placeholders(1, ids.len())
        );
        let jalons = self.fetch_children(&jalons_sql, &ids).await?;
        let acteurs = self.fetch_children(&children("acteurs"), &ids).await?;
        let subventions = self.fetch_children(&children("subventions"), &ids).await?;
        let today = today();
        rows.into_iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let perimetres = rows_of(&perimetres, id)
                    .map(|r| {
                        Ok(format!(
                            "{}:{}",
                            r.try_get::<String, _>("kind")?,
                            r.try_get::<String, _>("code")?
                        ))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let mut etapes = rows_of(&etapes, id)
                    .map(etape_from_row)
                    .collect::<Result<Vec<_>>>()?;
                attach_jalons(&mut etapes, rows_of(&jalons, id))?;
                let acteurs = rows_of(&acteurs, id)
                    .map(acteur_from_row)
                    .collect::<Result<Vec<_>>>()?;
                let subventions = rows_of(&subventions, id)
                    .map(subvention_from_row)
                    .collect::<Result<Vec<_>>>()?;
                Ok(Project {
                    id,
                    slug: row.try_get("slug")?,
                    nom: row.try_get("nom")?,
                    regime: text_enum(&row, "regime", Regime::parse)?,
                    nature: text_enum(&row, "nature", ProjectNature::parse)?,
                    statut: current_statut(&etapes, &today),
                    perimetres,
                    etapes,
                    acteurs,
                    subventions,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            })
            .collect()
    }

    async fn fetch_children(&self, sql: &str, ids: &[i64]) -> Result<HashMap<i64, Vec<AnyRow>>> {
        let mut query = sqlx::query(AssertSqlSafe(sql.to_string()));
        for id in ids {
            query = query.bind(*id);
        }
        let mut grouped: HashMap<i64, Vec<AnyRow>> = HashMap::new();
        for row in query.fetch_all(&self.pool).await? {
            grouped.entry(row.try_get("project_id")?).or_default().push(row);
        }
        Ok(grouped)
    }
}

fn rows_of(grouped: &HashMap<i64, Vec<AnyRow>>, id: i64) -> impl Iterator<Item = &AnyRow> {
    grouped.get(&id).into_iter().flatten()
}

fn not_found(id: i64) -> CatalogError {
    CatalogError::NotFound {
        what: "project",
        id: id.to_string(),
    }
}

async fn insert_children(tx: &mut Transaction<'_, Any>, id: i64, input: &ProjectInput) -> Result<()> {
    for (position, perimetre) in input.perimetres.iter().enumerate() {
        let (kind, code) = validate::parse_perimetre(perimetre).map_err(CatalogError::Conflict)?;
        sqlx::query("INSERT INTO perimetres (project_id, position, kind, code) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(position as i64)
            .bind(kind.as_str())
            .bind(code)
            .execute(&mut **tx)
            .await?;
    }
    for (position, etape) in input.etapes.iter().enumerate() {
        sqlx::query("INSERT INTO etapes (project_id, position, statut, date_debut) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(position as i64)
            .bind(etape.statut.as_str())
            .bind(&etape.date_debut)
            .execute(&mut **tx)
            .await?;
        for (rank, jalon) in etape.jalons.iter().enumerate() {
            sqlx::query(
                "INSERT INTO jalons (project_id, etape_position, position, nature, date, note) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(rank as i64)
            .bind(jalon.nature.as_str())
            .bind(&jalon.date)
            .bind(&jalon.note)
            .execute(&mut **tx)
            .await?;
        }
    }
    for (position, acteur) in input.acteurs.iter().enumerate() {
        sqlx::query(
            "INSERT INTO acteurs (project_id, position, siren, nom, interlocuteur, mail, telephone, \
             role, finance_part_perc, finance_part_euro) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&acteur.siren)
        .bind(&acteur.nom)
        .bind(&acteur.interlocuteur)
        .bind(&acteur.mail)
        .bind(&acteur.telephone)
        .bind(acteur.role.as_str())
        .bind(acteur.finance_part_perc)
        .bind(acteur.finance_part_euro)
        .execute(&mut **tx)
        .await?;
    }
    for (position, subvention) in input.subventions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO subventions (project_id, position, nom, nature, montant, echeance) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&subvention.nom)
        .bind(subvention.nature.as_str())
        .bind(subvention.montant)
        .bind(&subvention.echeance)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn etape_from_row(row: &AnyRow) -> Result<Etape> {
    Ok(Etape {
        statut: text_enum(row, "statut", EtapeStatut::parse)?,
        date_debut: row.try_get("date_debut")?,
        jalons: Vec::new(),
    })
}

/// Hands each milestone row (in order) to the step at its position.
fn attach_jalons<'a>(etapes: &mut [Etape], rows: impl Iterator<Item = &'a AnyRow>) -> Result<()> {
    for row in rows {
        let position: i64 = row.try_get("etape_position")?;
        let jalon = Jalon {
            nature: text_enum(row, "nature", JalonNature::parse)?,
            date: row.try_get("date")?,
            note: row.try_get("note")?,
        };
        if let Some(etape) = usize::try_from(position).ok().and_then(|p| etapes.get_mut(p)) {
            etape.jalons.push(jalon);
        }
    }
    Ok(())
}

fn acteur_from_row(row: &AnyRow) -> Result<Acteur> {
    Ok(Acteur {
        siren: row.try_get("siren")?,
        nom: row.try_get("nom")?,
        interlocuteur: row.try_get("interlocuteur")?,
        mail: row.try_get("mail")?,
        telephone: row.try_get("telephone")?,
        role: text_enum(row, "role", ActeurRole::parse)?,
        finance_part_perc: row.try_get("finance_part_perc")?,
        finance_part_euro: row.try_get("finance_part_euro")?,
    })
}

fn subvention_from_row(row: &AnyRow) -> Result<Subvention> {
    Ok(Subvention {
        nom: row.try_get("nom")?,
        nature: text_enum(row, "nature", SubventionNature::parse)?,
        montant: row.try_get("montant")?,
        echeance: row.try_get("echeance")?,
    })
}
