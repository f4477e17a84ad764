//! Deliverables shaped like the field's (`dallage fixtures --field`, served by the harness's
//! second set of FTP servers, nginx and sshd): small dalles under one read block in accented
//! folders with a broken dalle of random bytes, files of one block and one byte over, an
//! unreadable file and one listed but gone, big dalles many times over. These are the cases
//! that ended FTP scans `partial` while our tidy fixtures passed.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use dallage::catalog::{ScanState, TlsMode};
use dallage::config::Secret;
use dallage::demo::{field_byte, BIG_DALLES, BLOCK_FILES, DELIVERY};
use dallage::storage::{self, Storage, StorageSpec};
use serde_json::{json, Value};

fn field() -> PathBuf {
    PathBuf::from(harness_setting("DALLAGE_TEST_FIELD"))
}

/// The FTP servers over the field tree: vsftpd in its three TLS modes, and pyftpdlib.
fn ftp_servers() -> Vec<(&'static str, TlsMode, String)> {
    vec![
        (
            "vsftpd",
            TlsMode::None,
            harness_setting("DALLAGE_TEST_FIELD_FTP_PORT"),
        ),
        (
            "vsftpd explicit FTPS",
            TlsMode::Explicit,
            harness_setting("DALLAGE_TEST_FIELD_FTP_PORT"),
        ),
        (
            "vsftpd implicit FTPS",
            TlsMode::Implicit,
            harness_setting("DALLAGE_TEST_FIELD_FTPS_IMPLICIT_PORT"),
        ),
        (
            "pyftpdlib",
            TlsMode::None,
            harness_setting("DALLAGE_TEST_FIELD_PYFTP_PORT"),
        ),
    ]
}

