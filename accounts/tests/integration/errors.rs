//! The error table: unique wire codes, sane statuses, bodies that never leak internals.

use std::collections::HashSet;
use strum::IntoEnumIterator;

use accounts::{Error, ErrorCode};

#[test]
fn codes_are_unique_upper_snake_with_error_statuses() {
    let mut seen = HashSet::new();
    for code in ErrorCode::iter() {
        let (wire, status, message) = code.row();
        assert!(seen.insert(wire), "duplicate {wire}");
        assert!(
            wire.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
            "{wire}"
        );
        assert!((400..=599).contains(&status), "{wire} {status}");
        assert!(!message.is_empty());
    }
}

#[test]
fn database_faults_become_opaque_500s() {
    let err = Error::from(rusqlite::Error::InvalidQuery);
    assert_eq!(err.status(), 500);
    let body = serde_json::to_value(err.body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": "INTERNAL_SERVER_ERROR", "message": "Internal server error"})
    );
}

#[test]
fn refusals_carry_code_message_and_retry() {
    let err = Error::api(ErrorCode::RateLimited).retry_after(30);
    assert_eq!(err.status(), 429);
    assert_eq!(err.retry_after_secs(), Some(30));
    let body = serde_json::to_value(err.body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": "RATE_LIMITED", "message": "Rate limit exceeded."})
    );
}

#[test]
fn the_readme_table_lists_every_code_with_its_status() {
    let readme = include_str!("../../README.md");
    for code in ErrorCode::iter() {
        let row = format!("| {} | {} |", code.as_str(), code.status());
        assert!(readme.contains(&row), "README lacks {row}");
    }
}
