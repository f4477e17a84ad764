//! API keys and roles. Keys come from the configuration; a request presents one in
//! `X-API-Key` or `Authorization: Bearer`. Keys are compared by SHA-256 digest in constant time
//! and never logged.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use sha2::{Digest, Sha256};

use super::Problem;
use crate::catalog::Project;
use crate::config::{ApiKeyConfig, ApiRole};
use crate::storage::StorageType;

/// The configured keys, by digest.
#[derive(Debug, Clone, Default)]
pub struct ApiKeys {
    keys: Vec<KeyEntry>,
}

#[derive(Debug, Clone)]
struct KeyEntry {
    digest: [u8; 32],
    name: String,
    role: ApiRole,
    sirens: Vec<String>,
}

impl ApiKeys {
    /// Digests the configured keys (configuration was validated at load).
    pub fn from_config(keys: &[ApiKeyConfig]) -> ApiKeys {
        let keys = keys
            .iter()
            .map(|key| {
                let digest = match (&key.key_sha256, &key.key) {
                    (Some(hex), _) => decode_hex(hex),
                    (None, Some(plain)) => Sha256::digest(plain.expose().as_bytes()).into(),
                    (None, None) => [0; 32],
                };
                KeyEntry {
                    digest,
                    name: key.name.clone(),
                    role: key.role,
                    sirens: key.sirens.clone(),
                }
            })
            .collect();
        ApiKeys { keys }
    }

    fn find(&self, presented: &str) -> Option<&KeyEntry> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        // Compare against every key so timing does not reveal which one matched.
        let mut found = None;
        for entry in &self.keys {
            if constant_time_eq(&entry.digest, &digest) {
                found = Some(entry);
            }
        }
        found
    }
}

fn decode_hex(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0);
    }
    out
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No key: read-only access to public fields.
    Anonymous,
    /// An admin key: everything.
    Admin {
        /// The key's name.
        name: String,
    },
    /// A porteur key: its own projects.
    Porteur {
        /// The key's name.
        name: String,
        /// SIRENs it acts for.
        sirens: Vec<String>,
    },
}

impl Caller {
    /// Fails with 401 unless the caller presented a key.
    pub fn require_key(&self) -> Result<(), Problem> {
        match self {
            Caller::Anonymous => Err(Problem::unauthorized(
                "this operation needs an API key (X-API-Key header or Authorization: Bearer)",
            )),
            _ => Ok(()),
        }
    }

    /// Whether the caller may change `project`.
    pub fn can_manage(&self, project: &Project) -> bool {
        match self {
            Caller::Admin { .. } => true,
            Caller::Porteur { sirens, .. } => {
                project.owner_sirens().any(|s| sirens.iter().any(|own| own == s))
            }
            Caller::Anonymous => false,
        }
    }

    /// Fails with 401/403 unless the caller may change `project`.
    pub fn require_manage(&self, project: &Project) -> Result<(), Problem> {
        self.require_key()?;
        if self.can_manage(project) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this key may not change project {}: none of its SIRENs is an aplc or porteur actor of it",
                project.id
            )))
        }
    }

    /// Fails with 403 when a porteur declares a storage type reserved to admins.
    pub fn require_storage_type(&self, kind: StorageType) -> Result<(), Problem> {
        if kind == StorageType::File && !matches!(self, Caller::Admin { .. }) {
            return Err(Problem::forbidden(
                "type: `file` storages read the server's own disk and need an admin key",
            ));
        }
        Ok(())
    }

    /// The key's name, for logs.
    pub fn name(&self) -> &str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::Admin { name } | Caller::Porteur { name, .. } => name,
        }
    }
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = Ready<Result<Caller, Problem>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(identify(request))
    }
}

fn identify(request: &HttpRequest) -> Result<Caller, Problem> {
    let headers = request.headers();
    let presented = if let Some(value) = headers.get("x-api-key") {
        Some(value.to_str().unwrap_or_default().trim().to_string())
    } else if let Some(value) = headers.get("authorization") {
        let text = value.to_str().unwrap_or_default().trim();
        let token = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("bearer "))
            .ok_or_else(|| Problem::unauthorized("the Authorization header must be `Bearer <API key>`"))?;
        Some(token.trim().to_string())
    } else {
        None
    };
    let Some(presented) = presented else {
        return Ok(Caller::Anonymous);
    };
    let keys = request
        .app_data::<web::Data<ApiKeys>>()
        .ok_or_else(|| Problem::unavailable("server state missing"))?;
    match keys.find(&presented) {
        Some(entry) => Ok(match entry.role {
            ApiRole::Admin => Caller::Admin {
                name: entry.name.clone(),
            },
            ApiRole::Porteur => Caller::Porteur {
                name: entry.name.clone(),
                sirens: entry.sirens.clone(),
            },
        }),
        None => Err(Problem::unauthorized("the API key is not valid")),
    }
}
