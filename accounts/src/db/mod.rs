//! The storage interface every table goes through: one [`Db`] handle with
//! two engines behind it, SQLite (one file, the embedded default) and
//! PostgreSQL (shared by server replicas). Statements are written once in
//! the common dialect ([`dialect`]); values cross as [`Param`] and [`Row`].

pub mod dialect;
mod error;
mod migrate;
mod pg;
mod pool;
mod sqlite;
mod target;
mod tls;
mod value;

use std::cell::Cell;
use std::time::Duration;

pub use error::DbError;
pub use migrate::{Migration, MigrationError, migrate, schema_version};
pub use pool::{Pool, PooledDb};
pub use target::{Engine, Target};
pub use value::{FromValue, Param, Row, Value};

/// The `schema_migrations.component` value for this crate's tables.
pub const COMPONENT: &str = "accounts";

/// The accounts tables' schema steps, in the common dialect. Each runs once,
/// in order, in its own transaction. Never edit a shipped entry: append a
/// new version instead.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/001_initial.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/002_rate_windows.sql"),
    },
];

/// Brings the accounts tables of `db` up to date (a program that keeps no
/// tables of its own, like this crate's tests, needs only this).
pub fn migrate_accounts(db: &Db) -> Result<(), MigrationError> {
    migrate(db, COMPONENT, MIGRATIONS).map(drop)
}

/// How often a PostgreSQL transaction that lost a race is run again.
const MAX_ATTEMPTS: u32 = 30;

/// One connection to either engine. Not shared between threads: the pool
/// hands each caller its own.
pub struct Db {
    backend: Backend,
    /// Inside [`Db::write`]: nested writes join the outer transaction.
    in_write: Cell<bool>,
    /// A statement of the current transaction hit a serialization conflict.
    conflicted: Cell<bool>,
}

enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(pg::PgConn),
}

impl Db {
    /// Opens a connection to `target` (creating an SQLite file if needed).
    pub fn open(target: &Target) -> Result<Db, DbError> {
        let backend = match target {
            Target::Sqlite(path) => Backend::Sqlite(sqlite::open(path)?),
            Target::Postgres(url) => Backend::Postgres(pg::PgConn::connect(url)?),
        };
        Ok(Db {
            backend,
            in_write: Cell::new(false),
            conflicted: Cell::new(false),
        })
    }

    pub fn engine(&self) -> Engine {
        match self.backend {
            Backend::Sqlite(_) => Engine::Sqlite,
            Backend::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs one statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, params: &[Param]) -> Result<usize, DbError> {
        let result = match &self.backend {
            Backend::Sqlite(c) => sqlite::execute(c, sql, params),
            Backend::Postgres(c) => c.execute(sql, params, self.in_write.get()),
        };
        self.note(result)
    }

    /// Every row a query returns.
    pub fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Row>, DbError> {
        let result = match &self.backend {
            Backend::Sqlite(c) => sqlite::query(c, sql, params),
            Backend::Postgres(c) => c.query(sql, params, self.in_write.get()),
        };
        self.note(result)
    }

    /// The first row, if any.
    pub fn query_opt(&self, sql: &str, params: &[Param]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row; [`DbError::NoRow`] when there is none.
    pub fn query_one(&self, sql: &str, params: &[Param]) -> Result<Row, DbError> {
        self.query_opt(sql, params)?.ok_or(DbError::NoRow)
    }

    /// Runs statements that take no parameters, e.g. a migration's DDL.
    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        let result = match &self.backend {
            Backend::Sqlite(c) => c.execute_batch(sql).map_err(DbError::from),
            Backend::Postgres(c) => c.batch(sql, self.in_write.get()),
        };
        self.note(result)
    }

    fn note<T>(&self, result: Result<T, DbError>) -> Result<T, DbError> {
        if let Err(e) = &result
            && e.is_conflict()
        {
            self.conflicted.set(true);
        }
        result
    }

    /// Runs `work` in one write transaction and commits it, or rolls back
    /// when it fails. Concurrent writers are serialised: SQLite takes the
    /// write lock at `BEGIN IMMEDIATE`; PostgreSQL runs `SERIALIZABLE` and
    /// runs `work` again when it lost a race with another transaction, so
    /// `work` must only touch the database (and may run more than once).
    /// Inside another `write`, `work` joins the outer transaction.
    pub fn write<T, E: From<DbError>>(
        &self,
        mut work: impl FnMut(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.in_write.get() {
            return work(self);
        }
        let begin = match self.engine() {
            Engine::Sqlite => "BEGIN IMMEDIATE",
            Engine::Postgres => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.batch(begin)?;
            let open = OpenTransaction(self);
            self.in_write.set(true);
            self.conflicted.set(false);
            let result = work(self).and_then(|value| {
                self.batch("COMMIT")?;
                Ok(value)
            });
            self.in_write.set(false);
            std::mem::forget(open);
            if result.is_ok() {
                return result;
            }
            let _ = self.batch("ROLLBACK");
            if !self.conflicted.get() || attempt >= MAX_ATTEMPTS {
                return result;
            }
            std::thread::sleep(backoff(attempt));
        }
    }
}

/// Rolls back a transaction left open by a panic in `Db::write`'s work,
/// so that the connection goes back to the pool clean.
struct OpenTransaction<'a>(&'a Db);

impl Drop for OpenTransaction<'_> {
    fn drop(&mut self) {
        self.0.in_write.set(false);
        let _ = self.0.batch("ROLLBACK");
    }
}

/// A short, jittered wait before running a conflicted transaction again.
fn backoff(attempt: u32) -> Duration {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() % 1000);
    Duration::from_micros(u64::from(attempt.min(10)) * 500 + u64::from(jitter))
}
