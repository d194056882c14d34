//! Thumbnails of many rectangles of one picture at a constant cost each:
//! a summed-area table gives the exact area average of any rectangle,
//! fractional edges included, whatever its size. A screenshot that shows
//! an unknown part of a frame is hashed over many guessed windows.

use super::{Descriptor, describe_block, describe_frequencies};
use crate::borders::Rect;
use crate::dct::{self, N, RowFrequencies};
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
        let cell = (rect.width() / N as f32, rect.height() / N as f32);
        let cells = self.cells((rect.x0, rect.y0), cell, N, N);
        cells.try_into().expect("N x N cells")
    }

    /// The descriptors of every `N` x `N` block of a grid of cells (see
    /// `cells`): `(cols - N + 1) * (rows - N + 1)` of them, by left edge,
    /// then top edge. They are those of `describe` on each block's
    /// rectangle (to float rounding), at a fraction of the cost: each cell
    /// is averaged once, and blocks with the same columns share their rows'
    /// horizontal frequencies.
    pub fn describe_blocks(
        &self,
        origin: (f32, f32),
        cell: (f32, f32),
        cols: usize,
        rows: usize,
    ) -> Vec<Descriptor> {
        if cols < N || rows < N {
            return Vec::new();
        }
        let grid = self.cells(origin, cell, cols, rows);
        let mut out = Vec::with_capacity((cols - N + 1) * (rows - N + 1));
        let mut freqs: Vec<RowFrequencies> = vec![[0.0; _]; rows];
        for x in 0..=cols - N {
            for (y, f) in freqs.iter_mut().enumerate() {
                *f = dct::row_frequencies(&grid[y * cols + x..][..N]);
            }
            for y in 0..=rows - N {
                out.push(describe_frequencies(&dct::column_frequencies(
                    &freqs[y..y + N],
                )));
            }
        }
        out
    }

    /// Area averages of a grid of `cols` x `rows` equal cells of size
    /// `cell`, its top left corner at `origin`, row by row.
    pub fn cells(
        &self,
        origin: (f32, f32),
        cell: (f32, f32),
        cols: usize,
        rows: usize,
    ) -> Vec<f32> {
        let (w, h) = (self.width as f32, self.height as f32);
        let xs: Vec<f32> = (0..=cols)
            .map(|i| (origin.0 + i as f32 * cell.0).clamp(0.0, w))
            .collect();
        let ys: Vec<f32> = (0..=rows)
            .map(|i| (origin.1 + i as f32 * cell.1).clamp(0.0, h))
            .collect();
        let sx: Vec<(usize, f64)> = xs.iter().map(|&x| split(x, self.width)).collect();
        let mut below: Vec<f64> = sx
            .iter()
            .map(|&x| self.integral(x, split(ys[0], self.height)))
            .collect();
        let mut above = vec![0f64; cols + 1];
        let mut out = Vec::with_capacity(cols * rows);
        for v in 0..rows {
            std::mem::swap(&mut above, &mut below);
            let y = split(ys[v + 1], self.height);
            for (c, &x) in below.iter_mut().zip(&sx) {
                *c = self.integral(x, y);
            }
            let cell_h = (ys[v + 1] - ys[v]) as f64;
            for u in 0..cols {
                let area = (xs[u + 1] - xs[u]) as f64 * cell_h;
                out.push(if area > 1e-6 {
                    let sum = below[u + 1] - above[u + 1] - below[u] + above[u];
                    (sum / area) as f32
                } else {
                    self.pixel(xs[u], ys[v])
                });
            }
        }
        out
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
    fn the_blocks_of_a_grid_are_described_as_their_rects_are() {
        let img = picture(320, 180);
        let sat = SummedArea::new(&img);
        let (origin, cell) = ((7.3f32, 4.1f32), (6.6f32, 3.7f32));
        let blocks = sat.describe_blocks(origin, cell, N + 3, N + 2);
        assert_eq!(blocks.len(), 4 * 3);
        let side = N as f32;
        for (i, got) in blocks.iter().enumerate() {
            let (x, y) = ((i / 3) as f32, (i % 3) as f32);
            let r = Rect {
                x0: origin.0 + x * cell.0,
                y0: origin.1 + y * cell.1,
                x1: origin.0 + (x + side) * cell.0,
                y1: origin.1 + (y + side) * cell.1,
            };
            let want = sat.describe(r);
            assert_eq!(got.code, want.code, "block {i}");
            assert!(
                (got.energy - want.energy).abs() < 1e-3 * want.energy,
                "block {i}"
            );
        }
        assert!(sat.describe_blocks(origin, cell, N - 1, N).is_empty());
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
