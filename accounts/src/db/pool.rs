//! A small, fixed pool of connections to either engine.
//!
//! Why a pool rather than one `Mutex<Db>`: in SQLite's WAL mode readers do
//! not block the writer, and PostgreSQL serves many connections at once,
//! so the public lists can be read while a search is being logged. Why not
//! a connection per request: each open re-reads the schema (SQLite) or
//! costs a network handshake and re-prepares statements (PostgreSQL). Why
//! not r2d2: this is all a fixed-size pool needs, for both engines, and a
//! lost PostgreSQL connection is re-opened by the connection itself.

use std::ops::Deref;
use std::sync::{Arc, Condvar, Mutex};

use super::{Db, DbError, Target};

/// The connections of one process: cheap to clone, shared by every worker.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    target: Target,
    idle: Mutex<Vec<Db>>,
    returned: Condvar,
}

/// A connection borrowed from the pool; goes back when dropped.
pub struct PooledDb {
    db: Option<Db>,
    inner: Arc<Inner>,
}

impl Pool {
    /// A pool of `size` connections, the first one given (it has usually
    /// just run the migrations), the others opened now.
    pub fn new(target: Target, first: Db, size: usize) -> Result<Pool, DbError> {
        let mut idle = vec![first];
        for _ in 1..size.max(1) {
            idle.push(Db::open(&target)?);
        }
        Ok(Pool {
            inner: Arc::new(Inner {
                target,
                idle: Mutex::new(idle),
                returned: Condvar::new(),
            }),
        })
    }

    pub fn target(&self) -> &Target {
        &self.inner.target
    }

    /// Borrows a connection, waiting for one if all are in use. Blocking:
    /// call from `web::block` or another blocking thread.
    pub fn get(&self) -> PooledDb {
        let mut idle = self.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(db) = idle.pop() {
                return PooledDb {
                    db: Some(db),
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

impl Drop for PooledDb {
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            let mut idle = self.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.push(db);
            self.inner.returned.notify_one();
        }
    }
}

impl Deref for PooledDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db.as_ref().expect("connection present until drop")
    }
}
