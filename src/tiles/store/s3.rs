//! The optional S3-compatible tier of the tile cache, below memory and disk: a bucket that
//! several instances can share and that outlives any one machine. Objects follow the disk
//! tier's layout (`<prefix><layer>/<tms>/<z>/<col>/<row>.<ext>`). Requests are signed (AWS
//! Signature V4, as presigned URLs) and sent with the server's HTTP client. The tier never
//! fails a tile: when the bucket does not answer, the tile is drawn and the fault counted and
//! logged. It keeps no quota: expiry belongs to the bucket's lifecycle rules.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use rusty_s3::actions::{DeleteObjects, GetObject, ListObjectsV2, ObjectIdentifier, PutObject, S3Action};
use rusty_s3::{Bucket, Credentials};

use async_trait::async_trait;

use super::{Doomed, StoreStats, TileStore};
use crate::config::S3Config;
use crate::tiles::key::{parse_relative, TileKey};

/// How long a signed request stays valid (it is sent at once).
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(300);
/// Most keys one DeleteObjects request may name (the S3 limit).
const DELETE_BATCH: usize = 1000;

/// A bucket holding tiles.
pub struct S3Store {
    bucket: Bucket,
    credentials: Credentials,
    prefix: String,
    client: reqwest::Client,
    /// Tiles read back from the bucket.
    pub hits: AtomicU64,
    /// Requests the bucket failed or did not answer.
    pub errors: AtomicU64,
}

