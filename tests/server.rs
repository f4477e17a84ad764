//! The `dallage` binary as users run it: start-up, configuration errors, logs, a stored password
//! that never shows in a response or a log line, graceful shutdown on SIGTERM.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const PASSWORD: &str = "Sup3r-S3cret-FTP-pa55word";
const USERNAME: &str = "pcrs-reader-account";

struct Server {
    child: Child,
    base: String,
    /// Everything else the server prints, collected as it comes (a full pipe would block it).
    output: std::thread::JoinHandle<String>,
}

fn start(config_path: &Path, extra_env: &[(&str, &str)]) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dallage"));
    command
        .arg("--config")
        .arg(config_path)
        .arg("serve")
        .env(
            "RUST_LOG",
            "trace,sqlx=trace,actix_server=info,h2=info,hyper=info,rustls=info",
        )
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("start dallage");
    let mut stderr = child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let base = loop {
        assert!(Instant::now() < deadline, "dallage did not start");
        let line = lines.next().expect("dallage exited early").unwrap();
        if let Some(rest) = line.strip_prefix("dallage is serving on ") {
            break rest.trim().to_string();
        }
    };
    let output = std::thread::spawn(move || {
        let mut text = logs.join().unwrap_or_default();
        text.push_str(&lines.map_while(Result::ok).collect::<Vec<_>>().join("\n"));
        text
    });
    Server { child, base, output }
}

fn config_file(dir: &Path) -> std::path::PathBuf {
    let url = format!("sqlite://{}/catalog.db", dir.display());
    let path = dir.join("dallage.toml");
    std::fs::write(&path, config_text(&url, dir)).unwrap();
    path
}

