//! A phone photo of a monitor: the video is a quadrilateral (the camera
//! was not square to the screen) framed by the screen's dark bezel. Each
//! side is the straight line, nearly along the picture's side, across
//! which the picture is darker outside than inside along most of its
//! middle; the four lines' corners are mapped back to a rectangle.

use crate::gray::Gray;

/// A point in work-image pixels.
pub type Point = (f32, f32);

/// Least luma step across a side, darker outside.
const STEP: i32 = 14;
/// Pixels either side of a line the step is measured across (a photo's
/// edge is blurred over a few pixels).
const REACH: f32 = 2.0;
/// Share of a side's samples that must show the step.
const MIN_SUPPORT: f32 = 0.45;
/// Share of each dimension a side may lie in, from the picture's border.
const SIDE_ZONE: f32 = 0.35;
/// How far a side may lean: the difference of its ends' positions, as a
/// share of its length (a corner 6 % off leans a side by about 0.14).
const MAX_LEAN: f32 = 0.16;
/// Grid of the first search for each side, and its samples' spacing, in
/// pixels; the best line is then refined to the pixel.
const GRID: f32 = 3.0;
/// Sides are sampled over this middle share of their length, which lies
/// inside the screen however its corners sit.
const MIDDLE: (f32, f32) = (0.2, 0.8);

/// The screen's corners (top left, top right, bottom right, bottom left),
/// or `None` when the picture shows no such quadrilateral.
pub fn screen_quad(img: &Gray) -> Option<[Point; 4]> {
    let (w, h) = (img.width as f32, img.height as f32);
    // A side is given by its two ends on the picture's borders: `a` at the
    // start (left or top), `b` at the end (right or bottom).
    let top = best_line(img, Side::Top)?;
    let bottom = best_line(img, Side::Bottom)?;
    let left = best_line(img, Side::Left)?;
    let right = best_line(img, Side::Right)?;
    let horizontal = |(a, b): (f32, f32)| ((0.0, a), (w, b));
    let vertical = |(a, b): (f32, f32)| ((a, 0.0), (b, h));
    let corners = [
        meet(horizontal(top), vertical(left))?,
        meet(horizontal(top), vertical(right))?,
        meet(horizontal(bottom), vertical(right))?,
        meet(horizontal(bottom), vertical(left))?,
    ];
    let inside = corners
        .iter()
        .all(|&(x, y)| (-1.0..=w + 1.0).contains(&x) && (-1.0..=h + 1.0).contains(&y));
    inside.then_some(corners)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

impl Side {
    fn horizontal(self) -> bool {
        matches!(self, Side::Top | Side::Bottom)
    }
}

/// The side's line as its two ends' positions: the best supported,
/// searched on a `GRID` grid, then refined to the pixel.
fn best_line(img: &Gray, side: Side) -> Option<(f32, f32)> {
    let (len, across) = if side.horizontal() {
        (img.width as f32, img.height as f32)
    } else {
        (img.height as f32, img.width as f32)
    };
    let zone = across * SIDE_ZONE;
    let lean = len * MAX_LEAN;
    let range = match side {
        Side::Top | Side::Left => (0.0, zone),
        Side::Bottom | Side::Right => (across - zone, across),
    };
    let consider = |best: &mut Option<(f32, f32, f32)>, a: f32, b: f32| {
        let s = support(img, side, a, b, GRID);
        if best.is_none_or(|(bs, ..)| s > bs) {
            *best = Some((s, a, b));
        }
    };
    let mut best = None;
    let mut a = range.0;
    while a <= range.1 {
        let mut b = (a - lean).max(range.0);
        while b <= (a + lean).min(range.1) {
            consider(&mut best, a, b);
            b += GRID;
        }
        a += GRID;
    }
    let (_, a0, b0) = best?;
    for da in -2..=2 {
        for db in -2..=2 {
            consider(&mut best, a0 + da as f32, b0 + db as f32);
        }
    }
    let (s, a, b) = best?;
    (s >= MIN_SUPPORT).then_some((a, b))
}

/// Share of the line's middle samples across which the picture steps
/// from dark outside to brighter inside.
fn support(img: &Gray, side: Side, a: f32, b: f32, spacing: f32) -> f32 {
    let (len, across) = if side.horizontal() {
        (img.width as f32, img.height as f32)
    } else {
        (img.height as f32, img.width as f32)
    };
    let inward = match side {
        Side::Top | Side::Left => 1.0,
        Side::Bottom | Side::Right => -1.0,
    };
    let (mut hits, mut total) = (0, 0);
    let mut t = len * MIDDLE.0;
    while t < len * MIDDLE.1 {
        let pos = a + (b - a) * t / len;
        let (outside, inside) = (pos - inward * REACH, pos + inward * REACH);
        if outside >= 0.0 && inside >= 0.0 && outside < across && inside < across {
            let at = |p: f32| {
                if side.horizontal() {
                    img.get(t as u32, p as u32) as i32
                } else {
                    img.get(p as u32, t as u32) as i32
                }
            };
            if at(inside) - at(outside) >= STEP {
                hits += 1;
            }
            total += 1;
        }
        t += spacing;
    }
    if total == 0 {
        0.0
    } else {
        hits as f32 / total as f32
    }
}

/// Where two lines, each given by two points, cross.
fn meet((p1, p2): (Point, Point), (p3, p4): (Point, Point)) -> Option<Point> {
    let d = (p1.0 - p2.0) * (p3.1 - p4.1) - (p1.1 - p2.1) * (p3.0 - p4.0);
    if d.abs() < 1e-6 {
        return None;
    }
    let a = p1.0 * p2.1 - p1.1 * p2.0;
    let b = p3.0 * p4.1 - p3.1 * p4.0;
    Some((
        (a * (p3.0 - p4.0) - (p1.0 - p2.0) * b) / d,
        (a * (p3.1 - p4.1) - (p1.1 - p2.1) * b) / d,
    ))
}

/// The quadrilateral `quad` (corners clockwise from top left) of the work
/// image, mapped onto a `width` x `height` picture, bilinear.
pub fn rectify(img: &Gray, quad: &[Point; 4], width: u32, height: u32) -> Gray {
    let map = square_to_quad(quad);
    let mut pixels = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        let v = (y as f32 + 0.5) / height as f32;
        for x in 0..width {
            let u = (x as f32 + 0.5) / width as f32;
            let (sx, sy) = project(&map, u, v);
            pixels.push(sample(img, sx - 0.5, sy - 0.5));
        }
    }
    Gray::new(width, height, pixels)
}

