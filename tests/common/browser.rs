//! Headless Chromium driven through `chromedriver` (W3C WebDriver over HTTP on loopback): the
//! web pages are tested in a real browser that runs their scripts.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key W3C WebDriver gives element references under.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser session; chromedriver and Chromium (its process group) stop when it is dropped.
pub struct Browser {
    driver: Child,
    session: String,
    client: reqwest::Client,
    _profile: super::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a headless Chromium session.
    pub async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so dropping the browser stops Chromium with it.
            .process_group(0)
            .spawn()
            .expect("chromedriver (Debian chromium-driver; `make setup` installs it)");
        let profile = super::TempDir::new();
        let client = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let capabilities = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--window-size=1280,1000", "--hide-scrollbars",
            format!("--user-data-dir={}", profile.path().display()),
        ]}}}});
        let deadline = Instant::now() + Duration::from_secs(30);
        let session = loop {
            let answer = client
                .post(format!("{base}/session"))
                .json(&capabilities)
                .send()
                .await;
            if let Ok(response) = answer {
                let body: Value = response.json().await.unwrap();
                let id = body["value"]["sessionId"].as_str();
                break id
                    .unwrap_or_else(|| panic!("no WebDriver session: {body}"))
                    .to_string();
            }
            assert!(Instant::now() < deadline, "chromedriver never answered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        Browser {
            driver,
            session: format!("{base}/session/{session}"),
            client,
            _profile: profile,
        }
    }

    async fn command(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.session))
            .json(&body)
            .send()
            .await
            .unwrap();
        let answer: Value = response.json().await.unwrap();
        assert!(answer["value"]["error"].is_null(), "WebDriver {path}: {answer}");
        answer["value"].clone()
    }

    /// Opens a URL.
    pub async fn open(&self, url: &str) {
        self.command("/url", json!({"url": url})).await;
    }

    /// Runs a script in the page and returns what it returns.
    pub async fn eval(&self, script: &str) -> Value {
        self.command("/execute/sync", json!({"script": script, "args": []}))
            .await
    }

    /// Waits until `script` returns something truthy (non-null, non-false, non-empty), and
    /// returns it; panics with `what` after `timeout`.
    pub async fn wait_for(&self, script: &str, timeout: Duration, what: &str) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.eval(script).await;
            let truthy = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::String(text) => !text.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types `text` into the element matched by `selector` (as a user would, key by key).
    pub async fn type_into(&self, selector: &str, text: &str) {
        let element = self.element(selector).await;
        self.command(&format!("/element/{element}/clear"), json!({}))
            .await;
        self.command(&format!("/element/{element}/value"), json!({"text": text}))
            .await;
    }

    /// Chooses the file at `path` in the file input matched by `selector`.
    pub async fn upload(&self, selector: &str, path: &std::path::Path) {
        let element = self.element(selector).await;
        self.command(
            &format!("/element/{element}/value"),
            json!({"text": path.display().to_string()}),
        )
        .await;
    }

    /// Clicks the element matched by `selector`.
    pub async fn click(&self, selector: &str) {
        let element = self.element(selector).await;
        self.command(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    /// The console's errors since the last call (messages at level SEVERE: script errors,
    /// failed loads, CSP refusals).
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = self.command("/se/log", json!({"type": "browser"})).await;
        entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let answer: Value = self
            .client
            .get(format!("{}/screenshot", self.session))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        base64::engine::general_purpose::STANDARD
            .decode(answer["value"].as_str().expect("a screenshot"))
            .unwrap()
    }

    /// Presses and releases a key (a WebDriver key code: `\u{E004}` is Tab, `\u{E007}` Enter).
    pub async fn press(&self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]});
        self.command("/actions", actions).await;
    }

    /// Clicks the viewport at CSS pixel (`x`, `y`) with the mouse.
    pub async fn click_at(&self, x: f64, y: f64) {
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse",
            "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "origin": "viewport", "x": x.round() as i64, "y": y.round() as i64, "duration": 0},
            {"type": "pointerDown", "button": 0}, {"type": "pause", "duration": 50},
            {"type": "pointerUp", "button": 0}]}]});
        self.command("/actions", actions).await;
    }

    async fn element(&self, selector: &str) -> String {
        let found = self
            .command("/element", json!({"using": "css selector", "value": selector}))
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {selector}: {found}"))
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}
