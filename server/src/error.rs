//! The one error type of the HTTP layer: every failure a client can see is
//! an `ApiError`, whose code maps to exactly one status in `ApiError::status`,
//! and whose body is always `{"code", "message"}`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// A client-visible error: a stable code plus a human message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds the client should wait, sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

/// Every error code the server answers with (`ErrorCode::iter()`, from strum,
/// lists them for the documentation test).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    MissingImage,
    InvalidImage,
    ImageTooLarge,
    BodyTooLarge,
    InvalidUrl,
    UrlNotAllowed,
    UrlFetchFailed,
    InvalidLimit,
    InvalidOffset,
    InvalidAnilistId,
    InvalidPeriod,
    InvalidParameter,
    InvalidBody,
    InvalidResultIndex,
    SearchNotFound,
    NotYourSearch,
    NotFound,
    MethodNotAllowed,
    // What the HTTP/1 parser refuses before any route (`http/refusals.rs`).
    MalformedRequest,
    RequestHeadTooLarge,
    RequestTimeout,
    GuestQuotaExceeded,
    IndexUnavailable,
    ServerBusy,
    // Previews (`http/preview.rs`).
    PreviewsOff,
    PreviewForbidden,
    PreviewExpired,
    VideoNotFound,
    PreviewBusy,
    PreviewFailed,
    InternalError,
    // Accounts, sessions and keys (better-auth's codes where it has one).
    UserAlreadyExistsUseAnotherEmail,
    InvalidEmail,
    PasswordTooShort,
    PasswordTooLong,
    ValidationError,
    InvalidEmailOrPassword,
    UserDisabled,
    InvalidApiKey,
    ApiKeyNotFound,
    UserNotFound,
    Unauthorized,
    SessionRequired,
    MissingOrNullOrigin,
    InvalidOrigin,
    CrossSiteNavigationLoginBlocked,
    TooManyRequests,
    // Credits and the hourly limit of signed-in users.
    RateLimited,
    InsufficientCredits,
}

impl ErrorCode {
    /// The one table from code to HTTP status.
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            MissingImage | InvalidImage | InvalidUrl | InvalidLimit | InvalidOffset
            | InvalidAnilistId | InvalidPeriod | InvalidParameter | InvalidBody
            | InvalidResultIndex | InvalidEmail | PasswordTooShort | PasswordTooLong
            | ValidationError | MalformedRequest => StatusCode::BAD_REQUEST,
            RequestHeadTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            InvalidEmailOrPassword | InvalidApiKey | Unauthorized => StatusCode::UNAUTHORIZED,
            InsufficientCredits => StatusCode::PAYMENT_REQUIRED,
            UrlNotAllowed
            | NotYourSearch
            | UserDisabled
            | SessionRequired
            | MissingOrNullOrigin
            | InvalidOrigin
            | CrossSiteNavigationLoginBlocked => StatusCode::FORBIDDEN,
            SearchNotFound | NotFound | ApiKeyNotFound | UserNotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ImageTooLarge | BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UrlFetchFailed | UserAlreadyExistsUseAnotherEmail => StatusCode::UNPROCESSABLE_ENTITY,
            GuestQuotaExceeded | TooManyRequests | RateLimited => StatusCode::TOO_MANY_REQUESTS,
            InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            IndexUnavailable | ServerBusy | PreviewBusy => StatusCode::SERVICE_UNAVAILABLE,
            PreviewForbidden => StatusCode::FORBIDDEN,
            PreviewExpired => StatusCode::GONE,
            VideoNotFound | PreviewsOff => StatusCode::NOT_FOUND,
            PreviewFailed => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The status the trace.moe-compatible face answers this code with:
    /// trace.moe's own meanings (400 bad image or URL, 402 quota, 403 bad
    /// key, 405 nothing to search, 429 too fast, 503 not ready).
    pub fn tracemoe_status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            MissingImage | MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            GuestQuotaExceeded | InsufficientCredits => StatusCode::PAYMENT_REQUIRED,
            InvalidApiKey | UserDisabled => StatusCode::FORBIDDEN,
            UrlNotAllowed | InvalidUrl | UrlFetchFailed => StatusCode::BAD_REQUEST,
            other => other.status(),
        }
    }

    /// The code as it appears in the JSON body.
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

