//! Format 3, still read: its frames are the same as format 4's and only
//! the anime records lack `titles` and `mal_id` (and no failures are
//! remembered), so an index built before
//! format 4 keeps serving and the next build reuses its frames instead of
//! decoding the whole library again. Its metadata is upgraded in memory.

use super::model::{Anime, Meta, Titles, Video};
use rkyv::rancor::Error;
use rkyv::util::AlignedVec;
use rkyv::{Archive, Deserialize, Serialize};

/// The one older version read.
pub const VERSION: u32 = 3;

/// Format 3's anime record.
#[derive(Archive, Deserialize, Serialize)]
struct AnimeV3 {
    id: u32,
    folder: String,
    title: String,
    anilist_id: Option<u32>,
    is_adult: bool,
    synonyms: Vec<String>,
}

/// Format 3's archive root; its videos are format 4's.
#[derive(Archive, Deserialize, Serialize)]
struct MetaV3 {
    anime: Vec<AnimeV3>,
    videos: Vec<Video>,
}

/// Validates a format-3 metadata archive and gives the same metadata as a
/// format-4 archive.
pub fn upgrade(bytes: &[u8]) -> Result<AlignedVec, Error> {
    let old = rkyv::from_bytes::<MetaV3, Error>(bytes)?;
    let anime = old.anime.into_iter().map(|a| Anime {
        id: a.id,
        folder: a.folder,
        title: a.title,
        titles: Titles::default(),
        anilist_id: a.anilist_id,
        mal_id: None,
        is_adult: a.is_adult,
        synonyms: a.synonyms,
    });
    let meta = Meta {
        anime: anime.collect(),
        videos: old.videos,
        failed: Vec::new(),
    };
    rkyv::to_bytes::<Error>(&meta)
}

/// Writes `data` as format 3 (dropping what format 3 cannot hold), so tests
/// can show that such an index still serves and is upgraded by a build.
pub fn write_format_3(
    path: &std::path::Path,
    data: &super::IndexData,
    tool_version: &str,
    built_at: i64,
) -> Result<super::Header, crate::IndexError> {
    let anime = data.anime.iter().map(|a| AnimeV3 {
        id: a.id,
        folder: a.folder.clone(),
        title: a.title.clone(),
        anilist_id: a.anilist_id,
        is_adult: a.is_adult,
        synonyms: a.synonyms.clone(),
    });
    let meta = MetaV3 {
        anime: anime.collect(),
        videos: data.videos.clone(),
    };
    let meta = rkyv::to_bytes::<Error>(&meta)
        .map_err(|e| crate::IndexError::corrupt(path, format!("cannot serialise: {e}")))?;
    super::writer::write_with_meta(path, data, &meta, VERSION, None, tool_version, built_at)
}

#[cfg(test)]
mod tests;
