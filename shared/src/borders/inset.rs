//! A video shown smaller than the picture around it: a streamer's layout
//! with the episode in one corner, a frame on a tall "shorts" canvas. Its
//! border is a rectangle of straight edges that need not run across the
//! whole picture, so each candidate rectangle is scored by how much of its
//! own outline is an edge.

use super::Rect;
use crate::gray::Gray;

/// Luma step across at most two pixels that counts as an edge: a frame's
/// edge that falls between two pixels of the work image is spread over
/// both.
const STEP: u8 = 12;
/// Share of the picture's height (for a column) or width (for a row) an
/// edge must run along, gaps of `GAP` pixels allowed, to be a candidate
/// side.
const MIN_RUN: f32 = 0.25;
const GAP: usize = 2;
/// Candidate sides kept per axis, longest runs first.
const CANDIDATES: usize = 12;
/// The picture's own border counts as this much of an edge: a frame that
/// fills the width has no edge there, but a picture's border is not
/// evidence of a frame either.
const PICTURE_EDGE: f32 = 0.6;
/// Share of a rectangle's outline that must be edges.
const MIN_SCORE: f32 = 0.55;
/// A video is at least this share of the picture's width.
const MIN_WIDTH: f32 = 0.4;
/// Shapes a video may have, width over height.
const ASPECT: std::ops::RangeInclusive<f32> = 1.3..=2.45;

