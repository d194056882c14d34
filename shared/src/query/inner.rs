//! Where a frame's inner window may lie in a screenshot cut from it. A
//! crop of up to 20 % a side (a zoomed-in screenshot, a social-media cut)
//! still shows the frame's inner window whole (the middle 60 % each way,
//! indexed beside the whole frame: `descriptor::inner_area`), but at an
//! unknown scale and place. The guesses step through both: the share of
//! the frame's width the screenshot kept, then the window's left and top
//! edge, each step `STEP` of the window's size, the frame taken to be
//! 16:9. Each guess is hashed from one summed-area table.

use crate::borders::{self, Bars, Rect};
use crate::descriptor::{INNER, SummedArea};
use crate::gray::Gray;
use crate::search::Probe;

/// A guess's step, as a share of the window's size: the code of a window
/// moved by 3 % of its width is within 8 bits of the window's code for
/// nine crops in ten (`diagnose --inner 0.03`, docs/ACCURACY.md).
pub const STEP: f32 = 0.03;
/// The smallest and largest share of a frame's side a cut keeps: at most
/// 20 % is cut from each side (then the inner window is still whole), and
/// 10 % or more in all (5 % a side; crops of up to 4 % a side are the
/// whole-frame search's).
const KEPT: (f32, f32) = (0.6, 0.9);
/// The frame's shape the guesses assume (width / height).
const FRAME_ASPECT: f32 = 16.0 / 9.0;

/// The guessed inner windows of a screenshot's video, hashed; flat ones are
/// left out. The screenshot's dark bars are cut first, as a frame's are.
pub fn inner_probes(img: &Gray) -> Vec<Probe> {
    let content = borders::content_rect(img, Bars::Dark);
    let sat = SummedArea::new(img);
    guesses(content, STEP)
        .into_iter()
        .map(|r| sat.describe(r))
        .filter(|d| !d.is_flat())
        .map(|d| Probe::new(&d))
        .collect()
}

/// Where the inner window of a 16:9 frame may lie in `content`, a cut of
/// that frame: for each share of the frame's width the cut kept (widest
/// first, in steps of `step`), every left and top edge in steps of `step`
/// of the window's size.
pub fn guesses(content: Rect, step: f32) -> Vec<Rect> {
    let (w, h) = (content.width(), content.height());
    let mut out = Vec::new();
    let window = 1.0 - 2.0 * INNER;
    let mut kept = KEPT.1;
    while kept >= KEPT.0 - 1e-3 {
        let frame_w = w / kept;
        let frame_h = frame_w / FRAME_ASPECT;
        let (ww, wh) = (frame_w * window, frame_h * window);
        // The cut keeps between `KEPT.0` of the frame's height and all of it.
        let kept_h = h / frame_h;
        if (KEPT.0 - 0.02..=1.02).contains(&kept_h) && wh <= h * 1.02 {
            for x0 in steps(w - ww, step * ww) {
                for y0 in steps((h - wh).max(0.0), step * wh) {
                    out.push(Rect {
                        x0: content.x0 + x0,
                        y0: content.y0 + y0,
                        x1: content.x0 + x0 + ww,
                        y1: content.y0 + (y0 + wh).min(h),
                    });
                }
            }
        }
        kept /= 1.0 + step;
    }
    out
}

/// 0, `step`, 2 `step`, ... up to `span`.
fn steps(span: f32, step: f32) -> impl Iterator<Item = f32> {
    let n = (span.max(0.0) / step + 1e-3).floor() as usize;
    (0..=n).map(move |i| i as f32 * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guess_lies_near_the_inner_window_of_any_crop() {
        // A 1600x900 frame cut by (l, r, t, b); its inner window is
        // [320, 1280] x [180, 720] in the frame.
        for (l, r, t, b) in [
            (0.05, 0.05, 0.05, 0.05),
            (0.2, 0.2, 0.2, 0.2),
            (0.05, 0.2, 0.12, 0.07),
            (0.17, 0.06, 0.2, 0.05),
        ] {
            let (fw, fh) = (1600.0, 900.0);
            let content = Rect {
                x0: 0.0,
                y0: 0.0,
                x1: fw * (1.0 - l - r),
                y1: fh * (1.0 - t - b),
            };
            let want = Rect {
                x0: 320.0 - fw * l,
                y0: 180.0 - fh * t,
                x1: 1280.0 - fw * l,
                y1: 720.0 - fh * t,
            };
            let off = |g: &Rect| {
                let dx = (g.x0 - want.x0).abs().max((g.x1 - want.x1).abs()) / want.width();
                let dy = (g.y0 - want.y0).abs().max((g.y1 - want.y1).abs()) / want.height();
                dx.max(dy)
            };
            let all = guesses(content, STEP);
            let best = all.iter().map(off).fold(f32::MAX, f32::min);
            assert!(best <= 0.03, "{l} {r} {t} {b}: nearest guess {best}");
            assert!(all.len() < 4_000, "{}", all.len());
        }
    }
}
