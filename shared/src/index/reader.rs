//! Opens an index file by mapping it. Opening checks the header, the
//! section sizes and the small metadata archive, in time independent of
//! the number of frames; every read then goes straight to the mapped
//! bytes, and every read of a frame column is bounds-checked, so a corrupt
//! file gives wrong answers or an error, never undefined behaviour.

use super::header::{HEADER_LEN, Header, Sections};
use super::layout::{ENTRY_BYTES, Layout};
use super::model::{ArchivedAnime, ArchivedFailure, ArchivedMeta, ArchivedVideo, IndexData};
use crate::descriptor::FrameCode;
use crate::error::IndexError;
use memmap2::Mmap;
use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A mapped, checked index. Cheap to share behind an `Arc`.
pub struct Index {
    path: PathBuf,
    /// The mapped file, kept open for `read_ahead`.
    file: File,
    map: Mmap,
    header: Header,
    layout: Layout,
    sections: Sections,
}

/// Which of the two bucketed code tables: the whole frames' or their inner
/// windows' (see `descriptor::inner_descriptor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codes {
    Whole,
    Inner,
}

impl Index {
    /// Maps and checks `path`. The file is never written in place (a new
    /// index is renamed over it), so the mapping stays valid while open.
    pub fn open(path: &Path) -> Result<Index, IndexError> {
        let file = File::open(path).map_err(|e| IndexError::io(path, e))?;
        // SAFETY: index files are replaced by rename, never modified in
        // place, so the mapped bytes do not change under us.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| IndexError::io(path, e))?;
        let header = Header::parse(path, &map)?;
        let bad = |why: String| IndexError::corrupt(path, why);
        let layout = Layout::from_key_bits(header.key_bits)
            .ok_or_else(|| bad(format!("unknown bucket key of {} bits", header.key_bits)))?;
        let sections =
            Sections::of(&header, layout).ok_or_else(|| bad("section sizes overflow".into()))?;
        if map.len() != sections.end() {
            let why = format!("{} bytes, the header says {}", map.len(), sections.end());
            return Err(bad(if map.len() < sections.end() {
                format!("truncated: {why}")
            } else {
                format!("trailing bytes: {why}")
            }));
        }
        rkyv::access::<ArchivedMeta, rkyv::rancor::Error>(&map[sections.meta.clone()])
            .map_err(|e| bad(format!("metadata does not validate: {e}")))?;
        let index = Index {
            path: path.to_path_buf(),
            file,
            map,
            header,
            layout,
            sections,
        };
        index.check_structure()?;
        Ok(index)
    }

    /// Full check: body checksum, structure, and every bucket and entry.
    /// Reads every byte.
    pub fn verify(&self) -> Result<(), IndexError> {
        if crc32fast::hash(&self.map[HEADER_LEN..]) != self.header.body_crc {
            return Err(IndexError::corrupt(&self.path, "body checksum mismatch"));
        }
        self.check_structure()?;
        self.check_buckets()
    }

    fn check_structure(&self) -> Result<(), IndexError> {
        let bad = |why: String| Err(IndexError::corrupt(&self.path, why));
        let h = &self.header;
        if (self.anime().len(), self.videos().len())
            != (h.anime_count as usize, h.video_count as usize)
        {
            return bad("counts differ from the header".into());
        }
        let mut next = 0u64;
        for v in self.videos() {
            let (first, count) = (v.first_frame.to_native(), v.frame_count.to_native() as u64);
            if first != next || v.anime.to_native() as usize >= self.anime().len() {
                return bad(format!("video {} points outside the index", v.path));
            }
            next = first + count;
        }
        if next != h.frame_count {
            return bad("videos do not cover the frame columns".into());
        }
        for (codes, stored) in [(Codes::Whole, h.stored), (Codes::Inner, h.inner_stored)] {
            let table_end = self.bucket_start(codes, self.layout.buckets());
            if self.bucket_start(codes, 0) != 0 || table_end != stored || stored > h.frame_count {
                return bad("bucket table does not cover the entries".into());
            }
        }
        Ok(())
    }

