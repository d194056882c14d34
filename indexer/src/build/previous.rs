//! What the previous index tells a build: which videos to copy instead of
//! decoding, which files failed before, what must be kept although the
//! library could not show it, and whether the library lost too much.

use super::{BuildError, BuildOptions};
use crate::library::{Library, VideoFile};
use crate::progress::Progress;
use shared::index::{Failure, Index, IndexData};
use std::collections::{HashMap, HashSet};
use std::path::Path;

pub(super) fn open(output: &Path, progress: &dyn Progress) -> Option<Index> {
    if !output.exists() {
        return None;
    }
    match Index::open(output) {
        Ok(index) => Some(index),
        Err(e) => {
            progress.problem(
                &output.display().to_string(),
                &format!("previous index not reused ({e}); every video is decoded again"),
            );
            None
        }
    }
}

/// Previous videos by relative path: position, (size, mtime).
pub(super) fn videos(index: &Index) -> HashMap<String, (usize, (u64, i64))> {
    index
        .videos()
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let key = (v.size.to_native(), v.mtime_ns.to_native());
            (v.path.to_string(), (i, key))
        })
        .collect()
}

/// Files that failed in the previous build, by relative path.
pub(super) fn failures(index: &Index) -> HashMap<String, Failure> {
    index
        .failed()
        .iter()
        .map(|f| (f.path.to_string(), f.to_owned()))
        .collect()
}

/// Puts the videos indexed from folders that cannot be listed now back
/// into the library as they were, so they are copied, not removed.
pub(super) fn keep_unreadable(lib: &mut Library, old: &Index, root: &Path) {
    if lib.unreadable.is_empty() {
        return;
    }
    let inside = |path: &str, folder: &str| {
        path.strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    for v in old.videos() {
        let path = v.path.as_str();
        if !lib.unreadable.iter().any(|folder| inside(path, folder)) {
            continue;
        }
        let anime = path.split('/').next().unwrap_or_default();
        if let Some(folder) = lib.anime.iter_mut().find(|a| a.folder == anime) {
            folder.videos.push(VideoFile {
                rel_path: path.to_string(),
                path: root.join(path),
                size: v.size.to_native(),
                mtime_ns: v.mtime_ns.to_native(),
                episode: v.episode.as_ref().map(|e| e.to_native()),
            });
        }
    }
    for folder in &mut lib.anime {
        folder.videos.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    }
}

/// Refuses a build that would drop all the indexed videos, or more than
/// half of them: an empty, unmounted or wrong library folder is far more
/// likely than a library that really lost them.
pub(super) fn check_removal(
    old: &Index,
    lib: &Library,
    opts: &BuildOptions,
) -> Result<(), BuildError> {
    let present: HashSet<&str> = lib
        .anime
        .iter()
        .flat_map(|a| &a.videos)
        .map(|v| v.rel_path.as_str())
        .collect();
    let (gone, indexed) = gone(old, &present);
    if opts.allow_removal || !too_many_gone(gone, indexed) {
        return Ok(());
    }
    Err(BuildError::TooManyRemoved {
        gone,
        indexed,
        library: opts.library.clone(),
    })
}

/// How many of `old`'s videos are not `present`, and of how many.
pub(crate) fn gone(old: &Index, present: &HashSet<&str>) -> (usize, usize) {
    let gone = old
        .videos()
        .iter()
        .filter(|v| !present.contains(v.path.as_str()))
        .count();
    (gone, old.videos().len())
}

/// All of the indexed videos gone, or more than half: what `build` and
/// `merge` refuse without `--allow-removal`.
pub(crate) fn too_many_gone(gone: usize, indexed: usize) -> bool {
    indexed > 0 && (gone == indexed || gone * 2 > indexed)
}

/// True when anime, video or failure records differ from the old index,
/// e.g. after an edited `anime.json` or a failed file that was removed,
/// even though no video was decoded. (An index of an older format does
/// not open, so it is never `old`.)
pub(super) fn metadata_differs(old: Option<&Index>, new: &IndexData) -> bool {
    let Some(old) = old else { return true };
    let same_anime = old
        .anime()
        .iter()
        .map(|a| a.to_owned())
        .eq(new.anime.iter().cloned());
    let same_failures = old
        .failed()
        .iter()
        .map(|f| f.to_owned())
        .eq(new.failed.iter().cloned());
    let same_videos = old.videos().len() == new.videos.len()
        && old.videos().iter().zip(&new.videos).all(|(a, b)| {
            a.path == b.path
                && a.anime.to_native() == b.anime
                && a.episode.as_ref().map(|e| e.to_native()) == b.episode
        });
    !(same_anime && same_videos && same_failures)
}
