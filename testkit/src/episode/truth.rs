//! Ground truth: which frames of which episodes show identical content, as runs of equal frame specs.

use super::{AnimeSpec, Fps, FrameSpec};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Frames `from..to` (end exclusive) of one episode all show content `content`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub from: u32,
    pub to: u32,
    pub content: u32,
}

/// A time range of an episode showing the same content as the query time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Equivalent {
    pub episode: usize,
    /// Seconds; the content is on screen from `from` until just before `to`.
    pub from: f64,
    pub to: f64,
}

/// Content runs of every episode of one anime; content ids are shared across its episodes.
#[derive(Clone, Debug)]
pub struct AnimeTruth {
    pub fps: Fps,
    pub runs: Vec<Vec<Run>>,
    /// Per content id: is it near-uniform?
    pub flat: Vec<bool>,
}

impl AnimeTruth {
    /// Computes the runs of every episode of `anime`.
    pub fn new(anime: &AnimeSpec) -> AnimeTruth {
        let mut ids: HashMap<FrameSpec, u32> = HashMap::new();
        let mut flat = Vec::new();
        let mut runs = Vec::new();
        for ep in &anime.episodes {
            let mut ep_runs: Vec<Run> = Vec::new();
            for (i, spec) in ep.frame_specs().into_iter().enumerate() {
                let next = ids.len() as u32;
                let is_flat = spec.is_flat();
                let id = *ids.entry(spec).or_insert(next);
                if id == next {
                    flat.push(is_flat);
                }
                push_frame(&mut ep_runs, i as u32, id);
            }
            runs.push(ep_runs);
        }
        AnimeTruth {
            fps: anime.fps,
            runs,
            flat,
        }
    }

    /// The run of `episode` shown at time `t` (clamped to the episode).
    pub fn run_at(&self, episode: usize, t: f64) -> Run {
        let runs = &self.runs[episode];
        let i = self
            .fps
            .frame_at(t)
            .min(runs.last().map_or(0, |r| r.to - 1));
        let k = runs.partition_point(|r| r.to <= i);
        runs[k.min(runs.len() - 1)]
    }

    /// Every (episode, time range) showing the same content as `episode` at `t`, itself included.
    pub fn equivalents(&self, episode: usize, t: f64) -> Vec<Equivalent> {
        let content = self.run_at(episode, t).content;
        let mut out = Vec::new();
        for (e, runs) in self.runs.iter().enumerate() {
            for r in runs.iter().filter(|r| r.content == content) {
                out.push(Equivalent {
                    episode: e,
                    from: self.fps.time_of(r.from),
                    to: self.fps.time_of(r.to),
                });
            }
        }
        out
    }

    /// True when the frame at `t` is near-uniform (black, white flash, deep fade).
    pub fn is_flat(&self, episode: usize, t: f64) -> bool {
        self.flat[self.run_at(episode, t).content as usize]
    }
}

fn push_frame(runs: &mut Vec<Run>, i: u32, id: u32) {
    match runs.last_mut() {
        Some(r) if r.content == id && r.to == i => r.to = i + 1,
        _ => runs.push(Run {
            from: i,
            to: i + 1,
            content: id,
        }),
    }
}
