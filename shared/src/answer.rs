//! The answer shape of the HTTP API (and of `indexer query --json`): a
//! grouped candidate named by anime, file and seconds.

use crate::index::Index;
use crate::search::Candidate;
use serde::Serialize;

/// One answer, shaped as in the HTTP API.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchHit {
    pub anime: AnimeRef,
    pub anilist: Option<u32>,
    pub filename: String,
    pub episode: Option<u32>,
    pub from: f64,
    pub to: f64,
    pub at: f64,
    pub duration: f64,
    pub similarity: f64,
    /// The video's path inside the library: never sent to clients, but
    /// what the server names a preview's video by (a hash of it).
    #[serde(skip)]
    pub video_path: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnimeRef {
    pub id: u32,
    pub title: String,
    pub anilist_id: Option<u32>,
    pub is_adult: bool,
}

/// Names a candidate's video and anime and turns its times into seconds.
pub(crate) fn shape(index: &Index, c: &Candidate) -> SearchHit {
    let video = &index.videos()[c.video];
    let anime = &index.anime()[video.anime.to_native() as usize];
    let anilist = anime.anilist_id.as_ref().map(|a| a.to_native());
    let path = video.path.as_str();
    SearchHit {
        anime: AnimeRef {
            id: anime.id.to_native(),
            title: anime.title.to_string(),
            anilist_id: anilist,
            is_adult: anime.is_adult,
        },
        anilist,
        filename: within_anime(path).to_string(),
        episode: video.episode.as_ref().map(|e| e.to_native()),
        from: seconds(c.from_ms),
        to: seconds(c.to_ms),
        at: seconds(c.at_ms),
        duration: seconds(video.duration_ms.to_native()),
        similarity: (c.similarity as f64 * 10_000.0).round() / 10_000.0,
        video_path: path.to_string(),
    }
}

/// A video's path inside its anime folder: the file name, with the season
/// folders it sits in (`Season 2/Ep 03.mkv`), so that two files of one
/// name in different folders are told apart.
fn within_anime(path: &str) -> &str {
    path.split_once('/').map_or(path, |(_, rest)| rest)
}

fn seconds(ms: u32) -> f64 {
    ms as f64 / 1000.0
}