impl S3Store {
    /// The tier for `settings`; an error naming what is wrong with them.
    pub fn new(settings: &S3Config) -> Result<S3Store, String> {
        let bucket = settings
            .bucket()
            .map_err(|err| format!("{}: {}", err.key, err.message))?;
        let client = reqwest::Client::builder()
            .timeout(settings.timeout.0)
            .build()
            .map_err(|err| format!("cache.s3: {err}"))?;
        Ok(S3Store {
            bucket,
            credentials: Credentials::new(settings.access_key.clone(), settings.secret_key.expose()),
            prefix: settings.prefix.clone(),
            client,
            hits: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }

    fn object(&self, key: &TileKey) -> String {
        format!("{}{}", self.prefix, key.relative_path().to_string_lossy())
    }

    /// Counts and logs a fault; the tile is drawn instead.
    fn fault(&self, what: &str, object: &str, detail: impl std::fmt::Display) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(object, error = %detail, "tile bucket: {what} failed");
    }

    /// The tile's bytes, or `None` when the bucket does not hold it (or does not answer).
    async fn read(&self, key: &TileKey) -> Option<Bytes> {
        let object = self.object(key);
        let url = GetObject::new(&self.bucket, Some(&self.credentials), &object).sign(SIGNATURE_LIFETIME);
        let response = match self.client.get(url).send().await {
            Ok(response) => response,
            Err(err) => {
                self.fault("read", &object, err.without_url());
                return None;
            }
        };
        match response.status().as_u16() {
            200 => match response.bytes().await {
                Ok(bytes) => {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    Some(bytes)
                }
                Err(err) => {
                    self.fault("read", &object, err.without_url());
                    None
                }
            },
            404 => None,
            status => {
                self.fault("read", &object, format!("HTTP {status}"));
                None
            }
        }
    }

    /// Stores a tile (a failure only costs a later re-render).
    async fn write(&self, key: &TileKey, bytes: &Bytes) {
        let object = self.object(key);
        let url = PutObject::new(&self.bucket, Some(&self.credentials), &object).sign(SIGNATURE_LIFETIME);
        let sent = self
            .client
            .put(url)
            .header(reqwest::header::CONTENT_TYPE, key.format.mime_of(bytes))
            .body(bytes.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {}
            Ok(response) => self.fault("write", &object, format!("HTTP {}", response.status())),
            Err(err) => self.fault("write", &object, err.without_url()),
        }
    }

    /// Deletes one tile.
    async fn remove(&self, key: &TileKey) {
        let object = self.object(key);
        self.delete(vec![object]).await;
    }

    /// Deletes every tile of `layer` (of every layer when `None`) that `doomed` selects
    /// (given set, level, row, column); returns how many.
    async fn remove_where(&self, layer: Option<&str>, doomed: Doomed) -> u64 {
        let listed = match layer {
            Some(layer) => format!("{}{layer}/", self.prefix),
            None => self.prefix.clone(),
        };
        let mut removed = 0;
        let mut token: Option<String> = None;
        loop {
            let Some((keys, next)) = self.list(&listed, token.as_deref()).await else {
                break;
            };
            let chosen: Vec<String> = keys
                .into_iter()
                .filter(|object| {
                    let relative = object.strip_prefix(listed.as_str());
                    // Without a layer, the first part of each key is its layer.
                    let tile = match layer {
                        Some(_) => relative,
                        None => relative.and_then(|r| r.split_once('/')).map(|(_, tile)| tile),
                    };
                    tile.and_then(parse_relative)
                        .is_some_and(|(tms, z, col, row)| doomed(tms, z, row, col))
                })
                .collect();
            for batch in chosen.chunks(DELETE_BATCH) {
                removed += self.delete(batch.to_vec()).await;
            }
            match next {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        removed
    }

    /// One page of keys under `prefix`, and the token of the next page.
    async fn list(&self, prefix: &str, token: Option<&str>) -> Option<(Vec<String>, Option<String>)> {
        let mut action = ListObjectsV2::new(&self.bucket, Some(&self.credentials));
        action.with_prefix(prefix);
        if let Some(token) = token {
            action.with_continuation_token(token);
        }
        let url = action.sign(SIGNATURE_LIFETIME);
        let text = match self.client.get(url).send().await {
            Ok(response) if response.status().is_success() => response.text().await.ok()?,
            Ok(response) => {
                self.fault("listing", prefix, format!("HTTP {}", response.status()));
                return None;
            }
            Err(err) => {
                self.fault("listing", prefix, err.without_url());
                return None;
            }
        };
        match ListObjectsV2::parse_response(&text) {
            Ok(page) => Some((
                page.contents.into_iter().map(|object| object.key).collect(),
                page.next_continuation_token,
            )),
            Err(err) => {
                self.fault("listing", prefix, err);
                None
            }
        }
    }

    /// Deletes objects in one request; returns how many the bucket deleted.
    async fn delete(&self, objects: Vec<String>) -> u64 {
        let identifiers: Vec<ObjectIdentifier> = objects.into_iter().map(ObjectIdentifier::new).collect();
        let mut action = DeleteObjects::new(&self.bucket, Some(&self.credentials), identifiers.iter());
        action.set_quiet(true);
        let url = action.sign(SIGNATURE_LIFETIME);
        let (body, md5) = action.body_with_md5();
        let sent = self
            .client
            .post(url)
            .header("Content-MD5", md5)
            .body(body)
            .send()
            .await;
        let text = match sent {
            Ok(response) if response.status().is_success() => response.text().await.unwrap_or_default(),
            Ok(response) => {
                self.fault("deletion", "", format!("HTTP {}", response.status()));
                return 0;
            }
            Err(err) => {
                self.fault("deletion", "", err.without_url());
                return 0;
            }
        };
        // Quiet mode reports only the failures.
        let failed = rusty_s3::actions::DeleteObjectsResponse::parse(&text)
            .map(|answer| answer.errors.len())
            .unwrap_or(0);
        (identifiers.len() - failed.min(identifiers.len())) as u64
    }
}

#[async_trait]
impl TileStore for S3Store {
    fn name(&self) -> &'static str {
        "s3"
    }

    async fn get(&self, key: &TileKey) -> Option<Bytes> {
        self.read(key).await
    }

    async fn put(&self, key: &TileKey, bytes: &Bytes) {
        self.write(key, bytes).await
    }

    async fn delete(&self, key: &TileKey) {
        self.remove(key).await
    }

    async fn delete_where(&self, layer: Option<&str>, doomed: Doomed) -> u64 {
        self.remove_where(layer, doomed).await
    }

    fn stats(&self) -> StoreStats {
        StoreStats {
            hits: self.hits.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            ..StoreStats::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_keys_are_parsed_back_and_others_ignored() {
        assert_eq!(
            parse_relative("2154_5cm/20/7/12.png"),
            Some(("2154_5cm", 20, 7, 12))
        );
        assert_eq!(parse_relative("2154_5cm/20/7"), None);
        assert_eq!(parse_relative("2154_5cm/20/7/12.png/x"), None);
        assert_eq!(parse_relative(".seeds/abc"), None);
    }
}
