//! Reading the SQLite file `migrate-db` copies from: read-only, in one
//! read transaction (a consistent snapshot even if a server still writes),
//! its tables ordered so that each comes after the ones it references.

use super::{CopyError, VERSIONS, schema_text};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The SQLite file, read-only, inside one read transaction.
pub(super) struct Source {
    pub(super) path: PathBuf,
    pub(super) conn: Connection,
}

impl Source {
    pub(super) fn open(path: &Path) -> Result<Source, CopyError> {
        let error = |source| CopyError::Source {
            path: path.to_path_buf(),
            source,
        };
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(error)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(error)?;
        conn.execute_batch("BEGIN").map_err(error)?;
        Ok(Source {
            path: path.to_path_buf(),
            conn,
        })
    }

    pub(super) fn error(&self, source: rusqlite::Error) -> CopyError {
        CopyError::Source {
            path: self.path.clone(),
            source,
        }
    }

    /// Every table but the migrations' bookkeeping, referenced tables first.
    pub(super) fn tables(&self) -> Result<Vec<String>, CopyError> {
        let edges = self
            .strings(
                "SELECT m.name, COALESCE(f.\"table\", '') FROM sqlite_master m
                 LEFT JOIN pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                   AND m.name <> 'schema_migrations'",
            )?
            .into_iter()
            .fold(BTreeMap::<_, BTreeSet<_>>::new(), |mut edges, (t, p)| {
                let parents = edges.entry(t).or_default();
                parents.extend(Some(p).filter(|p| !p.is_empty()));
                edges
            });
        dependency_order(edges).map_err(|cycle| CopyError::Cycle(self.path.clone(), cycle))
    }

    /// A table's columns in order, and its primary key's.
    pub(super) fn columns(&self, table: &str) -> Result<(Vec<String>, Vec<String>), CopyError> {
        let sql = format!(
            "SELECT name, pk FROM pragma_table_info('{}') ORDER BY cid",
            table.replace('\'', "''")
        );
        let named = self.strings(&sql)?;
        let mut key: Vec<_> = named.iter().filter(|(_, pk)| pk != "0").collect();
        key.sort_by_key(|(_, pk)| pk.parse::<u32>().unwrap_or(0));
        let key = key.into_iter().map(|(name, _)| name.clone()).collect();
        Ok((named.into_iter().map(|(name, _)| name).collect(), key))
    }

    /// "accounts v1, server v1", as [`versions`] prints the destination's.
    pub(super) fn versions(&self) -> Result<String, CopyError> {
        Ok(schema_text(self.strings(VERSIONS)?))
    }

    /// Two-column query results as text.
    fn strings(&self, sql: &str) -> Result<Vec<(String, String)>, CopyError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, text(r.get_ref(1)?))))
            .and_then(|rows| rows.collect());
        rows.map_err(|e| self.error(e))
    }
}

fn text(value: ValueRef) -> String {
    match value {
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        _ => String::new(),
    }
}

/// Tables each after the ones it references (self-references aside);
/// alphabetical among equals. The tables left when none can go next name
/// a cycle.
pub(super) fn dependency_order(
    mut edges: BTreeMap<String, BTreeSet<String>>,
) -> Result<Vec<String>, String> {
    let mut order = Vec::with_capacity(edges.len());
    while !edges.is_empty() {
        let ready: Vec<String> = edges
            .iter()
            .filter(|(t, parents)| parents.iter().all(|p| p == *t || !edges.contains_key(p)))
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            return Err(edges.into_keys().collect::<Vec<_>>().join(", "));
        }
        for table in ready {
            edges.remove(&table);
            order.push(table);
        }
    }
    Ok(order)
}
