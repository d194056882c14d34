//! Search over a mapped index: find the frames nearest to a set of probe
//! codes (reading only the buckets they most likely fall in), group
//! neighbouring hits of one video into held-frame spans, fold shots that
//! repeat across episodes (openings, endings) into one answer, and turn
//! distances into a calibrated similarity.

mod inner;
mod probe;

pub use inner::{INNER_PENALTY, MAX_INNER_DISTANCE, search_inner};
pub use probe::{Budget, Probe};

use crate::descriptor::{BITS, FrameCode};
use crate::index::{Codes, Index};
use std::collections::HashMap;

/// Hits farther than this are never candidates.
pub const MAX_DISTANCE: u32 = 34;
/// Distance at which similarity is 0.9: below it answers are right.
pub const CONFIDENT_DISTANCE: f32 = 18.0;
/// An answer that a frame of another anime matches within this many bits
/// as well is a near tie: the code cannot tell which anime the screenshot
/// is from (a studio logo, a plain card, a black frame with text), so the
/// answer is never confident.
pub const TIE_MARGIN: u32 = 3;
/// Hits of one video closer in time than this are one candidate.
const GROUP_WINDOW_MS: u32 = 5_000;
/// Hits this close to the best one show the same picture as far as the
/// code can tell (a held drawing, or one shown again a moment later).
const SAME_PICTURE: u32 = 2;
/// How many raw hits are grouped at most.
const MAX_HITS: usize = 512;
/// Candidates grouped at most before repeats are folded (a repeated
/// opening makes one per episode) and the best `limit` are kept.
const MAX_GROUPS: usize = 64;
/// A hit this near ends the search.
const SURE_DISTANCE: u32 = 9;
/// Bucket visits of the first batch; each next batch is twice as large.
const FIRST_BATCH: usize = 32;
/// Probes a search compares at most (a query makes about 20).
pub const MAX_PROBES: usize = 64;

/// A frame near the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub video: usize,
    /// Frame position in the index.
    pub frame: u64,
    pub distance: u32,
    pub code: FrameCode,
}

/// One answer: a span of one video.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub video: usize,
    pub from_ms: u32,
    pub to_ms: u32,
    pub at_ms: u32,
    pub distance: u32,
    pub similarity: f32,
    /// The code of the best frame, to recognise the same shot elsewhere.
    pub code: FrameCode,
}

/// Whether an answer is sure enough that the inner windows are not
/// searched: within `SURE_OF_WHOLE` bits, tie-free. A merely confident
/// answer is not: a crop's whole-frame probes come within 16-18 bits of
/// some frame by chance where its inner window finds its own within 5.
pub fn is_sure(c: &Candidate) -> bool {
    c.similarity >= similarity(SURE_OF_WHOLE)
}

/// See `is_sure`.
const SURE_OF_WHOLE: u32 = 12;

/// Both searches' hits in one list, nearest first, a frame once.
pub fn merge(mut a: Vec<Hit>, b: Vec<Hit>) -> Vec<Hit> {
    a.extend(b);
    shrink(&mut a);
    a
}

/// Maps a Hamming distance to [0, 1]; 0.9 at `CONFIDENT_DISTANCE`.
pub fn similarity(distance: u32) -> f32 {
    let s = 1.0 - 0.1 * distance as f32 / CONFIDENT_DISTANCE;
    s.clamp(0.0, 1.0)
}

/// Finds the hits within `MAX_DISTANCE` of any probe among the frames of
/// the videos `keep_video` accepts, nearest first, looking only in the
/// buckets the probes most likely fall in (see `probe`).
pub fn search(
    index: &Index,
    probes: &[Probe],
    budget: &Budget,
    keep_video: Option<&dyn Fn(usize) -> bool>,
) -> Vec<Hit> {
    // Batches of growing size over the likeliest buckets; a close enough
    // hit ends the search once the next batch finds nothing nearer (another
    // hypothesis, a crop or a cut, may reach a nearer frame of the scene a
    // batch later), and once a hit is found, buckets that cannot hold a
    // nearer frame are skipped.
    let mut planner = probe::Planner::new(index, probes, budget);
    let mut hits = Vec::new();
    let mut batch = FIRST_BATCH;
    let mut previous = MAX_DISTANCE + 1;
    loop {
        let best = hits.first().map_or(MAX_DISTANCE + 1, |h: &Hit| h.distance);
        if best <= SURE_DISTANCE && best == previous {
            break;
        }
        previous = best;
        if best == 0 {
            break;
        }
        let visits = planner.next_visits(batch, best - 1);
        if visits.is_empty() {
            break;
        }
        let limit = limit_of(&hits);
        hits.extend(scan_buckets(index, probes, visits, limit, keep_video));
        shrink(&mut hits);
        batch *= 2;
    }
    locate(index, &mut hits);
    hits
}

