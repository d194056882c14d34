//! `server migrate-db`: an SQLite installation made through the real
//! routes, moved to PostgreSQL by the real binary, compared row for row
//! and then used; a copy that fails leaves nothing; and the refusals.
//! Needs PostgreSQL (`scripts/with-postgres.sh`).

mod compare;

use crate::support::*;
use accounts::{Target, params};
use actix_web::test::TestRequest;
use compare::{assert_same_rows, count, file_bytes, migrate, open};
use serde_json::json;
use std::path::Path;

/// The tables both migrations define, each filled by the first test.
const TABLES: &[&str] = &[
    "settings",
    "users",
    "sessions",
    "api_keys",
    "credit_balances",
    "charges",
    "searches",
    "guest_usage",
];
const GUEST: &str = "192.0.2.30";
const ANN: &str = "192.0.2.31";

fn credits(cookie: &str) -> TestRequest {
    TestRequest::get()
        .uri("/api/user/anime-credits")
        .insert_header(("cookie", cookie.to_string()))
}

fn with_key(key: &str) -> TestRequest {
    upload(&jpeg(1)).insert_header(("x-api-key", key.to_string()))
}

/// Values that must cross exactly: extreme integers, reals that print
/// badly, bytes that are not text, quotes and `?1` inside text, NULLs.
fn insert_odd_values(file: &str) {
    open(file)
        .execute(
            "INSERT INTO searches (id, created_at, caller_kind, ip_hash, frame_count, results,
                 top_anime_id, top_title, top_at, top_similarity, public)
             VALUES ('odd-values', 0, 'guest', ?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
            params![
                &[0u8, 0x27, 0xff, 0x3f][..],
                i64::MAX,
                "[\"?1 '' \\\" ☃\"]",
                i64::MIN,
                "it's ?2 «アルファ»",
                0.1 + 0.2,
                f64::MIN_POSITIVE,
            ],
        )
        .unwrap();
}

