//! The SQLite engine: one file, WAL, writers serialised by `BEGIN IMMEDIATE`
//! and a busy timeout. The embedded default.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, params_from_iter};

use super::{DbError, Param, Row, Value};

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if needed) the file with the settings every connection
/// needs: WAL, a 5 s busy timeout and enforced foreign keys.
pub fn open(path: &Path) -> Result<Connection, DbError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

pub fn execute(conn: &Connection, sql: &str, params: &[Param]) -> Result<usize, DbError> {
    let mut stmt = conn.prepare_cached(sql)?;
    Ok(stmt.execute(params_from_iter(params))?)
}

pub fn query(conn: &Connection, sql: &str, params: &[Param]) -> Result<Vec<Row>, DbError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query(params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let values = (0..columns)
            .map(|i| row.get_ref(i).map(value))
            .collect::<Result<_, _>>()?;
        out.push(Row(values));
    }
    Ok(out)
}

fn value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Param::Real(r) => ToSqlOutput::Borrowed(ValueRef::Real(*r)),
            Param::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Param::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}
