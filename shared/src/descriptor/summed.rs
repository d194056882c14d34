//! Thumbnails of many rectangles of one picture at a constant cost each:
//! a summed-area table gives the exact area average of any rectangle,
//! fractional edges included, whatever its size. A screenshot that shows
//! an unknown part of a frame is hashed over many guessed windows.

use super::{Descriptor, describe_block};
use crate::borders::Rect;
use crate::dct::N;
use crate::gray::Gray;

/// Running sums of a picture's pixels: `sums[y][x]` is the sum over the
/// pixels left of column `x` and above row `y`.
pub struct SummedArea {
    width: u32,
    height: u32,
    sums: Vec<u32>,
}

impl SummedArea {
    pub fn new(img: &Gray) -> SummedArea {
        let (w, h) = (img.width as usize, img.height as usize);
        let mut sums = vec![0u32; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = 0u32;
            for (x, &p) in img.row(y as u32).iter().enumerate() {
                row += p as u32;
                sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + row;
            }
        }
        SummedArea {
            width: img.width,
            height: img.height,
            sums,
        }
    }

    /// The descriptor of `rect`, as `descriptor::describe` gives it.
    pub fn describe(&self, rect: Rect) -> Descriptor {
        describe_block(&self.thumbnail(rect))
    }

    /// The `rect` part area-averaged down to a 32x32 block, as
    /// `descriptor::thumbnail` makes it (to float rounding).
    pub fn thumbnail(&self, rect: Rect) -> [f32; N * N] {
        let (w, h) = (self.width as f32, self.height as f32);
        let xs: [f32; N + 1] = std::array::from_fn(|i| {
            (rect.x0 + i as f32 * (rect.x1 - rect.x0) / N as f32).clamp(0.0, w)
        });
        let ys: [f32; N + 1] = std::array::from_fn(|i| {
            (rect.y0 + i as f32 * (rect.y1 - rect.y0) / N as f32).clamp(0.0, h)
        });
        let (sx, sy) = (
            xs.map(|x| split(x, self.width)),
            ys.map(|y| split(y, self.height)),
        );
        let mut corners = [[0f64; N + 1]; N + 1];
        for (row, &y) in corners.iter_mut().zip(&sy) {
            for (c, &x) in row.iter_mut().zip(&sx) {
                *c = self.integral(x, y);
            }
        }
        let mut block = [0f32; N * N];
        for v in 0..N {
            let cell_h = (ys[v + 1] - ys[v]) as f64;
            for u in 0..N {
                let area = (xs[u + 1] - xs[u]) as f64 * cell_h;
                block[v * N + u] = if area > 1e-6 {
                    let sum = corners[v + 1][u + 1] - corners[v][u + 1] - corners[v + 1][u]
                        + corners[v][u];
                    (sum / area) as f32
                } else {
                    self.pixel(xs[u], ys[v])
                };
            }
        }
        block
    }

    /// The integral of the picture over `[0, x] x [0, y]` (each given
    /// `split` into its pixel and the share before it), its pixels
    /// constant over their unit squares: within one square it is bilinear
    /// in `x` and `y`, so interpolating the running sums is exact.
    fn integral(&self, (ix, fx): (usize, f64), (iy, fy): (usize, f64)) -> f64 {
        let s = |x, y| self.sum(x, y) as f64;
        let (s00, s10) = (s(ix, iy), s(ix + 1, iy));
        let (s01, s11) = (s(ix, iy + 1), s(ix + 1, iy + 1));
        s00 + fx * (s10 - s00) + fy * (s01 - s00) + fx * fy * (s11 - s10 - s01 + s00)
    }

    /// The pixel a point lies in (for a cell thinner than a pixel).
    fn pixel(&self, x: f32, y: f32) -> f32 {
        let (ix, _) = split(x, self.width);
        let (iy, _) = split(y, self.height);
        let s = |x, y| self.sum(x, y) as i64;
        (s(ix + 1, iy + 1) - s(ix, iy + 1) - s(ix + 1, iy) + s(ix, iy)) as f32
    }

    /// The sum over the pixels left of column `x` and above row `y`.
    fn sum(&self, x: usize, y: usize) -> u32 {
        self.sums[y * (self.width as usize + 1) + x]
    }
}

/// A coordinate in `[0, len]` as its pixel (at most `len - 1`) and the
/// share of that pixel before it.
fn split(v: f32, len: u32) -> (usize, f64) {
    let i = (v.floor().max(0.0) as usize).min(len as usize - 1);
    (i, (v as f64 - i as f64).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::tests::picture;
    use crate::descriptor::{describe, thumbnail};

    #[test]
    fn thumbnails_match_the_direct_ones_for_fractional_rects() {
        let img = picture(320, 180);
        let sat = SummedArea::new(&img);
        let rects = [
            Rect {
                x0: 0.0,
                y0: 0.0,
                x1: 320.0,
                y1: 180.0,
            },
            Rect {
                x0: 12.3,
                y0: 7.7,
                x1: 250.9,
                y1: 171.2,
            },
            Rect {
                x0: 100.5,
                y0: 0.0,
                x1: 201.25,
                y1: 180.0,
            },
            Rect {
                x0: 3.0,
                y0: 40.0,
                x1: 40.0,
                y1: 70.0,
            },
        ];
        for r in rects {
            let (a, b) = (thumbnail(&img, r), sat.thumbnail(r));
            let worst = a
                .iter()
                .zip(&b)
                .map(|(x, y)| (x - y).abs())
                .fold(0f32, f32::max);
            assert!(worst < 0.01, "{r:?}: cells differ by {worst}");
            assert_eq!(describe(&img, r).code, sat.describe(r).code, "{r:?}");
        }
    }

    #[test]
    fn a_cell_thinner_than_a_pixel_takes_its_pixel() {
        let img = picture(64, 48);
        let sat = SummedArea::new(&img);
        let r = Rect {
            x0: 10.0,
            y0: 10.0,
            x1: 10.0 + 1e-5,
            y1: 30.0,
        };
        let b = sat.thumbnail(r);
        assert_eq!(b[0], img.row(10)[10] as f32);
    }
}
