//! The code table against docs/api.md, and every accounts error against the
//! code, status and message its clients expect.

use super::*;
use strum::IntoEnumIterator;

/// docs/api.md lists every code with the status this table gives it.
#[test]
fn the_api_docs_list_every_code_with_its_status() {
    let docs = include_str!("../../../docs/api.md");
    for code in ErrorCode::iter() {
        let row = format!("| `{}` | {} |", code.as_str(), code.status().as_u16());
        assert!(docs.contains(&row), "docs/api.md lacks {row}");
    }
}

/// Each accounts refusal keeps the wire code, status and message its
/// clients (better-auth's) expect; faults are opaque 500s.
#[test]
fn accounts_errors_map_to_their_code_status_and_message() {
    use accounts::Error as A;
    let cases = [
        (
            A::UserAlreadyExists,
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            422,
            "User already exists. Use another email.",
        ),
        (A::InvalidEmail, "INVALID_EMAIL", 400, "Invalid email"),
        (
            A::PasswordTooShort,
            "PASSWORD_TOO_SHORT",
            400,
            "Password too short",
        ),
        (
            A::PasswordTooLong,
            "PASSWORD_TOO_LONG",
            400,
            "Password too long",
        ),
        (
            A::Invalid("Invalid body parameters: name is required".into()),
            "VALIDATION_ERROR",
            400,
            "Invalid body parameters: name is required",
        ),
        (
            A::InvalidEmailOrPassword,
            "INVALID_EMAIL_OR_PASSWORD",
            401,
            "Invalid email or password",
        ),
        (
            A::UserDisabled,
            "USER_DISABLED",
            403,
            "This account has been disabled.",
        ),
        (A::InvalidApiKey, "INVALID_API_KEY", 401, "Invalid API key."),
        (
            A::ApiKeyNotFound,
            "API_KEY_NOT_FOUND",
            404,
            "API key not found",
        ),
        (
            A::UserNotFound {
                email: "bob@example.com".into(),
            },
            "USER_NOT_FOUND",
            404,
            "No user with email bob@example.com",
        ),
        (
            A::RateLimited {
                retry_after_secs: 30,
            },
            "RATE_LIMITED",
            429,
            "Rate limit exceeded.",
        ),
        (
            A::InsufficientCredits {
                retry_after_secs: 60,
            },
            "INSUFFICIENT_CREDITS",
            402,
            "No free or purchased credits left. Free credits return at midnight UTC.",
        ),
        (
            A::TooManyRequests {
                retry_after_secs: 8,
            },
            "TOO_MANY_REQUESTS",
            429,
            "Too many requests. Please try again later.",
        ),
        (
            A::from(accounts::DbError::NoRow),
            "INTERNAL_ERROR",
            500,
            "internal error; see the server log",
        ),
        (
            A::Random,
            "INTERNAL_ERROR",
            500,
            "internal error; see the server log",
        ),
    ];
    for (error, code, status, message) in cases {
        let retry = error.retry_after_secs();
        let ours = ApiError::from(error);
        assert_eq!(
            (
                ours.code.as_str().as_str(),
                ours.code.status().as_u16(),
                ours.message.as_str()
            ),
            (code, status, message)
        );
        assert_eq!(ours.retry_after, retry, "{code}");
    }
}
