//! A small, fixed pool of SQLite connections.
//!
//! Why a pool rather than one `Mutex<Connection>`: in WAL mode readers do
//! not block the writer, so the public lists can be read while a search is
//! being logged; SQLite itself serialises writers (`BEGIN IMMEDIATE` plus a
//! busy timeout). Why not a connection per request: each open re-reads the
//! schema and re-runs the pragmas. A handful of connections covers the
//! workers' blocking threads; a caller waits when all are in use.

use super::{Migration, SERVER_MIGRATIONS, StoreError, migrate, presence};
use rusqlite::Connection;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The database: cheap to clone, shared by every worker.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// The file opened, to notice it deleted or replaced.
    opened: presence::FileId,
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

/// A connection borrowed from the pool; goes back when dropped.
pub struct PooledConnection {
    conn: Option<Connection>,
    inner: Arc<Inner>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies the
    /// server's migrations, then the accounts' ones, and opens `size`
    /// connections. A missing database is created only where none was
    /// before (see `presence`).
    pub fn open(path: &Path, size: usize) -> Result<Store, StoreError> {
        create_parent(path)?;
        presence::refuse_if_lost(path)?;
        create_private(path)?;
        let mut first = open_connection(path)?;
        migrate(&mut first, "server", SERVER_MIGRATIONS)?;
        migrate(&mut first, accounts::db::COMPONENT, &accounts_migrations())?;
        presence::mark(path)?;
        let opened = presence::FileId::of(path).map_err(|source| StoreError::CreateFile {
            path: path.to_path_buf(),
            source,
        })?;
        let mut idle = vec![first];
        for _ in 1..size.max(1) {
            idle.push(open_connection(path)?);
        }
        let inner = Inner {
            path: path.to_path_buf(),
            opened,
            idle: Mutex::new(idle),
            returned: Condvar::new(),
        };
        Ok(Store {
            inner: Arc::new(inner),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// What is wrong with the database file now (deleted, replaced, not
    /// writable, disk full), or `None`.
    pub fn problem(&self) -> Option<String> {
        presence::problem(&self.inner.path, self.inner.opened)
    }

    /// Whether `path` is a database this server made (it has the server's
    /// migrations), checked read-only so that nothing is written to a file
    /// that turns out to be someone else's.
    pub fn is_server_database(path: &Path) -> Result<bool, StoreError> {
        use rusqlite::OpenFlags;
        let open = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(open)?;
        let has_migrations: bool = conn
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                [],
                |r| r.get(0),
            )
            .map_err(open)?;
        if !has_migrations {
            return Ok(false);
        }
        conn.query_row(
            "SELECT count(*) > 0 FROM schema_migrations WHERE component = 'server'",
            [],
            |r| r.get(0),
        )
        .map_err(open)
    }

    /// Borrows a connection, waiting for one if all are in use. Blocking:
    /// call from `web::block` or another blocking thread.
    pub fn get(&self) -> PooledConnection {
        let mut idle = self.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(conn) = idle.pop() {
                return PooledConnection {
                    conn: Some(conn),
                    inner: self.inner.clone(),
                };
            }
            idle = self
                .inner
                .returned
                .wait(idle)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Drop for PooledConnection {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.push(conn);
            self.inner.returned.notify_one();
        }
    }
}

impl Deref for PooledConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("connection present until drop")
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("connection present until drop")
    }
}

/// The accounts crate's schema steps, run by the same runner as ours.
fn accounts_migrations() -> Vec<Migration> {
    accounts::db::MIGRATIONS
        .iter()
        .map(|&(version, sql)| Migration { version, sql })
        .collect()
}

fn create_parent(path: &Path) -> Result<(), StoreError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })
        }
        _ => Ok(()),
    }
}

/// Creates a missing database file readable by its owner only (0600): it
/// holds the signing secret and password hashes. SQLite gives its `-wal`
/// and `-shm` files the same mode. An existing file keeps its mode.
fn create_private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match created {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::CreateFile {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Opens one connection with the pragmas every connection needs.
fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let open = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open(path).map_err(open)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(open)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(open)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(open)?;
    Ok(conn)
}
