//! Storages: one active per deliverable; credentials sealed at rest; revocation forgets the
//! credentials and keeps the scan history.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::*;
use super::validate::{FieldError, ValidationErrors};
use super::{flag, now, text_enum, validate, Catalog, CatalogError, Result};
use crate::config::Secret;
use crate::storage::{StorageSpec, StorageType};

impl Catalog {
    /// Declares a deliverable's storage, or changes the active one. A change that leaves out
    /// `username` / `password` keeps the stored ones only while the target (protocol, host,
    /// port, URL origin) stays the same, so credentials never follow a storage to another
    /// server. A pinned SSH host key is forgotten when the target changes.
    pub async fn declare_storage(&self, livrable_id: i64, input: &StorageInput) -> Result<StorageRecord> {
        validate::storage(input)?;
        self.livrable(livrable_id).await?;
        let current = self.active_storage(livrable_id).await?;
        let same_target = current.as_ref().is_some_and(|c| same_target(c, input));
        let secrets = self.sealed_secrets(input, current.as_ref().filter(|_| same_target));
        secrets.check(input.kind)?;
        let host_key = current
            .as_ref()
            .filter(|_| same_target)
            .and_then(|c| c.host_key.clone());
        let id = match &current {
            Some(current) => {
                self.update_storage(current.id, input, &secrets, host_key.as_deref())
                    .await?;
                current.id
            }
            None => self.insert_storage(livrable_id, input, &secrets).await?,
        };
        self.storage(id).await
    }

    /// The credentials to store, sealed: those given (an empty one erases it), else those of
    /// `kept` (the current storage, when the target stays the same).
    fn sealed_secrets(&self, input: &StorageInput, kept: Option<&StorageRecord>) -> SealedSecrets {
        let seal = |given: &Option<String>, stored: Option<&String>| -> Option<String> {
            match given {
                Some(text) if text.is_empty() => None,
                Some(text) => Some(self.sealer.seal(text)),
                None => stored.cloned(),
            }
        };
        SealedSecrets {
            username: seal(&input.username, kept.and_then(|c| c.username_sealed.as_ref())),
            password: seal(&input.password, kept.and_then(|c| c.password_sealed.as_ref())),
            private_key: seal(
                &input.private_key,
                kept.and_then(|c| c.private_key_sealed.as_ref()),
            ),
        }
    }

