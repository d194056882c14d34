//! The crate's typed error: what went wrong, in plain words, with no wire
//! code or HTTP status. The server alone turns it into a response
//! (`server/src/error.rs` holds the one code table).

use crate::db::{DbError, MigrationError};

/// Everything an accounts call can refuse or fail with. Refusals (the
/// caller asked for something it may not have) come first; faults (the
/// database, the random source, corrupt rows) last. `Display` is a message
/// for logs and operator commands.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("a user with this email already exists")]
    UserAlreadyExists,
    #[error("invalid email address")]
    InvalidEmail,
    #[error("password too short")]
    PasswordTooShort,
    #[error("password too long")]
    PasswordTooLong,
    /// A parameter is missing or out of range; the message names it.
    #[error("{0}")]
    Invalid(String),
    #[error("invalid email or password")]
    InvalidEmailOrPassword,
    #[error("this account has been disabled")]
    UserDisabled,
    #[error("invalid API key")]
    InvalidApiKey,
    #[error("API key not found")]
    ApiKeyNotFound,
    #[error("No user with email {email}")]
    UserNotFound { email: String },
    /// The rolling-hour search limit; trying again can succeed after the wait.
    #[error("hourly search limit reached; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// No free or purchased credit left; free credits return at midnight UTC.
    #[error("no credits left; free credits return in {retry_after_secs} s")]
    InsufficientCredits { retry_after_secs: u64 },
    /// The sign-in/sign-up limiter.
    #[error("too many attempts; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("database error: {0}")]
    Db(#[from] DbError),
    #[error(transparent)]
    Migration(#[from] MigrationError),
    #[error("the system random number generator failed")]
    Random,
    #[error("corrupt accounts data: {0}")]
    Corrupt(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Seconds after which trying again can succeed, for the refusals that have one.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs }
            | Self::InsufficientCredits { retry_after_secs }
            | Self::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// A fault of the machine or the data rather than a refusal of the caller.
    pub fn is_fault(&self) -> bool {
        matches!(
            self,
            Self::Db(_) | Self::Migration(_) | Self::Random | Self::Corrupt(_)
        )
    }
}