    fn check_buckets(&self) -> Result<(), IndexError> {
        let bad = |why: &str| Err(IndexError::corrupt(&self.path, why));
        for codes in [Codes::Whole, Codes::Inner] {
            let mut seen = vec![false; self.frame_count() as usize];
            for key in 0..self.layout.buckets() {
                if self.bucket_start(codes, key) > self.bucket_start(codes, key + 1) {
                    return bad("bucket table is not in order");
                }
                for entry in self.codes_bucket(codes, key as u32).iter() {
                    let frame = self.layout.frame_of(entry) as usize;
                    match seen.get_mut(frame) {
                        Some(s) if !*s => *s = true,
                        _ => return bad("an entry points outside the frames or twice to one"),
                    }
                }
            }
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    fn meta(&self) -> &ArchivedMeta {
        let bytes = &self.map[self.sections.meta.clone()];
        // SAFETY: validated with `rkyv::access` in `open`; the map is
        // read-only and never changes (see `open`).
        unsafe { rkyv::access_unchecked::<ArchivedMeta>(bytes) }
    }

    pub fn anime(&self) -> &[ArchivedAnime] {
        &self.meta().anime
    }

    pub fn videos(&self) -> &[ArchivedVideo] {
        &self.meta().videos
    }

    /// Files that failed to index when last tried (see `Failure`).
    pub fn failed(&self) -> &[ArchivedFailure] {
        &self.meta().failed
    }

    pub fn frame_count(&self) -> u64 {
        self.header.frame_count
    }

    /// Frames that are in a bucket (every frame but the flat ones).
    pub fn stored_count(&self) -> u64 {
        self.header.stored
    }

    /// Reads the file's bytes from `offset` into `buf` through the file,
    /// not the mapping: the page cache it fills is the mapping's, and a
    /// file cut short under it ends the read instead of raising SIGBUS.
    /// A search reads buckets scattered over the file, each a wait on the
    /// disk while the file is not cached (after a reboot); reading it
    /// once in order beforehand takes the disk's sequential speed
    /// (`madvise(MADV_WILLNEED)` reads only the first megabytes). Returns
    /// the bytes read, 0 at the end.
    pub fn read_ahead(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        self.file.read_at(buf, offset)
    }

    /// Total file size.
    pub fn file_len(&self) -> u64 {
        self.map.len() as u64
    }

    /// Entries in the inner windows' buckets (see `Header::inner_stored`).
    pub fn inner_stored_count(&self) -> u64 {
        self.header.inner_stored
    }

    /// A table's bucket table and entries, and how many entries it has.
    fn table(&self, codes: Codes) -> (&Range<usize>, &Range<usize>, u64) {
        match codes {
            Codes::Whole => (
                &self.sections.table,
                &self.sections.entries,
                self.header.stored,
            ),
            Codes::Inner => (
                &self.sections.inner_table,
                &self.sections.inner_entries,
                self.header.inner_stored,
            ),
        }
    }

    /// Where bucket `key` of a table starts, in entries.
    fn bucket_start(&self, codes: Codes, key: usize) -> u64 {
        let at = self.table(codes).0.start + 4 * key;
        u32::from_le_bytes(self.map[at..at + 4].try_into().expect("4 bytes")) as u64
    }

    /// Entries in bucket `key` of the whole frames' codes, as a range of
    /// positions in the entries.
    pub fn bucket_range(&self, key: u32) -> Range<u64> {
        self.codes_bucket_range(Codes::Whole, key)
    }

    /// The entries of bucket `key` of the whole frames' codes.
    pub fn bucket(&self, key: u32) -> Bucket<'_> {
        self.codes_bucket(Codes::Whole, key)
    }

    /// Entries in bucket `key` of a table, as a range of positions.
    pub fn codes_bucket_range(&self, codes: Codes, key: u32) -> Range<u64> {
        let (start, end) = (
            self.bucket_start(codes, key as usize),
            self.bucket_start(codes, key as usize + 1),
        );
        let end = end.min(self.table(codes).2);
        start.min(end)..end
    }

    /// The entries of bucket `key` of a table.
    pub fn codes_bucket(&self, codes: Codes, key: u32) -> Bucket<'_> {
        let range = self.codes_bucket_range(codes, key);
        let entries = self.table(codes).1.start;
        let from = entries + range.start as usize * ENTRY_BYTES;
        let to = entries + range.end as usize * ENTRY_BYTES;
        Bucket {
            bytes: &self.map[from..to + super::layout::ENTRY_PADDING],
            len: (range.end - range.start) as usize,
        }
    }

