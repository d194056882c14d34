//! The typed error: refusals carry their wait and faults are told apart
//! from refusals (the server maps each variant to a wire code; its table
//! and the test that pins every mapping are in `server/src/error.rs`).

use accounts::Error;

#[test]
fn database_faults_are_faults_not_refusals() {
    let err = Error::from(accounts::DbError::NoRow);
    assert!(err.is_fault());
    assert_eq!(err.retry_after_secs(), None);
    assert!(!Error::InvalidApiKey.is_fault());
}

#[test]
fn refusals_with_a_wait_carry_it() {
    let err = Error::RateLimited {
        retry_after_secs: 30,
    };
    assert_eq!(err.retry_after_secs(), Some(30));
    assert!(!err.is_fault());
    assert!(err.to_string().contains("30"), "{err}");
}
