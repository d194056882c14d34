//! `indexer build`: scan the library, reuse unchanged videos from the
//! previous index, decode the rest in parallel, write the new index
//! atomically.

use crate::decode::{self, IndexedVideo, VideoError};
use crate::library::{self, LibraryError, VideoFile};
use crate::progress::Progress;
use assemble::assemble;
use rayon::prelude::*;
use shared::IndexError;
use shared::index::{FORMAT_VERSION, Failure, Index, write_atomically};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct BuildOptions {
    pub library: PathBuf,
    pub output: PathBuf,
    pub threads: usize,
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
}

impl BuildReport {
    pub fn bytes_per_frame(&self) -> f64 {
        self.file_bytes as f64 / self.frames.max(1) as f64
    }
}

mod assemble;

/// Frames of a video, either freshly decoded or taken from the old index.
enum Source {
    Decoded(IndexedVideo),
    Reused(usize),
}

pub fn build(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let lib = library::scan(&opts.library)?;
    check_writable(&opts.output)?;
    for w in &lib.warnings {
        progress.problem(&w.path.display().to_string(), &w.message);
    }
    let old = open_previous(&opts.output, progress);
    let previous = old.as_ref().map(previous_videos).unwrap_or_default();
    let old_failures = old.as_ref().map(previous_failures).unwrap_or_default();
    let unchanged = |v: &VideoFile, key: Option<(u64, i64)>| key == Some((v.size, v.mtime_ns));
    let (reuse, rest): (Vec<&VideoFile>, Vec<&VideoFile>) = lib
        .anime
        .iter()
        .flat_map(|a| &a.videos)
        .partition(|v| unchanged(v, previous.get(&v.rel_path).map(|p| p.1)));
    let (known, decode): (Vec<&VideoFile>, Vec<&VideoFile>) = rest.into_iter().partition(|v| {
        unchanged(
            v,
            old_failures.get(&v.rel_path).map(|f| (f.size, f.mtime_ns)),
        )
    });
    progress.start(decode.len(), reuse.len());
    let decoded = decode_all(&decode, opts.threads, progress)?;
    let mut report = BuildReport {
        reused: reuse.len(),
        known_failures: known.len(),
        warnings: lib.warnings.len(),
        ..Default::default()
    };
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
                report.skipped.push((v.rel_path.clone(), e.to_string()));
                failed.push(failure(v, e.to_string()));
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
    let changed =
        report.indexed > 0 || report.removed > 0 || old_metadata_differs(old.as_ref(), &data);
    if changed {
        let header = write_atomically(&opts.output, &data, env!("CARGO_PKG_VERSION"), unix_now())?;
        report.file_bytes = header.file_len();
        report.written = true;
    } else {
        report.file_bytes = old.as_ref().map_or(0, |o| o.file_len());
    }
    progress.finish();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Fails early, before hours of decoding, when the index cannot be written.
fn check_writable(output: &Path) -> Result<(), BuildError> {
    let probe = shared::index::temp_path(output);
    let result = std::fs::File::create(&probe).map(|_| ());
    let _ = std::fs::remove_file(&probe);
    result.map_err(|source| BuildError::Output {
        path: output.to_path_buf(),
        source,
    })
}

fn open_previous(output: &Path, progress: &dyn Progress) -> Option<Index> {
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

/// Files that failed in the previous build, by relative path.
fn previous_failures(index: &Index) -> HashMap<String, Failure> {
    index
        .failed()
        .iter()
        .map(|f| (f.path.to_string(), f.to_owned()))
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

/// Previous videos by relative path: position, (size, mtime).
fn previous_videos(index: &Index) -> HashMap<String, (usize, (u64, i64))> {
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
                let result = decode::index_video(&v.path, decoder_threads, &|n| progress.frames(n));
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

/// True when anime, video or failure records differ from the old index,
/// e.g. after an edited `anime.json` or a failed file that was removed,
/// even though no video was decoded, or when the old index is of an older
/// format.
fn old_metadata_differs(old: Option<&Index>, new: &shared::index::IndexData) -> bool {
    let Some(old) = old else { return true };
    if old.header().version != FORMAT_VERSION {
        return true;
    }
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

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
