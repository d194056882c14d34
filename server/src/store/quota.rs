//! What a search costs the caller. `charge` is the one step the search
//! transaction calls. Guests are counted here (per keyed IP hash and UTC
//! day); users are charged by the `accounts` crate (daily free credits,
//! purchased credits, hourly limit) in the same transaction.

use super::StoreError;
use crate::caller::{Caller, IpHash};
use crate::clock::{self, Clock};
use accounts::db::{Db, DbError};
use accounts::params;

/// The limits in force, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaPolicy {
    /// Searches per guest IP per UTC day; `None`: unlimited.
    pub guest_daily_limit: Option<u32>,
}

/// Why a caller may not search now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    GuestQuotaExceeded { limit: u32, retry_after: u64 },
}

#[derive(Debug, thiserror::Error)]
pub enum ChargeError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// A user's refusal (credits, hourly limit) or an accounts fault.
    #[error(transparent)]
    Accounts(#[from] accounts::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DbError> for ChargeError {
    fn from(e: DbError) -> Self {
        ChargeError::Store(e.into())
    }
}

/// How many searches a caller has in the current UTC day, as trace.moe
/// clients read it (`/me`, `x-ratelimit-*`). Guests: the daily guest
/// limit (`u32::MAX` when unlimited) and today's count. Users: today's
/// free credits plus their purchased balance, and the free ones used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub quota: u64,
    pub used: u64,
    /// When the daily part returns: the next midnight UTC, unix ms.
    pub resets_at_ms: i64,
}

impl Allowance {
    pub fn remaining(&self) -> u64 {
        self.quota.saturating_sub(self.used)
    }
}

/// The caller's [`Allowance`] now.
pub fn allowance(
    conn: &Db,
    caller: &Caller,
    policy: &QuotaPolicy,
    clock: &dyn Clock,
) -> Result<Allowance, ChargeError> {
    let now_ms = clock.now_ms();
    let resets_at_ms = clock::next_midnight_ms(now_ms);
    let (quota, used) = match caller {
        Caller::Guest { ip_hash } => {
            let used = guest_used(conn, ip_hash, clock::utc_day(now_ms))?;
            (
                policy.guest_daily_limit.unwrap_or(u32::MAX) as u64,
                used as u64,
            )
        }
        Caller::User { user_id, .. } => {
            let summary = accounts::credits_summary(conn, clock, user_id)?;
            let free = summary.free_daily;
            let purchased = summary.credits.max(0) as u64;
            (free.limit as u64 + purchased, free.used as u64)
        }
    };
    Ok(Allowance {
        quota,
        used,
        resets_at_ms,
    })
}

/// Checks, without charging, that `caller` could search now: run before
/// the costly search so an exhausted caller costs no CPU. Not a guarantee;
/// `charge` decides, inside the transaction.
pub fn check(
    conn: &Db,
    caller: &Caller,
    policy: &QuotaPolicy,
    clock: &dyn Clock,
) -> Result<(), ChargeError> {
    match caller {
        Caller::Guest { ip_hash } => guest_allowed(conn, ip_hash, policy, clock.now_ms()),
        Caller::User { user_id, .. } => Ok(accounts::pre_check(conn, clock, user_id)?),
    }
}

/// Charges one search to `caller`. Must run inside the `BEGIN IMMEDIATE`
/// transaction that records the search, so that concurrent searches are
/// serialised and can never exceed a quota.
pub fn charge(
    tx: &Db,
    caller: &Caller,
    policy: &QuotaPolicy,
    clock: &dyn Clock,
    search_id: &str,
) -> Result<(), ChargeError> {
    let now_ms = clock.now_ms();
    match caller {
        Caller::User { user_id, .. } => {
            accounts::charge(tx, clock, user_id, search_id)?;
            Ok(())
        }
        Caller::Guest { ip_hash } => {
            guest_allowed(tx, ip_hash, policy, now_ms)?;
            tx.execute(
                "INSERT INTO guest_usage (ip_hash, day, count) VALUES (?1, ?2, 1)
                 ON CONFLICT (ip_hash, day) DO UPDATE SET count = guest_usage.count + 1",
                params![&ip_hash.0[..], clock::utc_day(now_ms)],
            )?;
            Ok(())
        }
    }
}

fn guest_allowed(
    conn: &Db,
    ip_hash: &IpHash,
    policy: &QuotaPolicy,
    now_ms: i64,
) -> Result<(), ChargeError> {
    let Some(limit) = policy.guest_daily_limit else {
        return Ok(());
    };
    let used = guest_used(conn, ip_hash, clock::utc_day(now_ms))?;
    if used >= limit {
        let retry_after = clock::seconds_to_midnight(now_ms);
        return Err(ChargeError::Refused(Refusal::GuestQuotaExceeded {
            limit,
            retry_after,
        }));
    }
    Ok(())
}

fn guest_used(conn: &Db, ip_hash: &IpHash, day: i64) -> Result<u32, DbError> {
    let row = conn.query_opt(
        "SELECT count FROM guest_usage WHERE ip_hash = ?1 AND day = ?2",
        params![&ip_hash.0[..], day],
    )?;
    Ok(row.map(|r| r.get(0)).transpose()?.unwrap_or(0))
}
