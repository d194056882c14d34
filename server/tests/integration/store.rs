//! The store on either engine: migrations by component, the kept secret;
//! and the SQLite file's mode.

use accounts::db::{Db, Engine, Migration, Target, migrate};
use accounts::params;
use server::caller::IpHasher;
use server::store::{Store, load_or_create_secret};

fn versions(db: &Db) -> Vec<(String, i64)> {
    db.query(
        "SELECT component, version FROM schema_migrations ORDER BY 1, 2",
        params![],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
    .collect()
}

/// A database of the suite's engine; an SQLite file under `nested/`.
fn fresh(dir: &std::path::Path) -> Target {
    Target::parse(&testkit::database::fresh(&dir.join("nested")))
}

#[test]
fn migrates_once_per_component() {
    let dir = tempfile::tempdir().unwrap();
    let target = fresh(dir.path());
    let store = Store::open(&target, 2).unwrap();
    drop(Store::open(&target, 1).unwrap());
    let db = store.get();
    let both = [
        ("accounts".to_string(), 1),
        ("accounts".to_string(), 2),
        ("server".to_string(), 1),
    ];
    assert_eq!(versions(&db), both);
    let other = [Migration {
        version: 1,
        sql: "CREATE TABLE other_things (id TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT;",
    }];
    assert_eq!(migrate(&db, "other", &other).unwrap(), 1);
    assert_eq!(migrate(&db, "other", &other).unwrap(), 0);
    assert_eq!(versions(&db)[3], ("server".to_string(), 1));
    assert_eq!(versions(&db)[2], ("other".to_string(), 1));
    db.execute(
        "INSERT INTO other_things (id, n) VALUES (?1, ?2)",
        params!["a", i64::MAX],
    )
    .unwrap();
    if db.engine() == Engine::Sqlite {
        let mode: String = db
            .query_one("PRAGMA journal_mode", params![])
            .unwrap()
            .get(0)
            .unwrap();
        let fk: i64 = db
            .query_one("PRAGMA foreign_keys", params![])
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!((mode.as_str(), fk), ("wal", 1));
    }
}

#[test]
fn keeps_the_generated_secret() {
    let dir = tempfile::tempdir().unwrap();
    let target = fresh(dir.path());
    let first = load_or_create_secret(&Store::open(&target, 1).unwrap().get(), None).unwrap();
    let again = load_or_create_secret(&Store::open(&target, 1).unwrap().get(), None).unwrap();
    assert_eq!(first, again);
    assert_eq!(first.len(), 64);
    let given = load_or_create_secret(
        &Store::open(&target, 1).unwrap().get(),
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
    let store = Store::open(&Target::Sqlite(path), 1).unwrap();
    store
        .get()
        .batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    for file in ["server.db", "server.db-wal"] {
        let mode = std::fs::metadata(dir.path().join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
    }
}
