//! Opens an index file by mapping it: the header and the archive structure
//! are checked once, then every read goes straight to the mapped bytes.

use super::header::{HEADER_LEN, Header};
use super::model::{ArchivedAnime, ArchivedIndexData, ArchivedVideo};
use crate::descriptor::{CODE_BYTES, Code};
use crate::error::IndexError;
use memmap2::Mmap;
use rkyv::rend::u16_le;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A mapped, validated index. Cheap to share behind an `Arc`.
pub struct Index {
    path: PathBuf,
    map: Mmap,
    header: Header,
}

/// The frame columns of one video.
pub struct VideoFrames<'a> {
    pub codes: &'a [u8],
    pub deltas: &'a [u16_le],
}

impl VideoFrames<'_> {
    pub fn len(&self) -> usize {
        self.deltas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.deltas.is_empty()
    }

    pub fn code(&self, i: usize) -> Code {
        Code::from_bytes(&self.codes[i * CODE_BYTES..])
    }

    /// Start times of all frames, in milliseconds.
    pub fn times_ms(&self) -> Vec<u32> {
        let mut t = 0u32;
        self.deltas
            .iter()
            .map(|d| {
                t += d.to_native() as u32;
                t
            })
            .collect()
    }
}

impl Index {
    /// Maps and validates `path`. The file is never written in place (a new
    /// index is renamed over it), so the mapping stays valid while open.
    pub fn open(path: &Path) -> Result<Index, IndexError> {
        let file = File::open(path).map_err(|e| IndexError::io(path, e))?;
        // SAFETY: index files are replaced by rename, never modified in
        // place, so the mapped bytes do not change under us.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| IndexError::io(path, e))?;
        let header = Header::parse(path, &map)?;
        let end = HEADER_LEN as u64 + header.archive_len;
        if (map.len() as u64) < end {
            let why = format!("truncated: {} bytes, header says {end}", map.len());
            return Err(IndexError::corrupt(path, why));
        }
        if map.len() as u64 > end {
            return Err(IndexError::corrupt(
                path,
                "trailing bytes after the archive",
            ));
        }
        rkyv::access::<ArchivedIndexData, rkyv::rancor::Error>(&map[HEADER_LEN..])
            .map_err(|e| IndexError::corrupt(path, format!("archive does not validate: {e}")))?;
        let index = Index {
            path: path.to_path_buf(),
            map,
            header,
        };
        index.check_structure()?;
        Ok(index)
    }

    /// Full check: archive checksum and structure. Reads every byte.
    pub fn verify(&self) -> Result<(), IndexError> {
        if crc32fast::hash(&self.map[HEADER_LEN..]) != self.header.archive_crc {
            return Err(IndexError::corrupt(&self.path, "archive checksum mismatch"));
        }
        self.check_structure()
    }

    fn check_structure(&self) -> Result<(), IndexError> {
        let d = self.data();
        let frames = d.deltas.len() as u64;
        let bad = |why: String| Err(IndexError::corrupt(&self.path, why));
        if d.codes.len() as u64 != frames * CODE_BYTES as u64 {
            return bad("code and time columns differ in length".into());
        }
        if (d.anime.len(), d.videos.len(), frames)
            != (
                self.header.anime_count as usize,
                self.header.video_count as usize,
                self.header.frame_count,
            )
        {
            return bad("counts differ from the header".into());
        }
        let mut next = 0u64;
        for v in d.videos.iter() {
            let (first, count) = (v.first_frame.to_native(), v.frame_count.to_native() as u64);
            if first != next || v.anime.to_native() as usize >= d.anime.len() {
                return bad(format!("video {} points outside the index", v.path));
            }
            next = first + count;
        }
        if next != frames {
            return bad("videos do not cover the frame columns".into());
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    fn data(&self) -> &ArchivedIndexData {
        // SAFETY: validated with `rkyv::access` in `open`; the map is
        // read-only and never changes (see `open`).
        unsafe { rkyv::access_unchecked::<ArchivedIndexData>(&self.map[HEADER_LEN..]) }
    }

    pub fn anime(&self) -> &[ArchivedAnime] {
        &self.data().anime
    }

    pub fn videos(&self) -> &[ArchivedVideo] {
        &self.data().videos
    }

    /// All codes, `CODE_BYTES` per frame, videos one after the other.
    pub fn codes(&self) -> &[u8] {
        &self.data().codes
    }

    pub fn frame_count(&self) -> u64 {
        self.header.frame_count
    }

    pub fn frames(&self, video: usize) -> VideoFrames<'_> {
        let v = &self.videos()[video];
        let first = v.first_frame.to_native() as usize;
        let end = first + v.frame_count.to_native() as usize;
        let d = self.data();
        VideoFrames {
            codes: &d.codes[first * CODE_BYTES..end * CODE_BYTES],
            deltas: &d.deltas[first..end],
        }
    }

    /// Which video a global frame position belongs to.
    pub fn video_of_frame(&self, frame: u64) -> usize {
        let videos = self.videos();
        videos.partition_point(|v| v.first_frame.to_native() <= frame) - 1
    }

    /// Total file size: header plus archive.
    pub fn file_len(&self) -> u64 {
        self.map.len() as u64
    }
}
