//! The search of the inner windows' table: a screenshot cut from a frame
//! is hashed over many guesses at where the frame's inner window lies in
//! it (`query::inner_probes`), and each guess reads its own bucket and the
//! buckets its two weakest key bits lead to. Guesses that fall in one
//! bucket are compared in one pass over it; buckets are read smallest
//! first until a budget of entry comparisons is spent, so a bucket that a
//! whole library's dark cards share does not take a query's time.

use super::probe::FlipSets;
use super::{Budget, Hit, MAX_HITS, shrink};
use crate::descriptor::FrameCode;
use crate::index::{Codes, Index, Layout};
use crate::search::Probe;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Bucket visits per guess, on average: the guesses' flips compete by cost.
/// With the key equal but for each guess's two weakest key bits (4
/// buckets a guess), the nearest guess is within 8 bits of the window's
/// code for 91 % of crops, 80 % with none flipped (`diagnose --inner 0.03`).
const VISITS_PER_GUESS: usize = 4;
/// Entry comparisons a search makes at most: about 1.1 million at 10^8
/// frames for the median crop's 1,436 guesses.
const MAX_COMPARES: u64 = 3_000_000;
/// Inner-window hits farther than this are not kept: the guesses are many,
/// and a far hit of one of them is chance.
pub const MAX_INNER_DISTANCE: u32 = 16;
/// What an inner-window hit's distance counts as beside a whole frame's:
/// a window is 36 % of the frame and the guesses many, so the same number
/// of bits says less.
pub const INNER_PENALTY: u32 = 10;

/// The frames whose inner window is within `MAX_INNER_DISTANCE` of a guess,
/// nearest first, each distance raised by `INNER_PENALTY`.
pub fn search_inner(
    index: &Index,
    guesses: &[Probe],
    keep_video: Option<&dyn Fn(usize) -> bool>,
) -> Vec<Hit> {
    let layout = index.layout();
    let mut visits = plan(guesses, layout);
    visits.sort_unstable();
    visits.dedup();
    let mut groups: Vec<&[(u32, u32)]> = visits.chunk_by(|a, b| a.0 == b.0).collect();
    let size = |g: &&[(u32, u32)]| {
        let r = index.codes_bucket_range(Codes::Inner, g[0].0);
        (r.end - r.start) * g.len() as u64
    };
    groups.sort_by_cached_key(size);
    let mut compares = 0u64;
    let mut hits = Vec::new();
    for group in groups {
        compares += size(&group);
        if compares > MAX_COMPARES {
            break;
        }
        let codes: Vec<FrameCode> = group
            .iter()
            .map(|&(_, g)| guesses[g as usize].code)
            .collect();
        scan(index, group[0].0, &codes, keep_video, &mut hits);
    }
    shrink(&mut hits);
    for h in &mut hits {
        h.video = index.video_of_frame(h.frame);
        h.distance += INNER_PENALTY;
    }
    hits
}

/// The buckets to read, as `(key, guess)`: `VISITS_PER_GUESS` a guess on
/// average, cheapest first across all guesses (each guess's own bucket,
/// then its weakest key bits flipped, as `probe::FlipSets` orders them).
fn plan(guesses: &[Probe], layout: Layout) -> Vec<(u32, u32)> {
    let per_flip = Budget::default().per_flip;
    let mut flips: Vec<FlipSets> = guesses
        .iter()
        .map(|p| FlipSets::new(p, layout, per_flip))
        .collect();
    let mut queue: BinaryHeap<Reverse<(u32, usize)>> = (0..guesses.len())
        .filter_map(|g| flips[g].peek().map(|c| Reverse((c, g))))
        .collect();
    let budget = guesses.len() * VISITS_PER_GUESS;
    let mut visits = Vec::with_capacity(budget);
    while visits.len() < budget {
        let Some(Reverse((_, g))) = queue.pop() else {
            break;
        };
        let Some(flipped) = flips[g].next() else {
            continue;
        };
        if let Some(c) = flips[g].peek() {
            queue.push(Reverse((c, g)));
        }
        visits.push((layout.key(guesses[g].code) ^ flipped, g as u32));
    }
    visits
}

/// Compares every entry of inner bucket `key` with `codes`, keeping those
/// within `MAX_INNER_DISTANCE` of the nearest.
fn scan(
    index: &Index,
    key: u32,
    codes: &[FrameCode],
    keep_video: Option<&dyn Fn(usize) -> bool>,
    hits: &mut Vec<Hit>,
) {
    let layout = index.layout();
    let mask = layout.rest_mask();
    let near: Vec<(u128, u32)> = codes
        .iter()
        .map(|c| (layout.rest(*c), (layout.key(*c) ^ key).count_ones()))
        .collect();
    for entry in index.codes_bucket(Codes::Inner, key).iter() {
        let distance = near
            .iter()
            .map(|&(rest, d)| d + ((entry ^ rest) & mask).count_ones())
            .min()
            .unwrap_or(u32::MAX);
        if distance > MAX_INNER_DISTANCE {
            continue;
        }
        let frame = layout.frame_of(entry);
        if frame >= index.frame_count() {
            continue; // a corrupt entry; `verify` reports it
        }
        if let Some(keep) = keep_video
            && !keep(index.video_of_frame(frame))
        {
            continue;
        }
        hits.push(Hit {
            video: usize::MAX, // filled in by `search_inner`
            frame,
            distance,
            code: layout.code(key, entry & mask),
        });
        if hits.len() >= 2 * MAX_HITS {
            shrink(hits);
        }
    }
}
