//! Properties of the code, the descriptor and the index format, checked on
//! generated inputs with proptest.

use proptest::prelude::*;
use shared::Gray;
use shared::borders::Rect;
use shared::descriptor::{FrameCode, describe};
use shared::index::Index;
use shared::search::{self, Probe};
use testkit::synthetic::{anime, video, write_index};

fn code() -> impl Strategy<Value = FrameCode> {
    (any::<u64>(), any::<u32>()).prop_map(|(lo, hi)| FrameCode { lo, hi })
}

/// Smooth random pictures: a few random waves in the frequencies the code
/// describes, like shapes and shading.
fn picture() -> impl Strategy<Value = Gray> {
    prop::collection::vec((0.5f32..4.0, 0.5f32..4.0, 0.0f32..6.3, 40.0f32..80.0), 3..7).prop_map(
        |waves| {
            let (w, h) = (160u32, 90u32);
            let pixels = (0..h)
                .flat_map(|y| {
                    let waves = waves.clone();
                    (0..w).map(move |x| {
                        let v: f32 = waves
                            .iter()
                            .map(|(fx, fy, p, a)| {
                                a * (fx * x as f32 / w as f32 + fy * y as f32 / h as f32 + p).sin()
                            })
                            .sum();
                        (128.0 + v * 0.25).clamp(0.0, 255.0) as u8
                    })
                })
                .collect();
            Gray::new(w, h, pixels)
        },
    )
}

