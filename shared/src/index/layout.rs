//! Where a code goes in the index: frames are bucketed on the lowest
//! `key_bits` bits of their code (the lowest DCT frequencies, the bits a
//! distortion flips least), and each stored entry packs the rest of the
//! code with the frame's position in 13 bytes. The key is not stored: it
//! is the bucket's number.

use crate::descriptor::{BITS, FrameCode};

/// Bytes of one stored entry: `96 - key_bits` code bits, then the frame.
pub const ENTRY_BYTES: usize = 13;
/// Zero bytes after the last entry, so any entry can be read as 16 bytes.
pub const ENTRY_PADDING: usize = 16 - ENTRY_BYTES;
const MIN_KEY_BITS: u32 = 8;
/// Caps the bucket table at 64 MiB and the index at 2^32 frames, which
/// keeps the table's u32 offsets valid.
const MAX_KEY_BITS: u32 = 24;
/// Average frames per bucket is between 2^(SPREAD-1) and 2^SPREAD.
const SPREAD: u32 = 8;

/// The bucketing of one index, stored in its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    key_bits: u32,
}

impl Layout {
    /// The layout for an index of `frames` frames: buckets of 128 to 256
    /// frames on average, which also leaves the entry enough bits for
    /// every frame position.
    pub fn for_frames(frames: u64) -> Layout {
        let log2 = u64::BITS - frames.saturating_sub(1).leading_zeros();
        Layout {
            key_bits: log2
                .saturating_sub(SPREAD)
                .clamp(MIN_KEY_BITS, MAX_KEY_BITS),
        }
    }

    /// The layout a header names, if it is one this build can read.
    pub fn from_key_bits(key_bits: u32) -> Option<Layout> {
        (MIN_KEY_BITS..=MAX_KEY_BITS)
            .contains(&key_bits)
            .then_some(Layout { key_bits })
    }

    pub fn key_bits(self) -> u32 {
        self.key_bits
    }

    pub fn buckets(self) -> usize {
        1 << self.key_bits
    }

    /// Frame positions an entry can hold.
    pub fn max_frames(self) -> u64 {
        1 << (ENTRY_BYTES as u32 * 8 - self.rest_bits())
    }

    fn rest_bits(self) -> u32 {
        BITS - self.key_bits
    }

    /// Mask of the code bits an entry stores.
    pub fn rest_mask(self) -> u128 {
        (1u128 << self.rest_bits()) - 1
    }

    pub fn key(self, code: FrameCode) -> u32 {
        (code.lo & ((1u64 << self.key_bits) - 1)) as u32
    }

    /// The code bits above the key, as an entry stores them.
    pub fn rest(self, code: FrameCode) -> u128 {
        code.to_u128() >> self.key_bits
    }

    pub fn code(self, key: u32, rest: u128) -> FrameCode {
        FrameCode::from_u128(rest << self.key_bits | key as u128)
    }

    pub fn pack(self, code: FrameCode, frame: u64) -> [u8; ENTRY_BYTES] {
        debug_assert!(frame < self.max_frames());
        let bits = self.rest(code) | (frame as u128) << self.rest_bits();
        bits.to_le_bytes()[..ENTRY_BYTES]
            .try_into()
            .expect("13 bytes")
    }

    /// Reads the entry at the start of `bytes` (at least 16 bytes long):
    /// the entry's bits, still packed; see `rest_of` and `frame_of`.
    #[inline]
    pub fn read(bytes: &[u8]) -> u128 {
        let raw = u128::from_le_bytes(bytes[..16].try_into().expect("16 bytes"));
        raw & ((1u128 << (ENTRY_BYTES * 8)) - 1)
    }

    #[inline]
    pub fn frame_of(self, entry: u128) -> u64 {
        (entry >> self.rest_bits()) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_grow_with_the_index_and_fit_every_frame() {
        for frames in [
            0u64,
            1,
            2,
            1000,
            65_536,
            65_537,
            1_000_000,
            100_000_000,
            1 << 32,
        ] {
            let layout = Layout::for_frames(frames);
            assert!(layout.max_frames() >= frames, "{frames}");
            let per_bucket = frames as f64 / layout.buckets() as f64;
            assert!(frames < 1 << 16 || (128.0..=256.0).contains(&per_bucket));
        }
        assert_eq!(Layout::for_frames(100_000_000).key_bits(), 19);
    }

    #[test]
    fn entries_round_trip() {
        let layout = Layout::for_frames(100_000_000);
        let code = FrameCode {
            lo: 0x0123_4567_89ab_cdef,
            hi: 0xfedc_ba98,
        };
        let frame = layout.max_frames() - 1;
        let mut bytes = layout.pack(code, frame).to_vec();
        bytes.extend_from_slice(&[0xff; ENTRY_PADDING]);
        let entry = Layout::read(&bytes);
        assert_eq!(layout.frame_of(entry), frame);
        let rest = entry & layout.rest_mask();
        assert_eq!(layout.code(layout.key(code), rest), code);
    }
}
