//! The server's tables (settings, the search log, guest usage, the public
//! lists) in the database it shares with the `accounts` crate, SQLite or
//! PostgreSQL through `accounts::db`. Knows nothing about HTTP; callers run
//! it inside `web::block`.

pub mod copy;
pub mod lists;
mod pool;
pub mod presence;
pub mod quota;
pub mod searches;
mod settings;

pub use pool::{PooledConnection, Store};
pub use settings::load_or_create_secret;

use accounts::db::{DbError, Migration, MigrationError};
use std::path::PathBuf;

/// Why the store failed. Every variant is a server-side problem: bad
/// client input is checked before the store is reached.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{target}: cannot open the database: {source}")]
    Open {
        target: String,
        #[source]
        source: DbError,
    },
    #[error("{path}: cannot create its folder: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot create the database file: {source}")]
    CreateFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} is missing, but {marker} says a database was created there: restore it from a backup (docs/operations.md), or delete {marker} to start afresh with no accounts"
    )]
    Lost { path: PathBuf, marker: PathBuf },
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error(transparent)]
    Migration(#[from] MigrationError),
    #[error("database: stored value {what} is malformed: {why}")]
    Malformed { what: &'static str, why: String },
}

/// The migrations of the component "server", in the common dialect
/// (`accounts::db::dialect`).
pub const SERVER_MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("sql/server_v1.sql"),
}];