#[actix_web::test]
async fn an_sqlite_installation_moves_to_postgres_whole() {
    let mut f = Fixture::new();
    f.config.database = Target::Sqlite(f._dir.path().join("server.db"));
    f.config.secret = None; // generated and kept in `settings`
    f.clock.set(T0);
    let file = f.config.database.as_arg();
    let state = f.state();
    let app = app(state.clone()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", ANN).await;
    sign_up(&app, "bob@example.com", ANN).await;
    let mut keys = Vec::new();
    for title in ["kept", "revoked"] {
        let req = with_session(post_json("/api/apikeys", json!({"title": title})), &cookie);
        let (status, body, _) = call(&app, req, ANN).await;
        assert_eq!(status, 201, "{body}");
        keys.push((
            body["id"].clone(),
            body["key"].as_str().unwrap().to_string(),
        ));
    }
    let revoke =
        TestRequest::delete().uri(&format!("/api/apikeys/{}", keys[1].0.as_str().unwrap()));
    assert_eq!(call(&app, with_session(revoke, &cookie), ANN).await.0, 200);
    grant(&f, "ann@example.com", 5);
    for i in 0..11 {
        f.clock.advance_ms(1_000);
        let (status, body, _) = call(&app, with_key(&keys[0].1), ANN).await;
        assert_eq!(status, 200, "search {i}: {body}");
    }
    let mut guest_searches = Vec::new();
    for seed in [2, 5] {
        let (status, body, _) = call(&app, upload(&jpeg(seed)), GUEST).await;
        assert_eq!(status, 200, "{body}");
        guest_searches.push(body["searchId"].as_str().unwrap().to_string());
    }
    let confirm = TestRequest::post()
        .uri(&format!(
            "/api/anime/searches/{}/confirm",
            guest_searches[0]
        ))
        .set_json(json!({"resultIndex": 0, "public": true}));
    assert_eq!(call(&app, confirm, GUEST).await.0, 200);
    let (_, credits_before, _) = call(&app, credits(&cookie), ANN).await;
    assert_eq!(credits_before["credits"], 4, "{credits_before}");
    drop((app, state));
    insert_odd_values(&file);

    let before = file_bytes(&file);
    let url = testkit::database::postgres();
    let (ok, out) = migrate(&file, &url);
    assert!(ok, "{out}");
    for (table, rows) in [("searches", 14), ("charges", 11), ("users", 2)] {
        assert!(
            out.contains(&format!("  {table:<16} {rows:>10}\n")),
            "{out}"
        );
    }
    assert_eq!(
        file_bytes(&file),
        before,
        "the SQLite file is left as it was"
    );
    let tables = assert_same_rows(&file, &url);
    for table in TABLES {
        assert!(tables.iter().any(|t| t == table), "{table} in {tables:?}");
        assert!(count(&url, table) > 0, "{table} has rows to compare");
    }

    f.config.database = Target::parse(&url);
    let app = crate::support::app(f.state()).await;
    let (status, credits_after, _) = call(&app, credits(&cookie), ANN).await;
    assert_eq!(status, 200, "the session cookie still signs in");
    assert_eq!(credits_after, credits_before);
    let sign_in = post_json(
        "/api/auth/sign-in/email",
        json!({"email": "ann@example.com", "password": PASSWORD}),
    );
    assert_eq!(call(&app, sign_in, ANN).await.0, 200, "the old password");
    let recent = TestRequest::get().uri("/api/anime/recent-searches");
    let (_, body, _) = call(&app, recent, GUEST).await;
    assert_eq!(
        body["items"][0]["searchId"],
        json!(guest_searches[0]),
        "{body}"
    );

    let (status, body, _) = call(&app, with_key(&keys[0].1), ANN).await;
    assert_eq!(status, 200, "the old key, and a new charge: {body}");
    let (_, body, _) = call(&app, credits(&cookie), ANN).await;
    assert_eq!(body["credits"], 3, "{body}");
    assert_eq!(count(&url, "charges"), 12);
    let (status, body, _) = call(&app, with_key(&keys[1].1), ANN).await;
    assert_eq!(status, 401, "the revoked key stays revoked: {body}");
    assert_eq!(call(&app, upload(&jpeg(3)), GUEST).await.0, 200);
    let guest_rows: Vec<i64> = open(&url)
        .query("SELECT count FROM guest_usage", params![])
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect();
    assert_eq!(
        guest_rows,
        [3],
        "the same secret, the same hash of the guest's address"
    );
}

/// A scratch database this server made, holding `settings` rows only.
fn scratch_sqlite(dir: &Path) -> String {
    let path = dir.join("server.db");
    drop(server::store::Store::open(&Target::Sqlite(path.clone()), 1).unwrap());
    let file = path.to_string_lossy().into_owned();
    open(&file)
        .execute(
            "INSERT INTO settings (key, value) VALUES ('secret', 'abc')",
            params![],
        )
        .unwrap();
    file
}

#[test]
fn a_destination_with_rows_is_refused_and_a_failed_copy_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = scratch_sqlite(dir.path());
    let url = testkit::database::postgres();
    assert!(migrate(&file, &url).0);
    let (ok, out) = migrate(&file, &url);
    assert!(!ok, "{out}");
    assert!(
        out.contains("nothing was copied") && out.contains("table settings already holds 1 row"),
        "{out}"
    );

    let url = testkit::database::postgres();
    let db = open(&file);
    db.execute(
        "INSERT INTO users (id, name, email, password_hash, created_at, updated_at)
         VALUES ('u1', 'Ann', 'ann@example.com', 'x', 1, 1)",
        params![],
    )
    .unwrap();
    // PostgreSQL refuses a NUL in text: the sessions, copied after users
    // and settings, fail the copy.
    db.execute(
        "INSERT INTO sessions (id, token_hash, user_id, expires_at, created_at, updated_at, user_agent)
         VALUES ('s1', 'h', 'u1', 1, 1, 1, ?1)",
        params!["curl\0"],
    )
    .unwrap();
    let (ok, out) = migrate(&file, &url);
    assert!(!ok, "{out}");
    assert!(
        out.contains("nothing was copied") && out.contains("0x00"),
        "{out}"
    );
    for table in ["settings", "users", "sessions"] {
        assert_eq!(count(&url, table), 0, "{table}: {out}");
    }
}

#[test]
fn only_this_servers_sqlite_file_moves_to_a_postgres_url() {
    let dir = tempfile::tempdir().unwrap();
    let file = scratch_sqlite(dir.path());
    let unreachable = "postgres://nobody@127.0.0.1:1/none";
    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT);")
        .unwrap();
    drop(conn);
    let other = other.to_str().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all\n".repeat(300)).unwrap();
    let other_before = std::fs::read(other).unwrap();
    let cases = [
        (
            unreachable,
            unreachable,
            "--from postgres://nobody@127.0.0.1:1/none: give the SQLite file",
        ),
        (file.as_str(), other, "give a postgres:// URL"),
        (
            "/nonexistent/server.db",
            unreachable,
            "--from /nonexistent/server.db: no database here",
        ),
        (other, unreachable, "not this server's database"),
        (
            text.to_str().unwrap(),
            unreachable,
            "file is not a database",
        ),
    ];
    for (from, to, expected) in cases {
        let (ok, out) = migrate(from, to);
        assert!(!ok, "{from} -> {to}: {out}");
        assert!(
            out.contains(expected) && out.contains("nothing was copied"),
            "{out}"
        );
    }
    assert_eq!(std::fs::read(other).unwrap(), other_before);
    let from_env = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["migrate-db", "--from", &file])
        .env("SERVER_MIGRATE_TO", other)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&from_env.stderr);
    assert!(
        out.contains("give a postgres:// URL"),
        "--to from SERVER_MIGRATE_TO: {out}"
    );

    open(&file)
        .execute(
            "UPDATE schema_migrations SET version = 7 WHERE component = 'server'",
            params![],
        )
        .unwrap();
    let (ok, out) = migrate(&file, unreachable);
    assert!(!ok, "{out}");
    assert!(
        out.contains("server v7, this program") && out.contains("server v1"),
        "{out}"
    );
}
