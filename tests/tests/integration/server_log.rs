//! The server's log as an operator's log file gets it: no colour codes when
//! it is not a terminal, no API key from a query string, and one JSON
//! object per line with `--log-format json`.

use e2e::{Server, client, footage};
use std::time::{Duration, Instant};

/// The log once it holds `needle` (access lines are written as answers
/// end, so they may trail the answer a moment).
fn log_with(server: &Server, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = server.log();
        if log.contains(needle) || Instant::now() > deadline {
            return log;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_log_file_gets_no_colour_and_no_keys() {
    let server = Server::start_with(&footage().index, &["--log-level", "info"]);
    let key = server.user_with_key("log@example.com");
    let client = client();
    let me = client.get(format!("{}/me?key={key}", server.base)).send();
    assert_eq!(me.unwrap().status(), 200);
    let health = format!("{}/api/health?api_key=s3cret&x=1", server.base);
    assert_eq!(client.get(health).send().unwrap().status(), 200);
    let log = log_with(&server, "/api/health");
    assert!(
        !log.contains('\u{1b}'),
        "escape codes in a log file:\n{log}"
    );
    assert!(!log.contains(&key), "the key is logged:\n{log}");
    assert!(!log.contains("s3cret"), "the key is logged:\n{log}");
    assert!(log.contains("\"GET /me?key=REDACTED\" 200"), "{log}");
    assert!(
        log.contains("\"GET /api/health?api_key=REDACTED&x=1\" 200"),
        "{log}"
    );
}

#[test]
fn json_logs_are_one_object_per_line() {
    let flags = ["--log-format", "json", "--log-level", "info"];
    let server = Server::start_with(&footage().index, &flags);
    let health = format!("{}/api/health", server.base);
    assert_eq!(client().get(health).send().unwrap().status(), 200);
    let log = log_with(&server, "GET /api/health");
    assert!(log.contains("GET /api/health"), "{log}");
    for line in log.lines() {
        let object: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(object["level"].is_string(), "{line}");
    }
}
