//! Walks a video library: one folder per anime (sub-folders walked too),
//! an optional `anime.json` per anime folder, video files inside.
//!
//! Symbolic links are followed, to videos and to folders, but each real
//! folder is walked once: a link back to a folder already walked (a loop,
//! or a second link to one folder) is reported and not walked again.

mod meta;
mod walk;

pub use meta::{AnimeMeta, Title};
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

#[derive(Clone, Debug)]
pub struct AnimeFolder {
    /// Folder name under the library root; identifies the anime.
    pub folder: String,
    pub title: String,
    pub meta: AnimeMeta,
    pub videos: Vec<VideoFile>,
    /// The folder could not be read: its videos and `anime.json` are
    /// unknown this time, and what was indexed from it is kept.
    pub unreadable: bool,
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

/// Something wrong with a path of the library, reported with its reason.
#[derive(Clone, Debug)]
pub struct Warning {
    pub path: PathBuf,
    pub message: String,
}

pub struct Library {
    pub anime: Vec<AnimeFolder>,
    /// Problems that change nothing indexed: a malformed `anime.json`, a
    /// folder reached twice, a video outside an anime folder.
    pub warnings: Vec<Warning>,
    /// Files and folders that could not be read: a folder that cannot be
    /// listed, a broken link, a file name FFmpeg cannot open.
    pub skipped: Vec<Warning>,
    /// Folders that could not be listed, relative to the root and
    /// `/`-separated: videos indexed from them before are kept.
    pub unreadable: Vec<String>,
}

/// Reads the library's folder structure (not the videos themselves). The
/// library folder itself must be readable: anything else is an error, never
/// an empty library.
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
    walk::Walk::new(root).library()
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