    async fn update_storage(
        &self,
        id: i64,
        input: &StorageInput,
        secrets: &SealedSecrets,
        host_key: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE storages SET kind = $1, url = $2, host = $3, port = $4, path = $5, \
             username_sealed = $6, password_sealed = $7, tls = $8, tls_insecure = $9, \
             tls_ca_cert = $10, host_key = $11, credentials_public = $12, \
             download_allowed = $13, scan_interval = $14, updated_at = $15, private_key_sealed = $17 \
             WHERE id = $16",
        )
        .bind(input.kind.as_str())
        .bind(&input.url)
        .bind(input.host.as_deref().map(str::to_ascii_lowercase))
        .bind(input.port.map(i64::from))
        .bind(&input.path)
        .bind(&secrets.username)
        .bind(&secrets.password)
        .bind(input.tls_mode().as_str())
        .bind(input.tls_insecure)
        .bind(&input.tls_ca_cert)
        .bind(host_key)
        .bind(input.credentials_public)
        .bind(input.download_allowed)
        .bind(input.scan_interval)
        .bind(now())
        .bind(id)
        .bind(&secrets.private_key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn insert_storage(
        &self,
        livrable_id: i64,
        input: &StorageInput,
        secrets: &SealedSecrets,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO storages (livrable_id, kind, url, host, port, path, username_sealed, \
             password_sealed, tls, tls_insecure, tls_ca_cert, credentials_public, \
             download_allowed, scan_interval, created_at, updated_at, private_key_sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) \
             RETURNING id",
        )
        .bind(livrable_id)
        .bind(input.kind.as_str())
        .bind(&input.url)
        .bind(input.host.as_deref().map(str::to_ascii_lowercase))
        .bind(input.port.map(i64::from))
        .bind(&input.path)
        .bind(&secrets.username)
        .bind(&secrets.password)
        .bind(input.tls_mode().as_str())
        .bind(input.tls_insecure)
        .bind(&input.tls_ca_cert)
        .bind(input.credentials_public)
        .bind(input.download_allowed)
        .bind(input.scan_interval)
        .bind(now())
        .bind(&secrets.private_key)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// Revokes the deliverable's active storage: its credentials are erased; the record, its
    /// scans and its dalles stay.
    pub async fn revoke_storage(&self, livrable_id: i64) -> Result<StorageRecord> {
        let current = self
            .active_storage(livrable_id)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "storage of livrable",
                id: livrable_id.to_string(),
            })?;
        let stamp = now();
        sqlx::query(
            "UPDATE storages SET username_sealed = NULL, password_sealed = NULL, private_key_sealed = NULL, \
             tls_ca_cert = NULL, host_key = NULL, revoked_at = $1, updated_at = $1 WHERE id = $2",
        )
        .bind(&stamp)
        .bind(current.id)
        .execute(&self.pool)
        .await?;
        self.storage(current.id).await
    }

    /// Records the SSH host key seen on first connection (trust on first use).
    pub async fn pin_host_key(&self, storage_id: i64, host_key: &str) -> Result<()> {
        sqlx::query("UPDATE storages SET host_key = $1 WHERE id = $2 AND host_key IS NULL")
            .bind(host_key)
            .bind(storage_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The deliverable's active (not revoked) storage, if any.
    pub async fn active_storage(&self, livrable_id: i64) -> Result<Option<StorageRecord>> {
        sqlx::query("SELECT * FROM storages WHERE livrable_id = $1 AND revoked_at IS NULL")
            .bind(livrable_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(storage_from_row)
            .transpose()
    }

    /// One storage, active or revoked.
    pub async fn storage(&self, id: i64) -> Result<StorageRecord> {
        let row = sqlx::query("SELECT * FROM storages WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: "storage",
                id: id.to_string(),
            })?;
        storage_from_row(&row)
    }

    /// Every storage, revoked ones too, oldest first (for the change feeds).
    pub async fn all_storages(&self) -> Result<Vec<StorageRecord>> {
        sqlx::query("SELECT * FROM storages ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(storage_from_row)
            .collect()
    }

    /// The active storages of the deliverables whose ids are in `ids` (inclusive).
    pub async fn active_storages_of(&self, ids: (i64, i64)) -> Result<Vec<StorageRecord>> {
        sqlx::query("SELECT * FROM storages WHERE revoked_at IS NULL AND livrable_id BETWEEN $1 AND $2")
            .bind(ids.0)
            .bind(ids.1)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(storage_from_row)
            .collect()
    }

    /// Every active storage (for scheduling rescans).
    pub async fn active_storages(&self) -> Result<Vec<StorageRecord>> {
        sqlx::query("SELECT * FROM storages WHERE revoked_at IS NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(storage_from_row)
            .collect()
    }
}

/// Whether a change keeps the storage on the same server (so stored credentials may stay).
fn same_target(current: &StorageRecord, input: &StorageInput) -> bool {
    let origin = |url: Option<&str>| {
        url.and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
    };
    current.kind == input.kind
        && current.host.as_deref() == input.host.as_deref().map(str::to_ascii_lowercase).as_deref()
        && current.port == input.port
        && origin(current.url.as_deref()) == origin(input.url.as_deref())
}

fn storage_from_row(row: &AnyRow) -> Result<StorageRecord> {
    let port: Option<i64> = row.try_get("port")?;
    Ok(StorageRecord {
        id: row.try_get("id")?,
        livrable_id: row.try_get("livrable_id")?,
        kind: text_enum(row, "kind", StorageType::parse)?,
        url: row.try_get("url")?,
        host: row.try_get("host")?,
        port: port.map(|p| p as i32),
        path: row.try_get("path")?,
        username_sealed: row.try_get("username_sealed")?,
        password_sealed: row.try_get("password_sealed")?,
        private_key_sealed: row.try_get("private_key_sealed")?,
        tls: text_enum(row, "tls", TlsMode::parse)?,
        tls_insecure: flag(row, "tls_insecure")?,
        tls_ca_cert: row.try_get("tls_ca_cert")?,
        host_key: row.try_get("host_key")?,
        credentials_public: flag(row, "credentials_public")?,
        download_allowed: flag(row, "download_allowed")?,
        scan_interval: row.try_get("scan_interval")?,
        revoked_at: row.try_get("revoked_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Catalog {
    /// The connection settings of `record` with its credentials opened, each operation
    /// allowed `timeout`: what [`crate::storage::open`] needs to reach it.
    pub fn storage_spec(&self, record: &StorageRecord, timeout: std::time::Duration) -> Result<StorageSpec> {
        let open = |sealed: &Option<String>| -> Result<Option<Secret>> {
            sealed.as_deref().map(|s| self.open_secret(s)).transpose()
        };
        let key = format!("{}-s{}", self.instance(), record.id);
        let mut spec = match record.kind {
            StorageType::Http => {
                let url = record
                    .url
                    .as_deref()
                    .ok_or_else(|| CatalogError::Corrupt(format!("http storage {} has no URL", record.id)))?;
                StorageSpec::from_url(&key, url)
                    .map_err(|err| CatalogError::Corrupt(format!("storage {}: {}", record.id, err.0)))?
            }
            kind => {
                let mut spec = StorageSpec::new(&key, kind);
                spec.host = record.host.clone().unwrap_or_default();
                spec.tls = record.tls;
                spec.port = record
                    .port
                    .map(|p| p as u16)
                    .unwrap_or_else(|| crate::storage::default_port(kind, record.tls));
                spec.root = record.path.clone().unwrap_or_else(|| "/".into());
                spec
            }
        };
        spec.username = open(&record.username_sealed)?;
        spec.password = open(&record.password_sealed)?;
        spec.private_key = open(&record.private_key_sealed)?;
        spec.tls_insecure = record.tls_insecure;
        spec.tls_ca_cert = record.tls_ca_cert.clone();
        spec.host_key = record.host_key.clone();
        spec.timeout = timeout;
        Ok(spec)
    }
}

/// A storage's credentials, sealed, as they are about to be stored.
struct SealedSecrets {
    username: Option<String>,
    password: Option<String>,
    private_key: Option<String>,
}

impl SealedSecrets {
    /// An SFTP storage needs a username, and a password or a private key.
    fn check(&self, kind: StorageType) -> Result<()> {
        if kind != StorageType::Sftp {
            return Ok(());
        }
        let mut missing = Vec::new();
        if self.username.is_none() {
            missing.push(FieldError {
                field: "username".into(),
                message: "is required for an sftp storage".into(),
            });
        }
        if self.password.is_none() && self.private_key.is_none() {
            missing.push(FieldError {
                field: "password".into(),
                message: "an sftp storage needs a password or a private_key".into(),
            });
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(missing).into())
        }
    }
}
