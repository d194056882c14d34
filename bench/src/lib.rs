//! Shared pieces of the `eval` and `bench` programs and the accuracy test:
//! how answers are judged and small statistics helpers.

pub mod judge;
pub mod stats;
