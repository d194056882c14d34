//! `indexer build`: scan the library, reuse unchanged videos from the
//! previous index, decode the rest in parallel, write the new index
//! atomically.

use crate::decode::{self, IndexedVideo, VideoError};
use crate::library::{self, AnimeFolder, LibraryError, VideoFile};
use crate::progress::Progress;
use rayon::prelude::*;
use shared::index::{Anime, Index, IndexBuilder, Video, write_atomically};
use shared::{FrameCode, IndexError};
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
    let (reuse, decode): (Vec<&VideoFile>, Vec<&VideoFile>) =
        lib.anime.iter().flat_map(|a| &a.videos).partition(|v| {
            previous
                .get(&v.rel_path)
                .is_some_and(|p| p.1 == (v.size, v.mtime_ns))
        });
    progress.start(decode.len(), reuse.len());
    let decoded = decode_all(&decode, opts.threads, progress)?;
    let mut report = BuildReport {
        reused: reuse.len(),
        warnings: lib.warnings.len(),
        ..Default::default()
    };
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
            Err(e) => report.skipped.push((v.rel_path.clone(), e.to_string())),
        }
    }
    report.removed = previous
        .keys()
        .filter(|p| !sources.contains_key(p.as_str()))
        .count();
    let builder = assemble(&lib.anime, &sources, old.as_ref());
    report.frames = builder.frame_count();
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

/// Puts anime and videos in library order; anime keep the id they had.
fn assemble(
    anime: &[AnimeFolder],
    sources: &HashMap<&str, Source>,
    old: Option<&Index>,
) -> IndexBuilder {
    let ids = AnimeIds::new(old);
    let mut builder = IndexBuilder::new();
    // Codes of videos that are not decoded again come from the old index.
    let reuses = sources.values().any(|s| matches!(s, Source::Reused(_)));
    let old_codes = match old {
        Some(old) if reuses => old.codes_in_frame_order(),
        _ => Vec::new(),
    };
    for folder in anime {
        let videos: Vec<&VideoFile> = folder
            .videos
            .iter()
            .filter(|v| sources.contains_key(v.rel_path.as_str()))
            .collect();
        if videos.is_empty() {
            continue;
        }
        let position = builder.add_anime(anime_entry(folder, ids.id_for(&folder.folder)));
        for v in videos {
            add_video(
                &mut builder,
                position,
                v,
                &sources[v.rel_path.as_str()],
                old,
                &old_codes,
            );
        }
    }
    builder
}

fn anime_entry(folder: &AnimeFolder, id: u32) -> Anime {
    Anime {
        id,
        folder: folder.folder.clone(),
        title: folder.title.clone(),
        anilist_id: folder.meta.anilist_id,
        is_adult: folder.meta.is_adult,
        synonyms: folder.meta.synonyms.clone(),
    }
}

fn add_video(
    builder: &mut IndexBuilder,
    anime: u32,
    v: &VideoFile,
    source: &Source,
    old: Option<&Index>,
    old_codes: &[FrameCode],
) {
    let mut video = Video {
        path: v.rel_path.clone(),
        anime,
        episode: v.episode,
        duration_ms: 0,
        size: v.size,
        mtime_ns: v.mtime_ns,
        first_frame: 0,
        frame_count: 0,
    };
    match source {
        Source::Decoded(d) => {
            video.duration_ms = d.duration_ms;
            builder.add_video(video, &d.frames);
        }
        Source::Reused(i) => {
            let old = old.expect("reused videos come from the old index");
            video.duration_ms = old.videos()[*i].duration_ms.to_native();
            let range = old.frame_range(*i);
            let codes = &old_codes[range.start as usize..range.end as usize];
            builder.add_video_columns(video, codes, &old.deltas(*i));
        }
    }
}

/// Anime ids stay stable across rebuilds (the server's rankings use them):
/// a folder keeps its old id, a new folder gets the next free one.
struct AnimeIds {
    known: HashMap<String, u32>,
    next: std::cell::Cell<u32>,
}

impl AnimeIds {
    fn new(old: Option<&Index>) -> Self {
        let known: HashMap<String, u32> = old
            .map(|o| {
                o.anime()
                    .iter()
                    .map(|a| (a.folder.to_string(), a.id.to_native()))
                    .collect()
            })
            .unwrap_or_default();
        let next = known.values().max().map_or(1, |m| m + 1);
        AnimeIds {
            known,
            next: std::cell::Cell::new(next),
        }
    }

    fn id_for(&self, folder: &str) -> u32 {
        if let Some(&id) = self.known.get(folder) {
            return id;
        }
        let id = self.next.get();
        self.next.set(id + 1);
        id
    }
}

/// True when anime or video metadata differ from the old index, e.g. after
/// an edited `anime.json`, even though no video was decoded.
fn old_metadata_differs(old: Option<&Index>, new: &shared::index::IndexData) -> bool {
    let Some(old) = old else { return true };
    let same_anime = old.anime().len() == new.anime.len()
        && old.anime().iter().zip(&new.anime).all(|(a, b)| {
            a.id.to_native() == b.id
                && a.title == b.title
                && a.folder == b.folder
                && a.anilist_id.as_ref().map(|x| x.to_native()) == b.anilist_id
                && a.is_adult == b.is_adult
                && a.synonyms.len() == b.synonyms.len()
                && a.synonyms.iter().zip(&b.synonyms).all(|(x, y)| x == y)
        });
    let same_videos = old.videos().len() == new.videos.len()
        && old.videos().iter().zip(&new.videos).all(|(a, b)| {
            a.path == b.path
                && a.anime.to_native() == b.anime
                && a.episode.as_ref().map(|e| e.to_native()) == b.episode
        });
    !(same_anime && same_videos)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
