//! Search over a mapped index: find the frames nearest to a set of probe
//! codes, group neighbouring hits of one video into held-frame spans, fold
//! shots that repeat across episodes (openings, endings) into one answer,
//! and turn distances into a calibrated similarity.

use crate::descriptor::{BITS, CODE_BYTES, Code};
use crate::index::Index;

/// Hits farther than this are never candidates.
pub const MAX_DISTANCE: u32 = 34;
/// Distance at which similarity is 0.9: below it answers are right.
pub const CONFIDENT_DISTANCE: f32 = 18.0;
/// Hits of one video closer in time than this are one candidate.
const GROUP_WINDOW_MS: u32 = 5_000;
/// Hits this close to the best one show the same picture as far as the
/// code can tell (a held drawing, or one shown again a moment later).
const SAME_PICTURE: u32 = 2;
/// How many raw hits are grouped at most.
const MAX_HITS: usize = 2048;

/// A frame near the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub video: usize,
    /// Frame position within the video.
    pub frame: usize,
    pub distance: u32,
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
    pub code: Code,
}

/// Maps a Hamming distance to [0, 1]; 0.9 at `CONFIDENT_DISTANCE`.
pub fn similarity(distance: u32) -> f32 {
    let s = 1.0 - 0.1 * distance as f32 / CONFIDENT_DISTANCE;
    s.clamp(0.0, 1.0)
}

/// Scans the frames of the videos `keep_video` accepts and returns the hits
/// within `MAX_DISTANCE` of any probe, nearest first.
pub fn scan(index: &Index, probes: &[Code], keep_video: impl Fn(usize) -> bool) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut limit = MAX_DISTANCE;
    for video in (0..index.videos().len()).filter(|&v| keep_video(v)) {
        let frames = index.frames(video);
        for (frame, bytes) in frames.codes.chunks_exact(CODE_BYTES).enumerate() {
            let code = Code::from_bytes(bytes);
            let distance = probes
                .iter()
                .map(|p| p.distance(code))
                .min()
                .unwrap_or(BITS);
            if distance <= limit {
                hits.push(Hit {
                    video,
                    frame,
                    distance,
                });
                if hits.len() >= 2 * MAX_HITS {
                    limit = shrink(&mut hits);
                }
            }
        }
    }
    shrink(&mut hits);
    hits
}

/// Keeps the nearest `MAX_HITS` and returns the distance they go up to.
fn shrink(hits: &mut Vec<Hit>) -> u32 {
    hits.sort_by_key(|h| (h.distance, h.video, h.frame));
    hits.truncate(MAX_HITS);
    hits.last().map_or(MAX_DISTANCE, |h| h.distance)
}

/// Groups hits (nearest first) into at most `limit` candidates.
pub fn group(index: &Index, hits: &[Hit], limit: usize) -> Vec<Candidate> {
    let mut groups: Vec<(Hit, u32, u32)> = Vec::new(); // best, from, to
    let mut times: std::collections::HashMap<usize, Vec<u32>> = Default::default();
    for hit in hits {
        let t = times
            .entry(hit.video)
            .or_insert_with(|| index.frames(hit.video).times_ms());
        let (start, end) = frame_span(index, hit.video, t, hit.frame);
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
        let at = times[&best.video][best.frame];
        Candidate {
            video: best.video,
            from_ms: from,
            to_ms: to,
            at_ms: at,
            distance: best.distance,
            similarity: similarity(best.distance),
            code: index.frames(best.video).code(best.frame),
        }
    });
    fold_repeats(index, candidates.collect(), limit)
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