#[derive(Serialize)]
struct Body<'a> {
    code: ErrorCode,
    message: &'a str,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// An unexpected failure: logged in full, answered without details.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {what}");
        ApiError::new(
            ErrorCode::InternalError,
            "internal error; see the server log",
        )
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(seconds)));
            if self.code == ErrorCode::TooManyRequests {
                // better-auth's rate limiter names it so; clients read it.
                response.insert_header(("x-retry-after", HeaderValue::from(seconds)));
            }
        }
        response.json(Body {
            code: self.code,
            message: &self.message,
        })
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        crate::metrics::DATABASE_ERRORS.inc();
        ApiError::internal(e)
    }
}

/// Every refusal of the accounts crate gets its wire code and client
/// message here (better-auth's wording, which clients show as is); its
/// status comes from [`ErrorCode::status`] like every other code. Faults
/// (database, random source, corrupt rows) become a logged 500.
impl From<accounts::Error> for ApiError {
    fn from(e: accounts::Error) -> Self {
        use accounts::Error as A;
        let (code, message) = match &e {
            A::UserAlreadyExists => (
                ErrorCode::UserAlreadyExistsUseAnotherEmail,
                "User already exists. Use another email.".to_owned(),
            ),
            A::InvalidEmail => (ErrorCode::InvalidEmail, "Invalid email".to_owned()),
            A::PasswordTooShort => (ErrorCode::PasswordTooShort, "Password too short".to_owned()),
            A::PasswordTooLong => (ErrorCode::PasswordTooLong, "Password too long".to_owned()),
            A::Invalid(message) => (ErrorCode::ValidationError, message.clone()),
            A::InvalidEmailOrPassword => (
                ErrorCode::InvalidEmailOrPassword,
                "Invalid email or password".to_owned(),
            ),
            A::UserDisabled => (
                ErrorCode::UserDisabled,
                "This account has been disabled.".to_owned(),
            ),
            A::InvalidApiKey => (ErrorCode::InvalidApiKey, "Invalid API key.".to_owned()),
            A::ApiKeyNotFound => (ErrorCode::ApiKeyNotFound, "API key not found".to_owned()),
            A::UserNotFound { email } => (
                ErrorCode::UserNotFound,
                format!("No user with email {email}"),
            ),
            A::RateLimited { .. } => (ErrorCode::RateLimited, "Rate limit exceeded.".to_owned()),
            A::InsufficientCredits { .. } => (
                ErrorCode::InsufficientCredits,
                "No free or purchased credits left. Free credits return at midnight UTC."
                    .to_owned(),
            ),
            A::TooManyRequests { .. } => (
                ErrorCode::TooManyRequests,
                "Too many requests. Please try again later.".to_owned(),
            ),
            A::Db(_) | A::Migration(_) | A::Corrupt(_) => {
                crate::metrics::DATABASE_ERRORS.inc();
                return ApiError::internal(e);
            }
            A::Random => return ApiError::internal(e),
        };
        let error = ApiError::new(code, message);
        match e.retry_after_secs() {
            Some(seconds) => error.with_retry_after(seconds),
            None => error,
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}

impl From<shared::QueryError> for ApiError {
    fn from(e: shared::QueryError) -> Self {
        match e {
            shared::QueryError::InvalidImage(_) => {
                ApiError::new(ErrorCode::InvalidImage, e.to_string())
            }
            shared::QueryError::TooLarge(_) => {
                ApiError::new(ErrorCode::ImageTooLarge, e.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests;
