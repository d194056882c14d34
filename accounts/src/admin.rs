//! Operator functions behind the server's `credits` and `users` subcommands.

use crate::db::Db;
use crate::params;
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, iso8601};
use crate::credits::{CreditsSummary, credits_summary};
use crate::error::{Error, Result};
use crate::sessions::delete_user_sessions;
use crate::users::{User, user_by_email};

/// Largest single grant, to catch typos like an extra zero run.
pub const MAX_GRANT: i64 = 1_000_000_000;

/// One line of `server users list`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UserListing {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: String,
    pub disabled: bool,
    pub credits: i64,
}

/// Adds purchased credits to the user with `email`; returns the new balance.
pub fn grant_credits(conn: &Db, clock: &dyn Clock, email: &str, amount: i64) -> Result<i64> {
    if !(1..=MAX_GRANT).contains(&amount) {
        return Err(Error::Invalid(format!(
            "amount must be between 1 and {MAX_GRANT}, got {amount}"
        )));
    }
    conn.write(|tx| {
        let user = user_by_email(tx, email)?;
        let balance = tx
            .query_one(
                "INSERT INTO credit_balances (user_id, credits, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (user_id) DO UPDATE
                 SET credits = credit_balances.credits + excluded.credits,
                     updated_at = excluded.updated_at
                 RETURNING credits",
                params![&user.id, amount, clock.now_ms()],
            )?
            .get(0)?;
        Ok(balance)
    })
}

/// The user with `email` and their credits, for `server credits show`.
pub fn show_credits(conn: &Db, clock: &dyn Clock, email: &str) -> Result<(User, CreditsSummary)> {
    let user = user_by_email(conn, email)?;
    let summary = credits_summary(conn, clock, &user.id)?;
    Ok((user, summary))
}

/// Every user, oldest first, with their purchased credits.
pub fn list_users(conn: &Db) -> Result<Vec<UserListing>> {
    let rows = conn.query(
        "SELECT u.id, u.name, u.email, u.created_at, u.disabled, COALESCE(b.credits, 0)
         FROM users u LEFT JOIN credit_balances b ON b.user_id = u.id
         ORDER BY u.created_at, u.id",
        params![],
    )?;
    rows.iter()
        .map(|row| {
            Ok(UserListing {
                id: row.get(0)?,
                name: row.get(1)?,
                email: row.get(2)?,
                created_at: iso8601(row.get(3)?),
                disabled: row.get(4)?,
                credits: row.get(5)?,
            })
        })
        .collect()
}

/// Disables or re-enables an account. Disabling also ends its sessions; its
/// API keys stop working while it stays disabled.
pub fn set_disabled(conn: &Db, clock: &dyn Clock, email: &str, disabled: bool) -> Result<User> {
    let now = clock.now_ms();
    let mut user = conn.write(|tx| {
        let user = user_by_email(tx, email)?;
        tx.execute(
            "UPDATE users SET disabled = ?1, updated_at = ?2 WHERE id = ?3",
            params![disabled, now, &user.id],
        )?;
        if disabled {
            delete_user_sessions(tx, &user.id)?;
        }
        Ok::<_, Error>(user)
    })?;
    user.disabled = disabled;
    user.updated_at = iso8601(now);
    Ok(user)
}
