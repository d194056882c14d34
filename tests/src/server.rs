//! The real `server` binary as a child process of a test: its flags,
//! its log file, users with keys, stopped when dropped.

use crate::{bin, client, free_port};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The real `server` process on a free port, stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    _dir: tempfile::TempDir,
}

/// Origin the server trusts for cookie requests in these tests.
pub const ORIGIN: &str = "http://e2e.test";

impl Server {
    pub fn start(index: &Path) -> Server {
        Server::start_with(index, &[])
    }

    /// Starts with more flags; stderr, the log, goes to a file `log()`
    /// reads. The database is a new SQLite file.
    pub fn start_with(index: &Path, flags: &[&str]) -> Server {
        Server::start_on(index, None, flags)
    }

    /// Starts on `database` (an SQLite path or a `postgres://` URL; a new
    /// SQLite file when `None`), with more flags.
    pub fn start_on(index: &Path, database: Option<&str>, flags: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let database = database.map_or_else(
            || dir.path().join("server.db").into_os_string(),
            std::ffi::OsString::from,
        );
        let child = Command::new(bin("server"))
            .arg("--index")
            .arg(index)
            .arg("--database")
            .arg(database)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--trusted-origin", ORIGIN, "--allow-loopback-urls"])
            .args(["--pbkdf2-iterations", "1000"])
            .env("RUST_LOG", "warn")
            .args(flags)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("server starts");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = client();
        while Instant::now() < deadline {
            let health = client.get(format!("{}/api/health", self.base)).send();
            let body = health.and_then(|r| r.json::<serde_json::Value>());
            if body.is_ok_and(|b| b["index"]["loaded"] == true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the server at {} did not load its index in 30 s; its log:\n{}",
            self.base,
            self.log()
        );
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("server.log")).expect("log read")
    }

    /// Signs a user up and creates an API key; returns the key.
    pub fn user_with_key(&self, email: &str) -> String {
        let client = reqwest::blocking::Client::builder()
            .cookie_store(true)
            .no_proxy()
            .build()
            .expect("client");
        let sign_up =
            serde_json::json!({"name": "E2E", "email": email, "password": "correct horse battery"});
        let res = client
            .post(format!("{}/api/auth/sign-up/email", self.base))
            .json(&sign_up)
            .send()
            .expect("sign-up");
        assert_eq!(res.status(), 200, "sign-up");
        let res = client
            .post(format!("{}/api/apikeys", self.base))
            .header("origin", ORIGIN)
            .json(&serde_json::json!({"title": "e2e"}))
            .send()
            .expect("key");
        assert_eq!(res.status(), 201, "key created");
        let body: serde_json::Value = res.json().expect("key JSON");
        body["key"].as_str().expect("key").to_string()
    }
}

impl Server {
    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
