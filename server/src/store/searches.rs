//! The search log: recording a successful search (with its charge, in one
//! transaction) and confirming which result was right.

use super::StoreError;
use super::quota::{self, ChargeError, QuotaPolicy};
use crate::caller::Caller;
use crate::clock::Clock;
use accounts::db::{Db, DbError};
use accounts::params;
use shared::SearchHit;

/// A search about to be logged.
#[derive(Debug, Clone)]
pub struct NewSearch {
    pub id: String,
    pub created_at: i64,
    pub frame_count: u64,
    pub results: Vec<SearchHit>,
}

/// Charges `caller` and logs `search` in one `BEGIN IMMEDIATE` transaction:
/// either both happen or neither, and concurrent searches queue here.
pub fn record(
    conn: &Db,
    search: &NewSearch,
    caller: &Caller,
    policy: &QuotaPolicy,
    clock: &dyn Clock,
) -> Result<(), ChargeError> {
    conn.write(|tx| {
        quota::charge(tx, caller, policy, clock, &search.id)?;
        insert(tx, search, caller)?;
        Ok(())
    })
}

fn insert(conn: &Db, s: &NewSearch, caller: &Caller) -> Result<(), StoreError> {
    let results = serde_json::to_string(&s.results).map_err(|e| StoreError::Malformed {
        what: "search results",
        why: e.to_string(),
    })?;
    let (kind, ip_hash, user_id) = caller_columns(caller);
    let top = s.results.first();
    conn.execute(
        "INSERT INTO searches (id, created_at, caller_kind, ip_hash, user_id, frame_count,
             results, top_anime_id, top_title, top_anilist_id, top_is_adult, top_episode,
             top_at, top_similarity)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            &s.id,
            s.created_at,
            kind,
            ip_hash,
            user_id,
            s.frame_count,
            results,
            top.map(|h| h.anime.id),
            top.map(|h| h.anime.title.as_str()),
            top.and_then(|h| h.anime.anilist_id),
            top.map(|h| h.anime.is_adult),
            top.and_then(|h| h.episode),
            top.map(|h| h.at),
            top.map(|h| h.similarity),
        ],
    )?;
    Ok(())
}

/// How a caller is stored: kind, IP hash (guests), user id (users).
fn caller_columns(caller: &Caller) -> (&'static str, Option<&[u8]>, Option<&str>) {
    match caller {
        Caller::Guest { ip_hash } => ("guest", Some(&ip_hash.0[..]), None),
        Caller::User { user_id, .. } => ("user", None, Some(user_id)),
    }
}

/// Why a confirmation was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("no search with this id")]
    NotFound,
    #[error("the search was made by another caller")]
    NotYours,
    #[error("the search has {count} results")]
    BadIndex { count: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbError> for ConfirmError {
    fn from(e: DbError) -> Self {
        ConfirmError::Store(e.into())
    }
}

/// What the caller asked to record about their search.
#[derive(Debug, Clone, Copy)]
pub struct Confirmation {
    pub result_index: usize,
    pub public: bool,
    pub at_ms: i64,
}

/// Marks result `c.result_index` of search `id` as the right one, by the
/// caller who searched. Confirming again replaces the earlier answer.
pub fn confirm(conn: &Db, id: &str, caller: &Caller, c: Confirmation) -> Result<(), ConfirmError> {
    conn.write(|tx| {
        let row = tx
            .query_opt(
                "SELECT caller_kind, ip_hash, user_id, results FROM searches WHERE id = ?1",
                params![id],
            )?
            .ok_or(ConfirmError::NotFound)?;
        let kind: String = row.get(0)?;
        let ip_hash: Option<Vec<u8>> = row.get(1)?;
        let user_id: Option<String> = row.get(2)?;
        let (k, h, u) = caller_columns(caller);
        if (kind.as_str(), ip_hash.as_deref(), user_id.as_deref()) != (k, h, u) {
            return Err(ConfirmError::NotYours);
        }
        let count = result_count(&row.get::<String>(3)?)?;
        if c.result_index >= count {
            return Err(ConfirmError::BadIndex { count });
        }
        tx.execute(
            "UPDATE searches SET confirmed_index = ?2, public = ?3, confirmed_at = ?4 WHERE id = ?1",
            params![id, c.result_index, c.public, c.at_ms],
        )?;
        Ok(())
    })
}

fn result_count(results: &str) -> Result<usize, StoreError> {
    serde_json::from_str::<Vec<serde_json::Value>>(results)
        .map(|v| v.len())
        .map_err(|e| StoreError::Malformed {
            what: "search results",
            why: e.to_string(),
        })
}
