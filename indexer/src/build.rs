//! `indexer build`: scan the library, reuse unchanged videos from the
//! previous index, decode the rest in parallel, write the new index
//! atomically.

use crate::decode::{self, IndexedVideo, VideoError};
use crate::library::{self, LibraryError, VideoFile};
use crate::part::Share;
use crate::progress::Progress;
use assemble::assemble;
use rayon::prelude::*;
use shared::IndexError;
use shared::index::{Failure, Header, IndexData, Part, write_atomically, write_part_atomically};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct BuildOptions {
    pub library: PathBuf,
    pub output: PathBuf,
    pub threads: usize,
    /// Write the index even when most or all indexed videos are gone.
    pub allow_removal: bool,
    /// Index only this share of the library's videos, into a part file.
    pub part: Option<Share>,
}

/// Something that stops the whole build.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("{path}: output is not writable: {source}")]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: is a folder; name the index file, e.g. {path}/index.bin")]
    OutputIsFolder { path: PathBuf },
    #[error(
        "{output}: another indexer build or merge is writing this index (it holds {lock}); this one stops, try again when that one ends"
    )]
    Locked { output: PathBuf, lock: PathBuf },
    #[error(
        "{gone} of the {indexed} indexed videos are not in {library} (is it empty, unmounted or the wrong folder?); the index is left as it was. If they were really removed, run again with --allow-removal"
    )]
    TooManyRemoved {
        gone: usize,
        indexed: usize,
        library: PathBuf,
    },
    #[error(
        "{output}: is a whole index, not a part; `--part {share}` writes its own file (e.g. -o part-{share_file}.bin) and `indexer merge` makes the index of the parts",
        share_file = share.replace('/', "-of-")
    )]
    PartOverIndex { output: PathBuf, share: String },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// What a build did, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub indexed: usize,
    pub reused: usize,
    pub removed: usize,
    pub skipped: Vec<(String, String)>,
    /// Files that failed before and have not changed since: not tried
    /// again, not counted as skipped (`indexer stats` lists them).
    pub known_failures: usize,
    pub warnings: usize,
    pub decoded_frames: u64,
    pub frames: u64,
    pub file_bytes: u64,
    pub written: bool,
    pub elapsed: Duration,
    /// The share a part file holds (`--part`), and the library's videos
    /// left to the other shares.
    pub part: Option<Part>,
    pub other_shares: usize,
}

impl BuildReport {
    pub fn bytes_per_frame(&self) -> f64 {
        self.file_bytes as f64 / self.frames.max(1) as f64
    }
}

mod assemble;
mod output;
mod previous;
mod share;

pub(crate) use assemble::AnimeIds;
pub use output::lock_path;
pub(crate) use output::{check_writable, lock};
pub(crate) use previous::{gone, too_many_gone};

/// Frames of a video, either freshly decoded or taken from the old index.
enum Source {
    Decoded(IndexedVideo),
    Reused(usize),
}

