//! Shared pieces of the `eval` and `bench` programs: where generated data
//! lives and small statistics helpers.

pub mod stats;