#[tokio::test]
async fn stored_password_never_shows_in_responses_or_logs_and_sigterm_stops_cleanly() {
    dallage::init_tls();
    let dir = TempDir::new();
    let config = config_file(&dir.path());
    let server = start(&config, &[]);
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let mut bodies = Vec::new();
    let mut record = |text: String| bodies.push(text);

    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));

    let created: Value = client
        .post(format!("{base}/api/projects"))
        .header("X-API-Key", ADMIN_KEY)
        .json(&project_json("PCRS Lyon"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let project = created["id"].as_i64().unwrap();
    let livrable: Value = client
        .post(format!("{base}/api/projects/{project}/livrables"))
        .header("X-API-Key", ADMIN_KEY)
        .json(&livrable_json("Ortho"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let livrable = livrable["id"].as_i64().unwrap();
    let storage = with_user(ftp_storage_json(PASSWORD));
    let response = client
        .put(format!("{base}/api/livrables/{livrable}/storage"))
        .header("X-API-Key", PORTEUR_KEY)
        .json(&storage)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    record(response.text().await.unwrap());

    // Rejected submissions that carry the password.
    let mut bad_port = storage.clone();
    bad_port["port"] = json!(0);
    let mut unknown_field = storage.clone();
    unknown_field["colour"] = json!("blue");
    let mut bad_type = storage.clone();
    bad_type["secure"] = json!("yes");
    for body in [bad_port, unknown_field, bad_type] {
        let response = client
            .put(format!("{base}/api/livrables/{livrable}/storage"))
            .header("X-API-Key", ADMIN_KEY)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error());
        record(response.text().await.unwrap());
    }
    // Every read, as every kind of caller.
    let paths = [
        "/api/projects".to_string(),
        format!("/api/projects/{project}"),
        format!("/api/projects/{project}/livrables"),
        "/api/livrables".to_string(),
        format!("/api/livrables/{livrable}"),
        format!("/api/livrables/{livrable}/storage"),
    ];
    for path in &paths {
        for key in [None, Some(PORTEUR_KEY), Some(ADMIN_KEY)] {
            let mut request = client.get(format!("{base}{path}"));
            if let Some(key) = key {
                request = request.header("X-API-Key", key);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            record(response.text().await.unwrap());
        }
    }
    let revoked = client
        .delete(format!("{base}/api/livrables/{livrable}/storage"))
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    record(revoked.text().await.unwrap());

    for body in &bodies {
        assert!(!body.contains(PASSWORD), "a response shows the password: {body}");
    }
    // The managers saw the username; the public did not.
    assert!(bodies.iter().any(|b| b.contains(USERNAME)));

    // SIGTERM: a clean, prompt exit.
    let Server {
        mut child, output, ..
    } = server;
    let started = Instant::now();
    // SAFETY: kill(2) on the child's own pid.
    unsafe { libc_kill(child.id() as i32, 15) };
    let status = wait_with_timeout(&mut child, Duration::from_secs(20));
    assert!(status.success(), "exit status {status:?}");
    assert!(started.elapsed() < Duration::from_secs(15));
    let logs = output.join().unwrap();
    assert!(logs.contains("shutdown signal received"), "{logs}");
    assert!(logs.lines().count() > 20, "trace logging is on: {logs}");
    for line in logs.lines() {
        assert!(!line.contains(PASSWORD), "a log line shows the password: {line}");
        assert!(
            !line.contains(ADMIN_KEY) && !line.contains(PORTEUR_KEY),
            "a log line shows an API key: {line}"
        );
    }
    // Nor is it in clear in the catalogue file.
    let database = std::fs::read(dir.path().join("catalog.db")).unwrap();
    let wal = std::fs::read(dir.path().join("catalog.db-wal")).unwrap_or_default();
    for bytes in [database, wal] {
        assert!(
            !bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()),
            "password in clear on disk"
        );
    }
}

fn with_user(mut storage: Value) -> Value {
    storage["username"] = json!(USERNAME);
    storage
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("dallage did not stop within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn bad_configuration_stops_start_up_naming_the_key() {
    let dir = TempDir::new();
    let cases = [
        ("[server]\nlisten = \"localhost-8080\"\n", vec![], "server.listen"),
        (
            "[limits]\nmax_image_width = \"wide\"\n",
            vec![],
            "limits.max_image_width",
        ),
        (
            "[cache]\nblock_cache_size = \"12 parsecs\"\n",
            vec![],
            "cache.block_cache_size",
        ),
        ("[catalogue]\nurl = \"x\"\n", vec![], "catalogue"),
        ("", vec![("DALLAGE_SERVER_LISTEN", "nowhere")], "server.listen"),
        (
            "",
            vec![("DALLAGE_LIMITS_SCAN_DEPTH", "3")],
            "DALLAGE_LIMITS_SCAN_DEPTH",
        ),
    ];
    for (text, env, key) in cases {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, text).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_dallage"));
        command.arg("--config").arg(&path).arg("serve");
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(key), "expected `{key}` in: {stderr}");
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_dallage"))
        .args(["--config", "/nonexistent/dallage.toml", "serve"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/dallage.toml"));
}

#[tokio::test]
async fn serves_on_postgres_too() {
    dallage::init_tls();
    let dir = TempDir::new();
    let url = fresh_catalog_url(Db::Postgres, &dir.path()).await;
    let path = dir.path().join("dallage.toml");
    std::fs::write(&path, config_text(&url, &dir.path())).unwrap();
    let server = start(&path, &[]);
    let health: Value = reqwest::get(format!("{}/health", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (health["status"].as_str(), health["backend"].as_str()),
        (Some("ok"), Some("postgres"))
    );
    let Server { mut child, .. } = server;
    // SAFETY: kill(2) on the child's own pid.
    unsafe { libc_kill(child.id() as i32, 2) };
    assert!(
        wait_with_timeout(&mut child, Duration::from_secs(20)).success(),
        "SIGINT stops cleanly too"
    );
}

#[tokio::test]
async fn serve_registers_scans_and_serves_storage_urls() {
    dallage::init_tls();
    let dir = TempDir::new();
    let config = config_file(&dir.path());
    let fixtures = harness_setting("DALLAGE_TEST_FIXTURES");
    let mut command = Command::new(env!("CARGO_BIN_EXE_dallage"));
    command
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .arg(format!("file://{fixtures}/ortho"))
        .arg(harness_setting("DALLAGE_TEST_NGINX_JSON_URL"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("dallage exited early").unwrap();
        if let Some(rest) = line.strip_prefix("dallage is serving on ") {
            break rest.trim().to_string();
        }
    };
    // Ready only once both storages are scanned.
    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.status(), 200);
    let page: Value = reqwest::get(format!("{base}/api/livrables"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    assert_eq!(items[0]["nom"], "ortho", "named after the last path segment");
    assert_eq!(items[0]["scan"]["summary"]["dalles"], 4);
    assert_eq!(items[1]["scan"]["summary"]["dalles"], 4);
    // SAFETY: kill(2) on the child's own pid.
    unsafe { libc_kill(child.id() as i32, 15) };
    assert!(wait_with_timeout(&mut child, Duration::from_secs(20)).success());
}
