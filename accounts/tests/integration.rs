//! The accounts crate's one integration-test binary: a real SQLite file per test, a manual clock.

#[path = "integration/admin.rs"]
mod admin;
#[path = "integration/api_keys.rs"]
mod api_keys;
#[path = "integration/auth.rs"]
mod auth;
#[path = "integration/common.rs"]
mod common;
#[path = "integration/credits.rs"]
mod credits;
#[path = "integration/errors.rs"]
mod errors;
#[path = "integration/secrets.rs"]
mod secrets;
#[path = "integration/sessions.rs"]
mod sessions;
