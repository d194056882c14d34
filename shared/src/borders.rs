//! Finds the picture inside letterbox and pillarbox bars, flat player
//! chrome and similar frames around it. Indexing and querying call the same
//! function, so a frame with baked-in bars and a screenshot with added ones
//! reduce to the same content area.

use crate::gray::Gray;

mod inset;
mod screen;

pub use inset::inset_rects;
pub use screen::{Point, rectified_size, rectify, screen_quad};

/// A rectangle in work-image pixels; `x1`/`y1` exclusive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub fn full(img: &Gray) -> Rect {
        Rect {
            x0: 0.0,
            y0: 0.0,
            x1: img.width as f32,
            y1: img.height as f32,
        }
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    /// The rectangle with `fraction` of its size removed from each side.
    pub fn shrunk(&self, left: f32, top: f32, right: f32, bottom: f32) -> Rect {
        let (w, h) = (self.width(), self.height());
        Rect {
            x0: self.x0 + w * left,
            y0: self.y0 + h * top,
            x1: self.x1 - w * right,
            y1: self.y1 - h * bottom,
        }
    }

    /// The same rectangle in a mirrored image of width `width`.
    pub fn mirrored(&self, width: u32) -> Rect {
        Rect {
            x0: width as f32 - self.x1,
            x1: width as f32 - self.x0,
            ..*self
        }
    }
}

/// How far a pixel may stray from its line's median and still be "flat".
/// JPEG at quality 40 moves flat bars by a level or two; a smooth gradient
/// in the picture moves more, and must not pass for a border.
const TOLERANCE: i32 = 5;
/// Share of a line's pixels that must be flat for the line to be a border
/// (the rest: ringing around a bar's text, a progress bar's knob).
const FLAT_SHARE: f32 = 0.95;
/// A border may be interrupted by this share of the side's length in
/// non-flat lines (a title, a progress bar, player buttons).
const MAX_INTERRUPTION: f32 = 0.05;
/// Never cut more than this share of a dimension from one side.
const MAX_CUT: f32 = 0.42;

/// Which flat bands along the edges count as borders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bars {
    /// Dark bands only: the letterbox and pillarbox bars a video itself
    /// carries. Indexing cuts these, and every query tries the same cut.
    Dark,
    /// Any flat band, grey or coloured: a video player's chrome around a
    /// screenshot. Only queries cut these. A flat part of the picture (a
    /// clear sky, a wall, a title card's plain panel) passes for one too,
    /// and how far such a cut goes turns on a level or two that encoders
    /// and distortions change, so the indexed frame is not cut this way.
    Any,
}

/// Darkest median level (of 255) a dark bar may have; JPEG and video
/// noise keep black bars well under it.
const DARK_MAX: u8 = 40;

/// The content area of a work image: everything but the flat bands of the
/// kind `bars` along the edges. Returns the whole image when nothing looks
/// like a border.
///
/// Bands are peeled in rounds: player chrome stacks a title bar, side
/// borders and a control bar of different shades, so a side border only
/// looks flat once the bars across it are cut, and the other way round.
/// A round that would leave less than `MIN_KEPT` of a dimension is eating
/// into flat parts of the picture (a title card's plain halves), not
/// borders: it is dropped and the rounds before it stand, so bars added
/// around such a picture are still cut.
pub fn content_rect(img: &Gray, bars: Bars) -> Rect {
    let (w, h) = (img.width as usize, img.height as usize);
    let mut cut = Cut {
        x0: 0,
        y0: 0,
        x1: w,
        y1: h,
    };
    for _ in 0..3 {
        let next = peel(img, cut, bars);
        if next == cut || !leaves_enough(next, w, h) {
            break;
        }
        cut = next;
    }
    Rect {
        x0: cut.x0 as f32,
        y0: cut.y0 as f32,
        x1: cut.x1 as f32,
        y1: cut.y1 as f32,
    }
}

/// The content area of the part `rect` of a work image, as `content_rect`
/// finds it in a picture of that part alone: a video found inside a
/// bigger picture gets the cut its frames got when they were indexed.
pub fn content_rect_within(img: &Gray, rect: Rect, bars: Bars) -> Rect {
    let (x0, y0) = (
        rect.x0.round().max(0.0) as u32,
        rect.y0.round().max(0.0) as u32,
    );
    let x1 = (rect.x1.round() as u32).min(img.width);
    let y1 = (rect.y1.round() as u32).min(img.height);
    if x1 <= x0 + 1 || y1 <= y0 + 1 {
        return rect;
    }
    let inner = content_rect(&img.crop(x0, y0, x1, y1), bars);
    Rect {
        x0: inner.x0 + x0 as f32,
        y0: inner.y0 + y0 as f32,
        x1: inner.x1 + x0 as f32,
        y1: inner.y1 + y0 as f32,
    }
}

/// Least share of the image's width and height a content area keeps.
const MIN_KEPT: f32 = 0.25;

