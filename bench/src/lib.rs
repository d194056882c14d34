//! Shared pieces of the `eval`, `bench`, `scale`, `server-load` and
//! `mixed-load` programs and their tests: the generated fixtures, how answers are
//! judged, realistic synthetic codes, the scale and server measurements,
//! the server process and the load on it, and report helpers.

pub mod db_cost;
pub mod fixtures;
pub mod judge;
pub mod load;
pub mod mixed_load;
pub mod previews;
pub mod report;
pub mod scale;
pub mod serve;
pub mod server_load;
pub mod stats;
pub mod synth;
