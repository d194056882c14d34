//! What `anime.json` may say about an anime, and reading it: a malformed
//! file is a warning and the folder is indexed with defaults.

use super::{Warning, warn};
use serde::Deserialize;
use shared::index::Titles;
use std::path::Path;

/// What `anime.json` may say about an anime (docs/library.md).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnimeMeta {
    pub title: Option<Title>,
    pub anilist_id: Option<u32>,
    pub id_mal: Option<u32>,
    #[serde(default)]
    pub is_adult: bool,
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// `title`: one string, or AniList's three titles (any may be left out).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(
    untagged,
    expecting = "a string or an object of native, romaji and english titles"
)]
pub enum Title {
    Plain(String),
    Localized(Titles),
}

impl AnimeMeta {
    /// The title shown: the plain title, else the first of romaji, English
    /// and native that is given and not blank.
    pub fn display_title(&self) -> Option<&str> {
        let chosen = match self.title.as_ref()? {
            Title::Plain(t) => Some(t.as_str()),
            Title::Localized(t) => [&t.romaji, &t.english, &t.native]
                .into_iter()
                .flatten()
                .map(|s| s.as_str())
                .find(|s| !s.trim().is_empty()),
        };
        chosen.filter(|s| !s.trim().is_empty())
    }

    /// AniList's titles, when given as an object.
    pub fn titles(&self) -> Option<&Titles> {
        match self.title.as_ref()? {
            Title::Plain(_) => None,
            Title::Localized(t) => Some(t),
        }
    }
}

pub(super) fn read_meta(path: &Path, warnings: &mut Vec<Warning>) -> AnimeMeta {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return AnimeMeta::default(),
        Err(e) => {
            warn(warnings, path, format!("cannot read: {e}; using defaults"));
            return AnimeMeta::default();
        }
    };
    match serde_json::from_str::<AnimeMeta>(&text) {
        Ok(m) => m,
        Err(e) => {
            warn(
                warnings,
                path,
                format!("malformed anime.json: {e}; using defaults"),
            );
            AnimeMeta::default()
        }
    }
}
