//! Server-side sessions: created on sign-in, looked up by token hash, sliding forward once a day.

use std::fmt;

use crate::db::{Db, DbError, Row};
use crate::params;
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, DAY_MS, iso8601};
use crate::crypto::{ALPHANUMERIC, new_id, random_string, sha256_b64url};
use crate::error::Result;
use crate::user_row::{USER_COLUMNS, User, user_from_row};

/// Lifetime of a remembered session, and how far it slides when refreshed.
pub const SESSION_TTL_MS: i64 = 7 * DAY_MS;
/// Lifetime of a `rememberMe: false` session; it does not slide (as better-auth).
pub const SHORT_SESSION_TTL_MS: i64 = DAY_MS;
/// A session is extended when this long has passed since its last extension.
pub const SESSION_UPDATE_AGE_MS: i64 = DAY_MS;

const TOKEN_LEN: usize = 32;

/// The bearer secret of a session (32 characters of `[a-zA-Z0-9]`). Only its
/// SHA-256 is stored; `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

/// Who opened the session, as stored and shown in the session JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// Session JSON as better-auth sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub token: String,
    pub user_id: String,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    /// Unix ms of `expires_at`, for the server's cookie handling.
    #[serde(skip)]
    pub expires_at_ms: i64,
    /// False for `rememberMe: false`: the cookie then has no `Max-Age`.
    #[serde(skip)]
    pub remember_me: bool,
}

/// What sign-up and sign-in return: the token for the cookie, and the JSON parts.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: SessionToken,
    pub user: User,
    pub session: Session,
}

/// A valid session found by [`get_session`].
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub session: Session,
    pub user: User,
    /// The expiry moved forward: the server should send the cookie again.
    pub refreshed: bool,
}

struct SessionRow {
    id: String,
    user_id: String,
    expires_at: i64,
    created_at: i64,
    updated_at: i64,
    ip_address: Option<String>,
    user_agent: Option<String>,
    remember_me: bool,
}

impl SessionRow {
    fn into_session(self, token: &str) -> Session {
        Session {
            id: self.id,
            token: token.to_owned(),
            user_id: self.user_id,
            expires_at: iso8601(self.expires_at),
            created_at: iso8601(self.created_at),
            updated_at: iso8601(self.updated_at),
            ip_address: self.ip_address,
            user_agent: self.user_agent,
            expires_at_ms: self.expires_at,
            remember_me: self.remember_me,
        }
    }
}

/// Inserts a new session for `user_id` and returns its token.
pub(crate) fn create_session(
    conn: &Db,
    now: i64,
    user_id: &str,
    remember_me: bool,
    client: &ClientInfo,
) -> Result<(SessionToken, Session)> {
    let token = SessionToken(random_string(ALPHANUMERIC, TOKEN_LEN)?);
    let ttl = if remember_me {
        SESSION_TTL_MS
    } else {
        SHORT_SESSION_TTL_MS
    };
    let row = SessionRow {
        id: new_id()?,
        user_id: user_id.to_owned(),
        expires_at: now + ttl,
        created_at: now,
        updated_at: now,
        ip_address: client.ip_address.clone(),
        user_agent: client.user_agent.clone(),
        remember_me,
    };
    conn.execute(
        "INSERT INTO sessions (id, token_hash, user_id, expires_at, created_at, updated_at,
                               ip_address, user_agent, remember_me)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            &row.id,
            sha256_b64url(token.as_str()),
            &row.user_id,
            row.expires_at,
            row.created_at,
            row.updated_at,
            row.ip_address.as_deref(),
            row.user_agent.as_deref(),
            row.remember_me
        ],
    )?;
    let session = row.into_session(token.as_str());
    Ok((token, session))
}

/// The session and user behind `token`, or `None` when unknown, expired or the
/// user is disabled. Slides a remembered session to now + 7 days once more
/// than a day has passed since it was last extended.
pub fn get_session(conn: &Db, clock: &dyn Clock, token: &str) -> Result<Option<ActiveSession>> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let now = clock.now_ms();
    let Some((mut row, user)) = load(conn, token)? else {
        return Ok(None);
    };
    if row.expires_at <= now {
        conn.execute("DELETE FROM sessions WHERE id = ?1", params![&row.id])?;
        return Ok(None);
    }
    if user.disabled {
        return Ok(None);
    }
    let refreshed = row.remember_me && is_due_for_refresh(row.expires_at, now);
    if refreshed {
        row.expires_at = now + SESSION_TTL_MS;
        row.updated_at = now;
        conn.execute(
            "UPDATE sessions SET expires_at = ?1, updated_at = ?2 WHERE id = ?3",
            params![row.expires_at, row.updated_at, &row.id],
        )?;
    }
    Ok(Some(ActiveSession {
        session: row.into_session(token),
        user,
        refreshed,
    }))
}

fn looks_like_token(token: &str) -> bool {
    token.len() == TOKEN_LEN && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_due_for_refresh(expires_at: i64, now: i64) -> bool {
    let last_extended = expires_at - SESSION_TTL_MS;
    now - last_extended > SESSION_UPDATE_AGE_MS
}

fn load(conn: &Db, token: &str) -> Result<Option<(SessionRow, User)>> {
    let sql = format!(
        "SELECT s.id, s.user_id, s.expires_at, s.created_at, s.updated_at, s.ip_address,
                s.user_agent, s.remember_me, {USER_COLUMNS}
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1"
    );
    match conn.query_opt(&sql, params![sha256_b64url(token)])? {
        Some(row) => Ok(Some((session_from_row(&row)?, user_from_row(&row, 8)?))),
        None => Ok(None),
    }
}

fn session_from_row(row: &Row) -> Result<SessionRow, DbError> {
    Ok(SessionRow {
        id: row.get(0)?,
        user_id: row.get(1)?,
        expires_at: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        ip_address: row.get(5)?,
        user_agent: row.get(6)?,
        remember_me: row.get(7)?,
    })
}

/// Deletes the session behind `token`; true if there was one. Signing out
/// without a session is not an error (better-auth answers 200 either way).
pub fn sign_out(conn: &Db, token: &str) -> Result<bool> {
    let deleted = conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        params![sha256_b64url(token)],
    )?;
    Ok(deleted > 0)
}

/// Deletes every session of a user (used when disabling an account).
pub fn delete_user_sessions(conn: &Db, user_id: &str) -> Result<usize> {
    Ok(conn.execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])?)
}

/// Housekeeping: removes expired sessions; returns how many.
pub fn prune_expired_sessions(conn: &Db, clock: &dyn Clock) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM sessions WHERE expires_at <= ?1",
        params![clock.now_ms()],
    )?)
}
