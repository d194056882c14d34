//! Re-framed screenshots on the query side: the frame on a tall "shorts"
//! canvas, inside a stream layout, and photographed off a monitor must
//! each give a probe near the code the frame is indexed under.

use image::{Rgb, RgbImage};
use shared::Gray;
use shared::descriptor::frame_descriptor;
use shared::query::{probes, screen_probes};
use testkit::distort::Class;
use testkit::rng::Rng;

/// A frame with a cel-shaded look: smooth shading, a few hard-edged
/// shapes, some of them dark near the border.
fn frame(seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let (w, h) = (853, 479);
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let v = 120.0 + 50.0 * (x / 97.0).sin() + 40.0 * (y / 61.0 + x / 151.0).cos();
        Rgb([v as u8, (v * 0.9) as u8, (255.0 - v) as u8])
    });
    for _ in 0..8 {
        let (x0, y0) = (rng.below(w as usize) as u32, rng.below(h as usize) as u32);
        let (bw, bh) = (40 + rng.below(200) as u32, 40 + rng.below(160) as u32);
        let colour = Rgb([
            rng.below(256) as u8,
            rng.below(256) as u8,
            rng.below(256) as u8,
        ]);
        for y in y0..(y0 + bh).min(h) {
            for x in x0..(x0 + bw).min(w) {
                img.put_pixel(x, y, colour);
            }
        }
    }
    img
}

/// The nearest any probe of the distorted frame comes to its indexed code.
fn nearest(class: Class, seed: u64) -> u32 {
    let original = frame(seed);
    let indexed = frame_descriptor(&Gray::from_rgb(&original)).code;
    let shot = class.apply(&original, &mut Rng::new(seed + 100));
    probes(&Gray::from_rgb(&shot), true)
        .iter()
        .map(|p| p.code.distance(indexed))
        .min()
        .unwrap_or(u32::MAX)
}

fn assert_found(class: Class) {
    for seed in 1..=6 {
        let d = nearest(class, seed);
        assert!(
            d <= 10,
            "{class:?}, seed {seed}: nearest probe {d} bits away"
        );
    }
}

#[test]
fn a_frame_on_a_tall_canvas_is_found() {
    assert_found(Class::Shorts);
}

#[test]
fn a_frame_inside_a_stream_layout_is_found() {
    assert_found(Class::Pip);
}

#[test]
fn a_photographed_screen_is_made_rectangular_again() {
    assert_found(Class::Photo);
}

/// Light falls unevenly on a photographed screen, which flips the signs of
/// the lowest horizontal and vertical frequencies (bits 0 and 1, both in
/// every bucket key): the screen's probes give those bits the strength of
/// a weak bit, so the bucket search flips them among the first, while a
/// frame's own probes keep theirs.
#[test]
fn a_photographed_screen_trusts_its_light_slope_bits_least() {
    let mut firm_elsewhere = false;
    for seed in 1..=6 {
        let original = frame(seed);
        let shot = Class::Photo.apply(&original, &mut Rng::new(seed + 100));
        let screen = screen_probes(&Gray::from_rgb(&shot));
        assert!(!screen.is_empty(), "seed {seed}: no screen found");
        for p in &screen {
            assert!(
                p.strength[0] <= 0.3 && p.strength[1] <= 0.3,
                "{:?}",
                &p.strength[..4]
            );
        }
        let own = probes(&Gray::from_rgb(&original), true);
        firm_elsewhere |= own
            .iter()
            .any(|p| p.strength[0] > 0.3 || p.strength[1] > 0.3);
    }
    assert!(firm_elsewhere, "a frame's own probes keep their strengths");
}

/// A cut of 5-20 % from each side: the whole-frame probes miss the frame,
/// the guesses at its inner window find it, and the search answers with it.
#[test]
fn a_crop_of_up_to_20_percent_a_side_is_found_by_its_inner_window() {
    use shared::descriptor::inner_descriptor;
    use shared::index::{Anime, IndexBuilder, KeptFrame, Video, write_atomically};
    use shared::query::{QueryOptions, inner_probes, search_gray};
    let seeds = 1..=12u64;
    let mut builder = IndexBuilder::new();
    let anime = builder.add_anime(Anime::new(1, "A", "A"));
    let kept: Vec<KeptFrame> = seeds
        .clone()
        .map(|seed| {
            let gray = Gray::from_rgb(&frame(seed));
            KeptFrame {
                code: frame_descriptor(&gray).code,
                inner: inner_descriptor(&gray).code,
                ms: seed as u32 * 10_000,
            }
        })
        .collect();
    let video = Video {
        path: "A/1.mkv".into(),
        anime,
        episode: Some(1),
        duration_ms: 200_000,
        size: 0,
        mtime_ns: 0,
        first_frame: 0,
        frame_count: 0,
    };
    builder.add_video(video, &kept);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.bin");
    write_atomically(&path, &builder.finish(), "test", 1).unwrap();
    let index = shared::Index::open(&path).unwrap();
    let (mut whole_missed, mut right) = (0, 0);
    for (seed, k) in seeds.zip(&kept) {
        let shot = Class::Crop15.apply(&frame(seed), &mut Rng::new(seed + 100));
        let gray = Gray::from_rgb(&shot);
        let whole = probes(&gray, true)
            .iter()
            .map(|p| p.code.distance(k.code))
            .min();
        whole_missed += usize::from(whole.is_none_or(|d| d > 12));
        let inner = inner_probes(&gray)
            .iter()
            .map(|p| p.code.distance(k.inner))
            .min();
        assert!(
            inner.is_some_and(|d| d <= 8),
            "seed {seed}: nearest guess {inner:?}"
        );
        let hits = search_gray(&index, &gray, &QueryOptions::default());
        right += usize::from(hits.first().is_some_and(|h| h.at == k.ms as f64 / 1000.0));
    }
    assert!(
        whole_missed >= 6,
        "only {whole_missed} crops beyond the whole-frame probes"
    );
    assert_eq!(right, 12);
}
