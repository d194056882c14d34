//! The operator commands of the server binary, run as a process on the
//! test database: grant and show credits, list and disable users.

use crate::support::*;
use serde_json::json;
use std::process::Command;

fn server(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("RUST_LOG", "error")
        .env_remove("SERVER_DATABASE")
        .output()
        .expect("server runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[actix_web::test]
async fn operators_grant_show_list_and_disable() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.80").await;
    let db = &f.config.database.as_arg();

    let (ok, out) = server(&[
        "credits",
        "grant",
        "--database",
        db,
        "--email",
        "Ann@example.com",
        "--amount",
        "5",
    ]);
    assert!(ok, "{out}");
    assert_eq!(out, "granted 5 credits to Ann@example.com; balance: 5\n");
    let (_, body, _) = call(
        &app,
        actix_web::test::TestRequest::get()
            .uri("/api/user/anime-credits")
            .insert_header(("cookie", cookie.clone())),
        "192.0.2.80",
    )
    .await;
    assert_eq!(body["credits"], 5, "the running server sees the grant");

    let (ok, out) = server(&[
        "credits",
        "show",
        "--database",
        db,
        "--email",
        "ann@example.com",
    ]);
    assert!(ok, "{out}");
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["email"], "ann@example.com");
    assert_eq!(shown["credits"], 5);
    assert_eq!(shown["freeDaily"]["limit"], 10);

    let (ok, out) = server(&["users", "list", "--database", db]);
    assert!(ok, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[1].starts_with("ann@example.com ") && lines[1].ends_with("5  active"),
        "{out}"
    );

    let (ok, out) = server(&[
        "users",
        "disable",
        "--database",
        db,
        "--email",
        "ann@example.com",
    ]);
    assert!(ok, "{out}");
    let req = post_json(
        "/api/auth/sign-in/email",
        json!({"email": "ann@example.com", "password": PASSWORD}),
    );
    let (status, body, _) = call(&app, req, "192.0.2.80").await;
    assert_eq!(
        (status.as_u16(), body["code"].clone()),
        (403, json!("USER_DISABLED"))
    );
    let (_, out) = server(&["users", "list", "--database", db]);
    assert!(out.lines().nth(1).unwrap().ends_with("disabled"), "{out}");
    let (ok, out) = server(&[
        "users",
        "enable",
        "--database",
        db,
        "--email",
        "ann@example.com",
    ]);
    assert!(ok, "{out}");
}

#[test]
fn operator_mistakes_fail_with_a_message() {
    let f = Fixture::without_index();
    drop(server::store::Store::open(&f.config.database, 1).unwrap());
    let db = &f.config.database.as_arg();
    let (ok, out) = server(&[
        "credits",
        "grant",
        "--database",
        db,
        "--email",
        "nobody@example.com",
        "--amount",
        "5",
    ]);
    assert!(!ok);
    assert!(
        out.contains("No user with email nobody@example.com"),
        "{out}"
    );
    let (ok, out) = server(&[
        "credits",
        "grant",
        "--database",
        db,
        "--email",
        "a@b.io",
        "--amount",
        "0",
    ]);
    assert!(!ok);
    assert!(
        out.contains("amount must be between 1 and 1000000000, got 0"),
        "{out}"
    );
    let (ok, out) = server(&["users", "list", "--database", "/nonexistent/server.db"]);
    assert!(!ok);
    assert!(
        out.contains("/nonexistent/server.db: no database here"),
        "{out}"
    );
}

#[test]
fn operator_commands_leave_other_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&other).unwrap();
    let (ok, out) = server(&["users", "list", "--database", other.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("not this server's database"), "{out}");
    assert_eq!(std::fs::read(&other).unwrap(), before, "nothing written");

    let schema = testkit::database::postgres();
    let (ok, out) = server(&["users", "list", "--database", &schema]);
    assert!(!ok, "{out}");
    assert!(out.contains("not this server's database"), "{out}");
    let tables = accounts::Db::open(&accounts::Target::parse(&schema))
        .unwrap()
        .query_one(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            accounts::params![],
        )
        .unwrap()
        .get::<i64>(0)
        .unwrap();
    assert_eq!(tables, 0, "nothing created in another PostgreSQL database");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all, just some text\n".repeat(200)).unwrap();
    let (ok, out) = server(&["users", "list", "--database", text.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("cannot read it as a database"), "{out}");
}
