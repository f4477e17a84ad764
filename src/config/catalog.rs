//! `[catalog]`: the catalogue database.

use serde::Deserialize;

use super::{KeyError, Seconds};

/// `[catalog]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// `sqlite://PATH` or `postgres://...`.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// Connection timeout.
    pub connect_timeout: Seconds,
}

impl CatalogConfig {
    /// Checks the URL's scheme and the pool size.
    pub fn check(&self) -> Result<(), KeyError> {
        let url = &self.url;
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(KeyError::new(
                "catalog.url",
                format!("`{url}` is neither sqlite://PATH nor postgres://..."),
            ));
        }
        if self.max_connections == 0 {
            return Err(KeyError::new("catalog.max_connections", "must be at least 1"));
        }
        Ok(())
    }
}
