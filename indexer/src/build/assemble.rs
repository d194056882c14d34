//! Puts the new index together: anime and videos in library order, each
//! video's frames decoded now or copied from the old index, anime ids kept.

use super::Source;
use crate::library::{AnimeFolder, VideoFile};
use shared::FrameCode;
use shared::index::{Anime, Index, IndexBuilder, Video};
use std::collections::HashMap;

/// Puts anime and videos in library order; anime keep the id they had.
pub(super) fn assemble(
    anime: &[AnimeFolder],
    sources: &HashMap<&str, Source>,
    old: Option<&Index>,
) -> IndexBuilder {
    let ids = AnimeIds::new(old);
    let mut builder = IndexBuilder::new();
    // Codes of videos that are not decoded again come from the old index.
    let reuses = sources.values().any(|s| matches!(s, Source::Reused(_)));
    let old_codes = match old {
        Some(old) if reuses => (old.codes_in_frame_order(), old.inner_codes_in_frame_order()),
        _ => Default::default(),
    };
    for folder in anime {
        let videos: Vec<&VideoFile> = folder
            .videos
            .iter()
            .filter(|v| sources.contains_key(v.rel_path.as_str()))
            .collect();
        if videos.is_empty() {
            continue;
        }
        let id = ids.id_for(&folder.folder);
        let position = builder.add_anime(anime_entry(folder, id, old));
        for v in videos {
            add_video(
                &mut builder,
                position,
                v,
                &sources[v.rel_path.as_str()],
                old,
                &old_codes,
            );
        }
    }
    builder
}

/// The anime as `anime.json` describes it, or as the old index did when
/// the folder cannot be read this time.
fn anime_entry(folder: &AnimeFolder, id: u32, old: Option<&Index>) -> Anime {
    let before = old.and_then(|o| o.anime().iter().find(|a| a.folder == folder.folder));
    if let (true, Some(before)) = (folder.unreadable, before) {
        return Anime {
            id,
            ..before.to_owned()
        };
    }
    let meta = &folder.meta;
    Anime {
        id,
        folder: folder.folder.clone(),
        title: folder.title.clone(),
        titles: meta.titles().cloned().unwrap_or_default(),
        anilist_id: meta.anilist_id,
        mal_id: meta.id_mal,
        is_adult: meta.is_adult,
        synonyms: meta.synonyms.clone(),
    }
}

fn add_video(
    builder: &mut IndexBuilder,
    anime: u32,
    v: &VideoFile,
    source: &Source,
    old: Option<&Index>,
    (old_codes, old_inner): &(Vec<FrameCode>, Vec<FrameCode>),
) {
    let mut video = Video {
        path: v.rel_path.clone(),
        anime,
        episode: v.episode,
        duration_ms: 0,
        size: v.size,
        mtime_ns: v.mtime_ns,
        first_frame: 0,
        frame_count: 0,
    };
    match source {
        Source::Decoded(d) => {
            video.duration_ms = d.duration_ms;
            builder.add_video(video, &d.frames);
        }
        Source::Reused(i) => {
            let old = old.expect("reused videos come from the old index");
            video.duration_ms = old.videos()[*i].duration_ms.to_native();
            let range = old.frame_range(*i);
            let range = range.start as usize..range.end as usize;
            let (codes, inner) = (&old_codes[range.clone()], &old_inner[range]);
            builder.add_video_columns(video, codes, inner, &old.deltas(*i));
        }
    }
}

/// Anime ids stay stable across rebuilds (the server's rankings use them):
/// a folder keeps its old id, a new folder gets the next free one, in
/// the order asked (library order). `indexer merge` numbers alike.
pub(crate) struct AnimeIds {
    known: HashMap<String, u32>,
    next: std::cell::Cell<u32>,
}

impl AnimeIds {
    pub(crate) fn new(old: Option<&Index>) -> Self {
        let known: HashMap<String, u32> = old
            .map(|o| {
                o.anime()
                    .iter()
                    .map(|a| (a.folder.to_string(), a.id.to_native()))
                    .collect()
            })
            .unwrap_or_default();
        let next = known.values().max().map_or(1, |m| m + 1);
        AnimeIds {
            known,
            next: std::cell::Cell::new(next),
        }
    }

    pub(crate) fn id_for(&self, folder: &str) -> u32 {
        if let Some(&id) = self.known.get(folder) {
            return id;
        }
        let id = self.next.get();
        self.next.set(id + 1);
        id
    }
}
