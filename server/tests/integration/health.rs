//! `GET /api/health` with and without an index.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::json;

#[actix_web::test]
async fn reports_the_loaded_index() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, TestRequest::get().uri("/api/health"), "192.0.2.1").await;
    let expected = json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "index": {"loaded": true, "frames": 6, "anime": 2, "videos": 2,
                  "builtAt": "2023-11-14T22:13:20.000Z", "toolVersion": "test-1", "problem": null},
    });
    assert_eq!((status.as_u16(), body), (200, expected));
}

#[actix_web::test]
async fn reports_a_missing_index() {
    let f = Fixture::without_index();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, TestRequest::get().uri("/api/health"), "192.0.2.1").await;
    // The file is named, not the folders it sits in.
    let name = f.config.index.file_name().unwrap().to_string_lossy();
    let problem = format!("{name}: No such file or directory (os error 2)");
    assert!(f.config.index.is_absolute());
    let expected = json!({
        "status": "degraded",
        "version": env!("CARGO_PKG_VERSION"),
        "index": {"loaded": false, "problem": problem},
    });
    assert_eq!((status.as_u16(), body), (200, expected));
}
