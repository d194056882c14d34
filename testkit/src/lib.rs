//! Deterministic anime-like fixture footage, libraries, ground truth and screenshot distortions for tests, evaluation and benchmarks.
//!
//! Layers, bottom up:
//! - [`picture`]: cel-shaded backgrounds, characters, title cards, speed lines (world units, any size).
//! - [`episode`]: an anime's plan (style, cast, backgrounds, shared opening, episodes as shot lists);
//!   every frame is a hashable [`episode::FrameSpec`], so equal specs are identical frames and the
//!   ground truth ([`episode::AnimeTruth`]) is exact. Rendering blits cached drawings; encoding
//!   pipes raw RGB into the `ffmpeg` CLI.
//! - [`library`]: folders of episodes in release naming conventions plus `truth.json`.
//! - [`distort`] and [`queries`]: screenshot classes and query sets with the acceptable answers.
//!
//! Beside the footage, the small fixtures every crate's tests share: [`clips`] (lavfi videos of
//! any codec and container, made by [`ffmpeg`]) and [`synthetic`] (an index of chosen anime,
//! videos and frame codes, with random codes and pictures).
//!
//! Everything is a pure function of the seed; only the encoded bytes depend on the ffmpeg build.

pub mod clips;
pub mod database;
pub mod distort;
pub mod episode;
mod error;
pub mod ffmpeg;
pub mod font;
pub mod library;
pub mod picture;
pub mod queries;
pub mod rng;
pub mod synthetic;

pub use error::{Error, Result};
