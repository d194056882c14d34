//! The SQLite store: migrations by component, the kept secret.

use rusqlite::Connection;
use server::caller::IpHasher;
use server::store::{Migration, Store, load_or_create_secret, migrate};

fn versions(conn: &Connection) -> Vec<(String, i64)> {
    let mut stmt = conn
        .prepare("SELECT component, version FROM schema_migrations ORDER BY 1, 2")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn migrates_once_per_component() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/server.db");
    let store = Store::open(&path, 2).unwrap();
    drop(Store::open(&path, 1).unwrap());
    let mut conn = store.get();
    let both = [("accounts".to_string(), 1), ("server".to_string(), 1)];
    assert_eq!(versions(&conn), both);
    let other = [Migration {
        version: 1,
        sql: "CREATE TABLE other_things (id TEXT PRIMARY KEY) STRICT;",
    }];
    assert_eq!(migrate(&mut conn, "other", &other).unwrap(), 1);
    assert_eq!(migrate(&mut conn, "other", &other).unwrap(), 0);
    assert_eq!(versions(&conn)[2], ("server".to_string(), 1));
    assert_eq!(versions(&conn)[1], ("other".to_string(), 1));
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
}

#[test]
fn keeps_the_generated_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let first = load_or_create_secret(&mut Store::open(&path, 1).unwrap().get(), None).unwrap();
    let again = load_or_create_secret(&mut Store::open(&path, 1).unwrap().get(), None).unwrap();
    assert_eq!(first, again);
    assert_eq!(first.len(), 64);
    let given = load_or_create_secret(
        &mut Store::open(&path, 1).unwrap().get(),
        Some("x".repeat(32).as_str()),
    )
    .unwrap();
    assert_eq!(given, b"x".repeat(32));
    let ip = "192.0.2.1".parse().unwrap();
    assert_eq!(
        IpHasher::new(&first).hash(ip),
        IpHasher::new(&again).hash(ip)
    );
    assert_ne!(
        IpHasher::new(&first).hash(ip),
        IpHasher::new(&given).hash(ip)
    );
}

#[test]
fn a_new_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let store = Store::open(&path, 1).unwrap();
    store
        .get()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    for file in ["server.db", "server.db-wal"] {
        let mode = std::fs::metadata(dir.path().join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
    }
}
