//! Shared pieces of the `eval`, `bench` and `scale` programs and their
//! tests: the generated fixtures, how answers are judged, realistic
//! synthetic codes, the scale measurement, the server process and the
//! HTTP load on it, and report helpers.

pub mod fixtures;
pub mod judge;
pub mod load;
pub mod report;
pub mod scale;
pub mod serve;
pub mod stats;
pub mod synth;
