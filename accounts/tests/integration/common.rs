//! Shared fixtures: a migrated database in a tempdir, a manual clock and a fast password policy.

use std::sync::Arc;

use accounts::db::Engine;
use accounts::{
    ClientInfo, Db, ManualClock, NewUser, PasswordPolicy, SignedIn, Target, migrate_accounts,
    params,
};
use tempfile::TempDir;

/// 2026-03-10T12:00:00.000Z.
pub const T0: i64 = 1_773_144_000_000;
pub const PASSWORD: &str = "correct horse battery";

/// One test's database: an SQLite file, or a PostgreSQL schema when the
/// suite runs with `TEST_DATABASE=postgres` (testkit::database).
pub struct Env {
    _dir: TempDir,
    pub target: Target,
    pub conn: Db,
    pub clock: Arc<ManualClock>,
    pub policy: PasswordPolicy,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::parse(&testkit::database::fresh(dir.path()));
        let conn = Db::open(&target).unwrap();
        migrate_accounts(&conn).unwrap();
        Self {
            _dir: dir,
            target,
            conn,
            clock: Arc::new(ManualClock::new(T0)),
            policy: PasswordPolicy::with_iterations(1_000),
        }
    }

    pub fn connect(&self) -> Db {
        Db::open(&self.target).unwrap()
    }

    pub fn engine(&self) -> Engine {
        self.target.engine()
    }

    pub fn sign_up(&self, email: &str) -> SignedIn {
        self.sign_up_with(new_user(email, PASSWORD)).unwrap()
    }

    pub fn sign_up_with(&self, new: NewUser) -> accounts::Result<SignedIn> {
        accounts::sign_up(
            &self.conn,
            self.clock.as_ref(),
            &self.policy,
            &new,
            &client(),
        )
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.conn.query_one(sql, params![]).unwrap().get(0).unwrap()
    }
}

pub fn new_user(email: &str, password: &str) -> NewUser {
    NewUser {
        name: "Ann".into(),
        email: email.into(),
        password: password.into(),
        image: None,
        remember_me: true,
    }
}

pub fn client() -> ClientInfo {
    ClientInfo {
        ip_address: Some("203.0.113.7".into()),
        user_agent: Some("curl/8".into()),
    }
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}
