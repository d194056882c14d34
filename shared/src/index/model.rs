//! What an index holds. Anime and videos are an rkyv archive; the frames
//! are raw columns beside it: a 2-byte time delta per frame in time order,
//! and the codes in buckets (see `Layout`), so a frame costs 15 bytes and
//! its held span ends where the next frame starts.

use rkyv::{Archive, Deserialize, Serialize};

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Anime {
    /// Stable across rebuilds: kept from the previous index by folder name.
    pub id: u32,
    pub folder: String,
    pub title: String,
    pub anilist_id: Option<u32>,
    pub is_adult: bool,
    pub synonyms: Vec<String>,
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Video {
    /// Path relative to the library root, with `/` separators.
    pub path: String,
    /// Position of the anime in `IndexData::anime`.
    pub anime: u32,
    pub episode: Option<u32>,
    pub duration_ms: u32,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Position of the video's first frame in the frame columns.
    pub first_frame: u64,
    pub frame_count: u32,
}

/// The archived part of the file.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub anime: Vec<Anime>,
    pub videos: Vec<Video>,
}

/// An index being built, every column in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexData {
    pub anime: Vec<Anime>,
    pub videos: Vec<Video>,
    /// `CODE_BYTES` per frame; all zero for a flat frame, which is not
    /// stored in any bucket.
    pub codes: Vec<u8>,
    /// Milliseconds from the previous frame of the same video (or from the
    /// video's start for its first frame) to this frame.
    pub deltas: Vec<u16>,
}
