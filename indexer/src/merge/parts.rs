//! The part files a merge is given: each opened and fully verified, and
//! together checked to be the shares of one library, each once, every
//! video in the share its path names.

use super::MergeError;
use crate::part::share_of;
use shared::IndexError;
use shared::index::{FORMAT_VERSION, Index, Part};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(super) struct PartFile {
    pub path: PathBuf,
    pub index: Index,
    pub part: Part,
}

/// Opens every part, checks every byte (a damaged part must not become
/// the served index), and refuses files that are not parts.
pub(super) fn open_all(paths: &[PathBuf]) -> Result<Vec<PartFile>, MergeError> {
    if paths.is_empty() {
        return Err(MergeError::NoParts);
    }
    paths.iter().map(|p| open(p)).collect()
}

fn open(path: &Path) -> Result<PartFile, MergeError> {
    // A part of another format is built again as a part, not as a whole.
    let index = Index::open(path).map_err(|e| match e {
        IndexError::Incompatible { found, .. } => MergeError::OldFormat {
            path: path.into(),
            found,
            current: FORMAT_VERSION,
        },
        e => e.into(),
    })?;
    let Some(part) = index.header().part else {
        return Err(MergeError::NotAPart { path: path.into() });
    };
    index.verify()?;
    Ok(PartFile {
        path: path.into(),
        index,
        part,
    })
}

/// One library, one number of shares, each share once; gives the missing
/// shares, refused unless `allow_missing`.
pub(super) fn check_set(parts: &[PartFile], allow_missing: bool) -> Result<Vec<u32>, MergeError> {
    let first = &parts[0];
    let mut seen: HashMap<u32, &Path> = HashMap::new();
    for p in parts {
        if p.part.of != first.part.of {
            return Err(MergeError::MixedCounts {
                a: first.path.clone(),
                a_part: first.part.to_string(),
                b: p.path.clone(),
                b_part: p.part.to_string(),
            });
        }
        if p.part.library != first.part.library {
            return Err(MergeError::MixedLibraries {
                a: first.path.clone(),
                a_library: first.part.library,
                b: p.path.clone(),
                b_library: p.part.library,
            });
        }
        if let Some(before) = seen.insert(p.part.share, &p.path) {
            return Err(MergeError::Overlap {
                a: before.into(),
                b: p.path.clone(),
                share: p.part.to_string(),
            });
        }
    }
    let of = first.part.of;
    let missing: Vec<u32> = (1..=of).filter(|k| !seen.contains_key(k)).collect();
    if !missing.is_empty() && !allow_missing {
        return Err(MergeError::Missing { missing, of });
    }
    Ok(missing)
}

/// Every video and remembered failure is in the share its path names,
/// and in one part only.
pub(super) fn check_videos(parts: &[PartFile]) -> Result<(), MergeError> {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for p in parts {
        let videos = p.index.videos().iter().map(|v| v.path.as_str());
        let failed = p.index.failed().iter().map(|f| f.path.as_str());
        for video in videos.chain(failed) {
            let belongs = share_of(video, p.part.of);
            if belongs != p.part.share {
                return Err(MergeError::ForeignVideo {
                    path: p.path.clone(),
                    video: video.to_string(),
                    share: p.part.to_string(),
                    belongs: format!("{belongs}/{}", p.part.of),
                });
            }
            if let Some(before) = seen.insert(video, &p.path) {
                return Err(MergeError::Duplicate {
                    video: video.to_string(),
                    a: before.into(),
                    b: p.path.clone(),
                });
            }
        }
    }
    Ok(())
}
