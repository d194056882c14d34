//! Opening SQLite and the versioned schema of the accounts component.

use std::path::Path;

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use crate::error::{Error, Result};

/// The `schema_migrations.component` value for this crate's tables.
pub const COMPONENT: &str = "accounts";

/// `(version, sql)`: each entry is applied once, in order, inside its own
/// transaction. The server applies them with its own runner.
/// Never edit a shipped entry: append a new version instead.
pub const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("migrations/001_initial.sql"))];

/// Opens (creating if needed) a database file set up the way every part of
/// the server expects: WAL, a 5 s busy timeout and enforced foreign keys.
pub fn open_connection(path: impl AsRef<Path>) -> Result<Connection> {
    let path = path.as_ref();
    let open_err = |source| Error::Open {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open(path).map_err(open_err)?;
    configure(&conn).map_err(open_err)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)
}

/// Brings the accounts tables up to date. Safe to call from several
/// processes at once and on every start; the server runs its own
/// component's migrations in the same `schema_migrations` table.
pub fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             component TEXT NOT NULL,
             version INTEGER NOT NULL,
             applied_at INTEGER NOT NULL DEFAULT (unixepoch() * 1000),
             PRIMARY KEY (component, version)
         );",
    )?;
    for &(version, sql) in MIGRATIONS {
        apply(conn, version, sql)?;
    }
    Ok(())
}

fn apply(conn: &Connection, version: i64, sql: &str) -> Result<()> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let applied: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE component = ?1 AND version = ?2)",
        params![COMPONENT, version],
        |row| row.get(0),
    )?;
    if !applied {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (component, version) VALUES (?1, ?2)",
            params![COMPONENT, version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The latest accounts schema version applied to this database (0 if none).
pub fn schema_version(conn: &Connection) -> Result<i64> {
    let version = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?1",
        [COMPONENT],
        |row| row.get(0),
    )?;
    Ok(version)
}
