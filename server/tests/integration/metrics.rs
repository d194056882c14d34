//! `GET /metrics` on the metrics app: what a search, a refusal and an
//! HTTP request leave there, and that the public app has no `/metrics`.

use crate::support::*;
use actix_web::test::{self, TestRequest};
use server::clock::Clock;

const IP: &str = "198.51.100.77";

#[actix_web::test]
async fn counts_searches_latencies_and_the_index() {
    let f = Fixture::new();
    let state = f.state();
    let app = app(state.clone()).await;
    let (status, _, _) = call(&app, upload(&jpeg(2)), IP).await;
    assert_eq!(status, 200);
    let (status, _, _) = call(&app, upload(b"not an image"), IP).await;
    assert_eq!(status, 400);
    let (status, _, _) = call(&app, TestRequest::delete().uri("/api/apikeys/abc"), IP).await;
    assert_eq!(status, 401);
    let (status, _, _) = call(&app, TestRequest::get().uri("/metrics"), IP).await;
    assert_eq!(status, 404, "no /metrics on the public app");

    let metrics = test::init_service(server::create_metrics_app(state)).await;
    let res = test::call_service(&metrics, TestRequest::get().uri("/metrics").to_request()).await;
    assert_eq!(res.status(), 200);
    let content_type = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    for line in [
        "anime_search_searches_total{outcome=\"found\"} 1",
        "anime_search_searches_total{outcome=\"bad_input\"} 1",
        "anime_search_search_seconds_count 2",
        "anime_search_decode_seconds_count 1",
        "anime_search_match_seconds_count 1",
        "anime_search_http_request_seconds_count{route=\"/api/anime/search\",status=\"2xx\"} 1",
        "anime_search_http_request_seconds_count{route=\"/api/anime/search\",status=\"4xx\"} 1",
        "anime_search_http_request_seconds_count{route=\"/api/apikeys/{id}\",status=\"4xx\"} 1",
        "anime_search_index_loaded 1",
        "anime_search_index_frames 6",
        "anime_search_index_loads_total 1",
        "anime_search_index_refusals_total 0",
        "anime_search_request_body_bytes 0",
        "anime_search_database_ok 1",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "{line} missing in:\n{text}"
        );
    }
    assert!(
        text.contains("# TYPE anime_search_database_errors counter"),
        "{text}"
    );
    let age = text
        .lines()
        .find_map(|l| l.strip_prefix("anime_search_index_age_seconds "))
        .expect("index age");
    // The fixture index says it was built at 1_700_000_000 (2023-11-14).
    let expected = f.clock.now_ms() as f64 / 1000.0 - 1.7e9;
    assert!(
        (age.parse::<f64>().unwrap() - expected).abs() < 1.0,
        "{age} vs {expected}"
    );
}
