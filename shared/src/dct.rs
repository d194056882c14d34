//! A small separable DCT-II of the 32x32 thumbnail, computing only the low
//! frequencies the descriptor keeps.

use std::sync::OnceLock;

/// Side of the thumbnail the DCT runs on.
pub const N: usize = 32;
/// Number of lowest frequencies computed along each axis.
pub const K: usize = 14;

fn basis() -> &'static [[f32; N]; K] {
    static BASIS: OnceLock<[[f32; N]; K]> = OnceLock::new();
    BASIS.get_or_init(|| {
        let mut b = [[0f32; N]; K];
        for (u, row) in b.iter_mut().enumerate() {
            for (x, v) in row.iter_mut().enumerate() {
                let angle = std::f64::consts::PI * (2 * x + 1) as f64 * u as f64 / (2 * N) as f64;
                *v = angle.cos() as f32;
            }
        }
        b
    })
}

/// Low-frequency DCT coefficients of a 32x32 block (row-major input):
/// `out[v][u]`, `u` the horizontal and `v` the vertical frequency, both < K.
pub fn low_frequencies(block: &[f32; N * N]) -> [[f32; K]; K] {
    let b = basis();
    // Rows first: for every row y, its K horizontal frequencies.
    let mut rows = [[0f32; K]; N];
    for (y, out) in rows.iter_mut().enumerate() {
        let line = &block[y * N..(y + 1) * N];
        for (u, o) in out.iter_mut().enumerate() {
            *o = dot(&b[u], line);
        }
    }
    let mut out = [[0f32; K]; K];
    for (v, out_row) in out.iter_mut().enumerate() {
        for (u, o) in out_row.iter_mut().enumerate() {
            *o = (0..N).map(|y| b[v][y] * rows[y][u]).sum();
        }
    }
    out
}

fn dot(a: &[f32; N], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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
