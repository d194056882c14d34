//! The server's integration tests, one binary with a module per feature,
//! all through the real routing and middleware.

#[path = "integration/support.rs"]
mod support;

#[path = "integration/search.rs"]
mod search;

#[path = "integration/url.rs"]
mod url;

#[path = "integration/quota.rs"]
mod quota;

#[path = "integration/lists.rs"]
mod lists;

#[path = "integration/health.rs"]
mod health;

#[path = "integration/config.rs"]
mod config;

#[path = "integration/store.rs"]
mod store;

#[path = "integration/reload.rs"]
mod reload;

#[path = "integration/auth.rs"]
mod auth;

#[path = "integration/apikeys.rs"]
mod apikeys;

#[path = "integration/credits.rs"]
mod credits;

#[path = "integration/secrets.rs"]
mod secrets;

#[path = "integration/admin.rs"]
mod admin;
