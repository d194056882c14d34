//! Assembles the index in memory and writes it crash-safely: a temporary
//! file in the same folder, fsync, rename over the old index, fsync the
//! folder. A build killed at any moment leaves the previous index intact.

use super::header::{FORMAT_VERSION, HEADER_LEN, Header, padding};
use super::layout::{ENTRY_BYTES, ENTRY_PADDING, Layout};
use super::model::{Anime, Failure, IndexData, Meta, Video};
use super::part::Part;
use crate::descriptor::{CODE_BYTES, FrameCode};
use crate::error::IndexError;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A kept frame as the builder takes it: its two codes (zero when flat)
/// and its start time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeptFrame {
    /// The whole frame's code (see `descriptor::frame_descriptor`).
    pub code: FrameCode,
    /// The inner window's code (see `descriptor::inner_area`).
    pub inner: FrameCode,
    /// Start time in milliseconds.
    pub ms: u32,
}

/// Collects anime and videos, frame columns appended in video order.
#[derive(Default)]
pub struct IndexBuilder {
    data: IndexData,
}

impl IndexBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an anime and returns its position, used as `Video::anime`.
    pub fn add_anime(&mut self, anime: Anime) -> u32 {
        self.data.anime.push(anime);
        (self.data.anime.len() - 1) as u32
    }

    /// Adds a video whose kept frames are in time order. Gaps longer than
    /// a delta can hold repeat the frame.
    pub fn add_video(&mut self, video: Video, frames: &[KeptFrame]) {
        let first = self.frame_count();
        let mut previous = 0u32;
        for frame in frames {
            let time = frame.ms.max(previous);
            while time - previous > u16::MAX as u32 {
                // The picture on screen goes on; before the first frame,
                // nothing is (a zero code matches nothing).
                let repeat = if self.frame_count() > first {
                    let last = self.frame_count() as usize - 1;
                    (
                        self.code_at(&self.data.codes, last),
                        self.code_at(&self.data.inner, last),
                    )
                } else {
                    Default::default()
                };
                self.push(repeat, u16::MAX);
                previous += u16::MAX as u32;
            }
            self.push((frame.code, frame.inner), (time - previous) as u16);
            previous = time;
        }
        self.finish_video(video, first);
    }

    /// Adds a video with frame columns copied verbatim from another index:
    /// whole-frame codes, inner-window codes and time deltas, one per frame.
    pub fn add_video_columns(
        &mut self,
        video: Video,
        codes: &[FrameCode],
        inner: &[FrameCode],
        deltas: &[u16],
    ) {
        debug_assert!(codes.len() == deltas.len() && inner.len() == deltas.len());
        let first = self.frame_count();
        for (code, inner) in codes.iter().zip(inner) {
            self.data.codes.extend_from_slice(&code.to_bytes());
            self.data.inner.extend_from_slice(&inner.to_bytes());
        }
        self.data.deltas.extend_from_slice(deltas);
        self.finish_video(video, first);
    }

    fn code_at(&self, column: &[u8], frame: usize) -> FrameCode {
        FrameCode::from_bytes(&column[frame * CODE_BYTES..])
    }

    fn push(&mut self, (code, inner): (FrameCode, FrameCode), delta: u16) {
        self.data.codes.extend_from_slice(&code.to_bytes());
        self.data.inner.extend_from_slice(&inner.to_bytes());
        self.data.deltas.push(delta);
    }

    fn finish_video(&mut self, mut video: Video, first: u64) {
        video.first_frame = first;
        video.frame_count = (self.frame_count() - first) as u32;
        self.data.videos.push(video);
    }

    /// Remembers a file that could not be indexed (see `Failure`).
    pub fn add_failure(&mut self, failure: Failure) {
        self.data.failed.push(failure);
    }

    pub fn frame_count(&self) -> u64 {
        self.data.deltas.len() as u64
    }

    pub fn finish(self) -> IndexData {
        self.data
    }
}

/// Serialises `data` and atomically replaces `path` with it.
pub fn write_atomically(
    path: &Path,
    data: &IndexData,
    tool_version: &str,
    built_at: i64,
) -> Result<Header, IndexError> {
    write_current(path, data, None, tool_version, built_at)
}

/// As `write_atomically`, for a part file: the header names its share.
pub fn write_part_atomically(
    path: &Path,
    data: &IndexData,
    part: Part,
    tool_version: &str,
    built_at: i64,
) -> Result<Header, IndexError> {
    write_current(path, data, Some(part), tool_version, built_at)
}

fn write_current(
    path: &Path,
    data: &IndexData,
    part: Option<Part>,
    tool_version: &str,
    built_at: i64,
) -> Result<Header, IndexError> {
    let frames = data.deltas.len() as u64;
    let layout = Layout::for_frames(frames);
    if frames > layout.max_frames().min(u32::MAX as u64) {
        return Err(IndexError::TooLarge {
            what: "frames",
            count: frames as usize,
        });
    }
    let meta = Meta {
        anime: data.anime.clone(),
        videos: data.videos.clone(),
        failed: data.failed.clone(),
    };
    let meta = rkyv::to_bytes::<rkyv::rancor::Error>(&meta)
        .map_err(|e| IndexError::corrupt(path, format!("cannot serialise: {e}")))?;
    write_with_meta(path, data, &meta, part, tool_version, built_at)
}

