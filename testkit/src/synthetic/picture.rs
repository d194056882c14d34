//! Random pictures whose frame codes differ widely from seed to seed, and survive JPEG, PNG,
//! WebP, GIF and downscaling: a gradient under a dozen coloured blocks and a white ring.

use crate::rng::Rng;
use image::{Rgb, RgbImage};
use shared::{FrameCode, Gray};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Width and height of [`frame`]'s pictures.
pub const FRAME_SIZE: (u32, u32) = (640, 360);
/// Blocks per picture.
const BLOCKS: usize = 12;
/// Half the width of the ring's line, in pixels.
const RING_HALF_WIDTH: f64 = 6.0;

/// A block: left, top, width, height and its colour.
struct Block {
    rect: [u32; 4],
    color: [u8; 3],
}

impl Block {
    fn random(rng: &mut Rng, (width, height): (u32, u32)) -> Block {
        let at = [below(rng, width), below(rng, height)];
        let size = [
            width / 8 + below(rng, width / 3),
            height / 8 + below(rng, height / 3),
        ];
        let color = [0; 3].map(|_| below(rng, 256) as u8);
        Block {
            rect: [at[0], at[1], size[0], size[1]],
            color,
        }
    }

    fn contains(&self, x: u32, y: u32) -> bool {
        let [left, top, w, h] = self.rect;
        (left..left + w).contains(&x) && (top..top + h).contains(&y)
    }
}

/// Uniform below `n` (n > 0).
fn below(rng: &mut Rng, n: u32) -> u32 {
    rng.below(n as usize) as u32
}

/// Picture `seed` at `width` x `height` (at least 8 x 8).
pub fn picture(seed: u64, width: u32, height: u32) -> RgbImage {
    let mut rng = Rng::new(seed);
    let blocks: Vec<Block> = (0..BLOCKS)
        .map(|_| Block::random(&mut rng, (width, height)))
        .collect();
    let (cx, cy) = (below(&mut rng, width), below(&mut rng, height));
    let radius = (height / 6 + below(&mut rng, height / 4)) as f64;
    RgbImage::from_fn(width, height, |x, y| {
        let (dx, dy) = (x as f64 - cx as f64, y as f64 - cy as f64);
        if ((dx * dx + dy * dy).sqrt() - radius).abs() < RING_HALF_WIDTH {
            return Rgb([250; 3]);
        }
        match blocks.iter().rev().find(|b| b.contains(x, y)) {
            Some(b) => Rgb(b.color),
            None => Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128]),
        }
    })
}

/// Picture `seed` at [`FRAME_SIZE`], drawn once per test run.
pub fn frame(seed: u64) -> RgbImage {
    static FRAMES: OnceLock<Mutex<HashMap<u64, RgbImage>>> = OnceLock::new();
    cached(&FRAMES, seed, || picture(seed, FRAME_SIZE.0, FRAME_SIZE.1))
}

/// The code the indexer stores for [`frame`] `seed`, computed once per test run.
pub fn frame_code(seed: u64) -> FrameCode {
    static CODES: OnceLock<Mutex<HashMap<u64, FrameCode>>> = OnceLock::new();
    cached(&CODES, seed, || {
        shared::descriptor::frame_descriptor(&Gray::from_rgb(&frame(seed))).code
    })
}

/// The value of `seed` in `cache`, made by `make` the first time (a test that panicked while
/// holding the lock leaves the map usable).
fn cached<T: Clone>(
    cache: &OnceLock<Mutex<HashMap<u64, T>>>,
    seed: u64,
    make: impl FnOnce() -> T,
) -> T {
    let mut map = cache
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    map.entry(seed).or_insert_with(make).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_give_far_apart_codes_and_a_seed_always_the_same() {
        assert_eq!(picture(4, 64, 36), picture(4, 64, 36));
        let codes: Vec<FrameCode> = (1..=6).map(frame_code).collect();
        for (i, a) in codes.iter().enumerate() {
            for b in &codes[i + 1..] {
                assert!(a.distance(*b) > 34, "{}", a.distance(*b));
            }
        }
    }
}
