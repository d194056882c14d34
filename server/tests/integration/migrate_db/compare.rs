//! Reading both databases the same way, to compare them row for row, and
//! running the real binary.

use accounts::db::{Engine, Row};
use accounts::{Db, Target, params};
use std::process::Command;

/// Runs `server migrate-db`; whether it succeeded, and what it printed.
pub fn migrate(from: &str, to: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["migrate-db", "--from", from, "--to", to])
        .env("RUST_LOG", "error")
        .output()
        .expect("server runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

pub fn open(database: &str) -> Db {
    Db::open(&Target::parse(database)).expect("database opens")
}

pub fn count(database: &str, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    open(database)
        .query_one(&sql, params![])
        .unwrap()
        .get(0)
        .unwrap()
}

/// Every row of `table`, ordered by its primary key (text compared byte by
/// byte on both engines); columns as SQLite lists them.
fn rows(database: &str, sqlite: &Db, table: &str) -> Vec<Row> {
    let db = open(database);
    let columns = sqlite
        .query(
            "SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid",
            params![table],
        )
        .unwrap();
    let names: Vec<String> = columns.iter().map(|c| c.get(0).unwrap()).collect();
    let mut key: Vec<(i64, String)> = columns
        .iter()
        .filter(|c| c.get::<i64>(2).unwrap() > 0)
        .map(|c| {
            let (name, ty): (String, String) = (c.get(0).unwrap(), c.get(1).unwrap());
            let postgres = db.engine() == Engine::Postgres;
            let collate = if postgres && ty == "TEXT" {
                " COLLATE \"C\""
            } else {
                ""
            };
            (c.get(2).unwrap(), format!("{name}{collate}"))
        })
        .collect();
    key.sort();
    let order: Vec<String> = key.into_iter().map(|(_, k)| k).collect();
    let sql = format!(
        "SELECT {} FROM {table} ORDER BY {}",
        names.join(", "),
        order.join(", ")
    );
    db.query(&sql, params![]).unwrap()
}

/// Every table of the SQLite file holds the same rows in PostgreSQL.
pub fn assert_same_rows(file: &str, url: &str) -> Vec<String> {
    let sqlite = open(file);
    let tables: Vec<String> = sqlite
        .query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations'",
            params![],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect();
    for table in &tables {
        let (before, after) = (rows(file, &sqlite, table), rows(url, &sqlite, table));
        assert_eq!(before.len(), after.len(), "rows of {table}");
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b, a, "a row of {table}");
        }
    }
    tables
}

/// The bytes of an SQLite file and its WAL.
pub fn file_bytes(file: &str) -> Vec<u8> {
    let mut bytes = std::fs::read(file).unwrap();
    bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
    bytes
}
