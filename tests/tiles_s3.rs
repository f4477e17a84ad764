//! The tile cache's bucket tier against a real S3-compatible server (s3s-fs, started by the
//! harness, which checks AWS Signature V4): drawn tiles land in the bucket; an instance that
//! has neither memory nor disk copies — after a restart, or another instance sharing the
//! bucket — reads them back without drawing; truncation deletes them from the bucket; and a
//! bucket that refuses the signature only costs a redraw.

mod common;

use std::path::PathBuf;

use common::served::Served;
use common::*;
use serde_json::{json, Value};

/// The bucket tier's settings, under a key prefix of this test's own.
fn bucket_settings(prefix: &str, secret: &str) -> String {
    format!(
        "[cache.s3]\nendpoint = \"{}\"\nbucket = \"{}\"\nprefix = \"{prefix}\"\n\
         access_key = \"{}\"\nsecret_key = \"{secret}\"\n",
        harness_setting("DALLAGE_TEST_S3_URL"),
        harness_setting("DALLAGE_TEST_S3_BUCKET"),
        harness_setting("DALLAGE_TEST_S3_ACCESS_KEY"),
    )
}

/// Where the S3 server keeps an object of the bucket (s3s-fs stores each one as a file).
fn object_file(prefix: &str, relative: &str) -> PathBuf {
    PathBuf::from(harness_setting("DALLAGE_TEST_S3_ROOT"))
        .join(harness_setting("DALLAGE_TEST_S3_BUCKET"))
        .join(prefix)
        .join(relative)
}

async fn start(prefix: &str, secret: &str) -> Served {
    Served::start_with(
        vec![json!({"type": "file", "path": fixtures().display().to_string()})],
        &bucket_settings(prefix, secret),
    )
    .await
}

async fn tile(served: &Served, path: &str) -> Vec<u8> {
    let (status, content_type, body) = served.get(path).await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"), "{path}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiles_go_to_the_bucket_and_come_back_from_it_without_drawing() {
    let prefix = format!("run-{}/", std::process::id());
    let secret = harness_setting("DALLAGE_TEST_S3_SECRET_KEY");
    let first = start(&prefix, &secret).await;
    let layer = first.layer().to_string();
    let tileset: Value = serde_json::from_slice(
        &first
            .get(&format!("/ogcapi/collections/{layer}/map/tiles/WebMercatorQuad"))
            .await
            .2,
    )
    .unwrap();
    let (row, col) = centre_tile(&tileset, 19);
    let path = format!("/tiles/{layer}/19/{col}/{row}.png");
    let relative = format!("{layer}/WebMercatorQuad/19/{col}/{row}.png");

    // Drawn once, written to disk and to the bucket.
    let drawn = tile(&first, &path).await;
    let stats = first.state.tiles().cache().stats();
    assert_eq!((stats.renders, stats.s3_errors), (1, 0));
    assert_eq!(std::fs::read(object_file(&prefix, &relative)).unwrap(), drawn);

    // Memory and disk lost: read back from the bucket, not drawn, and kept on disk again.
    first.state.tiles().cache().clear_memory();
    let on_disk = first.dir.path().join("tiles").join(&relative);
    std::fs::remove_file(&on_disk).unwrap();
    assert_eq!(tile(&first, &path).await, drawn);
    let stats = first.state.tiles().cache().stats();
    assert_eq!((stats.renders, stats.s3_hits), (1, 1));
    assert!(on_disk.exists(), "a tile read from the bucket is kept on disk");

    // Another instance sharing the bucket serves it without drawing.
    let second = start(&prefix, &secret).await;
    assert_eq!(second.layer(), layer);
    assert_eq!(tile(&second, &path).await, drawn);
    assert_eq!(second.state.tiles().cache().stats().renders, 0);

    // Truncating the level deletes the tile from the bucket as well.
    let truncation = json!({"tms": "WebMercatorQuad", "levels": "19", "format": "png", "truncate": true});
    let response = first.post_seed(&layer, &truncation).await;
    assert_eq!(response.status(), 202);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while object_file(&prefix, &relative).exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the bucket still holds {relative}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A bucket that refuses the signature: the tile is still served, drawn, and the fault counted.
    let refused = start(&format!("refused-{prefix}"), "not the secret").await;
    assert_eq!(tile(&refused, &path).await, drawn);
    let stats = refused.state.tiles().cache().stats();
    assert_eq!(stats.renders, 1);
    assert!(stats.s3_errors >= 2, "read and write refused: {stats:?}");
    assert!(!object_file(&format!("refused-{prefix}"), &relative).exists());
}
