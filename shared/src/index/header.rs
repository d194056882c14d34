//! The fixed 96-byte header: what identifies the file, which format version
//! it is, where its sections are, and the checksums `verify` checks.

use super::layout::{ENTRY_BYTES, ENTRY_PADDING, Layout};
use super::part::{PART_AT, Part};
use crate::error::IndexError;
use std::ops::Range;
use std::path::Path;

pub const MAGIC: [u8; 8] = *b"ANISCNIX";
/// Bumped whenever the archive layout or the descriptor changes (codes of
/// another descriptor would match nothing). Only this version is read: an
/// older file is refused with the advice to rebuild it.
/// 3: frames are described inside dark bars only, from full-range luma.
/// 4: anime carry AniList's three titles and a MyAnimeList id; files that
///    failed are remembered.
/// 5: every frame also has a code of its inner window, in a second bucket
///    table (crops of up to 20 % a side); the tool version takes 12 bytes,
///    the inner entries' count the 4 after them.
pub const FORMAT_VERSION: u32 = 5;
/// Header size; the metadata archive starts here, 16-byte aligned.
pub const HEADER_LEN: usize = 96;
/// Where the header's own checksum sits (bytes 80..92 name the share a
/// part file holds, zero in a whole index: see `part`).
const CRC_AT: usize = HEADER_LEN - 4;
/// Bytes of the tool version (from byte 40; longer versions are cut).
const TOOL_LEN: usize = 12;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    pub anime_count: u32,
    pub video_count: u32,
    pub frame_count: u64,
    /// Unix seconds.
    pub built_at: i64,
    pub tool_version: String,
    /// Bits of the bucket key (see `Layout`).
    pub key_bits: u32,
    /// CRC32 of everything after the header.
    pub body_crc: u32,
    /// Length of the rkyv archive of anime and videos.
    pub meta_len: u64,
    /// Entries in the buckets: frames that are not flat.
    pub stored: u64,
    /// Entries in the inner windows' buckets: frames whose inner window
    /// is not flat.
    pub inner_stored: u64,
    /// The share of the library a part file holds; `None` in a whole index.
    pub part: Option<Part>,
}

impl Header {
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0..8].copy_from_slice(&MAGIC);
        b[8..12].copy_from_slice(&self.version.to_le_bytes());
        b[12..16].copy_from_slice(&(HEADER_LEN as u32).to_le_bytes());
        b[16..20].copy_from_slice(&self.anime_count.to_le_bytes());
        b[20..24].copy_from_slice(&self.video_count.to_le_bytes());
        b[24..32].copy_from_slice(&self.frame_count.to_le_bytes());
        b[32..40].copy_from_slice(&self.built_at.to_le_bytes());
        let tool = self.tool_version.as_bytes();
        let n = tool.len().min(TOOL_LEN);
        b[40..40 + n].copy_from_slice(&tool[..n]);
        b[52..56].copy_from_slice(&(self.inner_stored as u32).to_le_bytes());
        b[56..60].copy_from_slice(&self.key_bits.to_le_bytes());
        b[60..64].copy_from_slice(&self.body_crc.to_le_bytes());
        b[64..72].copy_from_slice(&self.meta_len.to_le_bytes());
        b[72..80].copy_from_slice(&self.stored.to_le_bytes());
        if let Some(part) = self.part {
            b[PART_AT].copy_from_slice(&part.to_bytes());
        }
        let crc = crc32fast::hash(&b[0..CRC_AT]);
        b[CRC_AT..].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// Length of the whole file this header describes (0 if it describes
    /// none that can exist).
    pub fn file_len(&self) -> u64 {
        Layout::from_key_bits(self.key_bits)
            .and_then(|layout| Sections::of(self, layout))
            .map_or(0, |s| s.end() as u64)
    }

    /// Parses and checks the header: magic, version, its own checksum.
    pub fn parse(path: &Path, b: &[u8]) -> Result<Header, IndexError> {
        if b.len() < 8 || b[0..8] != MAGIC {
            return Err(IndexError::NotAnIndex { path: path.into() });
        }
        if b.len() < HEADER_LEN {
            return Err(IndexError::corrupt(path, "file is shorter than its header"));
        }
        let version = u32_at(b, 8);
        if version != FORMAT_VERSION {
            return Err(IndexError::Incompatible {
                path: path.into(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        if u32_at(b, CRC_AT) != crc32fast::hash(&b[0..CRC_AT]) {
            return Err(IndexError::corrupt(path, "header checksum mismatch"));
        }
        let part = Part::from_bytes(b[PART_AT].try_into().expect("12 bytes"))
            .map_err(|why| IndexError::corrupt(path, why))?;
        let tool = &b[40..40 + TOOL_LEN];
        let tool_len = tool.iter().position(|&c| c == 0).unwrap_or(TOOL_LEN);
        Ok(Header {
            version,
            anime_count: u32_at(b, 16),
            video_count: u32_at(b, 20),
            frame_count: u64_at(b, 24),
            built_at: u64_at(b, 32) as i64,
            tool_version: String::from_utf8_lossy(&tool[..tool_len]).into_owned(),
            key_bits: u32_at(b, 56),
            body_crc: u32_at(b, 60),
            meta_len: u64_at(b, 64),
            stored: u64_at(b, 72),
            inner_stored: u32_at(b, 52) as u64,
            part,
        })
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// Byte ranges of the sections after the header, each 16-byte aligned:
/// the metadata archive, the time deltas (u16 per frame), the bucket table
/// (u32 per bucket, plus one) and the entries (13 bytes each, then zero
/// padding so any entry reads as 16 bytes), then the same two for the
/// inner windows' codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sections {
    pub meta: Range<usize>,
    pub deltas: Range<usize>,
    pub table: Range<usize>,
    pub entries: Range<usize>,
    pub inner_table: Range<usize>,
    pub inner_entries: Range<usize>,
}

impl Sections {
    /// The sections a header describes; `None` if they do not fit a `usize`.
    pub fn of(header: &Header, layout: Layout) -> Option<Sections> {
        let meta = section(HEADER_LEN as u64, header.meta_len)?;
        let deltas = section(meta.end as u64, header.frame_count.checked_mul(2)?)?;
        let table_len = 4 * (layout.buckets() as u64 + 1);
        let table = section(deltas.end as u64, table_len)?;
        let entries = section(table.end as u64, entries_len(header.stored)?)?;
        let inner_table = section(entries.end as u64, table_len)?;
        let inner_entries = section(inner_table.end as u64, entries_len(header.inner_stored)?)?;
        Some(Sections {
            meta,
            deltas,
            table,
            entries,
            inner_table,
            inner_entries,
        })
    }

    /// Total file length.
    pub fn end(&self) -> usize {
        self.inner_entries.end
    }
}

/// Bytes of `stored` entries and the padding after them.
fn entries_len(stored: u64) -> Option<u64> {
    stored
        .checked_mul(ENTRY_BYTES as u64)?
        .checked_add(ENTRY_PADDING as u64)
}

/// `len` bytes at the first 16-byte boundary from `after`.
fn section(after: u64, len: u64) -> Option<Range<usize>> {
    let start = after.checked_add(15)? / 16 * 16;
    let end = start.checked_add(len)?;
    Some(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
}

/// Zero bytes that bring `len` to a 16-byte boundary.
pub fn padding(len: usize) -> usize {
    len.next_multiple_of(16) - len
}
