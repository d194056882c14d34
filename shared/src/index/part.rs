//! Which share of a library a part file holds, so that `indexer merge` can
//! refuse overlapping, mixed or missing shares. It lives in the header's
//! 12 bytes that format 4 reserves as zero: every whole index already
//! says "no part" there, so no format change was needed; a reader that
//! does not know parts sees a part as an index of fewer videos.

use std::fmt;

/// Bytes of the header that hold the part (see `Header`).
pub const PART_AT: std::ops::Range<usize> = 80..92;

/// Share `share` of `of` (1-based) of the library whose fingerprint is
/// `library` (see the indexer's `part::library_fingerprint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Part {
    pub share: u32,
    pub of: u32,
    pub library: u32,
}

impl Part {
    pub fn to_bytes(self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[0..4].copy_from_slice(&self.share.to_le_bytes());
        b[4..8].copy_from_slice(&self.of.to_le_bytes());
        b[8..12].copy_from_slice(&self.library.to_le_bytes());
        b
    }

    /// The part the 12 bytes name: `None` when all are zero (a whole
    /// index), an error when the share is not one of `of`.
    pub fn from_bytes(b: &[u8; 12]) -> Result<Option<Part>, String> {
        if b.iter().all(|&x| x == 0) {
            return Ok(None);
        }
        let u32_at = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"));
        let part = Part {
            share: u32_at(0),
            of: u32_at(4),
            library: u32_at(8),
        };
        if part.share == 0 || part.share > part.of {
            return Err(format!(
                "the header names share {}/{}, which does not exist",
                part.share, part.of
            ));
        }
        Ok(Some(part))
    }
}

/// `2/3`, as `--part` takes it.
impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.share, self.of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_round_trips_and_zero_is_a_whole_index() {
        let part = Part {
            share: 2,
            of: 3,
            library: 0xdead_beef,
        };
        assert_eq!(Part::from_bytes(&part.to_bytes()), Ok(Some(part)));
        assert_eq!(Part::from_bytes(&[0; 12]), Ok(None));
        assert_eq!(part.to_string(), "2/3");
    }

    #[test]
    fn a_part_file_names_its_share_and_a_whole_index_none() {
        use crate::index::{Index, IndexData, write_atomically, write_part_atomically};
        let dir = tempfile::tempdir().unwrap();
        let (part_path, whole_path) = (dir.path().join("p.bin"), dir.path().join("w.bin"));
        let part = Part {
            share: 3,
            of: 4,
            library: 77,
        };
        let data = IndexData::default();
        write_part_atomically(&part_path, &data, part, "test", 1).unwrap();
        write_atomically(&whole_path, &data, "test", 1).unwrap();
        let opened = Index::open(&part_path).unwrap();
        opened.verify().unwrap();
        assert_eq!(opened.header().part, Some(part));
        assert_eq!(Index::open(&whole_path).unwrap().header().part, None);
        // Only the header differs: the part is an index like any other.
        let (p, w) = (std::fs::read(&part_path), std::fs::read(&whole_path));
        let (p, w) = (p.unwrap(), w.unwrap());
        assert_eq!(p[PART_AT], part.to_bytes());
        assert_eq!(p[crate::index::HEADER_LEN..], w[crate::index::HEADER_LEN..]);
    }

    #[test]
    fn a_header_naming_a_share_that_does_not_exist_is_corrupt() {
        use crate::index::{HEADER_LEN, Index, IndexData, write_atomically};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.bin");
        write_atomically(&path, &IndexData::default(), "test", 1).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let bad = Part {
            share: 5,
            of: 4,
            library: 1,
        };
        bytes[PART_AT].copy_from_slice(&bad.to_bytes());
        let crc = crc32fast::hash(&bytes[..HEADER_LEN - 4]);
        bytes[HEADER_LEN - 4..HEADER_LEN].copy_from_slice(&crc.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let err = Index::open(&path).err().unwrap().to_string();
        assert!(err.contains("corrupt") && err.contains("5/4"), "{err}");
    }

    #[test]
    fn a_share_outside_its_count_is_refused() {
        for (share, of) in [(0, 3), (4, 3), (1, 0)] {
            let part = Part {
                share,
                of,
                library: 1,
            };
            let err = Part::from_bytes(&part.to_bytes()).unwrap_err();
            assert!(err.contains(&format!("{share}/{of}")), "{err}");
        }
    }
}
