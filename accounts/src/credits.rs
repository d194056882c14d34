//! Search quotas and credits: a cheap pre-check before searching, and a charge written in the
//! same transaction as the server's search record.
//!
//! Rules (api.md "Quotas and credits"): users get 10 free credits per UTC
//! day, then spend 1 purchased credit per search, and at most 100 searches in
//! any rolling hour. Guests are the server's business (its guest quota keys
//! them by a hash of their IP), so this crate only charges users.

use crate::db::Db;
use crate::params;
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, HOUR_MS, day_start_ms, iso8601, next_midnight_ms, secs_until};
use crate::error::{Error, Result};

pub const FREE_DAILY_CREDITS: u32 = 10;
pub const HOURLY_LIMIT: u32 = 100;

/// What paid for a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChargeKind {
    Free,
    Purchased,
}

impl ChargeKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Purchased => "purchased",
        }
    }
}

/// The result of a successful charge, e.g. for informational headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Charge {
    pub kind: ChargeKind,
    /// Free credits left today after this one.
    pub remaining_today: u32,
    /// Purchased credits left after this one.
    pub credits: i64,
}

/// `GET /api/user/anime-credits`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreditsSummary {
    pub free_daily: FreeDaily,
    pub credits: i64,
    pub hourly: Hourly,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FreeDaily {
    pub limit: u32,
    pub used: u32,
    pub remaining: u32,
    /// Next midnight UTC.
    pub resets_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Hourly {
    pub limit: u32,
    pub used: u32,
    /// When the oldest search in the window leaves it (now when none).
    pub resets_at: String,
}

struct UserUsage {
    free_used: u32,
    hourly_used: u32,
    oldest_in_hour: Option<i64>,
    credits: i64,
}

/// One query (one round trip to a database server) for everything the
/// quota rules look at.
fn user_usage(conn: &Db, user_id: &str, now: i64) -> Result<UserUsage> {
    let row = conn.query_one(
        "SELECT
             (SELECT COUNT(*) FROM charges WHERE user_id = ?1 AND kind = 'free' AND at >= ?2),
             (SELECT COUNT(*) FROM charges WHERE user_id = ?1 AND at > ?3),
             (SELECT MIN(at) FROM charges WHERE user_id = ?1 AND at > ?3),
             (SELECT credits FROM credit_balances WHERE user_id = ?1)",
        params![user_id, day_start_ms(now), now - HOUR_MS],
    )?;
    Ok(UserUsage {
        free_used: row.get(0)?,
        hourly_used: row.get(1)?,
        oldest_in_hour: row.get(2)?,
        credits: row.get::<Option<i64>>(3)?.unwrap_or(0),
    })
}

/// Purchased credits of a user (0 when never granted any).
pub fn balance(conn: &Db, user_id: &str) -> Result<i64> {
    let row = conn.query_opt(
        "SELECT credits FROM credit_balances WHERE user_id = ?1",
        params![user_id],
    )?;
    Ok(row.map(|r| r.get(0)).transpose()?.unwrap_or(0))
}

/// What the next search of a user would spend, or why it is refused.
fn decide(usage: &UserUsage, now: i64) -> Result<ChargeKind> {
    if usage.hourly_used >= HOURLY_LIMIT {
        let leaves_at = usage.oldest_in_hour.unwrap_or(now) + HOUR_MS;
        return Err(Error::RateLimited {
            retry_after_secs: secs_until(now, leaves_at),
        });
    }
    if usage.free_used < FREE_DAILY_CREDITS {
        return Ok(ChargeKind::Free);
    }
    if usage.credits > 0 {
        return Ok(ChargeKind::Purchased);
    }
    let midnight = next_midnight_ms(now);
    Err(Error::InsufficientCredits {
        retry_after_secs: secs_until(now, midnight),
    })
}

/// Refuses early, before the expensive search, when the user is out of
/// quota ([`Error::RateLimited`], [`Error::InsufficientCredits`], each
/// with its wait). Passing it does not reserve anything: [`charge`]
/// decides for good.
pub fn pre_check(conn: &Db, clock: &dyn Clock, user_id: &str) -> Result<()> {
    let now = clock.now_ms();
    decide(&user_usage(conn, user_id, now)?, now).map(drop)
}

/// Charges one successful search of `user_id`, re-checking every limit.
///
/// The caller must run this inside [`Db::write`] and insert its own search
/// record in the same transaction: the write lock (SQLite) or serializable
/// isolation (PostgreSQL) is what makes concurrent charges see each other,
/// so no credit is spent twice. On `Err` the transaction is rolled back.
pub fn charge(tx: &Db, clock: &dyn Clock, user_id: &str, search_id: &str) -> Result<Charge> {
    charge_user(tx, user_id, clock.now_ms(), search_id)
}

fn charge_user(conn: &Db, user_id: &str, now: i64, search_id: &str) -> Result<Charge> {
    let usage = user_usage(conn, user_id, now)?;
    let kind = decide(&usage, now)?;
    let mut credits = usage.credits;
    if kind == ChargeKind::Purchased {
        credits = spend_credit(conn, user_id, now)?;
    }
    conn.execute(
        "INSERT INTO charges (user_id, at, kind, search_id) VALUES (?1, ?2, ?3, ?4)",
        params![user_id, now, kind.as_str(), search_id],
    )?;
    let free_used = usage.free_used + u32::from(kind == ChargeKind::Free);
    Ok(Charge {
        kind,
        remaining_today: FREE_DAILY_CREDITS.saturating_sub(free_used),
        credits,
    })
}

/// Takes one purchased credit; the `credits > 0` guard keeps the balance at
/// or above zero even outside a write transaction.
fn spend_credit(conn: &Db, user_id: &str, now: i64) -> Result<i64> {
    let left = conn.query_opt(
        "UPDATE credit_balances SET credits = credits - 1, updated_at = ?2
         WHERE user_id = ?1 AND credits > 0 RETURNING credits",
        params![user_id, now],
    )?;
    left.map(|r| r.get(0))
        .transpose()?
        .ok_or_else(|| Error::InsufficientCredits {
            retry_after_secs: secs_until(now, next_midnight_ms(now)),
        })
}

/// The numbers behind `GET /api/user/anime-credits`.
pub fn credits_summary(conn: &Db, clock: &dyn Clock, user_id: &str) -> Result<CreditsSummary> {
    let now = clock.now_ms();
    let usage = user_usage(conn, user_id, now)?;
    let free_used = usage.free_used.min(FREE_DAILY_CREDITS);
    Ok(CreditsSummary {
        free_daily: FreeDaily {
            limit: FREE_DAILY_CREDITS,
            used: free_used,
            remaining: FREE_DAILY_CREDITS - free_used,
            resets_at: iso8601(next_midnight_ms(now)),
        },
        credits: usage.credits,
        hourly: Hourly {
            limit: HOURLY_LIMIT,
            used: usage.hourly_used,
            resets_at: iso8601(usage.oldest_in_hour.map_or(now, |t| t + HOUR_MS)),
        },
    })
}
