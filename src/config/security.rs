//! `[security]`: the secret for credentials at rest, API keys, the hosts storages may name.

use serde::Deserialize;

use super::{KeyError, Secret};

/// `[security]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    /// Secret for credential encryption; empty = key file in the data dir.
    pub secret_key: Secret,
    /// Admin API keys.
    pub api_keys: Vec<ApiKeyConfig>,
    /// Hosts that storages may name (`name`, an IP address, or `*.domain`); empty = any.
    #[serde(default)]
    pub storage_hosts: Vec<String>,
    /// Hosts a WMS request's `SLD=` URL may name (same forms); empty = SLD by URL refused.
    #[serde(default)]
    pub sld_hosts: Vec<String>,
}

/// Whether `host` (a name or an IP address, brackets allowed) is among `allowed` (names, IP
/// addresses compared as addresses, `*.domain` for a domain and its subdomains).
pub fn host_listed(allowed: &[String], host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let address = host.parse::<std::net::IpAddr>().ok();
    allowed.iter().any(|entry| {
        let entry = entry
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        match entry.strip_prefix("*.") {
            Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
            // IP addresses compare as addresses: `0:0:0:0:0:0:0:1` is `::1`.
            None => match (address, entry.parse::<std::net::IpAddr>().ok()) {
                (Some(a), Some(b)) => a == b,
                _ => host == entry,
            },
        }
    })
}

/// One API key of `[[security.api_keys]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// Who holds it (shown in logs, never the key).
    pub name: String,
    /// What it may do.
    pub role: ApiRole,
    /// For porteurs: the SIRENs whose projects the key may change.
    #[serde(default)]
    pub sirens: Vec<String>,
    /// Hex SHA-256 of the key.
    #[serde(default)]
    pub key_sha256: Option<String>,
    /// The key in clear (prefer `key_sha256`).
    #[serde(default)]
    pub key: Option<Secret>,
}

/// Role of an API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiRole {
    /// Everything.
    Admin,
    /// Only its own projects.
    Porteur,
}

impl SecurityConfig {
    /// Checks storage host patterns and API keys, naming the entry at fault.
    pub fn check(&self) -> Result<(), KeyError> {
        for (index, host) in self.storage_hosts.iter().enumerate() {
            if !is_host_pattern(host) {
                return Err(KeyError::new(
                    format!("security.storage_hosts[{index}]"),
                    format!("`{host}` is not a host name, an IP address or `*.domain` (no scheme, port or path; write internationalised names in their xn-- form)"),
                ));
            }
        }
        for (index, key) in self.api_keys.iter().enumerate() {
            key.check(&|field: &str| format!("security.api_keys[{index}].{field}"))?;
        }
        Ok(())
    }
}

/// A host name, an IP address (IPv6 bare or bracketed), or `*.domain`.
fn is_host_pattern(host: &str) -> bool {
    let name = host.strip_prefix("*.").unwrap_or(host);
    let bracketed = name
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .is_some_and(|inner| inner.parse::<std::net::Ipv6Addr>().is_ok());
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && (!name.contains(':') || name.parse::<std::net::Ipv6Addr>().is_ok());
    plain || bracketed
}

impl ApiKeyConfig {
    /// Checks one key; `at` names its fields.
    fn check(&self, at: &dyn Fn(&str) -> String) -> Result<(), KeyError> {
        if self.name.trim().is_empty() {
            return Err(KeyError::new(at("name"), "must not be empty"));
        }
        match (&self.key_sha256, &self.key) {
            (Some(hex), None) => {
                if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(KeyError::new(at("key_sha256"), "must be 64 hex digits"));
                }
            }
            (None, Some(plain)) => {
                if plain.expose().len() < 16 {
                    return Err(KeyError::new(at("key"), "must be at least 16 characters"));
                }
            }
            _ => {
                return Err(KeyError::new(
                    at("key"),
                    "give exactly one of `key_sha256` and `key`",
                ))
            }
        }
        if self.role == ApiRole::Porteur && self.sirens.is_empty() {
            return Err(KeyError::new(
                at("sirens"),
                "a porteur key needs at least one SIREN",
            ));
        }
        Ok(())
    }
}
