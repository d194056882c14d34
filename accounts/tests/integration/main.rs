//! The accounts crate's one integration-test binary: a real SQLite file per test, a manual clock.

mod admin;
mod api_keys;
mod auth;
mod common;
mod credits;
mod errors;
mod secrets;
mod sessions;
mod tls;