    /// Which video a frame position belongs to.
    pub fn video_of_frame(&self, frame: u64) -> usize {
        let videos = self.videos();
        videos
            .partition_point(|v| v.first_frame.to_native() <= frame)
            .saturating_sub(1)
    }

    /// The frame positions of a video.
    pub fn frame_range(&self, video: usize) -> Range<u64> {
        let v = &self.videos()[video];
        let first = v.first_frame.to_native();
        first..first + v.frame_count.to_native() as u64
    }

    /// Time deltas of a video's frames (see `IndexData::deltas`).
    pub fn deltas(&self, video: usize) -> Vec<u16> {
        let range = self.frame_range(video);
        let from = self.sections.deltas.start + 2 * range.start as usize;
        let to = self.sections.deltas.start + 2 * range.end as usize;
        self.map[from..to]
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect()
    }

    /// Start times of a video's frames, in milliseconds.
    pub fn times_ms(&self, video: usize) -> Vec<u32> {
        let mut t = 0u32;
        self.deltas(video)
            .into_iter()
            .map(|d| {
                t = t.saturating_add(d as u32);
                t
            })
            .collect()
    }

    /// Every frame's code in frame order, flat frames as zero: what a
    /// rebuild copies for videos it does not decode again. Reads every entry.
    pub fn codes_in_frame_order(&self) -> Vec<FrameCode> {
        self.table_in_frame_order(Codes::Whole)
    }

    /// Every frame's inner-window code in frame order, flat ones as zero.
    pub fn inner_codes_in_frame_order(&self) -> Vec<FrameCode> {
        self.table_in_frame_order(Codes::Inner)
    }

    fn table_in_frame_order(&self, table: Codes) -> Vec<FrameCode> {
        let mut codes = vec![FrameCode::default(); self.frame_count() as usize];
        for key in 0..self.layout.buckets() as u32 {
            for entry in self.codes_bucket(table, key).iter() {
                let rest = entry & self.layout.rest_mask();
                if let Some(c) = codes.get_mut(self.layout.frame_of(entry) as usize) {
                    *c = self.layout.code(key, rest);
                }
            }
        }
        codes
    }

    /// Everything the index holds, as the writer takes it: to copy an
    /// index into another. Reads every entry.
    pub fn to_data(&self) -> IndexData {
        let codes = self.codes_in_frame_order();
        let inner = self.inner_codes_in_frame_order();
        IndexData {
            anime: self.anime().iter().map(ArchivedAnime::to_owned).collect(),
            videos: self.videos().iter().map(ArchivedVideo::to_owned).collect(),
            failed: self
                .failed()
                .iter()
                .map(ArchivedFailure::to_owned)
                .collect(),
            codes: codes.iter().flat_map(|c| c.to_bytes()).collect(),
            inner: inner.iter().flat_map(|c| c.to_bytes()).collect(),
            deltas: (0..self.videos().len())
                .flat_map(|v| self.deltas(v))
                .collect(),
        }
    }
}

/// The packed entries of one bucket.
pub struct Bucket<'a> {
    /// The entries and the padding after them.
    bytes: &'a [u8],
    len: usize,
}

impl<'a> Bucket<'a> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The packed entries; see `Layout::frame_of` and `Layout::rest_mask`.
    pub fn iter(&self) -> impl Iterator<Item = u128> + 'a {
        let bytes = self.bytes;
        (0..self.len).map(move |i| Layout::read(&bytes[i * ENTRY_BYTES..]))
    }
}
