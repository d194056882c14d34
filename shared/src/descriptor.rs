//! The frame descriptor: a 96-bit code made of the signs of the lowest DCT
//! frequencies of a 32x32 luma thumbnail of the picture's content area.
//!
//! Signs of AC coefficients ignore brightness and contrast, survive JPEG
//! and resizing, and mirroring maps to flipping the odd horizontal
//! frequencies, so a mirrored screenshot costs one XOR, not a second hash.

use crate::borders::Rect;
use crate::dct::{self, K, N};
use crate::gray::Gray;
use std::sync::OnceLock;

mod frame;
mod summed;

pub use frame::{INNER, MARGIN, described_area, frame_descriptor, inner_area, inner_descriptor};
pub use summed::SummedArea;

/// Number of bits in a code.
pub const BITS: u32 = 96;
/// Bytes a code takes in the index.
pub const CODE_BYTES: usize = 12;

/// A frame descriptor. Bit `i` is the sign of the `i`-th coefficient in
/// `frequencies()` order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FrameCode {
    pub lo: u64,
    pub hi: u32,
}

impl FrameCode {
    pub fn distance(self, other: FrameCode) -> u32 {
        (self.lo ^ other.lo).count_ones() + (self.hi ^ other.hi).count_ones()
    }

    pub fn to_bytes(self) -> [u8; CODE_BYTES] {
        let mut out = [0u8; CODE_BYTES];
        out[..8].copy_from_slice(&self.lo.to_le_bytes());
        out[8..].copy_from_slice(&self.hi.to_le_bytes());
        out
    }

    pub fn from_bytes(b: &[u8]) -> FrameCode {
        FrameCode {
            lo: u64::from_le_bytes(b[..8].try_into().expect("8 bytes")),
            hi: u32::from_le_bytes(b[8..12].try_into().expect("4 bytes")),
        }
    }

    /// The 96 bits as one integer, bit `i` of the code at bit `i`.
    pub fn to_u128(self) -> u128 {
        self.lo as u128 | (self.hi as u128) << 64
    }

    /// Inverse of `to_u128`; bits above 96 are ignored.
    pub fn from_u128(bits: u128) -> FrameCode {
        FrameCode {
            lo: bits as u64,
            hi: (bits >> 64) as u32,
        }
    }

    /// The code of the same picture flipped left to right.
    pub fn mirrored(self) -> FrameCode {
        let m = mirror_mask();
        FrameCode {
            lo: self.lo ^ m.lo,
            hi: self.hi ^ m.hi,
        }
    }

    fn set(&mut self, bit: usize) {
        if bit < 64 {
            self.lo |= 1 << bit;
        } else {
            self.hi |= 1 << (bit - 64);
        }
    }
}

/// The (u, v) frequencies the bits stand for, lowest first, DC excluded.
pub fn frequencies() -> &'static [(usize, usize); BITS as usize] {
    static F: OnceLock<[(usize, usize); BITS as usize]> = OnceLock::new();
    F.get_or_init(|| {
        let mut all: Vec<(usize, usize)> = (0..K)
            .flat_map(|v| (0..K).map(move |u| (u, v)))
            .filter(|&(u, v)| u + v > 0 && u + v < K)
            .collect();
        all.sort_by_key(|&(u, v)| (u + v, v));
        all.truncate(BITS as usize);
        all.try_into().expect("enough frequencies")
    })
}

fn mirror_mask() -> FrameCode {
    static M: OnceLock<FrameCode> = OnceLock::new();
    *M.get_or_init(|| {
        let mut m = FrameCode::default();
        for (i, &(u, _)) in frequencies().iter().enumerate() {
            if u % 2 == 1 {
                m.set(i);
            }
        }
        m
    })
}

/// How many of the lowest bits carry a strength in a `Descriptor`: enough
/// for any bucket key of the index (see `index::Layout`).
pub const STRENGTH_BITS: usize = 32;

/// What hashing a picture gives: the code and how much structure there was.
#[derive(Clone, Copy, Debug)]
pub struct Descriptor {
    pub code: FrameCode,
    /// Mean absolute AC amplitude per pixel: near zero for flat frames
    /// (black, white flashes), whose codes are noise and never match.
    pub energy: f32,
    /// How far each of the lowest bits' coefficients is from zero, relative
    /// to the mean: a weak bit is the first to flip under a distortion, so
    /// the search probes codes with weak bits flipped first.
    pub strength: [f32; STRENGTH_BITS],
}

/// Frames with less energy than this are treated as flat.
pub const FLAT_ENERGY: f32 = 0.2;

impl Descriptor {
    pub fn is_flat(&self) -> bool {
        self.energy < FLAT_ENERGY
    }
}

/// Hashes the `rect` part of a work image.
pub fn describe(img: &Gray, rect: Rect) -> Descriptor {
    describe_block(&thumbnail(img, rect))
}

