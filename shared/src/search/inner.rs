//! The search of the inner windows' table: a screenshot cut from a frame
//! is hashed over many guesses at where the frame's inner window lies in
//! it (`query::inner_probes`), and each guess reads its own bucket and the
//! buckets its two weakest key bits lead to, in passes that stop at a sure
//! hit. Guesses that fall in one bucket are compared in one read of it;
//! buckets are read smallest first until a budget of entry comparisons is
//! spent, so a bucket that a whole library's dark cards share does not
//! take a query's time.

use super::{Hit, locate, scan_bucket, shrink};
use crate::index::{Codes, Index, Layout};
use crate::search::Probe;

/// Passes over the guesses: their own buckets, then those their weakest key
/// bit leads to, then their second weakest, alone and with the first (4
/// buckets a guess in all). With the key equal but for these two bits, the
/// nearest guess is within 8 bits of the window's code for 91 % of crops,
/// 80 % with none flipped (`diagnose --inner 0.03`).
const PASSES: usize = 3;
/// A hit this near ends the search after its pass: a crop's own frame is
/// mostly within 5 bits of the nearest guess, other frames seldom are.
const SURE_DISTANCE: u32 = 5;
/// Entry comparisons a search makes at most (about 1 ms): the median crop's
/// 1,436 guesses make about 1.1 million at 10^8 frames; past the budget
/// are the largest buckets, those of dark cards a whole library shares.
const MAX_COMPARES: u64 = 1_500_000;
/// Inner-window hits farther than this are not kept: the guesses are many,
/// and a far hit of one of them is chance (in `just eval`, one at 13 bits
/// outranked a whole-frame answer that was right at 28).
pub const MAX_INNER_DISTANCE: u32 = 12;
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
    let mut compares = 0u64;
    let mut hits = Vec::new();
    let mut limit = MAX_INNER_DISTANCE;
    for pass in 0..PASSES {
        let mut visits = plan(guesses, layout, pass);
        visits.sort_unstable();
        visits.dedup();
        let mut groups: Vec<&[(u32, u32)]> = visits.chunk_by(|a, b| a.0 == b.0).collect();
        let size = |g: &&[(u32, u32)]| {
            let r = index.codes_bucket_range(Codes::Inner, g[0].0);
            (r.end - r.start) * g.len() as u64
        };
        groups.sort_by_cached_key(size);
        for group in groups {
            compares += size(&group);
            if compares > MAX_COMPARES {
                break;
            }
            let key = group[0].0;
            let near: Vec<(u128, u32)> = group
                .iter()
                .map(|&(_, g)| guesses[g as usize].code)
                .map(|c| (layout.rest(c), (layout.key(c) ^ key).count_ones()))
                .collect();
            scan_bucket(
                index,
                Codes::Inner,
                key,
                &near,
                &mut limit,
                keep_video,
                &mut hits,
            );
        }
        shrink(&mut hits);
        if hits.first().is_some_and(|h| h.distance <= SURE_DISTANCE) {
            break;
        }
    }
    locate(index, &mut hits);
    for h in &mut hits {
        h.distance += INNER_PENALTY;
    }
    hits
}

/// The buckets pass `pass` reads, as `(key, guess)`: every guess's own
/// bucket first, then the buckets its weakest key bit leads to, then those
/// of the second weakest bit, alone and with the first.
fn plan(guesses: &[Probe], layout: Layout, pass: usize) -> Vec<(u32, u32)> {
    let key_bits = layout.key_bits() as usize;
    let sets: &[u32] = match pass {
        0 => &[0b00],
        1 => &[0b01],
        _ => &[0b10, 0b11],
    };
    let mut visits = Vec::with_capacity(guesses.len() * sets.len());
    for (g, p) in guesses.iter().enumerate() {
        let weak = two_weakest(&p.strength[..key_bits]);
        let key = layout.key(p.code);
        for &set in sets {
            let flipped = (0..2)
                .filter(|i| set >> i & 1 == 1)
                .fold(key, |k, i| k ^ 1 << weak[i]);
            visits.push((flipped, g as u32));
        }
    }
    visits
}

/// The positions of the two smallest of `strength`, smallest first.
fn two_weakest(strength: &[f32]) -> [usize; 2] {
    let (mut a, mut b) = (0, 1);
    if strength[b] < strength[a] {
        (a, b) = (b, a);
    }
    for (i, &s) in strength.iter().enumerate().skip(2) {
        if s < strength[a] {
            (a, b) = (i, a);
        } else if s < strength[b] {
            b = i;
        }
    }
    [a, b]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::FrameCode;

    #[test]
    fn the_two_weakest_bits_are_found_in_order() {
        assert_eq!(two_weakest(&[3.0, 0.5, 2.0, 0.1, 0.7]), [3, 1]);
        assert_eq!(two_weakest(&[0.1, 0.2, 5.0]), [0, 1]);
        assert_eq!(two_weakest(&[0.2, 0.1]), [1, 0]);
    }

    #[test]
    fn each_guess_visits_four_distinct_buckets_over_the_passes() {
        let layout = Layout::for_frames(100_000_000);
        let mut probe = Probe::of_code(FrameCode {
            lo: 0x5a5a_1234,
            hi: 7,
        });
        probe.strength[4] = 0.05;
        probe.strength[11] = 0.1;
        let key = layout.key(probe.code);
        let visits: Vec<u32> = (0..PASSES)
            .flat_map(|pass| plan(&[probe], layout, pass))
            .map(|(k, g)| {
                assert_eq!(g, 0);
                k
            })
            .collect();
        assert_eq!(
            visits,
            [key, key ^ 1 << 4, key ^ 1 << 11, key ^ 1 << 4 ^ 1 << 11]
        );
    }
}