/// Up to two rectangles framed by edges along most of their outline,
/// shaped like a video, best first; the whole picture is never one.
pub fn inset_rects(img: &Gray) -> Vec<Rect> {
    let edges = Edges::new(img);
    let (w, h) = (img.width as usize, img.height as usize);
    let cols = candidates(w, h, |x, y| edges.vertical(x, y));
    let rows = candidates(h, w, |y, x| edges.horizontal(x, y));
    let mut scored: Vec<(f32, Rect)> = Vec::new();
    for (i, &x0) in cols.iter().enumerate() {
        for &x1 in &cols[i + 1..] {
            let (x0, x1) = (x0.min(x1), x0.max(x1));
            if ((x1 - x0) as f32) < w as f32 * MIN_WIDTH {
                continue;
            }
            for (j, &y0) in rows.iter().enumerate() {
                for &y1 in &rows[j + 1..] {
                    let (y0, y1) = (y0.min(y1), y0.max(y1));
                    let aspect = (x1 - x0) as f32 / (y1 - y0).max(1) as f32;
                    if !ASPECT.contains(&aspect) || (x0, y0, x1, y1) == (0, 0, w, h) {
                        continue;
                    }
                    let score = edges.outline_score(x0, y0, x1, y1);
                    if score >= MIN_SCORE {
                        let r = Rect {
                            x0: x0 as f32,
                            y0: y0 as f32,
                            x1: x1 as f32,
                            y1: y1 as f32,
                        };
                        scored.push((score, r));
                    }
                }
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut best: Vec<Rect> = Vec::new();
    for (_, r) in scored {
        if best.iter().all(|b| overlap(b, &r) < 0.9) {
            best.push(r);
        }
        if best.len() == 2 {
            break;
        }
    }
    best
}

/// Intersection over union.
fn overlap(a: &Rect, b: &Rect) -> f32 {
    let iw = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
    let ih = (a.y1.min(b.y1) - a.y0.max(b.y0)).max(0.0);
    let inter = iw * ih;
    inter / (a.width() * a.height() + b.width() * b.height() - inter)
}

/// Positions (columns for `along` = height) that carry a long edge, the
/// picture's two borders always among them. `edge(pos, t)` tells whether
/// there is an edge at `pos` at `t` along it.
fn candidates(len: usize, along: usize, edge: impl Fn(usize, usize) -> bool) -> Vec<usize> {
    let runs: Vec<usize> = (0..len)
        .map(|p| {
            if p == 0 {
                0
            } else {
                longest_run(along, |t| edge(p, t))
            }
        })
        .collect();
    let min = (along as f32 * MIN_RUN) as usize;
    let mut found: Vec<(usize, usize)> = (1..len)
        .filter(|&p| runs[p] >= min.max(1))
        .map(|p| (runs[p], p))
        .collect();
    // Longest first; of equal runs the first, as an edge spread over two
    // pixels is seen at both and begins at the first.
    found.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut kept: Vec<usize> = vec![0, len];
    // An edge spread over two pixels counts once.
    for (_, p) in found {
        if kept.iter().all(|&k| k.abs_diff(p) > 2) {
            kept.push(p);
        }
        if kept.len() == CANDIDATES + 2 {
            break;
        }
    }
    kept
}

/// The longest run of `hit` over `0..len`, gaps of `GAP` allowed.
fn longest_run(len: usize, hit: impl Fn(usize) -> bool) -> usize {
    let (mut best, mut start, mut last) = (0, None::<usize>, 0);
    for t in 0..len {
        if !hit(t) {
            continue;
        }
        match start {
            Some(s) if t - last <= GAP + 1 => best = best.max(t + 1 - s),
            _ => {
                start = Some(t);
                best = best.max(1);
            }
        }
        last = t;
    }
    best
}

/// Where the work image has edges, with running counts along each row
/// and column so that any side of a rectangle is scored in O(1).
struct Edges {
    w: usize,
    h: usize,
    /// `rows[y * (w + 1) + x]`: horizontal edges at row y before column x.
    rows: Vec<u32>,
    /// `cols[x * (h + 1) + y]`: vertical edges at column x before row y.
    cols: Vec<u32>,
    horizontal: Vec<bool>,
    vertical: Vec<bool>,
}

impl Edges {
    fn new(img: &Gray) -> Edges {
        let (w, h) = (img.width as usize, img.height as usize);
        let px = |x: usize, y: usize| img.pixels[y * w + x];
        let step = |a: u8, b: u8, c: u8| a.abs_diff(b).max(a.abs_diff(c)) >= STEP;
        let mut horizontal = vec![false; w * h];
        let mut vertical = vec![false; w * h];
        for y in 0..h {
            for x in 0..w {
                if y > 0 {
                    let before = px(x, y.saturating_sub(2));
                    horizontal[y * w + x] = step(px(x, y), px(x, y - 1), before);
                }
                if x > 0 {
                    let before = px(x.saturating_sub(2), y);
                    vertical[y * w + x] = step(px(x, y), px(x - 1, y), before);
                }
            }
        }
        let mut rows = vec![0u32; h * (w + 1)];
        for y in 0..h {
            for x in 0..w {
                rows[y * (w + 1) + x + 1] = rows[y * (w + 1) + x] + horizontal[y * w + x] as u32;
            }
        }
        let mut cols = vec![0u32; w * (h + 1)];
        for x in 0..w {
            for y in 0..h {
                cols[x * (h + 1) + y + 1] = cols[x * (h + 1) + y] + vertical[y * w + x] as u32;
            }
        }
        Edges {
            w,
            h,
            rows,
            cols,
            horizontal,
            vertical,
        }
    }

    fn horizontal(&self, x: usize, y: usize) -> bool {
        self.horizontal[y * self.w + x]
    }

    fn vertical(&self, x: usize, y: usize) -> bool {
        self.vertical[y * self.w + x]
    }

    /// Edges along row `y` (the border above it) from `x0` to `x1`.
    fn row_support(&self, y: usize, x0: usize, x1: usize) -> f32 {
        if y == 0 || y == self.h {
            return PICTURE_EDGE * (x1 - x0) as f32;
        }
        let r = &self.rows[y * (self.w + 1)..];
        (r[x1] - r[x0]) as f32
    }

    fn col_support(&self, x: usize, y0: usize, y1: usize) -> f32 {
        if x == 0 || x == self.w {
            return PICTURE_EDGE * (y1 - y0) as f32;
        }
        let c = &self.cols[x * (self.h + 1)..];
        (c[y1] - c[y0]) as f32
    }

    /// Share of the rectangle's outline that is edges.
    fn outline_score(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> f32 {
        let support = self.row_support(y0, x0, x1)
            + self.row_support(y1, x0, x1)
            + self.col_support(x0, y0, y1)
            + self.col_support(x1, y0, y1);
        support / (2 * (x1 - x0 + y1 - y0)) as f32
    }
}