pub fn build(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    output::check_writable(&opts.output)?;
    let _lock = output::lock(&opts.output)?;
    let mut lib = library::scan(&opts.library)?;
    let part = share::part(opts)?;
    let old = previous::open(&opts.output, progress);
    share::check_output(old.as_ref(), part, opts)?;
    if let Some(old) = &old {
        previous::keep_unreadable(&mut lib, old, &opts.library);
        previous::check_removal(old, &lib, opts)?;
    }
    let mut report = BuildReport {
        warnings: lib.warnings.len(),
        skipped: report_library(&lib, opts, progress),
        other_shares: share::keep_share(&mut lib, opts.part),
        part,
        ..Default::default()
    };
    let previous = old.as_ref().map(previous::videos).unwrap_or_default();
    let old_failures = old.as_ref().map(previous::failures).unwrap_or_default();
    let unchanged = |v: &VideoFile, key: Option<(u64, i64)>| key == Some((v.size, v.mtime_ns));
    let (reuse, rest): (Vec<&VideoFile>, Vec<&VideoFile>) = lib
        .anime
        .iter()
        .flat_map(|a| &a.videos)
        .partition(|v| unchanged(v, previous.get(&v.rel_path).map(|p| p.1)));
    let (known, decode): (Vec<&VideoFile>, Vec<&VideoFile>) = rest.into_iter().partition(|v| {
        let failed = old_failures.get(&v.rel_path);
        unchanged(v, failed.map(|f| (f.size, f.mtime_ns)))
    });
    progress.start(decode.len(), reuse.len());
    let decoded = decode_all(&decode, opts.threads, progress)?;
    report.reused = reuse.len();
    report.known_failures = known.len();
    let mut failed: Vec<Failure> = known
        .iter()
        .map(|v| old_failures[&v.rel_path].clone())
        .collect();
    let mut sources: HashMap<&str, Source> = HashMap::new();
    for v in &reuse {
        sources.insert(&v.rel_path, Source::Reused(previous[&v.rel_path].0));
    }
    for (v, result) in decode.iter().zip(decoded) {
        match result {
            Ok(video) => {
                report.indexed += 1;
                report.decoded_frames += video.decoded_frames;
                sources.insert(&v.rel_path, Source::Decoded(video));
            }
            Err(e) => {
                let why = e.to_string();
                report.skipped.push((v.rel_path.clone(), why.clone()));
                failed.push(failure(v, why));
            }
        }
    }
    report.removed = previous
        .keys()
        .filter(|p| !sources.contains_key(p.as_str()))
        .count();
    let mut builder = assemble(&lib.anime, &sources, old.as_ref());
    report.frames = builder.frame_count();
    failed.sort_by(|a, b| a.path.cmp(&b.path));
    failed.into_iter().for_each(|f| builder.add_failure(f));
    let data = builder.finish();
    let changed = report.indexed > 0
        || report.removed > 0
        || previous::metadata_differs(old.as_ref(), &data)
        || old.as_ref().is_some_and(|o| o.header().part != part);
    if changed {
        let header = write(&opts.output, &data, part)?;
        report.file_bytes = header.file_len();
        report.written = true;
    } else {
        report.file_bytes = old.as_ref().map_or(0, |o| o.file_len());
    }
    progress.finish();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Reports the library's warnings and skipped paths as they are found;
/// gives the skipped ones, relative to the library, for the summary.
fn report_library(
    lib: &library::Library,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Vec<(String, String)> {
    for w in lib.warnings.iter().chain(&lib.skipped) {
        progress.problem(&w.path.display().to_string(), &w.message);
    }
    lib.skipped
        .iter()
        .map(|w| {
            let path = w.path.strip_prefix(&opts.library).unwrap_or(&w.path);
            (path.display().to_string(), w.message.clone())
        })
        .collect()
}

fn failure(v: &VideoFile, reason: String) -> Failure {
    Failure {
        path: v.rel_path.clone(),
        size: v.size,
        mtime_ns: v.mtime_ns,
        reason,
    }
}

fn decode_all(
    videos: &[&VideoFile],
    threads: usize,
    progress: &dyn Progress,
) -> Result<Vec<Result<IndexedVideo, VideoError>>, BuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| BuildError::Threads(e.to_string()))?;
    // Several files at once keep every core busy; FFmpeg's own frame
    // threads share the cores that files alone would leave idle.
    let decoder_threads = (threads / videos.len().clamp(1, threads)).max(1);
    Ok(pool.install(|| {
        videos
            .par_iter()
            .map(|v| {
                let result = decode_one(&v.path, decoder_threads, progress);
                match &result {
                    Ok(r) => {
                        progress.video_done(&v.rel_path, &format!("{} frames kept", r.frames.len()))
                    }
                    Err(e) => progress.problem(&v.rel_path, &format!("skipped: {e}")),
                }
                result
            })
            .collect()
    }))
}

/// Decodes one video; a panic (a bug met by one file) fails that file, not
/// the build.
fn decode_one(
    path: &std::path::Path,
    threads: usize,
    progress: &dyn Progress,
) -> Result<IndexedVideo, VideoError> {
    let run = || decode::index_video(path, threads, &|n| progress.frames(n));
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Err(VideoError::Panicked(message))
    })
}

/// Writes the index, or the part file when `part` names a share.
fn write(
    output: &std::path::Path,
    data: &IndexData,
    part: Option<Part>,
) -> Result<Header, IndexError> {
    let tool = env!("CARGO_PKG_VERSION");
    match part {
        Some(part) => write_part_atomically(output, data, part, tool, unix_now()),
        None => write_atomically(output, data, tool, unix_now()),
    }
}

pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
