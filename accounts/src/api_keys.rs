//! API keys: created once in clear, stored as a SHA-256, listed by `start`, revoked by id.

use crate::db::{Db, DbError, Row};
use crate::params;
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, iso8601};
use crate::crypto::{LETTERS, new_id, random_string, sha256_b64url};
use crate::error::{Error, Result};
use crate::user_row::{USER_COLUMNS, User, user_from_row};

/// Every key starts with this, so leaked keys are easy to recognise.
pub const KEY_PREFIX: &str = "ak_";
const KEY_RANDOM_LETTERS: usize = 64;
const START_LEN: usize = 6;
const MAX_TITLE_CHARS: usize = 100;
pub const MAX_PAGE_SIZE: u32 = 100;

/// A key as listed: never the plaintext, never the hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    pub id: String,
    pub title: String,
    pub start: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// The `POST /api/apikeys` response: the only time `key` is shown.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreatedKey {
    pub id: String,
    pub title: String,
    pub key: String,
    pub start: String,
    pub created_at: String,
}

impl CreatedKey {
    pub fn new(key: String, info: KeyInfo) -> Self {
        Self {
            id: info.id,
            title: info.title,
            key,
            start: info.start,
            created_at: info.created_at,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub page_size: u32,
    pub total: u64,
}

fn validate_title(title: &str) -> Result<String> {
    let title = title.trim();
    let len = title.chars().count();
    if len == 0 || len > MAX_TITLE_CHARS {
        return Err(Error::Invalid(
            "Invalid body parameters: title must be 1 to 100 characters".into(),
        ));
    }
    Ok(title.to_owned())
}

/// Creates a key for `user_id`; returns the plaintext (show it once) and its listing.
pub fn create_key(
    conn: &Db,
    clock: &dyn Clock,
    user_id: &str,
    title: &str,
) -> Result<(String, KeyInfo)> {
    let title = validate_title(title)?;
    let key = format!(
        "{KEY_PREFIX}{}",
        random_string(LETTERS, KEY_RANDOM_LETTERS)?
    );
    let now = clock.now_ms();
    let info = KeyInfo {
        id: new_id()?,
        title,
        start: key[..START_LEN].to_owned(),
        created_at: iso8601(now),
        last_used_at: None,
    };
    conn.execute(
        "INSERT INTO api_keys (id, user_id, title, key_hash, start, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            &info.id,
            user_id,
            &info.title,
            sha256_b64url(&key),
            &info.start,
            now
        ],
    )?;
    Ok((key, info))
}

fn validate_page(page: u32, page_size: u32) -> Result<()> {
    if page < 1 {
        return Err(Error::Invalid(
            "Invalid query parameters: page must be at least 1".into(),
        ));
    }
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(Error::Invalid(
            "Invalid query parameters: pageSize must be between 1 and 100".into(),
        ));
    }
    Ok(())
}

/// The user's keys that are not revoked, newest first.
pub fn list_keys(conn: &Db, user_id: &str, page: u32, page_size: u32) -> Result<Page<KeyInfo>> {
    validate_page(page, page_size)?;
    let total: i64 = conn
        .query_one(
            "SELECT COUNT(*) FROM api_keys WHERE user_id = ?1 AND revoked_at IS NULL",
            params![user_id],
        )?
        .get(0)?;
    let offset = i64::from(page - 1) * i64::from(page_size);
    let items = conn
        .query(
            "SELECT id, title, start, created_at, last_used_at FROM api_keys
             WHERE user_id = ?1 AND revoked_at IS NULL
             ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3",
            params![user_id, page_size, offset],
        )?
        .iter()
        .map(key_from_row)
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        page,
        page_size,
        total: u64::try_from(total).unwrap_or(0),
    })
}

fn key_from_row(row: &Row) -> Result<KeyInfo, DbError> {
    Ok(KeyInfo {
        id: row.get(0)?,
        title: row.get(1)?,
        start: row.get(2)?,
        created_at: iso8601(row.get(3)?),
        last_used_at: row.get::<Option<i64>>(4)?.map(iso8601),
    })
}

/// Revokes one of the user's keys. Another user's key and an unknown or
/// already revoked id all give `API_KEY_NOT_FOUND`, so ids cannot be probed.
pub fn revoke_key(conn: &Db, clock: &dyn Clock, user_id: &str, key_id: &str) -> Result<()> {
    let changed = conn.execute(
        "UPDATE api_keys SET revoked_at = ?1
         WHERE id = ?2 AND user_id = ?3 AND revoked_at IS NULL",
        params![clock.now_ms(), key_id, user_id],
    )?;
    if changed == 0 {
        return Err(Error::ApiKeyNotFound);
    }
    Ok(())
}

/// The user a key belongs to; records when it was used. Unknown, revoked
/// and disabled-user keys all give `Error::InvalidApiKey`.
pub fn authenticate_key(conn: &Db, clock: &dyn Clock, plaintext: &str) -> Result<User> {
    let invalid = || Error::InvalidApiKey;
    let plaintext = plaintext.trim();
    if !plaintext.starts_with(KEY_PREFIX) {
        return Err(invalid());
    }
    let sql = format!(
        "SELECT k.id, {USER_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.user_id
         WHERE k.key_hash = ?1 AND k.revoked_at IS NULL"
    );
    let found = match conn.query_opt(&sql, params![sha256_b64url(plaintext)])? {
        Some(row) => Some((row.get::<String>(0)?, user_from_row(&row, 1)?)),
        None => None,
    };
    let (key_id, user) = found.filter(|(_, u)| !u.disabled).ok_or_else(invalid)?;
    conn.execute(
        "UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2",
        params![clock.now_ms(), key_id],
    )?;
    Ok(user)
}