/// The same as `search`, but reading every bucket: the reference the
/// sublinear search is measured against.
pub fn exact(
    index: &Index,
    probes: &[Probe],
    keep_video: Option<&dyn Fn(usize) -> bool>,
) -> Vec<Hit> {
    // Every probe: a mask of `probes.len()` ones (64 would overflow a shift).
    let all = u64::MAX >> (64 - probes.len().clamp(1, MAX_PROBES));
    let plan = (0..index.layout().buckets() as u32).map(|k| (k, all));
    let mut hits = scan_buckets(index, probes, plan.collect(), MAX_DISTANCE, keep_video);
    locate(index, &mut hits);
    hits
}

/// Fills in the video of every hit (left out while scanning when no video
/// filter needs it: most entries near a probe are dropped again).
fn locate(index: &Index, hits: &mut [Hit]) {
    for h in hits {
        h.video = index.video_of_frame(h.frame);
    }
}

/// Reads the planned buckets (`(key, probes)` in key order) and compares
/// each entry with the probes planned for its bucket.
fn scan_buckets(
    index: &Index,
    probes: &[Probe],
    plan: Vec<(u32, u64)>,
    mut limit: u32,
    keep_video: Option<&dyn Fn(usize) -> bool>,
) -> Vec<Hit> {
    let layout = index.layout();
    let probes = &probes[..probes.len().min(MAX_PROBES)];
    let keys: Vec<u32> = probes.iter().map(|p| layout.key(p.code)).collect();
    let rests: Vec<u128> = probes.iter().map(|p| layout.rest(p.code)).collect();
    let mut hits = Vec::new();
    let mut near: Vec<(u128, u32)> = Vec::with_capacity(probes.len());
    for (key, wanted) in plan {
        near.clear();
        for p in (0..probes.len()).filter(|p| wanted >> p & 1 == 1) {
            near.push((rests[p], (keys[p] ^ key).count_ones()));
        }
        scan_bucket(
            index,
            Codes::Whole,
            key,
            &near,
            &mut limit,
            keep_video,
            &mut hits,
        );
    }
    shrink(&mut hits);
    hits
}

/// Compares every entry of bucket `key` of a table with the wanted codes
/// `near` (each as the code bits an entry stores and its key's distance
/// from `key`) and adds those within `limit` of the nearest to `hits`.
/// Whenever `hits` grows to twice `MAX_HITS` it is shrunk, and `limit`
/// lowered to the farthest hit kept.
fn scan_bucket(
    index: &Index,
    codes: Codes,
    key: u32,
    near: &[(u128, u32)],
    limit: &mut u32,
    keep_video: Option<&dyn Fn(usize) -> bool>,
    hits: &mut Vec<Hit>,
) {
    let layout = index.layout();
    let mask = layout.rest_mask();
    for entry in index.codes_bucket(codes, key).iter() {
        let distance = near
            .iter()
            .map(|&(rest, d)| d + ((entry ^ rest) & mask).count_ones())
            .min()
            .unwrap_or(BITS);
        if distance > *limit {
            continue;
        }
        let frame = layout.frame_of(entry);
        if frame >= index.frame_count() {
            continue; // a corrupt entry; `verify` reports it
        }
        let video = match keep_video {
            Some(keep) => {
                let video = index.video_of_frame(frame);
                if !keep(video) {
                    continue;
                }
                video
            }
            None => usize::MAX, // see `locate`
        };
        hits.push(Hit {
            video,
            frame,
            distance,
            code: layout.code(key, entry & mask),
        });
        if hits.len() >= 2 * MAX_HITS {
            shrink(hits);
            *limit = (*limit).min(limit_of(hits));
        }
    }
}

/// The farthest hit still worth keeping, given the (shrunk) hits so far.
fn limit_of(hits: &[Hit]) -> u32 {
    if hits.len() >= MAX_HITS {
        hits[MAX_HITS - 1].distance
    } else {
        MAX_DISTANCE
    }
}

/// Keeps the nearest `MAX_HITS`.
fn shrink(hits: &mut Vec<Hit>) {
    // A frame two probes reach (in two batches) counts once, at its best.
    hits.sort_unstable_by_key(|h| (h.frame, h.distance));
    hits.dedup_by_key(|h| h.frame);
    hits.sort_unstable_by_key(|h| (h.distance, h.frame));
    hits.truncate(MAX_HITS);
}

