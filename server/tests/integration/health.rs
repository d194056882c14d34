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
        "database": {"ok": true, "problem": null},
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
        "database": {"ok": true, "problem": null},
    });
    assert_eq!((status.as_u16(), body), (200, expected));
}

/// A database deleted or replaced under the running server is reported
/// (503, so a load balancer stops sending requests), and the next start
/// refuses to create an empty one in its place.
#[actix_web::test]
async fn reports_a_deleted_or_replaced_database_and_never_starts_afresh() {
    // An SQLite file whatever engine the suite runs on: these guards are
    // about the file.
    let mut f = Fixture::new();
    let db = f.config.index.with_file_name("server.db");
    f.config.database = accounts::Target::Sqlite(db.clone());
    let state = f.state();
    let app = app(state.clone()).await;
    let health = || call(&app, TestRequest::get().uri("/api/health"), "192.0.2.1");
    let (status, body, _) = health().await;
    assert_eq!(
        (status.as_u16(), &body["database"]),
        (200, &json!({"ok": true, "problem": null}))
    );

    let copy = db.with_extension("copy");
    std::fs::copy(&db, &copy).unwrap();
    std::fs::rename(&copy, &db).unwrap();
    let (status, body, _) = health().await;
    let replaced = "the database server.db was replaced while the server runs; restart the server to use the new file";
    assert_eq!(
        (status.as_u16(), body["status"].clone()),
        (503, json!("failing"))
    );
    assert_eq!(body["database"], json!({"ok": false, "problem": replaced}));

    std::fs::remove_file(&db).unwrap();
    let (status, body, _) = health().await;
    let deleted = "the database server.db was deleted while the server runs; what is written now will be lost";
    assert_eq!(
        (status.as_u16(), &body["database"]["problem"]),
        (503, &json!(deleted))
    );

    drop(app);
    drop(state);
    let target = accounts::Target::Sqlite(db.clone());
    let err = server::store::Store::open(&target, 1)
        .err()
        .expect("refused");
    let marker = db.with_file_name("server.db.created");
    assert_eq!(
        err.to_string(),
        format!(
            "{} is missing, but {} says a database was created there: restore it from a backup (docs/operations.md), or delete {} to start afresh with no accounts",
            db.display(),
            marker.display(),
            marker.display()
        )
    );
    assert!(!db.exists(), "nothing created");
    std::fs::remove_file(&marker).unwrap();
    server::store::Store::open(&target, 1).expect("afresh, on purpose");
    assert!(marker.exists());
}
