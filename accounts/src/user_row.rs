//! The user record as stored and as sent, read the same way by sign-in,
//! sessions and API keys (so those modules need not import each other).

use serde::{Deserialize, Serialize};

use crate::clock::iso8601;
use crate::db::{DbError, Row};

/// User JSON as better-auth sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub image: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Disabled by an operator; never sent to clients.
    #[serde(skip)]
    pub disabled: bool,
}

/// The columns [`user_from_row`] reads, for queries that alias `users` as `u`.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.name, u.email, u.email_verified, u.image, u.created_at, u.updated_at, u.disabled";

pub(crate) fn user_from_row(row: &Row, at: usize) -> Result<User, DbError> {
    Ok(User {
        id: row.get(at)?,
        name: row.get(at + 1)?,
        email: row.get(at + 2)?,
        email_verified: row.get(at + 3)?,
        image: row.get(at + 4)?,
        created_at: iso8601(row.get(at + 5)?),
        updated_at: iso8601(row.get(at + 6)?),
        disabled: row.get(at + 7)?,
    })
}
