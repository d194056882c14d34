//! End-to-end tests across the binaries, one binary with a module per
//! subject: `indexer build` on generated footage, the real `server`
//! process on that index, real clients.

mod metrics;
mod previews;
mod protocol_errors;
mod replicas;
mod server_log;
mod site;
mod slow_body;
mod tracemoe_client;