/// Storage declarations of folder `dir` of the field tree on every server that serves it.
fn field_storages(dir: &str) -> Vec<(&'static str, Value)> {
    let (user, password) = login();
    let ca = std::fs::read_to_string(harness_setting("DALLAGE_TEST_CA_CERT")).unwrap();
    let mut storages: Vec<(&'static str, Value)> = ftp_servers()
        .into_iter()
        .map(|(what, tls, port)| {
            let tls = match tls {
                TlsMode::None => "none",
                TlsMode::Explicit => "explicit",
                TlsMode::Implicit => "implicit",
            };
            let host = if tls == "none" { "127.0.0.1" } else { "localhost" };
            (
                what,
                json!({"type": "ftp", "host": host, "port": port.parse::<i32>().unwrap(), "path": format!("/{dir}"),
                       "tls": tls, "username": user, "password": password, "tls_ca_cert": ca}),
            )
        })
        .collect();
    let url = format!("{}{}/", harness_setting("DALLAGE_TEST_NGINX_FIELD_URL"), dir);
    storages.push(("nginx", json!({"type": "http", "url": url})));
    storages.push((
        "sftp",
        json!({"type": "sftp", "host": "127.0.0.1", "port": harness_setting("DALLAGE_TEST_SFTP_PORT").parse::<i32>().unwrap(),
               "path": field().join(dir).display().to_string(), "username": user, "password": password}),
    ));
    storages
}

fn broken_of(summary: &Value) -> Vec<(String, String)> {
    summary["broken"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|b| {
                    (
                        b["path"].as_str().unwrap_or("").to_string(),
                        b["reason"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_broken_dalle_is_reported_and_the_delivery_scans_done_everywhere() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    for (what, storage) in field_storages("livraison") {
        let livrable = livrable_on(&state, storage).await;
        let done = scan(&state, livrable).await;
        assert_eq!(done.state, ScanState::Done, "{what}: {:?}", done.message);
        let summary = done.summary.as_ref().unwrap();
        assert_eq!(
            summary["dalles"], 6,
            "{what}: 4 JPEG 2000 and 2 GeoTIFF: {summary}"
        );
        let broken = broken_of(summary);
        let folder = DELIVERY.trim_start_matches("livraison/");
        assert_eq!(broken.len(), 1, "{what}: {broken:?}");
        assert_eq!(broken[0].0, format!("{folder}/dalle cassée.jp2"), "{what}");
        assert!(
            broken[0].1.starts_with("not a JPEG 2000 or TIFF file"),
            "{what}: {}",
            broken[0].1
        );
        // Every file is smaller than one read block: one read each at most, no stray login.
        let read = &summary["read"];
        let files = summary["files"].as_u64().unwrap();
        assert!(
            read["requests"].as_u64().unwrap() <= 3 * files + 3,
            "{what}: {read} for {files} files"
        );
        assert!(read["connections"].as_u64().unwrap() <= 4, "{what}: {read}");
    }
}

#[tokio::test]
async fn unreadable_and_vanished_files_are_broken_with_their_reason() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    for (what, storage) in field_storages("pieges") {
        let livrable = livrable_on(&state, storage).await;
        let done = scan(&state, livrable).await;
        assert_eq!(done.state, ScanState::Done, "{what}: {:?}", done.message);
        let summary = done.summary.as_ref().unwrap();
        let broken = broken_of(summary);
        if what == "pyftpdlib" {
            // It runs as root here (reads the mode-000 file) and lists no dangling link.
            assert_eq!(summary["dalles"], 2, "{what}: {summary}");
            assert!(broken.is_empty(), "{what}: {broken:?}");
            continue;
        }
        assert_eq!(summary["dalles"], 1, "{what}: {summary}");
        let reason = |name: &str| {
            broken
                .iter()
                .find(|(path, _)| path == name)
                .map(|(_, reason)| reason.clone())
                .unwrap_or_else(|| panic!("{what}: {name} not reported broken: {broken:?}"))
        };
        let unreadable = reason("illisible.jp2");
        let gone = reason("disparue.jp2");
        if what.starts_with("vsftpd") {
            // vsftpd says "550 Failed to open file." for both: its words are kept.
            for reason in [&unreadable, &gone] {
                assert!(reason.contains("550 Failed to open file."), "{what}: {reason}");
            }
        } else {
            assert!(unreadable.contains("permission denied"), "{what}: {unreadable}");
            assert!(gone.contains("not found"), "{what}: {gone}");
        }
    }
}

fn ftp_spec(tls: TlsMode, port: &str, root: &str) -> StorageSpec {
    let (scheme, host) = match tls {
        TlsMode::None => ("ftp", "127.0.0.1"),
        TlsMode::Explicit => ("ftps", "localhost"),
        TlsMode::Implicit => ("ftps+implicit", "localhost"),
    };
    let mut spec = StorageSpec::from_url("field", &format!("{scheme}://{host}:{port}/{root}")).unwrap();
    spec.timeout = Duration::from_secs(10);
    spec.retries = 0;
    spec.concurrency = 1;
    spec.username = Some(Secret(harness_setting("DALLAGE_TEST_USER")));
    spec.password = Some(Secret(harness_setting("DALLAGE_TEST_PASSWORD")));
    spec.tls_ca_cert = Some(std::fs::read_to_string(harness_setting("DALLAGE_TEST_CA_CERT")).unwrap());
    spec
}

fn expected(range: std::ops::Range<u64>, size: u64) -> Vec<u8> {
    (range.start.min(size)..range.end.min(size))
        .map(field_byte)
        .collect()
}

/// Every range a reader may ask of a file of `size` bytes: whole, past the end, its last
/// bytes, stopping one byte short of the end, stopping inside, starting inside.
fn ranges(size: u64) -> Vec<std::ops::Range<u64>> {
    let block = 256 << 10;
    let mut ranges = vec![
        0..size,
        0..size + 1000,
        size.saturating_sub(10)..size,
        0..size - 1,
        0..100,
        100..size,
    ];
    if size > block {
        ranges.extend([0..block, block..size, block - 5..block + 5]);
    }
    ranges
}

#[tokio::test]
async fn ftp_range_reads_at_block_edges_leave_the_connection_in_step() {
    dallage::init_tls();
    for (what, tls, port) in ftp_servers() {
        let storage: Arc<dyn Storage> = storage::open(ftp_spec(tls, &port, "blocs")).unwrap();
        let mut reads = 0;
        for (name, size) in BLOCK_FILES {
            let size = *size as u64;
            for range in ranges(size) {
                let bytes = storage
                    .read_range(name, range.clone())
                    .await
                    .unwrap_or_else(|err| panic!("{what}: {name} {range:?}: {err}"));
                assert!(
                    bytes[..] == expected(range.clone(), size)[..],
                    "{what}: {name} {range:?}: {} bytes",
                    bytes.len()
                );
                reads += 1;
            }
            // A whole file as a stream, and a stream dropped after its first piece.
            let mut stream = storage.read_stream(name).await.unwrap();
            let mut whole = Vec::new();
            while let Some(piece) = futures_util::StreamExt::next(&mut stream).await {
                whole.extend_from_slice(&piece.unwrap());
            }
            assert!(
                whole[..] == expected(0..size, size)[..],
                "{what}: {name} streamed"
            );
            let mut stream = storage.read_stream(name).await.unwrap();
            let _ = futures_util::StreamExt::next(&mut stream).await;
            drop(stream);
        }
        // One connection, taken from the pool for every read: each ending left it in step.
        let listed = storage.list("").await.unwrap();
        assert_eq!(listed.len(), BLOCK_FILES.len(), "{what}");
        assert_eq!(
            storage.stats().connection_count(),
            1,
            "{what}: {reads} range reads and 8 streams should share one login"
        );
    }
}

#[tokio::test]
async fn an_ftp_scan_reads_a_small_fraction_of_big_dalles() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    let storages = field_storages("grandes");
    for (what, storage) in storages
        .into_iter()
        .filter(|(what, _)| what.starts_with("vsftpd"))
    {
        let livrable = livrable_on(&state, storage).await;
        let done = scan(&state, livrable).await;
        assert_eq!(done.state, ScanState::Done, "{what}: {:?}", done.message);
        let summary = done.summary.as_ref().unwrap();
        assert_eq!(summary["dalles"], BIG_DALLES, "{what}: {summary}");
        assert!(broken_of(summary).is_empty(), "{what}: {summary}");
        let read = &summary["read"];
        let bytes_read = read["bytes"].as_u64().unwrap();
        let total = summary["bytes"].as_u64().unwrap();
        assert!(
            bytes_read * 20 < total,
            "{what}: read {bytes_read} of {total} bytes (5 % at most)"
        );
        // Per dalle: its first block and its world file; plus the folder listings.
        let dalles = BIG_DALLES as u64;
        assert!(
            read["requests"].as_u64().unwrap() <= 2 * dalles + 4,
            "{what}: {read} for {dalles} dalles"
        );
    }
}

/// `dallage scan --keep` keeps its catalogue: the second scan of the same URL over vsftpd
/// lists again but probes nothing, and both report what they read and how long each phase took.
#[test]
fn a_kept_scan_probes_only_changes_the_second_time() {
    let dir = TempDir::new();
    let config = dir.path().join("dallage.toml");
    std::fs::write(
        &config,
        format!(
            "[catalog]\nurl = \"sqlite://{0}/catalog.db\"\n[data]\ndir = \"{0}\"\n[log]\nlevel = \"warn\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let (user, password) = login();
    let url = format!(
        "ftp://{user}@127.0.0.1:{}/grandes/",
        harness_setting("DALLAGE_TEST_FIELD_FTP_PORT")
    );
    let run = || -> Value {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_dallage"))
            .arg("--config")
            .arg(&config)
            .args([
                "scan",
                "--keep",
                "--json",
                "--password-env",
                "FIELD_PASSWORD",
                &url,
            ])
            .env("FIELD_PASSWORD", &password)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let first = run();
    let second = run();
    for report in [&first, &second] {
        assert_eq!(report["dalles"], BIG_DALLES, "{report}");
        assert!(report["seconds"]["listing"].as_f64().unwrap() > 0.0, "{report}");
    }
    // The first run read each dalle's head and world file; the second only the listings.
    let requests = |report: &Value| report["read"]["requests"].as_u64().unwrap();
    assert!(requests(&first) >= BIG_DALLES as u64, "{first}");
    assert!(requests(&second) <= 4, "nothing probed again: {second}");
    assert!(dir.path().join("catalog.db").exists());
}
