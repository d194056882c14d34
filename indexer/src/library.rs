//! Walks a video library: one folder per anime (sub-folders walked too),
//! an optional `anime.json` per anime folder, video files inside.

use crate::episode;
use serde::Deserialize;
use shared::index::Titles;
use std::path::{Path, PathBuf};

/// File extensions treated as videos; anything else is ignored.
const VIDEO_EXTENSIONS: &[&str] = &[
    "mkv", "mp4", "m4v", "webm", "avi", "ts", "m2ts", "mts", "mov", "flv", "wmv", "mpg", "mpeg",
    "ogv", "3gp",
];

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{path}: library folder not found")]
    Missing { path: PathBuf },
    #[error(
        "{path}: not a folder; point `indexer build` at the folder holding one folder per anime"
    )]
    NotADirectory { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

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

#[derive(Clone, Debug)]
pub struct AnimeFolder {
    /// Folder name under the library root; identifies the anime.
    pub folder: String,
    pub title: String,
    pub meta: AnimeMeta,
    pub videos: Vec<VideoFile>,
}

#[derive(Clone, Debug)]
pub struct VideoFile {
    /// Relative to the library root, `/`-separated.
    pub rel_path: String,
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: i64,
    pub episode: Option<u32>,
}

/// Something wrong with the library that does not stop the build.
#[derive(Clone, Debug)]
pub struct Warning {
    pub path: PathBuf,
    pub message: String,
}

pub struct Library {
    pub anime: Vec<AnimeFolder>,
    pub warnings: Vec<Warning>,
}

/// Reads the library's folder structure (not the videos themselves).
pub fn scan(root: &Path) -> Result<Library, LibraryError> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LibraryError::Missing { path: root.into() },
        _ => LibraryError::Io {
            path: root.into(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(LibraryError::NotADirectory { path: root.into() });
    }
    let mut library = Library {
        anime: Vec::new(),
        warnings: Vec::new(),
    };
    for entry in sorted_entries(root).map_err(|source| LibraryError::Io {
        path: root.into(),
        source,
    })? {
        if entry.is_dir() {
            let folder = scan_anime(root, &entry, &mut library.warnings);
            if !folder.videos.is_empty() {
                library.anime.push(folder);
            }
        } else if is_video(&entry) {
            library.warnings.push(Warning {
                path: entry,
                message: "video outside an anime folder, ignored (put it in LIBRARY/<anime>/)"
                    .into(),
            });
        }
    }
    Ok(library)
}

fn scan_anime(root: &Path, dir: &Path, warnings: &mut Vec<Warning>) -> AnimeFolder {
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    let folder = folder.unwrap_or_default();
    let meta = read_meta(&dir.join("anime.json"), warnings);
    let title = meta.display_title().unwrap_or(&folder).to_string();
    let mut videos = Vec::new();
    collect_videos(root, dir, &mut videos, warnings);
    videos.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    AnimeFolder {
        folder,
        title,
        meta,
        videos,
    }
}

fn read_meta(path: &Path, warnings: &mut Vec<Warning>) -> AnimeMeta {
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

fn collect_videos(root: &Path, dir: &Path, out: &mut Vec<VideoFile>, warnings: &mut Vec<Warning>) {
    let entries = match sorted_entries(dir) {
        Ok(e) => e,
        Err(e) => return warn(warnings, dir, format!("cannot list folder: {e}")),
    };
    for path in entries {
        if path.is_dir() {
            collect_videos(root, &path, out, warnings);
        } else if is_video(&path) {
            match video_file(root, &path) {
                Ok(v) => out.push(v),
                Err(e) => warn(warnings, &path, format!("cannot read: {e}")),
            }
        }
    }
}

fn video_file(root: &Path, path: &Path) -> std::io::Result<VideoFile> {
    let meta = std::fs::metadata(path)?;
    let mtime = meta.modified()?;
    let mtime_ns = match mtime.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i64,
        Err(e) => -(e.duration().as_nanos() as i64),
    };
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel_path = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    Ok(VideoFile {
        rel_path,
        path: path.to_path_buf(),
        size: meta.len(),
        mtime_ns,
        episode: episode::parse(&name.unwrap_or_default()),
    })
}

/// Entries of a folder in name order, hidden ones left out.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden {
            entries.push(path);
        }
    }
    entries.sort();
    Ok(entries)
}

fn is_video(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| VIDEO_EXTENSIONS.contains(&e.as_str()))
}

fn warn(warnings: &mut Vec<Warning>, path: &Path, message: String) {
    warnings.push(Warning {
        path: path.to_path_buf(),
        message,
    });
}

#[cfg(test)]
mod tests;
