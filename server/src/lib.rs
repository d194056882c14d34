//! The HTTP server of the anime scene search engine: search over a mapped
//! index, accounts (via the `accounts` crate), the public lists, and the
//! SQLite store they share. `main.rs` is only flags and signals; tests build
//! the same app with `create_app`.

pub mod admin;
pub mod caller;
pub mod clock;
pub mod config;
pub mod error;
pub mod fetch;
pub mod http;
pub mod ids;
pub mod index_holder;
pub mod logging;
pub mod metrics;
pub mod preview;
pub mod store;

pub use caller::Caller;
pub use config::Config;
pub use error::{ApiError, ErrorCode};
pub use http::{AppState, create_app, create_metrics_app};
