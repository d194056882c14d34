//! Distractor frames in any number, with codes distributed like real ones,
//! added to a copy of a really decoded index (`with_distractors`).
//! Decoding 10^8 frames of footage is out of reach for a benchmark, so the
//! codes are derived from a pool of really decoded footage (a generated
//! library the queries do not come from):
//!
//! - most shots copy a run of consecutive pool frames (held drawings,
//!   pans, fades and cuts as decoded, with their real time deltas) and
//!   move them to a new scene: every frame of the run is XORed with one
//!   mask that takes a random share of the bits of another pool frame, so
//!   new scenes keep the pool's per-bit statistics and the run keeps its
//!   motion;
//! - some shots are flat (black, white: stored as no code, like the
//!   indexer stores them);
//! - some shots are near-identical dark cards: a handful of codes shared
//!   by every video (a studio logo, a night sky), with a bit or two of
//!   noise, so that a few buckets grow very large, as they do in real
//!   libraries.

use shared::FrameCode;
use shared::index::{Anime, Index, IndexBuilder, IndexData, KeptFrame, Video};
use testkit::rng::Rng;

/// Share of shots that are flat frames.
const FLAT_SHOTS: f32 = 0.06;
/// Share of shots that are one of the shared dark cards.
const CARD_SHOTS: f32 = 0.08;
/// How many distinct dark cards the whole index shares.
const CARDS: usize = 16;
/// Kept frames per synthetic video: about a 24-minute episode at the
/// pool's rate of kept frames.
const VIDEO_FRAMES: (i64, i64) = (3_000, 5_000);

/// Decoded videos to derive codes from: codes and time deltas per video.
pub struct Pool {
    videos: Vec<PoolVideo>,
    cards: Vec<Pair>,
}

/// A frame's two codes: the whole frame's and its inner window's.
type Pair = (FrameCode, FrameCode);

/// One pool video: each frame's codes, and time deltas.
struct PoolVideo {
    codes: Vec<Pair>,
    deltas: Vec<u16>,
}

impl Pool {
    /// Every video of an index built from real footage.
    pub fn from_index(index: &Index, seed: u64) -> anyhow::Result<Pool> {
        let codes: Vec<Pair> = index
            .codes_in_frame_order()
            .into_iter()
            .zip(index.inner_codes_in_frame_order())
            .collect();
        let videos: Vec<PoolVideo> = (0..index.videos().len())
            .map(|v| {
                let r = index.frame_range(v);
                PoolVideo {
                    codes: codes[r.start as usize..r.end as usize].to_vec(),
                    deltas: index.deltas(v),
                }
            })
            .filter(|v| v.codes.len() >= 2)
            .collect();
        let real: Vec<Pair> = codes
            .into_iter()
            .filter(|c| c.0 != FrameCode::default())
            .collect();
        anyhow::ensure!(
            real.len() >= CARDS,
            "the pool index has too few frames ({})",
            real.len()
        );
        let mut rng = Rng::new(seed);
        let cards = (0..CARDS).map(|_| *rng.pick(&real)).collect();
        Ok(Pool { videos, cards })
    }

    fn any_code(&self, rng: &mut Rng) -> Pair {
        let video = rng.pick(&self.videos);
        *rng.pick(&video.codes)
    }
}

/// The index data of every anime and video of `real`, then synthetic
/// distractors from `pool` until it holds `total` frames.
pub fn with_distractors(real: &Index, pool: &Pool, total: u64, seed: u64) -> IndexData {
    let mut builder = IndexBuilder::new();
    copy_index(&mut builder, real);
    fill(&mut builder, pool, total, seed);
    builder.finish()
}

/// Copies every anime and video of `index` into `builder`.
fn copy_index(builder: &mut IndexBuilder, index: &Index) {
    let codes = index.codes_in_frame_order();
    let inner = index.inner_codes_in_frame_order();
    let mut positions = Vec::new();
    for a in index.anime() {
        positions.push(builder.add_anime(a.to_owned()));
    }
    for (i, v) in index.videos().iter().enumerate() {
        let r = index.frame_range(i);
        let video = Video {
            anime: positions[v.anime.to_native() as usize],
            first_frame: 0,
            frame_count: 0,
            ..v.to_owned()
        };
        let r = r.start as usize..r.end as usize;
        builder.add_video_columns(video, &codes[r.clone()], &inner[r], &index.deltas(i));
    }
}

