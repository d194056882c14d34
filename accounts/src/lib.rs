//! Accounts for the scene search server: users, sessions, API keys, credits and quotas.
//!
//! No HTTP here: the server calls these functions from its extractors and
//! handlers (inside `web::block`, as they block on the database and PBKDF2).
//! The database is SQLite or PostgreSQL behind one interface ([`db`]). Failures
//! are a typed [`Error`]; wire codes, statuses and client messages are the
//! server's (`server/src/error.rs`).

pub mod admin;
pub mod api_keys;
pub mod clock;
pub mod cookie;
pub mod credits;
mod crypto;
pub mod db;
pub mod error;
pub mod limiter;
pub mod password;
pub mod sessions;
mod user_row;
pub mod users;

pub use admin::{MAX_GRANT, UserListing, grant_credits, list_users, set_disabled, show_credits};
pub use api_keys::{
    CreatedKey, KeyInfo, Page, authenticate_key, create_key, list_keys, revoke_key,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use cookie::{
    COOKIE_NAME, SECURE_COOKIE_NAME, encoded_cookie_value, sign_cookie, verify_cookie,
};
pub use credits::{Charge, ChargeKind, CreditsSummary, charge, credits_summary, pre_check};
pub use db::{Db, DbError, Pool, Target, migrate_accounts};
pub use error::{Error, Result};
pub use limiter::RateLimiter;
pub use password::PasswordPolicy;
pub use sessions::{
    ActiveSession, ClientInfo, Session, SessionToken, SignedIn, get_session, sign_out,
};
pub use users::{Credentials, NewUser, User, sign_in, sign_up};
