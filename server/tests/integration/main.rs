//! The server's integration tests, one binary with a module per feature,
//! all through the real routing and middleware.

mod support;

mod search;

mod bodies;

mod metrics;

mod previews;

mod url;

mod quota;

mod lists;

mod health;

mod config;

mod openapi;

mod store;

mod tracemoe;

mod reload;

mod prefetch;

mod auth;

mod apikeys;

mod credits;

mod secrets;

mod admin;

mod migrate_db;
