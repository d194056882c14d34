//! Deterministic anime-like fixture footage, libraries, ground truth and screenshot distortions for tests, evaluation and benchmarks.

pub mod distort;
pub mod episode;
mod error;
pub mod ffmpeg;
pub mod font;
pub mod library;
pub mod picture;
pub mod queries;
pub mod rng;

pub use error::{Error, Result};
