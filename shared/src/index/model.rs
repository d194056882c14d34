//! What the archive holds. Frames are stored column-wise and per video in
//! time order: 12 bytes of code plus a 2-byte time delta each, so a frame
//! costs 14 bytes and its held span ends where the next frame starts.

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

#[derive(Archive, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct IndexData {
    pub anime: Vec<Anime>,
    pub videos: Vec<Video>,
    /// `CODE_BYTES` per frame.
    pub codes: Vec<u8>,
    /// Milliseconds from the previous frame of the same video (or from the
    /// video's start for its first frame) to this frame.
    pub deltas: Vec<u16>,
}