/// Hashes a 32x32 thumbnail.
fn describe_block(block: &[f32; N * N]) -> Descriptor {
    let coeffs = dct::low_frequencies(block);
    let mut code = FrameCode::default();
    let mut total = 0f32;
    let mut strength = [0f32; STRENGTH_BITS];
    for (i, &(u, v)) in frequencies().iter().enumerate() {
        let c = coeffs[v][u];
        total += c.abs();
        if c > 0.0 {
            code.set(i);
        }
        if let Some(s) = strength.get_mut(i) {
            *s = c.abs();
        }
    }
    let mean = total / BITS as f32;
    if mean > 0.0 {
        strength.iter_mut().for_each(|s| *s /= mean);
    }
    let energy = mean / (N * N) as f32 * 8.0;
    Descriptor {
        code,
        energy,
        strength,
    }
}

/// Area-averages `rect` of the image down to a 32x32 block.
pub fn thumbnail(img: &Gray, rect: Rect) -> [f32; N * N] {
    let wx = axis_weights(rect.x0, rect.x1, img.width);
    let wy = axis_weights(rect.y0, rect.y1, img.height);
    // Columns first: the rows the rect covers reduced to N values each.
    let first = wy.first().map_or(0, |w| w.first);
    let end = wy.last().map_or(0, |w| w.first + w.weights.len());
    let mut cols = vec![[0f32; N]; end - first];
    for (i, out) in cols.iter_mut().enumerate() {
        let row = img.row((first + i) as u32);
        for (o, w) in out.iter_mut().zip(&wx) {
            *o = w.apply(|x| row[x] as f32);
        }
    }
    let mut block = [0f32; N * N];
    for (v, w) in wy.iter().enumerate() {
        for u in 0..N {
            block[v * N + u] = w.apply(|y| cols[y - first][u]);
        }
    }
    block
}

/// The input pixels one output cell covers, with their overlap weights.
struct Span {
    first: usize,
    weights: Vec<f32>,
}

impl Span {
    fn apply(&self, f: impl Fn(usize) -> f32) -> f32 {
        let (mut sum, mut total) = (0f32, 0f32);
        for (i, w) in self.weights.iter().enumerate() {
            sum += w * f(self.first + i);
            total += w;
        }
        if total > 0.0 { sum / total } else { 0.0 }
    }
}

fn axis_weights(start: f32, end: f32, len: u32) -> Vec<Span> {
    let step = (end - start) / N as f32;
    (0..N)
        .map(|i| {
            let a = (start + i as f32 * step).clamp(0.0, len as f32);
            let b = (start + (i + 1) as f32 * step).clamp(0.0, len as f32);
            let first = (a.floor() as usize).min(len as usize - 1);
            let last = ((b.ceil() as usize).max(first + 1)).min(len as usize);
            let weights = (first..last)
                .map(|p| {
                    let overlap = (b.min(p as f32 + 1.0) - a.max(p as f32)).max(0.0);
                    // A cell thinner than a pixel still samples the pixel it sits in.
                    if b - a < 1e-3 { 1.0 } else { overlap }
                })
                .collect();
            Span { first, weights }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth test picture with detail at every scale of a code.
    pub(super) fn picture(w: u32, h: u32) -> Gray {
        let pixels = (0..h)
            .flat_map(|y| {
                (0..w).map(move |x| {
                    let v = 128.0
                        + 60.0 * ((x as f32) / 23.0).sin()
                        + 50.0 * ((y as f32) / 17.0 + (x as f32) / 41.0).cos();
                    v as u8
                })
            })
            .collect();
        Gray::new(w, h, pixels)
    }

    #[test]
    fn mirrored_picture_gives_mirrored_code() {
        let img = picture(320, 180);
        let a = describe(&img, Rect::full(&img)).code;
        let b = describe(&img.mirrored(), Rect::full(&img)).code;
        assert!(
            a.mirrored().distance(b) <= 2,
            "{}",
            a.mirrored().distance(b)
        );
        assert!(a.distance(b) > 20);
    }

    #[test]
    fn brightness_and_contrast_do_not_change_the_code() {
        let img = picture(320, 180);
        let shifted = Gray::new(
            img.width,
            img.height,
            img.pixels
                .iter()
                .map(|&p| (p as f32 * 0.7 + 40.0) as u8)
                .collect(),
        );
        let a = describe(&img, Rect::full(&img)).code;
        let b = describe(&shifted, Rect::full(&img)).code;
        assert!(a.distance(b) <= 3);
    }

    #[test]
    fn flat_frames_are_flagged() {
        let img = Gray::new(320, 180, vec![16; 320 * 180]);
        assert!(describe(&img, Rect::full(&img)).is_flat());
        assert!(!describe(&picture(320, 180), Rect::full(&img)).is_flat());
    }

    #[test]
    fn frequencies_are_distinct_and_exclude_dc() {
        let f = frequencies();
        let set: std::collections::HashSet<_> = f.iter().collect();
        assert_eq!(set.len(), BITS as usize);
        assert!(!set.contains(&(0, 0)));
    }
}
