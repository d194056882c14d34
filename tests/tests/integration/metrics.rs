//! `--metrics-listen`: Prometheus scrapes the real server on its own
//! address, and the public address has no `/metrics`.

use e2e::{Server, client, footage, free_port};

#[test]
fn metrics_are_served_on_their_own_listener_only() {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let server = Server::start_with(&footage().index, &["--metrics-listen", &listen]);
    let client = client();
    let health = client
        .get(format!("{}/api/health", server.base))
        .send()
        .unwrap();
    assert_eq!(health.status(), 200);
    let public = client
        .get(format!("{}/metrics", server.base))
        .send()
        .unwrap();
    assert_eq!(public.status(), 404);
    let scraped = client
        .get(format!("http://{listen}/metrics"))
        .send()
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().unwrap();
    assert!(
        text.lines().any(|l| l == "anime_search_index_loaded 1"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l == "anime_search_database_ok 1"),
        "{text}"
    );
    assert!(
        text.contains(
            "anime_search_http_request_seconds_count{route=\"/api/health\",status=\"2xx\"} "
        ),
        "{text}"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
}
