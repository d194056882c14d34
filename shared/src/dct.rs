//! A small separable DCT-II of the 32x32 thumbnail, computing only the low
//! frequencies the descriptor keeps.

use std::sync::OnceLock;

/// Side of the thumbnail the DCT runs on.
pub const N: usize = 32;
/// Number of lowest frequencies computed along each axis.
pub const K: usize = 14;

/// Lanes of the frequency axis: `K` rounded up so that the inner loops run
/// over whole SIMD registers (the extra lanes stay zero).
const LANES: usize = 16;

/// `basis()[x][u]`: the DCT-II basis, sample `x` of frequency `u`.
fn basis() -> &'static [[f32; LANES]; N] {
    static BASIS: OnceLock<[[f32; LANES]; N]> = OnceLock::new();
    BASIS.get_or_init(|| {
        let mut b = [[0f32; LANES]; N];
        for (x, row) in b.iter_mut().enumerate() {
            for (u, v) in row.iter_mut().enumerate().take(K) {
                let angle = std::f64::consts::PI * (2 * x + 1) as f64 * u as f64 / (2 * N) as f64;
                *v = angle.cos() as f32;
            }
        }
        b
    })
}

/// Low-frequency DCT coefficients of a 32x32 block (row-major input):
/// `out[v][u]`, `u` the horizontal and `v` the vertical frequency, both < K.
/// Both passes add whole rows of `LANES` frequencies at a time, a loop the
/// compiler vectorises.
pub fn low_frequencies(block: &[f32; N * N]) -> [[f32; K]; K] {
    let b = basis();
    // Rows first: for every row y, its horizontal frequencies.
    let mut rows = [[0f32; LANES]; N];
    for (y, out) in rows.iter_mut().enumerate() {
        for (x, &p) in block[y * N..(y + 1) * N].iter().enumerate() {
            add_scaled(out, &b[x], p);
        }
    }
    let mut cols = [[0f32; LANES]; K];
    for (y, row) in rows.iter().enumerate() {
        for (v, out) in cols.iter_mut().enumerate() {
            add_scaled(out, row, b[y][v]);
        }
    }
    std::array::from_fn(|v| std::array::from_fn(|u| cols[v][u]))
}

/// `acc += a * s`, lane by lane.
fn add_scaled(acc: &mut [f32; LANES], a: &[f32; LANES], s: f32) {
    for (o, &x) in acc.iter_mut().zip(a) {
        *o += x * s;
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;

    #[test]
    fn constant_block_has_only_dc() {
        let c = low_frequencies(&[3.0; N * N]);
        assert!((c[0][0] - 3.0 * (N * N) as f32).abs() < 1e-2);
        for v in 0..K {
            for u in 0..K {
                if (u, v) != (0, 0) {
                    assert!(c[v][u].abs() < 1e-2, "({u},{v}) = {}", c[v][u]);
                }
            }
        }
    }

    #[test]
    fn coefficients_are_the_textbook_sums() {
        let block: [f32; N * N] = std::array::from_fn(|i| ((i * 7919) % 251) as f32);
        let c = low_frequencies(&block);
        let cos = |a: usize, f: usize| {
            (std::f64::consts::PI * (2 * a + 1) as f64 * f as f64 / (2 * N) as f64).cos()
        };
        for v in 0..K {
            for u in 0..K {
                let mut sum = 0f64;
                for y in 0..N {
                    for x in 0..N {
                        sum += block[y * N + x] as f64 * cos(x, u) * cos(y, v);
                    }
                }
                assert!(
                    (c[v][u] as f64 - sum).abs() < 0.05,
                    "({u},{v}): {} vs {sum}",
                    c[v][u]
                );
            }
        }
    }

    #[test]
    fn mirroring_negates_odd_horizontal_frequencies() {
        let block: [f32; N * N] = std::array::from_fn(|i| ((i * 7919) % 251) as f32);
        let mirrored: [f32; N * N] = std::array::from_fn(|i| block[(i / N) * N + (N - 1 - i % N)]);
        let (a, b) = (low_frequencies(&block), low_frequencies(&mirrored));
        for v in 0..K {
            for u in 0..K {
                let sign = if u % 2 == 1 { -1.0 } else { 1.0 };
                assert!((a[v][u] - sign * b[v][u]).abs() < 0.5);
            }
        }
    }
}
