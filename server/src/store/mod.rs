//! The SQLite store the server shares with the `accounts` crate: one file,
//! opened through a small pool, schema kept by versioned migrations. Knows
//! nothing about HTTP; callers run it inside `web::block`.

pub mod lists;
mod migrate;
mod pool;
pub mod presence;
pub mod quota;
pub mod searches;
mod settings;

pub use migrate::{Migration, migrate};
pub use pool::{PooledConnection, Store};
pub use settings::load_or_create_secret;

use std::path::PathBuf;

/// Why the store failed. Every variant is a server-side problem: bad
/// client input is checked before the store is reached.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open the database: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
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
    Sqlite(#[from] rusqlite::Error),
    #[error("database: migration {component} v{version} failed: {source}")]
    Migration {
        component: String,
        version: i64,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database: stored value {what} is malformed: {why}")]
    Malformed { what: &'static str, why: String },
}

/// The migrations of the component "server".
pub const SERVER_MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("sql/server_v1.sql"),
}];