/// The point at (u, v) of the unit square mapped by `h` (see
/// `square_to_quad`).
fn project(h: &[f32; 8], u: f32, v: f32) -> Point {
    let w = h[6] * u + h[7] * v + 1.0;
    (
        (h[0] * u + h[1] * v + h[2]) / w,
        (h[3] * u + h[4] * v + h[5]) / w,
    )
}

/// The projective map of the unit square onto `quad`, which keeps
/// straight lines straight as a photo does (Heckbert's closed form): x = (a u + b v + c) / (g u + h v + 1), y likewise with d, e, f.
fn square_to_quad(q: &[Point; 4]) -> [f32; 8] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = *q;
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dy1, dx2, dy2) = (x1 - x2, y1 - y2, x3 - x2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let (g, hh) = if den.abs() < 1e-9 {
        (0.0, 0.0)
    } else {
        ((sx * dy2 - dx2 * sy) / den, (dx1 * sy - sx * dy1) / den)
    };
    [
        x1 - x0 + g * x1,
        x3 - x0 + hh * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + hh * y3,
        y0,
        g,
        hh,
    ]
}

fn sample(img: &Gray, x: f32, y: f32) -> u8 {
    let (mw, mh) = (img.width as f32 - 1.0, img.height as f32 - 1.0);
    let (x, y) = (x.clamp(0.0, mw), y.clamp(0.0, mh));
    let (x0, y0) = (x.floor(), y.floor());
    let (x1, y1) = ((x0 + 1.0).min(mw), (y0 + 1.0).min(mh));
    let (fx, fy) = (x - x0, y - y0);
    let p = |x: f32, y: f32| img.get(x as u32, y as u32) as f32;
    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * fx;
    let bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * fx;
    (top + (bottom - top) * fy).round() as u8
}

/// The size a quadrilateral's picture has when made rectangular: its
/// sides' mean lengths.
pub fn rectified_size(quad: &[Point; 4]) -> (u32, u32) {
    let d = |a: Point, b: Point| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let w = (d(quad[0], quad[1]) + d(quad[3], quad[2])) / 2.0;
    let h = (d(quad[0], quad[3]) + d(quad[1], quad[2])) / 2.0;
    (w.round().max(1.0) as u32, h.round().max(1.0) as u32)
}
