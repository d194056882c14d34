//! Which buckets a search reads. A distorted screenshot's code differs from
//! its frame's in a few bits, mostly bits whose DCT coefficient was near
//! zero; so each probe visits its own bucket, then the buckets reached by
//! flipping its weakest key bits, cheapest combination first (multi-probe
//! hashing, query-directed), until a budget of buckets and entries is
//! spent. All probes share one budget and one order.

use super::MAX_PROBES;
use crate::descriptor::{Descriptor, FrameCode, STRENGTH_BITS};
use crate::index::{Index, Layout};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// A code to look up and how firmly each of its lowest bits is set.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    pub code: FrameCode,
    pub strength: [f32; STRENGTH_BITS],
}

impl Probe {
    pub fn new(d: &Descriptor) -> Probe {
        Probe {
            code: d.code,
            strength: d.strength,
        }
    }

    /// A probe for a bare code: every bit equally firm.
    pub fn of_code(code: FrameCode) -> Probe {
        Probe {
            code,
            strength: [1.0; STRENGTH_BITS],
        }
    }

    /// The same picture flipped left to right (strengths do not change).
    pub fn mirrored(&self) -> Probe {
        Probe {
            code: self.code.mirrored(),
            strength: self.strength,
        }
    }
}

/// How much one search may read.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Bucket visits (one probe in one bucket), all probes together.
    pub visits: usize,
    /// Entry comparisons (the visited buckets' sizes, summed).
    pub compares: u64,
    /// Flip combinations dearer than this are not worth a visit.
    pub max_cost: f32,
    /// What any flip costs on top of its strength: even the weakest bits
    /// of a picture rarely flip (a distorted screenshot is a few bits from
    /// its frame), so fewer flips come first.
    pub per_flip: f32,
}

impl Default for Budget {
    /// 2,000 visits: a screenshot now makes up to 64 probes (bands, insets,
    /// a photographed screen). At 10^7 frames 3,000 visits gave a p99 of
    /// 6.3 ms and 2,000 gave 5.0 ms with one right answer fewer of 440;
    /// 10^8 frames cost about 1.6 times 10^7 (docs/BENCHMARKS.md, "Search
    /// at scale").
    fn default() -> Self {
        Budget {
            visits: 2_000,
            compares: 1_000_000,
            max_cost: 40.0,
            per_flip: 0.25,
        }
    }
}

/// Hands out bucket visits, cheapest first across all probes, until the
/// budget is spent. Each (bucket, probe) pair comes once.
pub struct Planner<'a> {
    index: &'a Index,
    keys: Vec<u32>,
    flips: Vec<FlipSets>,
    queue: BinaryHeap<Reverse<(u32, usize)>>,
    budget: Budget,
    visits: usize,
    compares: u64,
    /// Flip sets taken from the queue, visited or skipped.
    popped: usize,
}

