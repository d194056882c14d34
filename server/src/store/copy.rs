//! `server migrate-db`: moves an SQLite installation to PostgreSQL (which
//! several replicas can share) without losing a row: every table of both
//! migrations, value for value, in one transaction on the destination.
//!
//! The source is read in `source`; the destination is made with
//! `Store::open` (which creates the schema) and must hold no rows.

use super::{SERVER_MIGRATIONS, Store, StoreError};
use accounts::db::{self as db, Db, DbError, Migration, Param, Target};
use accounts::params;
use rusqlite::types::ValueRef;
use source::Source;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Rows per multi-row `INSERT` (fewer for a table so wide that they would
/// pass PostgreSQL's limit of 65535 parameters per statement).
const BATCH_ROWS: usize = 500;
const MAX_PARAMS: usize = 65_535;

/// What `migrate_db` copied: rows per table, in the order copied.
#[derive(Debug)]
pub struct Copied {
    pub tables: Vec<(String, u64)>,
    pub elapsed: Duration,
}

/// Why nothing was copied.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("--from {0}: give the SQLite file the server has used so far, not a postgres:// URL")]
    FromNotSqlite(Target),
    #[error("--to {0}: give a postgres:// URL; migrate-db moves an SQLite database to PostgreSQL")]
    ToNotPostgres(Target),
    #[error("--from {0}: no database here")]
    Missing(PathBuf),
    #[error("--from {0}: not this server's database (it has none of the server's tables)")]
    NotServerDatabase(PathBuf),
    #[error("--from: {0}")]
    Unreadable(#[source] Box<StoreError>),
    #[error("--from {path}: cannot read it: {source}")]
    Source {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "--from {path} has the schema {found}, this program {wanted}: start this version of \
         the server once on {path} (it brings the schema up to date), stop it, and run \
         migrate-db again"
    )]
    SourceSchema {
        path: PathBuf,
        found: String,
        wanted: String,
    },
    #[error(
        "--to {to} has the schema {found}, this program {wanted}: a newer server made it; \
         migrate with that version"
    )]
    DestinationSchema {
        to: Target,
        found: String,
        wanted: String,
    },
    #[error("--from {0}: the foreign keys of its tables form a cycle: {1}")]
    Cycle(PathBuf, String),
    #[error(
        "--to {to}: table {table} already holds {rows} row(s); migrate-db copies into an empty \
         database only (a new database, or a new schema)"
    )]
    NotEmpty {
        to: Target,
        table: String,
        rows: i64,
    },
    #[error("--from {path}: table {table}: a text value is not UTF-8")]
    NotUtf8 { path: PathBuf, table: String },
    #[error("--to: {0}")]
    Destination(#[source] Box<StoreError>),
    #[error("--to: {0}")]
    Db(#[from] DbError),
}

/// Copies every table of the SQLite database `from` into the empty
/// PostgreSQL database `to` (whose schema it creates), in one transaction.
pub fn migrate_db(from: &Target, to: &Target) -> Result<Copied, CopyError> {
    let started = Instant::now();
    let path = check_targets(from, to)?;
    let source = Source::open(path)?;
    let (found, wanted) = (source.versions()?, this_schema());
    if found != wanted {
        let path = path.to_path_buf();
        return Err(CopyError::SourceSchema {
            path,
            found,
            wanted,
        });
    }
    let tables = source.tables()?;
    let store = Store::open(to, 1).map_err(|e| CopyError::Destination(Box::new(e)))?;
    let dest = store.get();
    let found = versions(&dest.query(VERSIONS, params![])?)?;
    if found != wanted {
        let to = to.clone();
        return Err(CopyError::DestinationSchema { to, found, wanted });
    }
    let copied = dest.write(|tx| {
        refuse_rows(tx, to, &tables)?;
        let copied = tables
            .iter()
            .map(|table| Ok((table.clone(), copy_table(&source, tx, table)?)))
            .collect::<Result<Vec<_>, CopyError>>()?;
        restart_identities(tx, &tables)?;
        Ok::<_, CopyError>(copied)
    })?;
    Ok(Copied {
        tables: copied,
        elapsed: started.elapsed(),
    })
}

/// An existing SQLite file of this server to a PostgreSQL URL, nothing else.
fn check_targets<'a>(from: &'a Target, to: &Target) -> Result<&'a Path, CopyError> {
    let Target::Sqlite(path) = from else {
        return Err(CopyError::FromNotSqlite(from.clone()));
    };
    if !matches!(to, Target::Postgres(_)) {
        return Err(CopyError::ToNotPostgres(to.clone()));
    }
    if !path.is_file() {
        return Err(CopyError::Missing(path.clone()));
    }
    let ours = Store::is_server_database(from).map_err(|e| CopyError::Unreadable(Box::new(e)))?;
    if !ours {
        return Err(CopyError::NotServerDatabase(path.clone()));
    }
    Ok(path)
}

