//! The one migration runner: every component that keeps tables (the server,
//! the accounts) lists its schema steps once, in the common dialect, and
//! this applies the missing ones on either engine, recording them in
//! `schema_migrations(component, version)`.

use super::dialect::postgres_schema;
use super::{Db, DbError, Engine};
use crate::params;

/// One schema step of a component. Versions start at 1 and never change
/// once released: add a new step instead.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// An arbitrary constant: the PostgreSQL advisory lock that keeps replicas
/// starting together from applying a step twice.
const MIGRATION_LOCK: i64 = 0x5ce4e_5ea7c4;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    component  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (component, version)
)";

/// Why a step failed, with the step named.
#[derive(Debug, thiserror::Error)]
#[error("database: migration {component} v{version} failed: {source}")]
pub struct MigrationError {
    pub component: String,
    pub version: i64,
    #[source]
    pub source: DbError,
}

/// Applies the steps of `component` that have not run yet, each in its own
/// write transaction (so two processes starting at once do not both apply
/// a step). Returns how many ran.
pub fn migrate(
    db: &Db,
    component: &str,
    migrations: &[Migration],
) -> Result<usize, MigrationError> {
    let mut applied = 0;
    for m in migrations {
        let failed = |source| MigrationError {
            component: component.to_owned(),
            version: m.version,
            source,
        };
        let ran = db.write(|tx| apply(tx, component, m)).map_err(failed)?;
        applied += usize::from(ran);
    }
    Ok(applied)
}

fn apply(tx: &Db, component: &str, m: &Migration) -> Result<bool, DbError> {
    if tx.engine() == Engine::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock(?1)", params![MIGRATION_LOCK])?;
    }
    tx.batch(&schema(tx, CREATE_TABLE))?;
    let done: bool = tx
        .query_one(
            "SELECT COUNT(*) FROM schema_migrations WHERE component = ?1 AND version = ?2",
            params![component, m.version],
        )?
        .get(0)?;
    if done {
        return Ok(false);
    }
    tx.batch(&schema(tx, m.sql))?;
    tx.execute(
        "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?1, ?2, ?3)",
        params![component, m.version, applied_at_ms()],
    )?;
    Ok(true)
}

fn schema(db: &Db, sql: &str) -> String {
    match db.engine() {
        Engine::Sqlite => sql.to_owned(),
        Engine::Postgres => postgres_schema(sql),
    }
}

/// The latest schema version of `component` applied to this database (0 if none).
pub fn schema_version(db: &Db, component: &str) -> Result<i64, DbError> {
    db.query_one(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?1",
        params![component],
    )?
    .get(0)
}

/// Bookkeeping only, so the wall clock rather than an injected one.
fn applied_at_ms() -> i64 {
    use crate::clock::Clock;
    crate::clock::SystemClock.now_ms()
}
