//! End-to-end tests of the `indexer` binary on fixture videos generated with
//! FFmpeg's lavfi sources: one test binary, a module per feature.

mod build;
mod fixtures;
mod guards;
mod incremental;
mod interrupted;
mod merge;
mod parts;
mod query;
mod verify;
mod walk;
