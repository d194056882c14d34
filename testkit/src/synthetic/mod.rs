//! A small synthetic index for tests that need one without decoding video: anime and video
//! records with sensible defaults, random frame codes and bit flips, random pictures with their
//! codes, and a writer. Everything comes from [`crate::rng::Rng`], so every run builds the same
//! index.

mod code;
mod picture;

pub use code::{flip_lowest, flip_random, random_code};
pub use picture::{FRAME_SIZE, frame, frame_code, picture};

use crate::Result;
use shared::FrameCode;
use shared::index::{Anime, IndexBuilder, KeptFrame, Video, write_atomically};
use std::path::Path;

/// The tool version a synthetic index says built it.
pub const TOOL_VERSION: &str = "test-1";
/// When a synthetic index says it was built (Unix seconds: 2023-11-14T22:13:20Z).
pub const BUILT_AT: i64 = 1_700_000_000;

/// A video of a synthetic index and its kept frames: (code, start time in ms), in time order.
/// Synthetic frames have whole-frame codes only: no inner-window code (see [`kept`]).
pub type VideoFrames = (Video, Vec<(FrameCode, u32)>);

/// The frames as the index builder takes them, without inner-window codes (stored as flat).
pub fn kept(frames: &[(FrameCode, u32)]) -> Vec<KeptFrame> {
    frames
        .iter()
        .map(|&(code, ms)| KeptFrame {
            code,
            inner: FrameCode::default(),
            ms,
        })
        .collect()
}

/// Anime `id` titled `title` in a folder of that name, without AniList id, synonyms or adult
/// flag; set other fields with `Anime { is_adult: true, ..anime(1, "A") }`.
pub fn anime(id: u32, title: &str) -> Anime {
    Anime::new(id, title, title)
}

/// Episode `episode` of the anime at position `anime` of the index, one minute long, at `path`
/// (relative to the library); size and modification time are unknown (0).
pub fn video(path: &str, anime: u32, episode: u32) -> Video {
    Video {
        path: path.to_string(),
        anime,
        episode: Some(episode),
        duration_ms: 60_000,
        size: 0,
        mtime_ns: 0,
        first_frame: 0,
        frame_count: 0,
    }
}

/// Writes an index of `anime` and `videos` (each video's `anime` is a position in `anime`) to
/// `path`, as built by [`TOOL_VERSION`] at [`BUILT_AT`].
/// The same as a part file (`indexer build --part`) holding share `part`.
pub fn write_part(
    path: &Path,
    anime: &[Anime],
    videos: &[VideoFrames],
    part: shared::index::Part,
) -> Result<()> {
    let mut builder = IndexBuilder::new();
    for a in anime {
        builder.add_anime(a.clone());
    }
    for (video, frames) in videos {
        builder.add_video(video.clone(), &kept(frames));
    }
    shared::index::write_part_atomically(path, &builder.finish(), part, TOOL_VERSION, BUILT_AT)?;
    Ok(())
}

pub fn write_index(path: &Path, anime: &[Anime], videos: &[VideoFrames]) -> Result<()> {
    let mut builder = IndexBuilder::new();
    for a in anime {
        builder.add_anime(a.clone());
    }
    for (video, frames) in videos {
        builder.add_video(video.clone(), &kept(frames));
    }
    write_atomically(path, &builder.finish(), TOOL_VERSION, BUILT_AT)?;
    Ok(())
}
