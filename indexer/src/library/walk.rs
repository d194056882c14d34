//! The walk over the library's folders: symbolic links followed, each real
//! folder entered once, and every path that cannot be read reported.

use super::meta::{AnimeMeta, read_meta};
use super::{AnimeFolder, Library, LibraryError, VideoFile, is_video, warn};
use crate::episode;
use std::collections::HashSet;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

pub(super) struct Walk<'a> {
    root: &'a Path,
    /// Canonical paths of the folders entered so far.
    visited: HashSet<PathBuf>,
    library: Library,
}

/// What a directory entry is, links followed.
enum Entry {
    Folder,
    File(Metadata),
    /// A symbolic link whose target is missing (or a link loop).
    BrokenLink(std::io::Error),
    Unreadable(std::io::Error),
}

impl<'a> Walk<'a> {
    pub(super) fn new(root: &'a Path) -> Self {
        Walk {
            root,
            visited: HashSet::new(),
            library: Library {
                anime: Vec::new(),
                warnings: Vec::new(),
                skipped: Vec::new(),
                unreadable: Vec::new(),
            },
        }
    }

    /// Walks every anime folder under the root.
    pub(super) fn library(mut self) -> Result<Library, LibraryError> {
        let root = self.root;
        let io = |source| LibraryError::Io {
            path: root.into(),
            source,
        };
        let entries: Vec<(PathBuf, Entry)> = sorted_entries(root)
            .map_err(io)?
            .into_iter()
            .map(|path| {
                let kind = entry(&path);
                (path, kind)
            })
            .collect();
        self.first_visit(root);
        // Every anime folder is claimed before any is walked, so that a
        // link from one anime into another walks neither under the wrong
        // anime; a second link to one anime folder is walked once.
        let mut claimed = HashSet::new();
        for (path, kind) in &entries {
            if matches!(kind, Entry::Folder) {
                if self.first_visit(path) {
                    claimed.insert(path.clone());
                } else {
                    self.walked_already(path);
                }
            }
        }
        for (path, kind) in entries {
            match kind {
                Entry::Folder if claimed.contains(&path) => {
                    let folder = self.anime(&path);
                    if !folder.videos.is_empty() || folder.unreadable {
                        self.library.anime.push(folder);
                    }
                }
                Entry::Folder => {}
                Entry::File(_) if is_video(&path) => warn(
                    &mut self.library.warnings,
                    &path,
                    "video outside an anime folder, ignored (put it in LIBRARY/<anime>/)".into(),
                ),
                other => self.unusable(&path, other),
            }
        }
        Ok(self.library)
    }

    fn anime(&mut self, dir: &Path) -> AnimeFolder {
        let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        let folder = folder.unwrap_or_default();
        let mut videos = Vec::new();
        let listed = self.list(dir, &mut videos);
        let meta = match listed {
            true => read_meta(&dir.join("anime.json"), &mut self.library.warnings),
            false => AnimeMeta::default(),
        };
        let title = meta.display_title().unwrap_or(&folder).to_string();
        videos.sort_by(|a: &VideoFile, b| a.rel_path.cmp(&b.rel_path));
        AnimeFolder {
            folder,
            title,
            meta,
            videos,
            unreadable: !listed,
        }
    }

    /// Collects the videos under a folder inside an anime folder, unless
    /// its real folder was walked already.
    fn folder(&mut self, dir: &Path, out: &mut Vec<VideoFile>) {
        match self.first_visit(dir) {
            true => {
                self.list(dir, out);
            }
            false => self.walked_already(dir),
        }
    }

    fn walked_already(&mut self, dir: &Path) {
        let why = "folder already walked (a link loop, or a second link to it), not walked again";
        warn(&mut self.library.warnings, dir, why.into());
    }

    /// Collects the videos under `dir`; false when `dir` cannot be listed.
    fn list(&mut self, dir: &Path, out: &mut Vec<VideoFile>) -> bool {
        let entries = match sorted_entries(dir) {
            Ok(entries) => entries,
            Err(e) => {
                let why = format!("cannot list folder: {e}; videos indexed from it are kept");
                warn(&mut self.library.skipped, dir, why);
                self.library.unreadable.push(self.relative(dir));
                return false;
            }
        };
        for path in entries {
            match entry(&path) {
                Entry::Folder => self.folder(&path, out),
                Entry::File(meta) if is_video(&path) => match self.video(&path, &meta) {
                    Ok(video) => out.push(video),
                    Err(why) => warn(&mut self.library.skipped, &path, why),
                },
                other => self.unusable(&path, other),
            }
        }
        true
    }

    /// Reports a broken link or an unreadable entry that may be a video or
    /// a folder (other files are not the library's business).
    fn unusable(&mut self, path: &Path, entry: Entry) {
        let maybe_ours = is_video(path) || path.extension().is_none();
        let why = match entry {
            Entry::BrokenLink(e) => format!("broken symbolic link ({e})"),
            Entry::Unreadable(e) => format!("cannot read: {e}"),
            Entry::Folder | Entry::File(_) => return,
        };
        if maybe_ours {
            warn(&mut self.library.skipped, path, why);
        }
    }

    fn video(&self, path: &Path, meta: &Metadata) -> Result<VideoFile, String> {
        if path.to_str().is_none() {
            return Err(
                "the file name is not valid UTF-8, which FFmpeg cannot open; rename it".into(),
            );
        }
        let mtime = meta.modified().map_err(|e| format!("cannot read: {e}"))?;
        let mtime_ns = match mtime.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i64,
            Err(e) => -(e.duration().as_nanos() as i64),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok(VideoFile {
            rel_path: self.relative(path),
            path: path.to_path_buf(),
            size: meta.len(),
            mtime_ns,
            episode: episode::parse(&name.unwrap_or_default()),
        })
    }

    /// True the first time the real folder behind `dir` is entered.
    fn first_visit(&mut self, dir: &Path) -> bool {
        match std::fs::canonicalize(dir) {
            Ok(real) => self.visited.insert(real),
            Err(_) => true,
        }
    }

    /// `path` relative to the root, `/`-separated.
    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }
}

fn entry(path: &Path) -> Entry {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Entry::Folder,
        Ok(meta) => Entry::File(meta),
        Err(e) if path.is_symlink() => Entry::BrokenLink(e),
        Err(e) => Entry::Unreadable(e),
    }
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
