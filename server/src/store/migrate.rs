//! Versioned migrations shared by every component that keeps tables in the
//! database: `schema_migrations(component, version)` records what ran, so
//! the server ("server") and the accounts work ("accounts") migrate the
//! same file independently.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior, params};

/// One schema step of a component. Versions start at 1 and never change
/// once released: add a new step instead.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// Applies the steps of `component` that have not run yet, each in its own
/// immediate transaction (so two processes starting at once do not both
/// apply a step). Returns how many ran.
pub fn migrate(
    conn: &mut Connection,
    component: &str,
    migrations: &[Migration],
) -> Result<usize, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             component  TEXT NOT NULL,
             version    INTEGER NOT NULL,
             applied_at INTEGER NOT NULL,
             PRIMARY KEY (component, version)
         )",
    )?;
    let mut applied = 0;
    for m in migrations {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE component = ?1 AND version = ?2)",
            params![component, m.version],
            |r| r.get(0),
        )?;
        if done {
            continue;
        }
        let failed = |source| StoreError::Migration {
            component: component.to_string(),
            version: m.version,
            source,
        };
        tx.execute_batch(m.sql).map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?1, ?2, ?3)",
            params![component, m.version, applied_at_ms()],
        )
        .map_err(failed)?;
        tx.commit()?;
        applied += 1;
    }
    Ok(applied)
}

/// Bookkeeping only, so the wall clock rather than the injected one.
fn applied_at_ms() -> i64 {
    use crate::clock::Clock;
    crate::clock::SystemClock.now_ms()
}
