//! What an index holds. Anime and videos are an rkyv archive; the frames
//! are raw columns beside it: a 2-byte time delta per frame in time order,
//! and two codes in buckets (see `Layout`), the whole frame's and its inner
//! window's, so a frame costs 28 bytes and its held span ends where the
//! next frame starts.

use rkyv::{Archive, Deserialize, Serialize};

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Anime {
    /// Stable across rebuilds: kept from the previous index by folder name.
    pub id: u32,
    pub folder: String,
    /// The title shown: `anime.json`'s title (a string, or the first of
    /// its romaji, English and native titles), else the folder name.
    pub title: String,
    /// AniList's three titles, when `anime.json` gives them as an object.
    pub titles: Titles,
    pub anilist_id: Option<u32>,
    /// MyAnimeList's id (`idMal` in `anime.json`).
    pub mal_id: Option<u32>,
    pub is_adult: bool,
    pub synonyms: Vec<String>,
}

impl Anime {
    /// An anime known only by id, folder and title; set the other fields
    /// with `Anime { is_adult: true, ..Anime::new(1, "a", "A") }`.
    pub fn new(id: u32, folder: &str, title: &str) -> Anime {
        Anime {
            id,
            folder: folder.to_string(),
            title: title.to_string(),
            titles: Titles::default(),
            anilist_id: None,
            mal_id: None,
            is_adult: false,
            synonyms: Vec::new(),
        }
    }
}

impl ArchivedAnime {
    /// An owned copy, e.g. to carry an anime into a new index.
    pub fn to_owned(&self) -> Anime {
        rkyv::deserialize::<Anime, rkyv::rancor::Error>(self).expect("plain data deserializes")
    }
}

impl ArchivedFailure {
    /// An owned copy, to carry a failure into a new index.
    pub fn to_owned(&self) -> Failure {
        rkyv::deserialize::<Failure, rkyv::rancor::Error>(self).expect("plain data deserializes")
    }
}

impl ArchivedVideo {
    /// An owned copy, e.g. to carry a video into a new index.
    pub fn to_owned(&self) -> Video {
        rkyv::deserialize::<Video, rkyv::rancor::Error>(self).expect("plain data deserializes")
    }
}

/// An anime's titles as AniList names them; any may be missing. Also the
/// object form of `title` in `anime.json` and of trace.moe's `title`,
/// hence serde.
#[derive(
    Archive,
    Serialize,
    Deserialize,
    Clone,
    Debug,
    Default,
    PartialEq,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(deny_unknown_fields)]
pub struct Titles {
    pub native: Option<String>,
    pub romaji: Option<String>,
    pub english: Option<String>,
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

/// A video file that could not be indexed, remembered so that later builds
/// skip it quietly until the file changes.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Failure {
    /// Path relative to the library root, with `/` separators.
    pub path: String,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Why it failed, as the build reported it.
    pub reason: String,
}

/// The archived part of the file.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub anime: Vec<Anime>,
    pub videos: Vec<Video>,
    pub failed: Vec<Failure>,
}

/// An index being built, every column in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexData {
    pub anime: Vec<Anime>,
    pub videos: Vec<Video>,
    /// Files that failed, in path order (see `Failure`).
    pub failed: Vec<Failure>,
    /// `CODE_BYTES` per frame; all zero for a flat frame, which is not
    /// stored in any bucket.
    pub codes: Vec<u8>,
    /// `CODE_BYTES` per frame: the code of the frame's inner window (see
    /// `descriptor::inner_area`), all zero when that is flat.
    pub inner: Vec<u8>,
    /// Milliseconds from the previous frame of the same video (or from the
    /// video's start for its first frame) to this frame.
    pub deltas: Vec<u16>,
}
