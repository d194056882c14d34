//! `indexer merge`: one index from the part files that `indexer build
//! --part K/N` wrote on several machines, the same, answer for answer, as
//! one build of the whole library: the parts' videos are put back in
//! library order, their frames copied (nothing is decoded), anime ids
//! taken from the index being replaced as a build takes them, and the file
//! written by the build's own writer, atomically, under the build's lock.

mod assemble;
mod parts;

use crate::build::{self, BuildError};
use crate::progress::Progress;
use shared::IndexError;
use shared::index::{Index, write_atomically};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct MergeOptions {
    pub parts: Vec<PathBuf>,
    pub output: PathBuf,
    /// Merge although some shares are missing (the index lacks their videos).
    pub allow_missing: bool,
    /// Write the index even when most or all of its videos are in no part.
    pub allow_removal: bool,
}

/// Why a merge was refused; nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Output(#[from] BuildError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("no part files to merge")]
    NoParts,
    #[error(
        "{path}: not a part but a whole index (written without --part); merge takes the files of `indexer build LIBRARY --part K/N -o PART`"
    )]
    NotAPart { path: PathBuf },
    #[error(
        "{path}: a part of index format {found}, this indexer writes format {current}; build it again with `indexer build LIBRARY --part K/N -o {path}`"
    )]
    OldFormat {
        path: PathBuf,
        found: u32,
        current: u32,
    },
    #[error(
        "{a} is part {a_part} and {b} is part {b_part}: every part must split the library into the same number of shares"
    )]
    MixedCounts {
        a: PathBuf,
        a_part: String,
        b: PathBuf,
        b_part: String,
    },
    #[error(
        "{a} and {b} were built from different library folders (fingerprints {a_library:08x} and {b_library:08x}); build every part from the same LIBRARY path"
    )]
    MixedLibraries {
        a: PathBuf,
        a_library: u32,
        b: PathBuf,
        b_library: u32,
    },
    #[error("{a} and {b} both hold share {share}: give each share once")]
    Overlap {
        a: PathBuf,
        b: PathBuf,
        share: String,
    },
    #[error(
        "{} missing: build {them} with `indexer build LIBRARY --part K/{of} -o PART`, or merge without {them} with --allow-missing",
        missing_shares(missing, *of),
        them = if missing.len() == 1 { "it" } else { "them" }
    )]
    Missing { missing: Vec<u32>, of: u32 },
    #[error(
        "{path}: holds {video}, which belongs to share {belongs}, not {share}; the part was not made by this indexer's share rule: build it again"
    )]
    ForeignVideo {
        path: PathBuf,
        video: String,
        share: String,
        belongs: String,
    },
    #[error("{video} is in both {a} and {b}")]
    Duplicate {
        video: String,
        a: PathBuf,
        b: PathBuf,
    },
    #[error(
        "{a} and {b} describe the anime of folder {folder:?} differently (was anime.json edited between their builds?); build both again, unchanged videos are not decoded again"
    )]
    AnimeDiffers {
        folder: String,
        a: PathBuf,
        b: PathBuf,
    },
    #[error(
        "{path}: is a part; merge writes a whole index, name another file (e.g. -o data/index.bin)"
    )]
    OutputIsPart { path: PathBuf },
    #[error(
        "{gone} of the {indexed} videos of {output} are in none of the parts; the index is left as it was. If they were really removed, run again with --allow-removal"
    )]
    TooManyRemoved {
        gone: usize,
        indexed: usize,
        output: PathBuf,
    },
}

/// "share 2/3" or "shares 1/3, 3/3", for the missing shares.
pub fn missing_shares(shares: &[u32], of: u32) -> String {
    let list: Vec<String> = shares.iter().map(|k| format!("{k}/{of}")).collect();
    let s = if shares.len() == 1 { "" } else { "s" };
    format!("share{s} {}", list.join(", "))
}

/// What a merge did, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct MergeReport {
    pub parts: usize,
    /// N of the parts' K/N.
    pub of: u32,
    /// Shares not given (only with `--allow-missing`).
    pub missing: Vec<u32>,
    pub anime: usize,
    pub videos: usize,
    pub failed: usize,
    pub frames: u64,
    /// Videos of the replaced index that no part holds.
    pub removed: usize,
    /// Bytes of the parts read, and of the index written.
    pub part_bytes: u64,
    pub file_bytes: u64,
    pub elapsed: Duration,
}

pub fn merge(opts: &MergeOptions, progress: &dyn Progress) -> Result<MergeReport, MergeError> {
    let started = Instant::now();
    build::check_writable(&opts.output)?;
    let _lock = build::lock(&opts.output)?;
    let parts = parts::open_all(&opts.parts)?;
    let missing = parts::check_set(&parts, opts.allow_missing)?;
    parts::check_videos(&parts)?;
    let old = previous(&opts.output, progress)?;
    let data = assemble::assemble(&parts, old.as_ref())?;
    let present: HashSet<&str> = data.videos.iter().map(|v| v.path.as_str()).collect();
    let (gone, indexed) = old.as_ref().map_or((0, 0), |o| build::gone(o, &present));
    if !opts.allow_removal && build::too_many_gone(gone, indexed) {
        return Err(MergeError::TooManyRemoved {
            gone,
            indexed,
            output: opts.output.clone(),
        });
    }
    let tool = env!("CARGO_PKG_VERSION");
    let header = write_atomically(&opts.output, &data, tool, build::unix_now())?;
    Ok(MergeReport {
        parts: parts.len(),
        of: parts[0].part.of,
        missing,
        anime: data.anime.len(),
        videos: data.videos.len(),
        failed: data.failed.len(),
        frames: header.frame_count,
        removed: gone,
        part_bytes: parts.iter().map(|p| p.index.file_len()).sum(),
        file_bytes: header.file_len(),
        elapsed: started.elapsed(),
    })
}

/// The index being replaced, whose anime ids the merge keeps; never a part
/// (a merge over one of its own inputs, or over another part).
fn previous(output: &Path, progress: &dyn Progress) -> Result<Option<Index>, MergeError> {
    if !output.exists() {
        return Ok(None);
    }
    match Index::open(output) {
        Ok(old) if old.header().part.is_some() => Err(MergeError::OutputIsPart {
            path: output.to_path_buf(),
        }),
        Ok(old) => Ok(Some(old)),
        Err(e) => {
            let why = format!("not read ({e}); anime ids are numbered afresh");
            progress.problem(&output.display().to_string(), &why);
            Ok(None)
        }
    }
}
