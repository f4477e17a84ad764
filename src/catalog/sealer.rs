//! Encryption of storage credentials at rest: XChaCha20-Poly1305 with a key derived from the
//! configured secret. Sealed values are `v1.` + base64(nonce ‖ ciphertext ‖ tag).

use std::path::Path;

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::config::Secret;

const PREFIX: &str = "v1.";
const NONCE_LEN: usize = 24;
/// Binds sealed values to their purpose: a credential sealed here can't be replayed elsewhere.
const ASSOCIATED_DATA: &[u8] = b"dallage storage credential";

/// Why a secret could not be set up or opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The key file could not be read or created.
    #[error("secret key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A sealed value is damaged or was sealed with another secret.
    #[error("a stored credential can't be decrypted: the secret key changed or the value is damaged")]
    Open,
}

/// Seals and opens credentials.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// A sealer keyed by `secret` (any length; hashed into a 256-bit key).
    pub fn from_secret(secret: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"dallage credentials key v1\0");
        hasher.update(secret.as_bytes());
        let key = hasher.finalize();
        Sealer {
            cipher: XChaCha20Poly1305::new(&key),
        }
    }

    /// The configured secret, or the key file in `data_dir` (created with mode 0600 when missing).
    pub fn from_config(secret: &Secret, data_dir: &Path) -> Result<Self, SealError> {
        if !secret.expose().is_empty() {
            return Ok(Self::from_secret(secret.expose()));
        }
        let path = data_dir.join("secret.key");
        let key_file_error = |source| SealError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) if !text.trim().is_empty() => Ok(Self::from_secret(text.trim())),
            Ok(_) => Err(key_file_error(std::io::Error::other("file is empty"))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(key_file_error)?;
                let key = B64.encode(XChaCha20Poly1305::generate_key(&mut OsRng));
                write_private(&path, &key).map_err(key_file_error)?;
                Ok(Self::from_secret(&key))
            }
            Err(err) => Err(key_file_error(err)),
        }
    }

    /// Encrypts `plain` with a fresh random nonce.
    pub fn seal(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: ASSOCIATED_DATA,
        };
        // Encryption only fails for messages beyond 256 GiB.
        let ciphertext = self
            .cipher
            .encrypt(&nonce, payload)
            .expect("credential fits in memory");
        let mut bytes = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", B64.encode(bytes))
    }

    /// Decrypts a value made by [`Sealer::seal`].
    pub fn open(&self, sealed: &str) -> Result<Secret, SealError> {
        let encoded = sealed.strip_prefix(PREFIX).ok_or(SealError::Open)?;
        let bytes = B64.decode(encoded).map_err(|_| SealError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: ASSOCIATED_DATA,
        };
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SealError::Open)?;
        String::from_utf8(plain).map(Secret).map_err(|_| SealError::Open)
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open() {
        let sealer = Sealer::from_secret("correct horse battery staple");
        let sealed = sealer.seal("p@ssw0rd");
        assert!(!sealed.contains("p@ssw0rd"));
        assert_ne!(sealed, sealer.seal("p@ssw0rd"), "nonces must differ");
        assert_eq!(sealer.open(&sealed).unwrap().expose(), "p@ssw0rd");
        let other = Sealer::from_secret("another secret");
        assert!(other.open(&sealed).is_err());
        // One character of the ciphertext changed (not the last, whose low bits may be
        // padding, and never to itself): the tag no longer matches.
        let middle = sealed.len() / 2;
        let changed = if &sealed[middle..=middle] == "A" { "B" } else { "A" };
        let damaged = format!("{}{changed}{}", &sealed[..middle], &sealed[middle + 1..]);
        assert_ne!(damaged, sealed);
        assert!(sealer.open(&damaged).is_err());
    }

    #[test]
    fn key_file_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = Sealer::from_config(&Secret::default(), dir.path()).unwrap();
        let sealed = first.seal("x");
        let second = Sealer::from_config(&Secret::default(), dir.path()).unwrap();
        assert_eq!(second.open(&sealed).unwrap().expose(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
