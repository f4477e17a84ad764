//! Scans against real servers: every protocol gives the same summary of the test deliverable;
//! rescans re-probe only what changed and record the change set; a server killed mid-scan
//! leaves a partial scan that resumes; storage errors end scans with a clear message; host
//! keys are pinned; the scheduler rescans and resumes; the API and exports show the results;
//! `dallage scan --json` prints the summary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::*;
use dallage::catalog::ScanState;
use serde_json::{json, Value};

fn probe_of(state_files: &[dallage::catalog::DalleRecord], path: &str) -> Value {
    let file = state_files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not found"));
    file.probe.clone().unwrap_or(Value::Null)
}

#[tokio::test]
async fn every_protocol_finds_the_same_deliverable() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    for (what, storage) in storages() {
        let livrable = livrable_on(&state, storage).await;
        let done = scan(&state, livrable).await;
        assert_eq!(done.state, ScanState::Done, "{what}: {:?}", done.message);
        let summary = done.summary.as_ref().unwrap();
        assert_eq!(summary["dalles"], 4, "{what}: {summary}");
        assert_eq!(summary["files"], 15, "{what}");
        assert_eq!(summary["nature"], "PCRS mixte", "{what}");
        assert_eq!(summary["format"], "JPEG 2000", "{what}");
        assert_eq!(summary["epsg"], 2154, "{what}");
        assert_eq!(summary["bands"], json!(["RED", "GREEN", "BLUE"]), "{what}");
        assert_eq!(summary["resolution"], 0.05, "{what}");
        assert_eq!(summary["bytes"], json!(fixture_bytes()), "{what}: exact sizes");
        assert_eq!(
            summary["files_by_class"],
            json!({"archive": 1, "geotiff": 1, "gml": 2, "jpeg2000": 4, "other": 1, "prj": 1, "world_file": 4, "xml": 1}),
            "{what}"
        );
        let broken = summary["broken"].as_array().unwrap();
        assert_eq!(broken.len(), 1, "{what}: {broken:?}");
        assert_eq!(broken[0]["path"], "ortho/cassée.jp2");
        assert!(
            broken[0]["reason"].as_str().unwrap().contains("truncated"),
            "{what}"
        );
        assert_eq!(summary["footprint"]["type"], "MultiPolygon", "{what}");
        let files = state.catalog().storage_files(done.storage_id).await.unwrap();
        let world_only = probe_of(
            &files,
            "ortho/Dalles été 2024/sous dossier n°1/dalle sans géoréférencement interne.jp2",
        );
        assert_eq!(
            (
                world_only["crs_source"].as_str(),
                world_only["georef_source"].as_str()
            ),
            (Some("prj"), Some("world_file")),
            "{what}"
        );
        assert_eq!(world_only["epsg"], 2154, "{what}");
        let tif = probe_of(
            &files,
            "ortho/Dalles été 2024/2024-0846200-6526200-LA93-0M05-RVB.tif",
        );
        assert_eq!(
            (tif["tiled"].as_bool(), tif["overviews"].as_u64()),
            (Some(true), Some(4)),
            "{what}"
        );
        assert!(tif["compression"].as_str().unwrap().contains("JPEG"), "{what}");
        let sniffed = files
            .iter()
            .find(|f| f.path == "vecteur/livraison lot 2")
            .unwrap();
        assert_eq!(sniffed.class, "gml", "{what}: found by content");
        let conformity = done.conformity.as_ref().unwrap();
        assert_eq!(
            conformity["conform"], false,
            "{what}: the 20 cm dalle is not PCRS"
        );
        let failing: Vec<&str> = conformity["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "error")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(failing, ["resolution", "pixels"], "{what}");
    }
}

