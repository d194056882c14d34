//! One table of error codes (wire code, HTTP status, message) and the crate's error type.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

/// Every refusal the server may show a client. The wire code, status and
/// default message live in [`ErrorCode::row`] so the server never needs to
/// know which function produced them. `ErrorCode::iter()` (strum) lists
/// them all, for documentation and exhaustive tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum ErrorCode {
    UserAlreadyExists,
    InvalidEmail,
    PasswordTooShort,
    PasswordTooLong,
    ValidationError,
    InvalidEmailOrPassword,
    UserDisabled,
    InvalidApiKey,
    ApiKeyNotFound,
    UserNotFound,
    RateLimited,
    InsufficientCredits,
    TooManyRequests,
    InternalError,
}

impl ErrorCode {
    /// The table: (wire code, HTTP status, default message).
    pub const fn row(self) -> (&'static str, u16, &'static str) {
        match self {
            Self::UserAlreadyExists => (
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                422,
                "User already exists. Use another email.",
            ),
            Self::InvalidEmail => ("INVALID_EMAIL", 400, "Invalid email"),
            Self::PasswordTooShort => ("PASSWORD_TOO_SHORT", 400, "Password too short"),
            Self::PasswordTooLong => ("PASSWORD_TOO_LONG", 400, "Password too long"),
            Self::ValidationError => ("VALIDATION_ERROR", 400, "Invalid body parameters"),
            Self::InvalidEmailOrPassword => (
                "INVALID_EMAIL_OR_PASSWORD",
                401,
                "Invalid email or password",
            ),
            Self::UserDisabled => ("USER_DISABLED", 403, "This account has been disabled."),
            Self::InvalidApiKey => ("INVALID_API_KEY", 401, "Invalid API key."),
            Self::ApiKeyNotFound => ("API_KEY_NOT_FOUND", 404, "API key not found"),
            Self::UserNotFound => ("USER_NOT_FOUND", 404, "User not found"),
            Self::RateLimited => ("RATE_LIMITED", 429, "Rate limit exceeded."),
            Self::InsufficientCredits => (
                "INSUFFICIENT_CREDITS",
                402,
                "No free or purchased credits left. Free credits return at midnight UTC.",
            ),
            Self::TooManyRequests => (
                "TOO_MANY_REQUESTS",
                429,
                "Too many requests. Please try again later.",
            ),
            Self::InternalError => ("INTERNAL_SERVER_ERROR", 500, "Internal server error"),
        }
    }

    pub const fn as_str(self) -> &'static str {
        self.row().0
    }

    pub const fn status(self) -> u16 {
        self.row().1
    }

    pub const fn default_message(self) -> &'static str {
        self.row().2
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The crate's error. `Api` is a refusal meant for the client; the other
/// variants are faults the server logs and answers with a 500.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{code}: {message}")]
    Api {
        code: ErrorCode,
        message: Cow<'static, str>,
        /// Seconds after which trying again can succeed (`Retry-After`).
        retry_after_secs: Option<u64>,
    },
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("cannot open database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the system random number generator failed")]
    Random,
    #[error("corrupt accounts data: {0}")]
    Corrupt(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A client refusal with the table's default message.
    pub fn api(code: ErrorCode) -> Self {
        Self::Api {
            code,
            message: Cow::Borrowed(code.default_message()),
            retry_after_secs: None,
        }
    }

    /// A client refusal with a specific message (e.g. naming a field).
    pub fn with_message(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::Api {
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// Attaches a `Retry-After` value to a client refusal.
    pub fn retry_after(mut self, secs: u64) -> Self {
        if let Self::Api {
            retry_after_secs, ..
        } = &mut self
        {
            *retry_after_secs = Some(secs);
        }
        self
    }

    /// The code to send; every fault that is not a refusal is an internal error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Api { code, .. } => *code,
            _ => ErrorCode::InternalError,
        }
    }

    pub fn status(&self) -> u16 {
        self.code().status()
    }

    /// The message to send; internal details stay in the log, not the body.
    pub fn client_message(&self) -> &str {
        match self {
            Self::Api { message, .. } => message,
            _ => ErrorCode::InternalError.default_message(),
        }
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Api {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }

    /// The JSON error body `{"code": ..., "message": ...}`.
    pub fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            code: self.code().as_str(),
            message: self.client_message(),
        }
    }
}

/// The one error body of the HTTP contract.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct ErrorBody<'a> {
    pub code: &'a str,
    pub message: &'a str,
}