/// Adds an anime of synthetic videos to `builder` until it holds `total`
/// frames (at least one video is added).
fn fill(builder: &mut IndexBuilder, pool: &Pool, total: u64, seed: u64) {
    let mut rng = Rng::new(seed);
    let anime = builder.add_anime(Anime::new(1_000_000, "Synthetic", "Synthetic distractors"));
    let mut n = 0;
    while builder.frame_count() < total || n == 0 {
        let want = (rng.int(VIDEO_FRAMES.0, VIDEO_FRAMES.1) as u64)
            .min(total.saturating_sub(builder.frame_count()))
            .max(1);
        let frames = video(pool, want as usize, &mut rng);
        let duration_ms = frames.last().map_or(0, |f| f.ms + 500);
        let video = Video {
            path: format!("Synthetic/{n:07}.mkv"),
            anime,
            episode: Some(n as u32 % 1000 + 1),
            duration_ms,
            size: 0,
            mtime_ns: 0,
            first_frame: 0,
            frame_count: 0,
        };
        builder.add_video(video, &frames);
        n += 1;
    }
}

/// One video of `len` frames.
fn video(pool: &Pool, len: usize, rng: &mut Rng) -> Vec<KeptFrame> {
    let mut frames = Vec::with_capacity(len);
    let mut t = 0u32;
    while frames.len() < len {
        for ((code, inner), delta) in shot(pool, rng) {
            if frames.len() == len {
                break;
            }
            t += delta.max(1) as u32;
            frames.push(KeptFrame { code, inner, ms: t });
        }
    }
    frames
}

/// One shot: codes with the time since the previous frame. Each of a
/// frame's two codes is moved to the new scene the same way, with a mask
/// of its own.
fn shot(pool: &Pool, rng: &mut Rng) -> Vec<(Pair, u16)> {
    let r = rng.unit();
    if r < FLAT_SHOTS {
        let n = rng.int(5, 40) as usize;
        return vec![(Pair::default(), 42); n];
    }
    if r < FLAT_SHOTS + CARD_SHOTS {
        let card = *rng.pick(&pool.cards);
        let n = rng.int(10, 80) as usize;
        return (0..n)
            .map(|_| ((noisy(card.0, rng), noisy(card.1, rng)), 42))
            .collect();
    }
    let v = rng.pick(&pool.videos);
    let start = rng.below(v.codes.len() - 1);
    let n = (rng.int(8, 120) as usize).min(v.codes.len() - start);
    let other = pool.any_code(rng);
    let masks = (
        scene_mask(v.codes[start].0, other.0, rng),
        scene_mask(v.codes[start].1, other.1, rng),
    );
    (start..start + n)
        .map(|i| {
            let (code, inner) = v.codes[i];
            ((moved(code, masks.0), moved(inner, masks.1)), v.deltas[i])
        })
        .collect()
}

/// `code` XORed with `mask`; flat pool frames stay flat (a fade to black
/// is one anywhere).
fn moved(code: FrameCode, mask: u128) -> FrameCode {
    if code == FrameCode::default() {
        code
    } else {
        FrameCode::from_u128(code.to_u128() ^ mask)
    }
}

/// The XOR that moves a run starting at `from` to a new scene taking a
/// random share of the bits of `other`.
fn scene_mask(from: FrameCode, other: FrameCode, rng: &mut Rng) -> u128 {
    let share = rng.float(0.2, 0.6);
    let mut take = 0u128;
    for bit in 0..96 {
        if rng.chance(share) {
            take |= 1 << bit;
        }
    }
    (from.to_u128() ^ other.to_u128()) & take
}

/// `code` with zero to two random bits flipped; a flat code stays flat.
fn noisy(code: FrameCode, rng: &mut Rng) -> FrameCode {
    if code == FrameCode::default() {
        return code;
    }
    let mut bits = code.to_u128();
    for _ in 0..rng.int(0, 3) {
        bits ^= 1 << rng.below(96);
    }
    FrameCode::from_u128(bits)
}
