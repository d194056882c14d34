//! The fixed 80-byte header in front of the archive: what identifies the
//! file, which format version it is, and the checksums `verify` checks.

use crate::error::IndexError;
use std::path::Path;

pub const MAGIC: [u8; 8] = *b"ANISCNIX";
/// Bumped whenever the archive layout or the descriptor changes (codes of
/// another descriptor would match nothing); readers accept only this.
pub const FORMAT_VERSION: u32 = 1;
/// Header size; the archive starts here, 16-byte aligned.
pub const HEADER_LEN: usize = 80;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    pub anime_count: u32,
    pub video_count: u32,
    pub frame_count: u64,
    /// Unix seconds.
    pub built_at: i64,
    pub tool_version: String,
    pub archive_len: u64,
    pub archive_crc: u32,
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
        let n = tool.len().min(16);
        b[40..40 + n].copy_from_slice(&tool[..n]);
        b[56..64].copy_from_slice(&self.archive_len.to_le_bytes());
        b[64..68].copy_from_slice(&self.archive_crc.to_le_bytes());
        let crc = crc32fast::hash(&b[0..68]);
        b[68..72].copy_from_slice(&crc.to_le_bytes());
        b
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
        if u32_at(b, 68) != crc32fast::hash(&b[0..68]) {
            return Err(IndexError::corrupt(path, "header checksum mismatch"));
        }
        let tool = &b[40..56];
        let tool_len = tool.iter().position(|&c| c == 0).unwrap_or(16);
        Ok(Header {
            version,
            anime_count: u32_at(b, 16),
            video_count: u32_at(b, 20),
            frame_count: u64_at(b, 24),
            built_at: u64_at(b, 32) as i64,
            tool_version: String::from_utf8_lossy(&tool[..tool_len]).into_owned(),
            archive_len: u64_at(b, 56),
            archive_crc: u32_at(b, 64),
        })
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}
