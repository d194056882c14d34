//! Headless Chromium driven over W3C WebDriver by Debian's `chromedriver`,
//! for the site's end-to-end tests. The protocol calls the tests need are
//! a few JSON requests, made with the blocking reqwest client the harness
//! already uses (a WebDriver crate would bring a second HTTP stack into
//! the test build). A missing `chromium` or `chromedriver` fails the test
//! and says to run `scripts/setup.sh`.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a wait for the page gives up after.
pub const PATIENCE: Duration = Duration::from_secs(20);
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser session, closed (and its driver stopped) when dropped.
pub struct Browser {
    http: reqwest::blocking::Client,
    session: String,
    driver: Child,
}

/// How the browser is started.
#[derive(Clone, Copy)]
pub enum Screen {
    Desktop,
    /// A 375 px wide phone (Chrome's device emulation).
    Phone,
}

impl Browser {
    pub fn start(screen: Screen) -> Browser {
        for program in ["chromium", "chromedriver"] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {program}")])
                .output()
                .is_ok_and(|o| o.status.success());
            assert!(
                found,
                "{program} is missing: run scripts/setup.sh (Debian: chromium chromium-driver)"
            );
        }
        let port = crate::free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let http = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + PATIENCE;
        while http.get(format!("{base}/status")).send().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--autoplay-policy=no-user-gesture-required",
                     "--mute-audio", "--no-first-run", "--disable-extensions"],
        });
        if let Screen::Phone = screen {
            options["mobileEmulation"] =
                json!({"deviceMetrics": {"width": 375, "height": 740, "pixelRatio": 2.0}});
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let res: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .and_then(|r| r.json())
            .expect("a session");
        let session = res["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {res}"))
            .to_string();
        Browser {
            http,
            session: format!("{base}/session/{session}"),
            driver,
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res: Value = req
            .send()
            .and_then(|r| r.json())
            .expect("WebDriver answers");
        if res["value"]["error"].is_string() {
            panic!("WebDriver {path}: {}", res["value"]);
        }
        res["value"].clone()
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    pub fn goto(&self, url: &str) {
        self.post("/url", json!({"url": url}));
    }

    /// Runs `script` (a function body; `arguments` holds `args`).
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    /// Waits until `script` returns something truthy; returns it.
    pub fn wait_for(&self, what: &str, script: &str, args: Value) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.script(script, args.clone());
            let truthy = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "waited {PATIENCE:?} for {what}; page text:\n{}",
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The visible text of the first element matching `css` ("" if none).
    pub fn text(&self, css: &str) -> String {
        let v = self.script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
            json!([css]),
        );
        v.as_str().unwrap_or_default().to_string()
    }

    /// Waits until the element matching `css` is visible and its text
    /// contains `needle`; returns the text.
    pub fn wait_text(&self, css: &str, needle: &str) -> String {
        let script = "const e = document.querySelector(arguments[0]);
            if (!e || e.closest('[hidden]') || e.offsetParent === null) return '';
            return e.innerText.includes(arguments[1]) ? e.innerText : '';";
        let v = self.wait_for(
            &format!("{css} to show {needle:?}"),
            script,
            json!([css, needle]),
        );
        v.as_str().unwrap_or_default().to_string()
    }

    fn element(&self, css: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let res: Value = self
                .http
                .post(format!("{}/element", self.session))
                .json(&json!({"using": "css selector", "value": css}))
                .send()
                .and_then(|r| r.json())
                .expect("WebDriver answers");
            if let Some(id) = res["value"][ELEMENT].as_str() {
                return id.to_string();
            }
            assert!(Instant::now() < deadline, "no element {css}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.post(&format!("/element/{id}/click"), json!({}));
    }

    /// Types `text` into the element (for a file input: a file path).
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.post(&format!("/element/{id}/value"), json!({"text": text}));
    }

    /// Sends keys to whatever has the focus (`\u{E004}` is Tab, `\u{E007}` Enter).
    pub fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                let k = c.to_string();
                [
                    json!({"type": "keyDown", "value": k}),
                    json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// The `id` of the focused element.
    pub fn focused_id(&self) -> String {
        let v = self.script(
            "return document.activeElement ? document.activeElement.id : '';",
            json!([]),
        );
        v.as_str().unwrap_or_default().to_string()
    }

    /// Console messages of level SEVERE since the last call.
    pub fn console_errors(&self) -> Vec<String> {
        let log = self.post("/se/log", json!({"type": "browser"}));
        log.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Resizes the window (desktop sessions).
    pub fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}));
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let v = self.call(reqwest::Method::GET, "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("base64"))
            .expect("a PNG");
        std::fs::write(path, png).expect("screenshot written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.session).send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
