//! What a database call can fail with, the same type for both engines, with
//! the two questions callers ask of it: was it a duplicate key, and was it a
//! conflict with a concurrent transaction that a retry would get past.

/// A failed database call.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("column {index}: expected {wanted}, found {found}")]
    Type {
        index: usize,
        wanted: &'static str,
        found: &'static str,
    },
    #[error("column {index} has the PostgreSQL type {ty}, which this program does not read")]
    Unsupported { index: usize, ty: String },
    #[error("a parameter of type {param} cannot be sent as the PostgreSQL type {ty}")]
    Parameter { param: &'static str, ty: String },
    #[error("the query returned no row")]
    NoRow,
    #[error("the connection to PostgreSQL was lost inside a transaction")]
    LostInTransaction,
    #[error("postgres connection: {0}")]
    Thread(String),
    #[error("postgres TLS: {0}")]
    Tls(String),
}

impl DbError {
    /// A `UNIQUE` or primary key constraint refused the row.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(e) => matches!(
                e.sqlite_error().map(|e| e.extended_code),
                Some(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
                    | Some(rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
            ),
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }

    /// A serialization failure or deadlock: the transaction lost a race with
    /// another one and would succeed if run again (PostgreSQL only; SQLite
    /// serialises writers with `BEGIN IMMEDIATE` instead).
    pub fn is_conflict(&self) -> bool {
        use postgres::error::SqlState;
        match self {
            DbError::Postgres(e) => matches!(
                e.code(),
                Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
            ),
            _ => false,
        }
    }
}

/// `postgres::Error` prints "db error" alone for a server error: say what
/// the server said.
fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        },
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}