/// Groups hits (nearest first) into at most `limit` candidates.
pub fn group(index: &Index, hits: &[Hit], limit: usize) -> Vec<Candidate> {
    let mut groups: Vec<(Hit, u32, u32)> = Vec::new(); // best, from, to
    let mut times: HashMap<usize, Vec<u32>> = HashMap::new();
    let mut rivals: HashMap<u32, u32> = HashMap::new(); // anime -> best distance
    let first = |video: usize| index.frame_range(video).start;
    let videos = index.videos();
    for hit in hits {
        rivals
            .entry(videos[hit.video].anime.to_native())
            .or_insert(hit.distance);
        // Enough candidates: a hit of a video no candidate is from cannot
        // join one, and would only be a worse candidate.
        if groups.len() >= MAX_GROUPS && !groups.iter().any(|g| g.0.video == hit.video) {
            continue;
        }
        let t = times
            .entry(hit.video)
            .or_insert_with(|| index.times_ms(hit.video));
        let (start, end) = frame_span(index, hit.video, t, (hit.frame - first(hit.video)) as usize);
        let near = groups.iter_mut().find(|(best, from, to)| {
            best.video == hit.video && start < to + GROUP_WINDOW_MS && end + GROUP_WINDOW_MS > *from
        });
        match near {
            // Frames that look as much like the query as the best one are
            // the same picture, held or shown again: the span covers them.
            Some((best, from, to)) => {
                if hit.distance <= best.distance + SAME_PICTURE {
                    *from = (*from).min(start);
                    *to = (*to).max(end);
                }
            }
            None => groups.push((*hit, start, end)),
        }
    }
    let candidates = groups.into_iter().map(|(best, from, to)| {
        let at = times[&best.video][(best.frame - first(best.video)) as usize];
        Candidate {
            video: best.video,
            from_ms: from,
            to_ms: to,
            at_ms: at,
            distance: best.distance,
            similarity: similarity(best.distance),
            code: best.code,
        }
    });
    let mut candidates = fold_repeats(index, candidates.collect(), limit);
    discount_ties(index, &mut candidates, &rivals);
    candidates
}

/// Lowers the similarity of every candidate whose distance another anime's
/// best frame comes within `TIE_MARGIN` of, either way: a tie is never a
/// confident answer, and the nearer the tie the lower. (A candidate that
/// another anime beats by more keeps its own score: it is simply a worse
/// answer.) `rivals` holds the best distance reached in each anime.
fn discount_ties(index: &Index, candidates: &mut [Candidate], rivals: &HashMap<u32, u32>) {
    let videos = index.videos();
    for c in candidates {
        let anime = videos[c.video].anime.to_native();
        let rival = rivals
            .iter()
            .filter(|(a, _)| **a != anime)
            .map(|(_, d)| *d)
            .min_by_key(|d| d.abs_diff(c.distance));
        let Some(rival) = rival else { continue };
        let gap = rival.abs_diff(c.distance);
        if gap <= TIE_MARGIN {
            // Past the confident distance by how near the tie is, and by
            // how much worse than its rival the candidate is.
            let nearness = TIE_MARGIN - gap;
            let worse = c.distance.saturating_sub(rival);
            let tied = CONFIDENT_DISTANCE as u32 + 1 + nearness + worse;
            c.similarity = c.similarity.min(similarity(tied));
        }
    }
}

/// Start and end of a frame's held span, in ms.
fn frame_span(index: &Index, video: usize, times: &[u32], frame: usize) -> (u32, u32) {
    let start = times[frame];
    let end = times
        .get(frame + 1)
        .copied()
        .unwrap_or_else(|| index.videos()[video].duration_ms.to_native().max(start + 1));
    (start, end)
}

/// A shot repeated in several episodes of one anime (an opening, an
/// ending, a recap) matches in each of them equally well; every one of
/// those answers is right, so only the first is kept and the other slots
/// go to different candidates.
fn fold_repeats(index: &Index, candidates: Vec<Candidate>, limit: usize) -> Vec<Candidate> {
    let videos = index.videos();
    let mut kept: Vec<Candidate> = Vec::new();
    for c in candidates {
        let anime = videos[c.video].anime.to_native();
        let repeat = kept.iter().any(|k| {
            k.video != c.video
                && videos[k.video].anime.to_native() == anime
                && c.distance <= k.distance + 2
                && k.code.distance(c.code) <= 6
        });
        if !repeat {
            kept.push(c);
        }
        if kept.len() == limit {
            break;
        }
    }
    kept
}
