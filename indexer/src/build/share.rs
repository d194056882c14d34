//! A build of one share (`--part K/N`): only the share's videos are
//! indexed, the file records its share and the library's fingerprint for
//! `indexer merge`, and a part is never written over a whole index.

use super::{BuildError, BuildOptions};
use crate::library::{Library, LibraryError};
use crate::part::{Share, library_fingerprint};
use shared::index::{Index, Part};

/// What the part file's header will say, or `None` for a whole index.
pub(super) fn part(opts: &BuildOptions) -> Result<Option<Part>, BuildError> {
    let Some(share) = opts.part else {
        return Ok(None);
    };
    let library = library_fingerprint(&opts.library).map_err(|source| LibraryError::Io {
        path: opts.library.clone(),
        source,
    })?;
    Ok(Some(share.part(library)))
}

/// Refuses to write a part over a whole index: `-o` naming the served
/// index by mistake would leave it with a share of its videos.
pub(super) fn check_output(
    old: Option<&Index>,
    part: Option<Part>,
    opts: &BuildOptions,
) -> Result<(), BuildError> {
    match (old, part) {
        (Some(old), Some(part)) if old.header().part.is_none() => Err(BuildError::PartOverIndex {
            output: opts.output.clone(),
            share: part.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Leaves only the share's videos in the library; gives how many were
/// left to the other shares.
pub(super) fn keep_share(lib: &mut Library, share: Option<Share>) -> usize {
    let Some(share) = share else { return 0 };
    let mut others = 0;
    for folder in &mut lib.anime {
        let before = folder.videos.len();
        folder.videos.retain(|v| share.holds(&v.rel_path));
        others += before - folder.videos.len();
    }
    others
}