/// Writes `data`'s frames beside its serialised metadata archive, as the
/// share `part` names if any.
fn write_with_meta(
    path: &Path,
    data: &IndexData,
    meta: &[u8],
    part: Option<Part>,
    tool_version: &str,
    built_at: i64,
) -> Result<Header, IndexError> {
    let frames = data.deltas.len() as u64;
    let layout = Layout::for_frames(frames);
    let deltas: Vec<u8> = data.deltas.iter().flat_map(|d| d.to_le_bytes()).collect();
    if data.codes.len() != data.deltas.len() * CODE_BYTES
        || data.inner.len() != data.deltas.len() * CODE_BYTES
    {
        return Err(IndexError::corrupt(
            path,
            "frame columns of different lengths",
        ));
    }
    let (table, entries) = bucket(&data.codes, layout);
    let (inner_table, inner_entries) = bucket(&data.inner, layout);
    let sections = [
        meta,
        &deltas,
        &table,
        &entries,
        &inner_table,
        &inner_entries,
    ];
    let mut header = Header {
        version: FORMAT_VERSION,
        anime_count: count(data.anime.len(), "anime")?,
        video_count: count(data.videos.len(), "videos")?,
        frame_count: frames,
        built_at,
        tool_version: tool_version.to_string(),
        key_bits: layout.key_bits(),
        body_crc: 0,
        meta_len: meta.len() as u64,
        stored: stored(&entries),
        inner_stored: stored(&inner_entries),
        part,
    };
    let body = with_padding(&sections);
    let mut crc = crc32fast::Hasher::new();
    body.iter().for_each(|chunk| crc.update(chunk));
    header.body_crc = crc.finalize();
    let tmp = temp_path(path);
    let result = write_file(&tmp, &header.to_bytes(), &body)
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| IndexError::io(path, e)))
        .and_then(|()| sync_parent(path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| header)
}

/// Entries in a packed, padded entries section.
fn stored(entries: &[u8]) -> u64 {
    ((entries.len() - ENTRY_PADDING) / ENTRY_BYTES) as u64
}

/// Sorts the frames that are not flat into buckets by key, each bucket in
/// frame order: the bucket table (where each bucket starts, plus the end)
/// and the packed entries, padded.
fn bucket(codes: &[u8], layout: Layout) -> (Vec<u8>, Vec<u8>) {
    let stored_codes = || {
        codes
            .chunks_exact(CODE_BYTES)
            .map(FrameCode::from_bytes)
            .enumerate()
            .filter(|(_, c)| *c != FrameCode::default())
    };
    let mut starts = vec![0u32; layout.buckets() + 1];
    for (_, code) in stored_codes() {
        starts[layout.key(code) as usize + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let stored = starts[layout.buckets()] as usize;
    let mut entries = vec![0u8; stored * ENTRY_BYTES + ENTRY_PADDING];
    let mut next = starts.clone();
    for (frame, code) in stored_codes() {
        let key = layout.key(code) as usize;
        let at = next[key] as usize * ENTRY_BYTES;
        entries[at..at + ENTRY_BYTES].copy_from_slice(&layout.pack(code, frame as u64));
        next[key] += 1;
    }
    let table = starts.iter().flat_map(|s| s.to_le_bytes()).collect();
    (table, entries)
}

/// The body as written: each section after zero bytes that bring it to a
/// 16-byte boundary (the layout `Sections::of` reads back).
fn with_padding<'a>(sections: &[&'a [u8]]) -> Vec<&'a [u8]> {
    const ZEROS: [u8; 16] = [0; 16];
    let mut chunks = Vec::new();
    let mut len = HEADER_LEN;
    for s in sections {
        chunks.push(&ZEROS[..padding(len)]);
        chunks.push(*s);
        len += padding(len) + s.len();
    }
    chunks
}

fn count(n: usize, what: &'static str) -> Result<u32, IndexError> {
    u32::try_from(n).map_err(|_| IndexError::TooLarge { what, count: n })
}

/// `.NAME.tmp-PID` beside the index, so the rename never crosses devices.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = format!(".{}.tmp-{}", name.unwrap_or_default(), std::process::id());
    path.with_file_name(name)
}

fn write_file(tmp: &Path, header: &[u8; HEADER_LEN], body: &[&[u8]]) -> Result<(), IndexError> {
    let io = |e| IndexError::io(tmp, e);
    let mut file = std::io::BufWriter::new(File::create(tmp).map_err(io)?);
    file.write_all(header).map_err(io)?;
    for chunk in body {
        file.write_all(chunk).map_err(io)?;
    }
    let file = file.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)
}

fn sync_parent(path: &Path) -> Result<(), IndexError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(parent)
        .and_then(|d| d.sync_all())
        .map_err(|e| IndexError::io(parent, e))
}