proptest! {
    #[test]
    fn distance_is_a_metric(a in code(), b in code(), c in code()) {
        prop_assert_eq!(a.distance(a), 0);
        prop_assert_eq!(a.distance(b), b.distance(a));
        prop_assert!(a.distance(c) <= a.distance(b) + b.distance(c));
        prop_assert!(a.distance(b) <= shared::descriptor::BITS);
    }

    #[test]
    fn bytes_round_trip(a in code()) {
        prop_assert_eq!(FrameCode::from_bytes(&a.to_bytes()), a);
    }

    #[test]
    fn mirroring_is_an_involution_that_keeps_distances(a in code(), b in code()) {
        prop_assert_eq!(a.mirrored().mirrored(), a);
        prop_assert_eq!(a.mirrored().distance(b.mirrored()), a.distance(b));
    }

    /// Brightness and contrast only move the DC term: every bit whose
    /// coefficient stands clear of rounding noise keeps its value.
    #[test]
    fn brightness_and_contrast_keep_the_strong_bits(img in picture(), gain in 0.6f32..1.3, offset in -20f32..20.0) {
        let (lo, hi) = (*img.pixels.iter().min().unwrap() as f32, *img.pixels.iter().max().unwrap() as f32);
        prop_assume!(lo * gain + offset >= 0.0 && hi * gain + offset <= 255.0);
        let shifted = Gray::new(img.width, img.height, img.pixels.iter().map(|&p| (p as f32 * gain + offset).round() as u8).collect());
        let rect = Rect::full(&img);
        let coefficients = |g: &Gray| shared::dct::low_frequencies(&shared::descriptor::thumbnail(g, rect));
        let (a, b) = (coefficients(&img), coefficients(&shifted));
        for &(u, v) in shared::descriptor::frequencies() {
            // Rounding to whole levels bands smooth shading; that error,
            // summed over 1024 cells, stays well under this.
            if a[v][u].abs() > 300.0 {
                prop_assert_eq!(a[v][u] > 0.0, b[v][u] > 0.0, "({}, {}): {} vs {}", u, v, a[v][u], b[v][u]);
            }
        }
    }

    #[test]
    fn a_mirrored_picture_has_the_mirrored_code(img in picture()) {
        let rect = Rect::full(&img);
        let a = describe(&img, rect);
        prop_assume!(!a.is_flat());
        let b = describe(&img.mirrored(), rect).code;
        prop_assert!(a.code.mirrored().distance(b) <= 4, "distance {}", a.code.mirrored().distance(b));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn index_round_trips_codes_and_times(videos in prop::collection::vec(prop::collection::vec((code(), 0u32..200_000), 0..40), 1..5)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.bin");
        let mut expected = Vec::new();
        for (i, frames) in videos.iter().enumerate() {
            let mut frames = frames.clone();
            frames.sort_by_key(|f| f.1);
            frames.dedup_by_key(|f| f.1);
            expected.push((video(&format!("A/{i}.mkv"), 0, i as u32), frames));
        }
        write_index(&path, &[anime(1, "A")], &expected).unwrap();
        let index = Index::open(&path).unwrap();
        index.verify().unwrap();
        let codes = index.codes_in_frame_order();
        for (i, (_, frames)) in expected.iter().enumerate() {
            let times = index.times_ms(i);
            let first = index.frame_range(i).start as usize;
            // Every original frame is there at its time (gaps longer than a
            // delta holds add repeats of the previous frame in between).
            for (code, t) in frames {
                let j = times.iter().rposition(|x| x == t).expect("time stored");
                prop_assert_eq!(codes[first + j], *code);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The bucketed search finds a stored frame from a code up to 3 bits
    /// away (its own bucket and every 1-3 bit flip of the key fit the
    /// budget), and agrees with the exact scan on the nearest hit.
    #[test]
    fn search_finds_near_codes_like_the_exact_scan(
        codes in prop::collection::vec(code(), 1..3000),
        pick in any::<prop::sample::Index>(),
        flips in prop::collection::vec(0u32..96, 0..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.bin");
        let frames: Vec<(FrameCode, u32)> = codes.iter().enumerate().map(|(i, &c)| (c, i as u32 * 100)).collect();
        write_index(&path, &[anime(1, "A")], &[(video("A/1.mkv", 0, 1), frames)]).unwrap();
        let index = Index::open(&path).unwrap();
        let target = codes[pick.index(codes.len())];
        prop_assume!(target != FrameCode::default());
        let mut query = target.to_u128();
        for f in &flips {
            query ^= 1 << f;
        }
        let query = FrameCode::from_u128(query);
        let probes = [Probe::of_code(query)];
        let fast = search::search(&index, &probes, &search::Budget::default(), None);
        let exact = search::exact(&index, &probes, None);
        prop_assert!(fast[0].distance <= target.distance(query));
        prop_assert_eq!(fast[0].distance, exact[0].distance);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Both codes of every frame come back in frame order, the inner
    /// windows' in their own table (a flat one, zero, is not stored).
    #[test]
    fn index_round_trips_both_codes(
        frames in prop::collection::vec((code(), code(), any::<bool>()), 0..300),
    ) {
        use shared::index::{IndexBuilder, KeptFrame, write_atomically};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.bin");
        let kept: Vec<KeptFrame> = frames
            .iter()
            .enumerate()
            .map(|(i, &(code, inner, flat))| KeptFrame {
                code,
                inner: if flat { FrameCode::default() } else { inner },
                ms: i as u32 * 100,
            })
            .collect();
        let mut builder = IndexBuilder::new();
        let a = builder.add_anime(anime(1, "A"));
        builder.add_video(video("A/1.mkv", a, 1), &kept);
        write_atomically(&path, &builder.finish(), "test", 1).unwrap();
        let index = Index::open(&path).unwrap();
        index.verify().unwrap();
        let whole: Vec<FrameCode> = kept.iter().map(|k| k.code).collect();
        let inner: Vec<FrameCode> = kept.iter().map(|k| k.inner).collect();
        prop_assert_eq!(index.codes_in_frame_order(), whole);
        prop_assert_eq!(index.inner_codes_in_frame_order(), inner.clone());
        let stored = inner.iter().filter(|c| **c != FrameCode::default()).count();
        prop_assert_eq!(index.inner_stored_count(), stored as u64);
    }
}