impl<'a> Planner<'a> {
    pub fn new(index: &'a Index, probes: &[Probe], budget: &Budget) -> Planner<'a> {
        let layout = index.layout();
        let probes = &probes[..probes.len().min(MAX_PROBES)];
        let flips: Vec<FlipSets> = probes
            .iter()
            .map(|p| FlipSets::new(p, layout, budget.per_flip))
            .collect();
        let queue = (0..probes.len())
            .filter_map(|p| flips[p].peek().map(|c| Reverse((c, p))))
            .collect();
        Planner {
            index,
            keys: probes.iter().map(|p| layout.key(p.code)).collect(),
            flips,
            queue,
            budget: *budget,
            visits: 0,
            compares: 0,
            popped: 0,
        }
    }

    /// Up to `n` more visits that flip at most `max_flips` key bits (a
    /// frame `d` bits from a probe differs from it in at most `d` key
    /// bits), as `(bucket key, probes)` in key order. Empty once the
    /// budget is spent.
    pub fn next_visits(&mut self, n: usize, max_flips: u32) -> Vec<(u32, u64)> {
        let max_cost = scaled(self.budget.max_cost);
        let mut batch: HashMap<u32, u64> = HashMap::new();
        let mut planned = 0;
        // Flip sets with more bits than `max_flips` are skipped, not
        // visited; planning stops after `POPPED_PER_VISIT` sets per
        // budgeted visit all the same, so a near hit (few flips allowed)
        // cannot make it walk through every dear set of many weak bits.
        let max_popped = self.budget.visits * POPPED_PER_VISIT;
        while planned < n
            && self.visits < self.budget.visits
            && self.compares < self.budget.compares
            && self.popped < max_popped
        {
            let Some(Reverse((cost, p))) = self.queue.pop() else {
                break;
            };
            self.popped += 1;
            if cost > max_cost {
                self.queue.clear();
                break;
            }
            let Some(flipped) = self.flips[p].next() else {
                continue;
            };
            if let Some(c) = self.flips[p].peek() {
                self.queue.push(Reverse((c, p)));
            }
            if flipped.count_ones() > max_flips {
                continue;
            }
            let key = self.keys[p] ^ flipped;
            *batch.entry(key).or_default() |= 1 << p;
            let range = self.index.bucket_range(key);
            self.visits += 1;
            self.compares += range.end - range.start;
            planned += 1;
        }
        let mut visits: Vec<(u32, u64)> = batch.into_iter().collect();
        visits.sort_unstable();
        visits
    }
}

/// Flip sets planned (visited or skipped) per budgeted visit, at most.
const POPPED_PER_VISIT: usize = 8;

/// Costs are compared as integers: strength squared, in thousandths.
fn scaled(cost: f32) -> u32 {
    (cost * 1000.0).min(u32::MAX as f32) as u32
}

/// The sets of key bits to flip for one probe, cheapest first. A bit costs
/// its strength squared (the log-odds of a sign flip under Gaussian noise
/// grow with it) plus `Budget::per_flip`, a set the sum of its bits. Sets
/// are generated lazily by the shift/expand rule over the bits sorted by
/// cost, which yields every set exactly once in order of total cost.
struct FlipSets {
    /// Key bits, cheapest first, with their costs.
    bits: Vec<(u32, u32)>,
    /// Pending sets: total cost, set over positions in `bits`, last position.
    heap: BinaryHeap<Reverse<(u32, u32, u32)>>,
    /// The empty set (the probe's own bucket) is still to come.
    own_pending: bool,
}

impl FlipSets {
    fn new(probe: &Probe, layout: Layout, per_flip: f32) -> FlipSets {
        let mut bits: Vec<(u32, u32)> = (0..layout.key_bits())
            .map(|b| {
                let s = probe.strength[b as usize];
                (scaled(s * s + per_flip), b)
            })
            .collect();
        bits.sort_unstable();
        let mut heap = BinaryHeap::new();
        if let Some(&(cost, _)) = bits.first() {
            heap.push(Reverse((cost, 1, 0)));
        }
        FlipSets {
            bits,
            heap,
            own_pending: true,
        }
    }

    fn peek(&self) -> Option<u32> {
        if self.own_pending {
            return Some(0);
        }
        self.heap.peek().map(|Reverse((cost, _, _))| *cost)
    }

    /// The next set, as the mask of key bits to flip.
    fn next(&mut self) -> Option<u32> {
        if self.own_pending {
            self.own_pending = false;
            return Some(0);
        }
        let Reverse((cost, set, last)) = self.heap.pop()?;
        let next = last as usize + 1;
        if let Some(&(next_cost, _)) = self.bits.get(next) {
            let last_cost = self.bits[last as usize].0;
            let shifted = set & !(1 << last) | 1 << next;
            self.heap.push(Reverse((
                cost - last_cost + next_cost,
                shifted,
                next as u32,
            )));
            self.heap
                .push(Reverse((cost + next_cost, set | 1 << next, next as u32)));
        }
        let mask = (0..self.bits.len())
            .filter(|&i| set >> i & 1 == 1)
            .fold(0u32, |m, i| m | 1 << self.bits[i].1);
        Some(mask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flip_sets_come_once_each_cheapest_first() {
        let mut probe = Probe::of_code(FrameCode::default());
        for (i, s) in probe.strength.iter_mut().enumerate() {
            *s = 0.1 + (i as f32 * 7.0 % 5.0);
        }
        let layout = Layout::for_frames(1 << 16);
        let mut sets = FlipSets::new(&probe, layout, 0.0);
        let cost = |mask: u32| -> f32 {
            (0..32)
                .filter(|b| mask >> b & 1 == 1)
                .map(|b| probe.strength[b] * probe.strength[b])
                .sum()
        };
        let mut seen = std::collections::HashSet::new();
        let mut last = 0.0f32;
        while let Some(mask) = sets.next() {
            assert!(seen.insert(mask), "{mask:b} twice");
            assert!(cost(mask) >= last - 0.01, "out of order");
            last = cost(mask);
        }
        assert_eq!(seen.len(), 1 << layout.key_bits());
    }
}
