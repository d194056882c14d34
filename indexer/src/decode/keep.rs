//! Which decoded frames the index keeps, and whether a decode covered its
//! whole video: pure rules on samples, codes and seconds, so they are
//! tested without a video.

use shared::FrameCode;
use shared::descriptor::Descriptor;

/// Frames closer than this to the last kept frame are the same drawing.
pub const SAME_DRAWING: u32 = 5;
/// Luma samples (columns, rows) compared to spot a repeated frame; a mean
/// difference of one level or less is codec noise on a held drawing.
const REPEAT_GRID: (usize, usize) = (64, 36);
/// Share of the declared duration a complete decode reaches, less
/// `TRUNCATION_SLACK_S`: streams often declare a little more than their
/// last frame; a file cut short stops well before what its container says.
const TRUNCATION_SHARE: f64 = 0.9;
const TRUNCATION_SLACK_S: f64 = 2.0;

/// The sparse grid of luma samples of a `width` x `height` plane with
/// `stride` bytes a row, row by row, each from the middle of its cell.
pub fn grid_samples(plane: &[u8], width: usize, height: usize, stride: usize) -> Vec<u8> {
    let (cols, rows) = REPEAT_GRID;
    (0..rows)
        .flat_map(|j| (0..cols).map(move |i| (i, j)))
        .map(|(i, j)| {
            let x = (2 * i + 1) * width / (2 * cols);
            let y = (2 * j + 1) * height / (2 * rows);
            plane[y * stride + x]
        })
        .collect()
}

/// Whether grid `samples` repeat those of the last hashed frame up to
/// codec noise (a mean difference of at most one level): a held drawing,
/// told for a fraction of the cost of hashing. Nothing repeats a grid of
/// another size (the first frame's `last` is empty).
pub fn is_repeat(samples: &[u8], last: &[u8]) -> bool {
    last.len() == samples.len()
        && samples
            .iter()
            .zip(last)
            .map(|(&a, &b)| a.abs_diff(b) as u32)
            .sum::<u32>()
            <= samples.len() as u32
}

/// A hashed frame as the index stores it: flat frames (black, white
/// flashes) get the zero code, which matches nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hashed {
    pub code: FrameCode,
    pub flat: bool,
}

impl Hashed {
    pub fn of(d: &Descriptor) -> Hashed {
        let flat = d.is_flat();
        let code = if flat { FrameCode::default() } else { d.code };
        Hashed { code, flat }
    }
}

/// Whether a hashed frame is kept: it is dropped as the same drawing when
/// the last kept frame was flat like it, or was not flat and is within
/// `SAME_DRAWING` bits of it.
pub fn keeps(frame: Hashed, last_kept: Option<Hashed>) -> bool {
    let same = last_kept.is_some_and(|last| {
        last.flat == frame.flat && (frame.flat || last.code.distance(frame.code) <= SAME_DRAWING)
    });
    !same
}

/// Whether frames that end at `decoded` seconds fall short of a `declared`
/// duration (0 when the container says none) by more than a complete file
/// does.
pub fn is_truncated(decoded: f64, declared: f64) -> bool {
    declared > 0.0 && decoded < declared * TRUNCATION_SHARE - TRUNCATION_SLACK_S
}

/// The video's duration in seconds: what the container declares, unless
/// the frames run longer or it declares none.
pub fn duration(decoded: f64, declared: f64) -> f64 {
    if declared > 0.0 {
        declared.max(decoded)
    } else {
        decoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code` with its lowest `bits` bits flipped.
    fn flipped(code: FrameCode, bits: u32) -> FrameCode {
        FrameCode::from_u128(code.to_u128() ^ ((1u128 << bits) - 1))
    }

    fn hashed(code: FrameCode) -> Hashed {
        Hashed { code, flat: false }
    }

    const FLAT: Hashed = Hashed {
        code: FrameCode { lo: 0, hi: 0 },
        flat: true,
    };

    #[test]
    fn the_grid_samples_cell_middles_and_skips_row_padding() {
        let (w, h, stride) = (128, 72, 140);
        let plane: Vec<u8> = (0..h * stride)
            .map(|i| {
                if i % stride < w {
                    (i % stride) as u8
                } else {
                    255
                }
            })
            .collect();
        let samples = grid_samples(&plane, w, h, stride);
        assert_eq!(samples.len(), 64 * 36);
        let odd_columns: Vec<u8> = (0..64).map(|i| 2 * i + 1).collect();
        for row in samples.chunks(64) {
            assert_eq!(row, odd_columns);
        }
    }

    #[test]
    fn a_repeated_grid_is_a_repeat_and_a_changed_one_is_not() {
        let last: Vec<u8> = (0..64 * 36).map(|i| (i * 7 % 251) as u8).collect();
        assert!(is_repeat(&last, &last));
        let noisy: Vec<u8> = last.iter().map(|&v| v ^ 1).collect();
        assert!(is_repeat(&noisy, &last), "one level everywhere is noise");
        let mut changed = last.clone();
        changed[..20]
            .iter_mut()
            .for_each(|v| *v = v.wrapping_add(128));
        assert!(!is_repeat(&changed, &last));
        let mut just_over = noisy.clone();
        just_over[0] = last[0].wrapping_add(2);
        assert!(!is_repeat(&just_over, &last), "a mean above one level");
        assert!(!is_repeat(&last, &[]), "the first frame repeats nothing");
    }

    #[test]
    fn a_code_within_5_bits_of_the_last_kept_is_dropped_and_6_bits_is_kept() {
        let last = FrameCode::from_u128(0x1234_5678_9abc_def0_1357_9bdf);
        assert!(!keeps(hashed(last), Some(hashed(last))));
        assert!(!keeps(hashed(flipped(last, 5)), Some(hashed(last))));
        assert!(keeps(hashed(flipped(last, 6)), Some(hashed(last))));
        assert!(keeps(hashed(last), None), "the first frame is kept");
    }

    #[test]
    fn a_flat_frame_is_dropped_after_a_flat_one_and_kept_after_a_picture() {
        let picture = hashed(FrameCode::default());
        assert!(!keeps(FLAT, Some(FLAT)));
        assert!(keeps(FLAT, Some(picture)));
        assert!(keeps(picture, Some(FLAT)));
    }

    #[test]
    fn a_flat_descriptor_is_stored_with_the_zero_code() {
        let code = FrameCode::from_u128(0xffff);
        let d = |energy| Descriptor {
            code,
            energy,
            strength: [1.0; shared::descriptor::STRENGTH_BITS],
        };
        assert_eq!(Hashed::of(&d(0.1)), FLAT);
        assert_eq!(Hashed::of(&d(5.0)), hashed(code));
    }

    #[test]
    fn a_decode_short_of_the_declared_duration_is_truncated() {
        // 90 % of 100 s less 2 s: frames up to 88 s are a complete file.
        assert!(is_truncated(87.9, 100.0));
        assert!(!is_truncated(88.5, 100.0));
        assert!(!is_truncated(99.96, 100.0));
        assert!(!is_truncated(100.04, 100.0));
        assert!(!is_truncated(1.0, 0.0), "nothing declared, nothing short");
    }

    #[test]
    fn the_duration_is_the_declared_one_unless_frames_run_longer() {
        assert_eq!(duration(99.5, 100.0), 100.0);
        assert_eq!(duration(100.5, 100.0), 100.5);
        assert_eq!(duration(42.0, 0.0), 42.0);
    }
}
