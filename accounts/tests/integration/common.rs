//! Shared fixtures: a migrated database in a tempdir, a manual clock and a fast password policy.

use std::path::PathBuf;
use std::sync::Arc;

use accounts::{
    ClientInfo, ManualClock, NewUser, PasswordPolicy, SignedIn, migrate, open_connection,
};
use rusqlite::Connection;
use tempfile::TempDir;

/// 2026-03-10T12:00:00.000Z.
pub const T0: i64 = 1_773_144_000_000;
pub const PASSWORD: &str = "correct horse battery";

pub struct Env {
    _dir: TempDir,
    pub path: PathBuf,
    pub conn: Connection,
    pub clock: Arc<ManualClock>,
    pub policy: PasswordPolicy,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.sqlite");
        let conn = open_connection(&path).unwrap();
        migrate(&conn).unwrap();
        Self {
            _dir: dir,
            path,
            conn,
            clock: Arc::new(ManualClock::new(T0)),
            policy: PasswordPolicy::with_iterations(1_000),
        }
    }

    pub fn connect(&self) -> Connection {
        open_connection(&self.path).unwrap()
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
        self.conn.query_row(sql, [], |row| row.get(0)).unwrap()
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