fn leaves_enough(c: Cut, w: usize, h: usize) -> bool {
    (c.x1 - c.x0) as f32 >= w as f32 * MIN_KEPT && (c.y1 - c.y0) as f32 >= h as f32 * MIN_KEPT
}

/// A rectangle in whole pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cut {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

/// One round: each side's flat depth, judged only over the span of the
/// lines that the previous round kept.
fn peel(img: &Gray, c: Cut, bars: Bars) -> Cut {
    let w = img.width as usize;
    let row = |y: usize| -> Vec<u8> { img.row(y as u32)[c.x0..c.x1].to_vec() };
    let col = |x: usize| -> Vec<u8> { (c.y0..c.y1).map(|y| img.pixels[y * w + x]).collect() };
    let (height, width) = (c.y1 - c.y0, c.x1 - c.x0);
    let top = border_depth(height, bars, |i| row(c.y0 + i));
    let bottom = border_depth(height, bars, |i| row(c.y1 - 1 - i));
    let left = border_depth(width, bars, |i| col(c.x0 + i));
    let right = border_depth(width, bars, |i| col(c.x1 - 1 - i));
    if top + bottom >= height || left + right >= width {
        return c;
    }
    Cut {
        x0: c.x0 + left,
        y0: c.y0 + top,
        x1: c.x1 - right,
        y1: c.y1 - bottom,
    }
}

/// Where a video may sit inside busier chrome (a playlist panel, a toolbar
/// with text): framed by the strongest straight edges running across the
/// picture near each side, or by the outermost such edges. `None` when no
/// side has such an edge. Only queries use them, as extra hypotheses
/// beside `content_rect`.
pub fn framed_rects(img: &Gray) -> [Option<Rect>; 2] {
    let (w, h) = (img.width as usize, img.height as usize);
    let px = |x: usize, y: usize| img.pixels[y * w + x] as i32;
    // Share of rows where columns x-1 and x differ, and the same for rows.
    let col_edge = |x: usize| {
        (0..h)
            .filter(|&y| (px(x, y) - px(x - 1, y)).abs() >= EDGE_STEP)
            .count() as f32
            / h as f32
    };
    let row_edge = |y: usize| {
        (0..w)
            .filter(|&x| (px(x, y) - px(x, y - 1)).abs() >= EDGE_STEP)
            .count() as f32
            / w as f32
    };
    let pick = |outermost: bool| {
        let choose =
            |range: std::ops::Range<usize>, score: &dyn Fn(usize) -> f32, towards_end: bool| {
                if outermost {
                    outermost_edge(range, score, towards_end)
                } else {
                    strongest(range, score)
                }
            };
        let left = choose(1..w * 2 / 5, &col_edge, false).unwrap_or(0);
        let right = choose(w * 3 / 5..w, &col_edge, true).unwrap_or(w);
        let top = choose(1..h * 2 / 5, &row_edge, false).unwrap_or(0);
        let bottom = choose(h * 3 / 5..h, &row_edge, true).unwrap_or(h);
        ((left, right, top, bottom) != (0, w, 0, h)).then_some(Rect {
            x0: left as f32,
            y0: top as f32,
            x1: right as f32,
            y1: bottom as f32,
        })
    };
    [pick(false), pick(true)]
}

/// Where a video may sit across the full width of a picture taller than
/// a video: the band between two strong straight edges across the
/// picture, shaped like a video (16:9 to 2.4:1). Two bands: the best
/// between edges seen in the picture (a 16:9 frame on a 9:16 "shorts"
/// canvas over a blurred copy of itself), and the best that may also end
/// at the picture's own top or bottom (a frame under a meme's caption
/// band). None for a picture already shaped like a video. Only queries
/// use them.
pub fn full_width_bands(img: &Gray) -> Vec<Rect> {
    let (w, h) = (img.width as usize, img.height as usize);
    if h < 8 || w as f32 / h as f32 >= BAND_MAX_PICTURE_ASPECT {
        return vec![];
    }
    let px = |x: usize, y: usize| img.pixels[y * w + x] as i32;
    // A frame's edge that falls between two rows of the work image is
    // spread over both: the step is taken across two rows as well.
    let row_edge = |y: usize| {
        (0..w)
            .filter(|&x| {
                let above = px(x, y - 1)
                    .min(px(x, y.saturating_sub(2)))
                    .abs_diff(px(x, y));
                let below = px(x, y - 1)
                    .max(px(x, y.saturating_sub(2)))
                    .abs_diff(px(x, y));
                above.max(below) as i32 >= EDGE_STEP
            })
            .count() as f32
            / w as f32
    };
    let mut edges: Vec<(usize, f32)> = (1..h)
        .map(|y| (y, row_edge(y)))
        .filter(|&(_, s)| s >= BAND_EDGE_SHARE)
        .collect();
    edges.sort_by(|a, b| b.1.total_cmp(&a.1));
    edges.truncate(BAND_EDGES);
    let inner = best_band(&edges, w, h);
    edges.extend([(0, 1.0), (h, 1.0)]);
    let with_picture_edges = best_band(&edges, w, h);
    // A 16:9 frame whose other edge is too faint to see (a dark sky on a
    // dimmed copy of itself): implied from the strongest edges.
    let tall = w as f32 * 9.0 / 16.0;
    let mut strongest: Vec<usize> = Vec::new();
    for &(y, _) in &edges[..edges.len() - 2] {
        // An edge spread over two rows is one edge.
        if strongest.len() < IMPLIED_FROM && strongest.iter().all(|s| s.abs_diff(y) > 2) {
            strongest.push(y);
        }
    }
    let implied = strongest
        .iter()
        .flat_map(|&y| [y as f32 - tall, y as f32])
        .filter(|&y0| y0 >= 0.0 && y0 + tall <= h as f32)
        .map(|y0| Rect {
            x0: 0.0,
            y0,
            x1: w as f32,
            y1: y0 + tall,
        });
    let mut bands: Vec<Rect> = inner
        .into_iter()
        .chain(with_picture_edges)
        .chain(implied)
        .collect();
    bands.dedup();
    bands
}

