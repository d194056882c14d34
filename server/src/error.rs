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
    pub code: Code,
    pub message: String,
    /// Seconds the client should wait, sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

/// Every error code the server answers with (`Code::iter()`, from strum,
/// lists them for the documentation test).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
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
    GuestQuotaExceeded,
    IndexUnavailable,
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

impl Code {
    /// The one table from code to HTTP status.
    pub fn status(self) -> StatusCode {
        use Code::*;
        match self {
            MissingImage | InvalidImage | InvalidUrl | InvalidLimit | InvalidOffset
            | InvalidAnilistId | InvalidPeriod | InvalidParameter | InvalidBody
            | InvalidResultIndex | InvalidEmail | PasswordTooShort | PasswordTooLong
            | ValidationError => StatusCode::BAD_REQUEST,
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
            IndexUnavailable => StatusCode::SERVICE_UNAVAILABLE,
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
    code: Code,
    message: &'a str,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
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
        ApiError::new(Code::InternalError, "internal error; see the server log")
    }

    pub fn code(&self) -> Code {
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
            if self.code == Code::TooManyRequests {
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
        ApiError::internal(e)
    }
}

/// The accounts crate's refusals keep their code and message; the status
/// comes from this file's table like every other code. Faults (database,
/// random source, corrupt rows) become a logged 500.
impl From<accounts::Error> for ApiError {
    fn from(e: accounts::Error) -> Self {
        use accounts::ErrorCode as A;
        let code = match e.code() {
            A::UserAlreadyExists => Code::UserAlreadyExistsUseAnotherEmail,
            A::InvalidEmail => Code::InvalidEmail,
            A::PasswordTooShort => Code::PasswordTooShort,
            A::PasswordTooLong => Code::PasswordTooLong,
            A::ValidationError => Code::ValidationError,
            A::InvalidEmailOrPassword => Code::InvalidEmailOrPassword,
            A::UserDisabled => Code::UserDisabled,
            A::InvalidApiKey => Code::InvalidApiKey,
            A::ApiKeyNotFound => Code::ApiKeyNotFound,
            A::UserNotFound => Code::UserNotFound,
            A::RateLimited => Code::RateLimited,
            A::InsufficientCredits => Code::InsufficientCredits,
            A::TooManyRequests => Code::TooManyRequests,
            A::InternalError => return ApiError::internal(e),
        };
        let error = ApiError::new(code, e.client_message());
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
            shared::QueryError::InvalidImage(_) => ApiError::new(Code::InvalidImage, e.to_string()),
            shared::QueryError::TooLarge(_) => ApiError::new(Code::ImageTooLarge, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    /// docs/api.md lists every code with the status this table gives it.
    #[test]
    fn the_api_docs_list_every_code_with_its_status() {
        let docs = include_str!("../../docs/api.md");
        for code in Code::iter() {
            let row = format!("| `{}` | {} |", code.as_str(), code.status().as_u16());
            assert!(docs.contains(&row), "docs/api.md lacks {row}");
        }
    }

    /// The accounts crate documents a status per code; ours must agree.
    #[test]
    fn accounts_codes_keep_their_wire_code_and_status() {
        for code in accounts::ErrorCode::iter() {
            if code == accounts::ErrorCode::InternalError {
                continue;
            }
            let ours = ApiError::from(accounts::Error::api(code));
            assert_eq!(ours.code.as_str(), code.as_str());
            assert_eq!(ours.code.status().as_u16(), code.status(), "{code}");
        }
    }
}
