//! Opening the database the server shares with the `accounts` crate, on
//! either engine: the pool of connections, both components' migrations,
//! and, for an SQLite file, the guards of `presence` (never start afresh
//! where a database used to be; notice the file deleted under us).

use super::{SERVER_MIGRATIONS, StoreError, presence};
use accounts::db::{self, Db, Pool, PooledDb, Target};
use std::path::Path;

/// The database: cheap to clone, shared by every worker.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// The SQLite file opened, to notice it deleted or replaced.
    opened: Option<presence::FileId>,
}

/// A connection borrowed from the pool; goes back when dropped.
pub type PooledConnection = PooledDb;

impl Store {
    /// Opens (creating if needed) the database, applies the server's
    /// migrations, then the accounts' ones, and opens `size` connections.
    /// A missing SQLite file is created only where none was before.
    pub fn open(target: &Target, size: usize) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            target: target.to_string(),
            source,
        };
        if let Target::Sqlite(path) = target {
            create_parent(path)?;
            presence::refuse_if_lost(path)?;
            create_private(path)?;
        }
        let first = Db::open(target).map_err(open_err)?;
        db::migrate(&first, "server", SERVER_MIGRATIONS)?;
        db::migrate(&first, db::COMPONENT, db::MIGRATIONS)?;
        let opened = match target {
            Target::Sqlite(path) => Some(sqlite_file_id(path)?),
            Target::Postgres(_) => None,
        };
        let pool = Pool::new(target.clone(), first, size).map_err(open_err)?;
        Ok(Store { pool, opened })
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn target(&self) -> &Target {
        self.pool.target()
    }

    /// What is wrong with the database now (an SQLite file deleted,
    /// replaced, not writable or on a full disk; a PostgreSQL server that
    /// does not answer), or `None`. Blocking.
    pub fn problem(&self) -> Option<String> {
        match (self.target(), self.opened) {
            (Target::Sqlite(path), Some(opened)) => presence::problem(path, opened),
            _ => match self.get().query_one("SELECT 1", accounts::params![]) {
                Ok(_) => None,
                Err(e) => Some(format!("the database does not answer: {e}")),
            },
        }
    }

    /// Whether `target` is a database this server made (it has the server's
    /// migrations). An SQLite file is checked read-only, so that nothing is
    /// written to a file that turns out to be someone else's.
    pub fn is_server_database(target: &Target) -> Result<bool, StoreError> {
        let open_err = |source| StoreError::Open {
            target: target.to_string(),
            source,
        };
        let found = match target {
            Target::Sqlite(path) => sqlite_has_server_tables(path).map_err(db::DbError::from),
            Target::Postgres(_) => Db::open(target).and_then(|db| postgres_has_server_tables(&db)),
        };
        found.map_err(open_err)
    }

    /// Borrows a connection, waiting for one if all are in use. Blocking:
    /// call from `web::block` or another blocking thread.
    pub fn get(&self) -> PooledConnection {
        self.pool.get()
    }
}

fn sqlite_has_server_tables(path: &Path) -> rusqlite::Result<bool> {
    use rusqlite::{Connection, OpenFlags};
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let has_migrations: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |r| r.get(0),
    )?;
    if !has_migrations {
        return Ok(false);
    }
    conn.query_row(
        "SELECT count(*) > 0 FROM schema_migrations WHERE component = 'server'",
        [],
        |r| r.get(0),
    )
}

fn postgres_has_server_tables(db: &Db) -> Result<bool, db::DbError> {
    let has_migrations: bool = db
        .query_one(
            "SELECT COUNT(*) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
            accounts::params![],
        )?
        .get(0)?;
    if !has_migrations {
        return Ok(false);
    }
    db.query_one(
        "SELECT COUNT(*) FROM schema_migrations WHERE component = 'server'",
        accounts::params![],
    )?
    .get(0)
}

fn sqlite_file_id(path: &Path) -> Result<presence::FileId, StoreError> {
    presence::mark(path)?;
    presence::FileId::of(path).map_err(|source| StoreError::CreateFile {
        path: path.to_path_buf(),
        source,
    })
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
