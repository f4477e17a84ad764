//! The catalogue: the model and its persistence. SQLite by default, PostgreSQL + PostGIS when
//! several instances share one catalogue; the same migrations (in two dialects) and the same
//! queries run on both through sqlx's `Any` driver. Nothing outside this module touches SQL.

mod boundaries;
mod extras;
mod features;
mod feeds;
mod livrables;
mod model;
mod projects;
mod reutilisations;
mod scans;
mod sealer;
mod storages;
mod styles;
pub mod validate;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

pub use boundaries::{geojson_area_km2, Boundary, BoundaryInfo, BoundaryInput, TerritoryShape};
pub use features::{FeatureRow, VectorFileRecord, VectorImport};
pub use feeds::ImageGroup;
pub use model::*;
pub use reutilisations::{Reutilisation, ReutilisationInput};
pub use scans::{DalleRecord, FileChange, ListedFile, ProbeOutcome, ScanEvent, ScanProgress, ScanRecord};
pub use sealer::{SealError, Sealer};
pub use styles::StyleDocument;
pub use validate::{FieldError, ValidationErrors};

use crate::config::{CatalogConfig, Secret};

/// Which database holds the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL with PostGIS.
    Postgres,
}

/// Errors of catalogue operations.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The database could not be reached or opened.
    #[error("cannot open the catalogue at {url}: {source}")]
    Connect {
        /// The URL, password removed.
        url: String,
        /// Why.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("catalogue migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("catalogue query failed: {0}")]
    Query(#[from] sqlx::Error),
    /// No such record.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// Kind of record.
        what: &'static str,
        /// Its identifier.
        id: String,
    },
    /// The submission is invalid.
    #[error("invalid submission: {0}")]
    Invalid(#[from] ValidationErrors),
    /// The change conflicts with stored data.
    #[error("{0}")]
    Conflict(String),
    /// A credential could not be decrypted.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// The database holds a value this version does not understand.
    #[error("catalogue holds an unexpected value: {0}")]
    Corrupt(String),
}

pub use crate::config::MAX_SEARCH_TEXT;

/// Refuses a search text longer than [`MAX_SEARCH_TEXT`] as an invalid `field`.
fn check_search_text(field: &str, text: &str) -> Result<()> {
    let length = text.chars().count();
    if length > MAX_SEARCH_TEXT {
        return Err(CatalogError::Invalid(ValidationErrors(vec![FieldError {
            field: field.to_string(),
            message: format!("is {length} characters long; a search text has at most {MAX_SEARCH_TEXT}"),
        }])));
    }
    Ok(())
}

/// A search text without LIKE's wildcards, so `%` or `_` typed by a user match nothing special
/// (SQLite and PostgreSQL escape them differently; dropping them works on both).
fn without_wildcards(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '%' | '_')).collect()
}

/// Result of catalogue operations.
pub type Result<T, E = CatalogError> = std::result::Result<T, E>;

/// Handle on the catalogue; cheap to clone.
#[derive(Clone, Debug)]
pub struct Catalog {
    pool: AnyPool,
    backend: Backend,
    sealer: Sealer,
    instance: std::sync::Arc<str>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Catalog {
    /// Connects (creating a SQLite file and its folder when missing) and runs the migrations.
    pub async fn connect(config: &CatalogConfig, sealer: Sealer) -> Result<Catalog> {
        sqlx::any::install_default_drivers();
        let (url, backend) = prepare_url(&config.url)?;
        let connect_error = |source| CatalogError::Connect {
            url: redact_url(&config.url),
            source,
        };
        let options = AnyConnectOptions::from_str(&url).map_err(connect_error)?;
        let pool = AnyPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(config.connect_timeout.0)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        if backend == Backend::Sqlite {
            // WAL lets readers go on while a scan writes; the setting is stored in the file.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        Ok(Catalog {
            pool,
            backend,
            sealer,
            instance: uuid::Uuid::new_v4().simple().to_string()[..8].into(),
        })
    }

    /// A short token unique to this handle, so keys derived from catalogue ids (storage keys
    /// in GDAL paths and cache keys) can't collide between two catalogues in one process.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers, within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> Result<()> {
        let query = sqlx::query("SELECT 1").fetch_one(&self.pool);
        match tokio::time::timeout(timeout, query).await {
            Ok(result) => result.map(|_| ()).map_err(CatalogError::from),
            Err(_) => Err(CatalogError::Query(sqlx::Error::PoolTimedOut)),
        }
    }

    /// Opens a sealed credential.
    pub fn open_secret(&self, sealed: &str) -> Result<Secret> {
        Ok(self.sealer.open(sealed)?)
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Adds what SQLite URLs need (create when missing) and makes the folder.
fn prepare_url(url: &str) -> Result<(String, Backend)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), Backend::Postgres));
    }
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Err(CatalogError::Corrupt(format!(
            "unsupported catalogue URL {}",
            redact_url(url)
        )));
    };
    let path = rest.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or(path);
    if !path.is_empty() && path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|err| CatalogError::Connect {
                    url: url.to_string(),
                    source: sqlx::Error::Io(err),
                })?;
            }
        }
    }
    let url = if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    Ok((url, Backend::Sqlite))
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Current time as stored: RFC 3339, UTC, seconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today as stored: YYYY-MM-DD (UTC).
pub(crate) fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// Reads a flag stored as BOOLEAN (PostgreSQL) or 0/1 (SQLite).
fn flag(row: &AnyRow, column: &str) -> Result<bool> {
    match row.try_get::<bool, _>(column) {
        Ok(value) => Ok(value),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}

/// Reads a text column holding one of an enum's values.
fn text_enum<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| CatalogError::Corrupt(format!("{column} = `{text}`")))
}

/// Reads an optional text column holding one of an enum's values.
fn opt_text_enum<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|text| parse(&text).ok_or_else(|| CatalogError::Corrupt(format!("{column} = `{text}`"))))
        .transpose()
}

/// Whether an error is a unique-constraint violation (to retry with another slug).
fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.message().contains("UNIQUE constraint failed")
                || db.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}

/// `$1, $2, ...` placeholders from `start` (1-based), for `IN (...)` lists.
fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A URL-safe, lowercase ASCII slug: accents folded, other characters turned into dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if slug.is_empty() {
        slug.push('x');
    }
    slug.truncate(80);
    slug.trim_end_matches('-').to_string()
}

fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'Ñ' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        'ß' => "ss",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("PCRS Métropole de Lyon — 2024"),
            "pcrs-metropole-de-lyon-2024"
        );
        assert_eq!(slugify("  Œuvre / Çà et là  "), "oeuvre-ca-et-la");
        assert_eq!(slugify("///"), "x");
    }

    #[test]
    fn urls() {
        assert_eq!(
            redact_url("postgres://u:pw@localhost:5/db"),
            "postgres://u:***@localhost:5/db"
        );
        let (url, backend) = prepare_url("sqlite::memory:").unwrap();
        assert_eq!(
            (url.as_str(), backend),
            ("sqlite::memory:?mode=rwc", Backend::Sqlite)
        );
    }
}
