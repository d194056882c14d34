//! The indexer as a library: the CLI in `main.rs` only parses arguments and
//! maps outcomes to exit codes; tests drive the same functions.

pub mod build;
pub mod cli;
pub mod decode;
pub mod episode;
pub mod exit;
pub mod inspect;
pub mod library;
pub mod merge;
pub mod part;
pub mod progress;
pub mod query;