/// This program's schema, as [`VERSIONS`] and [`versions`] show one:
/// "accounts v2, server v1".
fn this_schema() -> String {
    let last = |steps: &[Migration]| steps.last().map_or(0, |m| m.version);
    let mut each = [
        (db::COMPONENT, last(db::MIGRATIONS)),
        ("server", last(SERVER_MIGRATIONS)),
    ];
    each.sort();
    schema_text(each)
}

const VERSIONS: &str = "SELECT component, MAX(version) FROM schema_migrations \
                        GROUP BY component ORDER BY component";

/// "accounts v1, server v1".
fn versions(rows: &[accounts::db::Row]) -> Result<String, DbError> {
    let each = rows
        .iter()
        .map(|r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)))
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok(schema_text(each))
}

/// Components and their versions as the messages show them.
fn schema_text<C: std::fmt::Display, V: std::fmt::Display>(
    each: impl IntoIterator<Item = (C, V)>,
) -> String {
    let each: Vec<_> = each.into_iter().map(|(c, v)| format!("{c} v{v}")).collect();
    each.join(", ")
}

/// The first table of `tables` that holds rows in the destination.
fn refuse_rows(tx: &Db, to: &Target, tables: &[String]) -> Result<(), CopyError> {
    for table in tables {
        let sql = format!("SELECT COUNT(*) FROM {}", quoted(table));
        let rows: i64 = tx.query_one(&sql, params![])?.get(0)?;
        if rows > 0 {
            return Err(CopyError::NotEmpty {
                to: to.clone(),
                table: table.clone(),
                rows,
            });
        }
    }
    Ok(())
}

/// Streams `table` from the source into multi-row `INSERT`s; the number
/// of rows copied.
fn copy_table(source: &Source, tx: &Db, table: &str) -> Result<u64, CopyError> {
    let (columns, key) = source.columns(table)?;
    let per_batch = BATCH_ROWS.min(MAX_PARAMS / columns.len().max(1)).max(1);
    let order = if key.is_empty() { &columns } else { &key };
    let select = format!(
        "SELECT {} FROM {} ORDER BY {}",
        list(&columns),
        quoted(table),
        list(order)
    );
    let read = |e| source.error(e);
    let mut stmt = source.conn.prepare(&select).map_err(read)?;
    let mut rows = stmt.query([]).map_err(read)?;
    let mut batch: Vec<Param<'static>> = Vec::with_capacity(per_batch * columns.len());
    let mut copied = 0;
    while let Some(row) = rows.next().map_err(read)? {
        for i in 0..columns.len() {
            let value = row.get_ref(i).map_err(read)?;
            batch.push(param(value).ok_or_else(|| CopyError::NotUtf8 {
                path: source.path.clone(),
                table: table.to_owned(),
            })?);
        }
        if batch.len() == per_batch * columns.len() {
            copied += insert(tx, table, &columns, &batch)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        copied += insert(tx, table, &columns, &batch)?;
    }
    Ok(copied)
}

/// One `INSERT` of `values.len() / columns.len()` rows.
fn insert(tx: &Db, table: &str, columns: &[String], values: &[Param]) -> Result<u64, DbError> {
    let width = columns.len();
    let rows = (0..values.len() / width)
        .map(|r| {
            let row = (1..=width).map(|c| format!("?{}", r * width + c));
            format!("({})", row.collect::<Vec<_>>().join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {rows}",
        quoted(table),
        list(columns)
    );
    Ok(tx.execute(&sql, values)? as u64)
}

/// A source value as the same parameter; `None` for text that is not UTF-8.
fn param(value: ValueRef) -> Option<Param<'static>> {
    Some(match value {
        ValueRef::Null => Param::Null,
        ValueRef::Integer(i) => Param::Int(i),
        ValueRef::Real(r) => Param::Real(r),
        ValueRef::Text(t) => Param::Text(Cow::Owned(std::str::from_utf8(t).ok()?.to_owned())),
        ValueRef::Blob(b) => Param::Bytes(Cow::Owned(b.to_vec())),
    })
}

/// Moves each identity column's sequence (SQLite's `INTEGER PRIMARY KEY`,
/// e.g. `charges.id`) past the ids copied, so that new rows get new ids.
fn restart_identities(tx: &Db, tables: &[String]) -> Result<(), DbError> {
    let identities = tx.query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
        params![],
    )?;
    for row in identities {
        let (table, column): (String, String) = (row.get(0)?, row.get(1)?);
        if !tables.contains(&table) {
            continue;
        }
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence(?1, ?2), COALESCE(MAX({}), 0) + 1, false) FROM {}",
            quoted(&column),
            quoted(&table)
        );
        tx.query(&sql, params![quoted(&table), &column])?;
    }
    Ok(())
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quoted(n))
        .collect::<Vec<_>>()
        .join(", ")
}

mod source;
#[cfg(test)]
mod tests;