/// The best scoring pair of edges (rows) framing a video-shaped band.
fn best_band(edges: &[(usize, f32)], w: usize, h: usize) -> Option<Rect> {
    let mut best: Option<(f32, usize, usize)> = None;
    for &(a, sa) in edges {
        for &(b, sb) in edges {
            let height = b.saturating_sub(a);
            if height == 0 || (a, b) == (0, h) {
                continue;
            }
            let aspect = w as f32 / height as f32;
            if (1.6..=2.45).contains(&aspect) && best.is_none_or(|(s, ..)| sa + sb > s) {
                best = Some((sa + sb, a, b));
            }
        }
    }
    best.map(|(_, a, b)| Rect {
        x0: 0.0,
        y0: a as f32,
        x1: w as f32,
        y1: b as f32,
    })
}

/// The strongest edges a 16:9 band is implied from.
const IMPLIED_FROM: usize = 2;
/// Pictures at least this wide for their height are taken as video-shaped.
const BAND_MAX_PICTURE_ASPECT: f32 = 1.6;
/// The strongest row edges tried as a band's top or bottom.
const BAND_EDGES: usize = 16;
/// Share of a row an edge must run along to end a band: less than a
/// frame's border in chrome, as a frame's dark top row may meet a dimmed
/// backdrop.
const BAND_EDGE_SHARE: f32 = 0.3;

/// The strong edge nearest the picture's border on that side.
fn outermost_edge(
    range: std::ops::Range<usize>,
    score: &dyn Fn(usize) -> f32,
    towards_end: bool,
) -> Option<usize> {
    let mut strong = range.filter(|&i| score(i) >= EDGE_SHARE);
    if towards_end {
        strong.next_back()
    } else {
        strong.next()
    }
}

/// Luma step that counts as an edge between two neighbouring pixels.
const EDGE_STEP: i32 = 12;
/// Share of a line an edge must run along to be a frame's border.
const EDGE_SHARE: f32 = 0.55;

fn strongest(range: std::ops::Range<usize>, score: &dyn Fn(usize) -> f32) -> Option<usize> {
    range
        .map(|i| (i, score(i)))
        .filter(|&(_, s)| s >= EDGE_SHARE)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// How many lines, counted from one edge, belong to a border.
fn border_depth(len: usize, bars: Bars, line: impl Fn(usize) -> Vec<u8>) -> usize {
    let max_cut = (len as f32 * MAX_CUT) as usize;
    let max_gap = ((len as f32 * MAX_INTERRUPTION).ceil() as usize).max(1);
    let mut depth = 0;
    let mut gap = 0;
    for i in 0..max_cut {
        if is_flat(&line(i), bars) {
            depth = i + 1;
            gap = 0;
        } else {
            gap += 1;
            if gap > max_gap {
                break;
            }
        }
    }
    depth
}

fn is_flat(line: &[u8], bars: Bars) -> bool {
    let mut hist = [0u32; 256];
    for &p in line {
        hist[p as usize] += 1;
    }
    let median = median_of(&hist, line.len());
    if bars == Bars::Dark && median > DARK_MAX {
        return false;
    }
    let near: u32 = hist
        .iter()
        .enumerate()
        .filter(|(v, _)| (*v as i32 - median as i32).abs() <= TOLERANCE)
        .map(|(_, n)| n)
        .sum();
    near as f32 >= line.len() as f32 * FLAT_SHARE
}

fn median_of(hist: &[u32; 256], count: usize) -> u8 {
    let mut seen = 0;
    for (v, &n) in hist.iter().enumerate() {
        seen += n as usize;
        if seen * 2 >= count {
            return v as u8;
        }
    }
    255
}

#[cfg(test)]
mod tests;