fn fixture_bytes() -> u64 {
    fn walk(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| {
                if e.path().is_dir() {
                    walk(&e.path())
                } else {
                    e.metadata().unwrap().len()
                }
            })
            .sum()
    }
    walk(&fixtures())
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn rescans_probe_only_what_changed_and_record_it() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    let tree = dir.path().join("tree");
    copy_tree(&fixtures(), &tree);
    let livrable = livrable_on(
        &state,
        json!({"type": "file", "path": tree.display().to_string()}),
    )
    .await;
    let first = scan(&state, livrable).await;
    assert_eq!(first.files_probed, 5, "every image probed once");
    assert_eq!(
        first.changes.as_ref().unwrap()["added"].as_array().unwrap().len(),
        15
    );

    // Nothing changed: nothing probed, nothing in the change set.
    let second = scan(&state, livrable).await;
    assert_ne!(second.id, first.id);
    assert_eq!(second.files_probed, 0);
    let changes = second.changes.as_ref().unwrap();
    assert!(
        ["added", "modified", "removed"]
            .iter()
            .all(|k| changes[*k].as_array().unwrap().is_empty()),
        "{changes}"
    );

    // One dalle rewritten, one removed with its world file, one added.
    let ortho = tree.join("ortho");
    let rewritten = ortho.join("2024-0846400-6526400-LA93-0M05-RVB.jp2");
    std::fs::copy(ortho.join("2024-0846200-6526400-LA93-0M05-RVB.jp2"), &rewritten).unwrap();
    let nested = ortho.join("Dalles été 2024");
    std::fs::remove_file(nested.join("2024-0846200-6526200-LA93-0M05-RVB.tif")).unwrap();
    std::fs::remove_file(nested.join("2024-0846200-6526200-LA93-0M05-RVB.tfw")).unwrap();
    std::fs::copy(
        ortho.join("2024-0846200-6526400-LA93-0M05-RVB.jp2"),
        ortho.join("copie.jp2"),
    )
    .unwrap();
    let third = scan(&state, livrable).await;
    assert_eq!(third.files_probed, 2, "only the rewritten and the new dalle");
    let changes = third.changes.as_ref().unwrap();
    let paths = |kind: &str| -> Vec<String> {
        let mut paths: Vec<String> = changes[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(paths("added"), ["ortho/copie.jp2"]);
    assert_eq!(
        paths("modified"),
        ["ortho/2024-0846400-6526400-LA93-0M05-RVB.jp2"]
    );
    assert_eq!(
        paths("removed"),
        [
            "ortho/Dalles été 2024/2024-0846200-6526200-LA93-0M05-RVB.tfw",
            "ortho/Dalles été 2024/2024-0846200-6526200-LA93-0M05-RVB.tif"
        ]
    );
    // The modified dalle moved (it now holds the other dalle's pixels and georeferencing):
    // the change set carries both footprints, for cache invalidation.
    let modified = &changes["modified"][0];
    assert!(modified["previous_footprint_wgs84"]
        .as_str()
        .unwrap()
        .starts_with("POLYGON"));
    assert_ne!(modified["previous_footprint_wgs84"], modified["footprint_wgs84"]);
    let summary = third.summary.as_ref().unwrap();
    assert_eq!(summary["dalles"], 4);
    assert_eq!(summary["format"], "JPEG 2000");
    // Three JPEG 2000 dalles now share a footprint.
    let conformity = third.conformity.as_ref().unwrap();
    let overlaps = conformity["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "overlaps")
        .unwrap();
    assert_eq!(
        overlaps["count"], 3,
        "three dalles on one spot make three pairs: {overlaps}"
    );
}

/// An nginx of this test's own, throttled to 20 requests a second so a scan takes a while.
struct SlowNginx {
    child: Child,
    dir: PathBuf,
}

impl SlowNginx {
    fn start(root: &Path, dir: &Path, port: u16) -> SlowNginx {
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        // No master process: killing the one process kills the server.
        let config = format!(
            "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log warn;
             events {{ worker_connections 64; }}
             http {{ access_log {d}/access.log; client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp;
               fastcgi_temp_path {d}/tmp; uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
               limit_req_zone $binary_remote_addr zone=slow:1m rate=20r/s;
               server {{ listen 127.0.0.1:{port}; location / {{ root {root}; autoindex on; limit_req zone=slow burst=1000; }} }} }}",
            d = dir.display(),
            root = root.display()
        );
        std::fs::write(dir.join("nginx.conf"), config).unwrap();
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nginx");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        SlowNginx {
            child,
            dir: dir.to_path_buf(),
        }
    }

    fn requests(&self) -> usize {
        std::fs::read_to_string(self.dir.join("access.log"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    fn kill(mut self) {
        // SIGKILL: the server dies mid-scan, connections cut.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SlowNginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_server_killed_mid_scan_leaves_a_partial_scan_that_resumes() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    let tree = dir.path().join("many");
    for folder in 0..60 {
        let path = tree.join(format!("lot {folder:02}"));
        std::fs::create_dir_all(&path).unwrap();
        for file in 0..5 {
            std::fs::write(path.join(format!("note {file}.txt")), format!("{folder}-{file}")).unwrap();
        }
    }
    // Workers may run as an unprivileged user: let them read the tree.
    Command::new("chmod")
        .arg("-R")
        .arg("a+rX")
        .arg(dir.path())
        .status()
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let first_server = SlowNginx::start(&tree, &dir.path().join("nginx-1"), port);
    let livrable = livrable_on(
        &state,
        json!({"type": "http", "url": format!("http://127.0.0.1:{port}/")}),
    )
    .await;
    let started = state.scanner().start(livrable, "test").await.unwrap();
    // Kill the server once the scan is under way.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let progress = state.catalog().scan(started.id).await.unwrap();
        if progress.files_listed >= 20 {
            break;
        }
        assert!(Instant::now() < deadline, "the scan did not start listing");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first_server.kill();
    while state.scanner().running_scan(livrable).is_some() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stopped = state.catalog().scan(started.id).await.unwrap();
    assert_eq!(stopped.state, ScanState::Partial, "{:?}", stopped.message);
    assert!(
        stopped.message.as_deref().unwrap().contains("cannot connect"),
        "{:?}",
        stopped.message
    );
    assert!(
        stopped.files_listed < 300,
        "stopped early: {}",
        stopped.files_listed
    );
    let listed_before = state
        .catalog()
        .storage_files(stopped.storage_id)
        .await
        .unwrap()
        .len();
    assert!(listed_before >= 20);

    // The server comes back: the same scan resumes where it stopped.
    let second_server = SlowNginx::start(&tree, &dir.path().join("nginx-2"), port);
    let resumed = scan(&state, livrable).await;
    assert_eq!(resumed.id, started.id, "the partial scan resumes, no new scan");
    assert_eq!(resumed.state, ScanState::Done, "{:?}", resumed.message);
    assert_eq!(resumed.summary.as_ref().unwrap()["files"], 300);
    assert_eq!(
        state
            .catalog()
            .storage_files(resumed.storage_id)
            .await
            .unwrap()
            .len(),
        300
    );
    assert!(
        second_server.requests() < 61,
        "folders listed before the fault were not listed again ({} requests)",
        second_server.requests()
    );
}

#[tokio::test]
async fn storage_errors_end_scans_with_clear_messages() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    let (user, _) = login();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ftp_port: i32 = harness_setting("DALLAGE_TEST_FTP_PORT").parse().unwrap();
    let cases = [
        (
            json!({"type": "ftp", "host": "127.0.0.1", "port": ftp_port, "username": user, "password": "wrong"}),
            "authentication refused",
        ),
        (
            json!({"type": "ftp", "host": "localhost", "port": ftp_port, "tls": "explicit", "username": user, "password": "x"}),
            "TLS failure",
        ),
        (
            json!({"type": "http", "url": format!("http://127.0.0.1:{closed}/")}),
            "cannot connect",
        ),
        (
            json!({"type": "http", "url": "http://pcrs-storage.invalid/"}),
            "unknown host",
        ),
        (
            json!({"type": "http", "url": format!("{}absent/", harness_setting("DALLAGE_TEST_NGINX_URL"))}),
            "not found",
        ),
    ];
    for (storage, expected) in cases {
        let livrable = livrable_on(&state, storage.clone()).await;
        let done = scan(&state, livrable).await;
        assert_eq!(done.state, ScanState::Failed, "{storage}");
        let message = done.message.unwrap_or_default();
        assert!(message.contains(expected), "{storage}: {message}");
        assert!(!message.contains("wrong"), "no password in messages: {message}");
    }
}

#[tokio::test]
async fn sftp_host_key_is_pinned_on_first_scan_and_checked_after() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    let storage = storages().into_iter().find(|(w, _)| *w == "sftp").unwrap().1;
    let livrable = livrable_on(&state, storage).await;
    assert_eq!(scan(&state, livrable).await.state, ScanState::Done);
    let record = state.catalog().active_storage(livrable).await.unwrap().unwrap();
    let pinned = record.host_key.clone().expect("pinned on first use");
    assert!(
        pinned.ends_with(&harness_setting("DALLAGE_TEST_SFTP_HOST_KEY")),
        "{pinned}"
    );
    // Another key at the same address: the scan refuses the server.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&state.config().catalog.url).await.unwrap();
    sqlx::query("UPDATE storages SET host_key = 'ED25519 SHA256:forged' WHERE id = $1")
        .bind(record.id)
        .execute(&pool)
        .await
        .unwrap();
    let refused = scan(&state, livrable).await;
    assert_eq!(
        refused.state,
        ScanState::Failed,
        "refused before listing anything"
    );
    assert!(
        refused.message.unwrap().contains("host key"),
        "a changed host key is reported"
    );
}

#[tokio::test]
async fn the_scheduler_rescans_when_due_and_resumes_partial_scans() {
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    let mut storage = json!({"type": "file", "path": fixtures().display().to_string(), "scan_interval": 300});
    let livrable = livrable_on(&state, storage.clone()).await;
    state.scanner().schedule_once().await.unwrap();
    let first = state.catalog().livrable_scans(livrable, 10).await.unwrap();
    assert_eq!(first.len(), 1, "never scanned: scanned now");
    assert_eq!(first[0].trigger, "schedule");
    while state.scanner().running_scan(livrable).is_some() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    state.scanner().schedule_once().await.unwrap();
    assert_eq!(
        state.catalog().livrable_scans(livrable, 10).await.unwrap().len(),
        1,
        "not due again yet"
    );
    // Without an interval, nothing is scheduled.
    storage.as_object_mut().unwrap().remove("scan_interval");
    let other = livrable_on(&state, storage).await;
    state.scanner().schedule_once().await.unwrap();
    assert!(state
        .catalog()
        .livrable_scans(other, 10)
        .await
        .unwrap()
        .is_empty());
}

#[actix_web::test]
async fn the_api_starts_scans_and_exports_their_results() {
    use actix_web::test;
    let dir = TempDir::new();
    let state = state(&dir.path()).await;
    state.set_ready(true);
    let service = test::init_service(dallage::http::app(state.clone())).await;
    let livrable = livrable_on(
        &state,
        json!({"type": "http", "url": harness_setting("DALLAGE_TEST_NGINX_URL")}),
    )
    .await;
    let bare = livrable_on(&state, json!({"type": "file", "path": "/nonexistent"})).await;
    state.catalog().revoke_storage(bare).await.unwrap();

    let call = |method: actix_web::http::Method, path: String, key: Option<&str>| {
        let mut request = test::TestRequest::default().method(method).uri(&path);
        if let Some(key) = key {
            request = request.insert_header(("X-API-Key", key));
        }
        request.to_request()
    };
    let response = test::call_service(
        &service,
        call(
            actix_web::http::Method::POST,
            format!("/api/livrables/{livrable}/scan"),
            None,
        ),
    )
    .await;
    assert_eq!(response.status(), 401);
    let response = test::call_service(
        &service,
        call(
            actix_web::http::Method::POST,
            format!("/api/livrables/{bare}/scan"),
            Some(ADMIN_KEY),
        ),
    )
    .await;
    assert_eq!(response.status(), 409, "no storage");
    let response = test::call_service(
        &service,
        call(
            actix_web::http::Method::POST,
            format!("/api/livrables/{livrable}/scan"),
            Some(PORTEUR_KEY),
        ),
    )
    .await;
    assert_eq!(response.status(), 202);
    let location = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let scan: Value = test::read_body_json(response).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let response = test::call_service(
            &service,
            call(actix_web::http::Method::GET, location.clone(), None),
        )
        .await;
        let body: Value = test::read_body_json(response).await;
        if body["state"] == "done" {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "scan {} did not finish: {body}",
            scan["id"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done["summary"]["dalles"], 4);
    assert!(done["conformity"]["checks"].as_array().unwrap().len() >= 9);

    let response = test::call_service(
        &service,
        call(
            actix_web::http::Method::GET,
            format!("/api/livrables/{livrable}"),
            None,
        ),
    )
    .await;
    let view: Value = test::read_body_json(response).await;
    assert_eq!(view["scan"]["summary"]["dalles"], 4, "{view}");
    assert_eq!(view["scan"]["conform"], false);
    assert_eq!(view["scan"]["latest"]["state"], "done");

    let response = test::call_service(
        &service,
        call(
            actix_web::http::Method::GET,
            format!("/api/livrables/{livrable}/dalles.geojson"),
            None,
        ),
    )
    .await;
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/geo+json"
    );
    let geojson: Value = test::read_body_json(response).await;
    let features = geojson["features"].as_array().unwrap();
    assert_eq!(features.len(), 5, "four dalles and the broken one");
    let placed: Vec<&Value> = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "Polygon")
        .collect();
    assert_eq!(placed.len(), 4);
    let lon = placed[0]["geometry"]["coordinates"][0][0][0].as_f64().unwrap();
    assert!((4.8..5.0).contains(&lon), "WGS84 longitude over Lyon: {lon}");
    assert!(features.iter().any(|f| f["properties"]["error"]
        .as_str()
        .is_some_and(|e| e.contains("truncated"))));

    for (path, lines) in [("/api/dalles.csv", 6), ("/api/livrables.csv", 2)] {
        let response = test::call_service(
            &service,
            call(actix_web::http::Method::GET, path.to_string(), None),
        )
        .await;
        assert_eq!(response.status(), 200);
        let body = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        assert_eq!(body.lines().count(), lines, "{path}: {body}");
    }
    let response = test::call_service(
        &service,
        call(
            actix_web::http::Method::GET,
            "/api/livrables.geojson".to_string(),
            None,
        ),
    )
    .await;
    let livrables: Value = test::read_body_json(response).await;
    let features = livrables["features"].as_array().unwrap();
    assert_eq!(
        features.len(),
        1,
        "the revoked storage's deliverable is not shown"
    );
    assert_eq!(features[0]["geometry"]["type"], "MultiPolygon");
    let response = test::call_service(
        &service,
        call(
            actix_web::http::Method::GET,
            format!("/api/livrables/{livrable}/scans"),
            None,
        ),
    )
    .await;
    let scans: Value = test::read_body_json(response).await;
    assert_eq!(scans.as_array().unwrap().len(), 1);
    let response = test::call_service(
        &service,
        call(actix_web::http::Method::GET, "/api/scans/abc".to_string(), None),
    )
    .await;
    assert_eq!(response.status(), 404);
}

#[test]
fn dallage_scan_prints_a_json_summary() {
    let output = Command::new(env!("CARGO_BIN_EXE_dallage"))
        .args(["scan", "--json", &harness_setting("DALLAGE_TEST_NGINX_JSON_URL")])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    for key in [
        "files",
        "dalles",
        "format",
        "projection",
        "bytes",
        "bands",
        "resolution",
        "footprint",
        "conformity",
        "errors",
    ] {
        assert!(report.get(key).is_some(), "{key} missing: {report}");
    }
    assert_eq!(report["dalles"], 4);
    assert_eq!(report["projection"], "RGF93 v1 / Lambert-93");
    assert_eq!(report["footprint"]["type"], "MultiPolygon");
    let (user, password) = login();
    let failed = Command::new(env!("CARGO_BIN_EXE_dallage"))
        .args([
            "scan",
            &format!(
                "ftp://{user}@127.0.0.1:{}/",
                harness_setting("DALLAGE_TEST_FTP_PORT")
            ),
        ])
        .env("WRONG", format!("{password}-wrong"))
        .args(["--password-env", "WRONG"])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("authentication refused"));
    let human = Command::new(env!("CARGO_BIN_EXE_dallage"))
        .args(["scan", &format!("file://{}", fixtures().display())])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("dalles     : 4") && text.contains("RGF93 v1 / Lambert-93"),
        "{text}"
    );
}
