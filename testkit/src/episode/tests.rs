//! Tests of episode planning, ground truth, rendering and encoding.

use super::*;
use crate::ffmpeg;

fn small_anime(seed: u64) -> AnimeSpec {
    AnimeSpec::generate(0, seed, 3, 8.0, Fps::FILM)
}

#[test]
fn planning_and_rendering_are_deterministic() {
    let (a, b) = (small_anime(5), small_anime(5));
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert_ne!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&small_anime(6)).unwrap()
    );
    let ep = &a.episodes[0];
    let spec = ep.frame_spec(ep.frames() / 2);
    let (mut ra, mut rb) = (Renderer::new(&a, 160, 90), Renderer::new(&b, 160, 90));
    assert_eq!(ra.frame(&spec), rb.frame(&spec));
}

#[test]
fn still_crops_and_full_drawings_render_the_same_pixels() {
    let a = small_anime(8);
    let ep = &a.episodes[0];
    let view = (0..ep.frames())
        .map(|i| ep.frame_spec(i))
        .find(|s| {
            matches!(
                s,
                FrameSpec::View {
                    speed_lines: None,
                    ..
                }
            )
        })
        .unwrap();
    let FrameSpec::View {
        drawing, camera, ..
    } = &view
    else {
        unreachable!()
    };
    let moved = Camera {
        x: camera.x + 40,
        ..*camera
    };
    let other = FrameSpec::View {
        drawing: drawing.clone(),
        camera: moved,
        speed_lines: None,
    };
    let mut cropped = Renderer::new(&a, 320, 180);
    let mut full = Renderer::new(&a, 320, 180);
    full.frame(&view);
    full.frame(&other);
    assert_eq!(cropped.frame(&view), full.frame(&view));
}

#[test]
fn episodes_last_as_long_as_asked() {
    let a = small_anime(1);
    for ep in &a.episodes {
        assert_eq!(ep.frames(), 8 * 24);
        assert!((ep.duration() - 8.0).abs() < 1e-9);
    }
}

#[test]
fn opening_is_identical_and_equivalent_across_episodes() {
    let a = small_anime(2);
    let truth = AnimeTruth::new(&a);
    let mid = a.opening_start + a.opening_frames / 2;
    let t = a.fps.time_of(mid) + 0.01;
    let specs: Vec<FrameSpec> = a.episodes.iter().map(|e| e.frame_spec(mid)).collect();
    assert!(specs.iter().all(|s| *s == specs[0]));
    assert_eq!(a.episodes[1].shot_at(t).part, Part::Opening);
    let eq = truth.equivalents(0, t);
    let episodes: Vec<usize> = eq.iter().map(|e| e.episode).collect();
    for e in 0..3 {
        assert!(episodes.contains(&e), "episode {e} missing from {eq:?}");
    }
    assert!(
        eq.iter().all(|e| e.from <= t && t < e.to),
        "same time offset in every episode: {eq:?}"
    );
}

#[test]
fn a_held_drawing_is_one_run_and_cold_opens_differ() {
    let a = AnimeSpec::generate(1, 3, 2, 30.0, Fps::NTSC_FILM);
    let truth = AnimeTruth::new(&a);
    let longest = truth.runs[0].iter().map(|r| r.to - r.from).max().unwrap();
    assert!(
        longest >= 24,
        "some drawing is held at least a second, longest {longest}"
    );
    let t = 0.2;
    let eq = truth.equivalents(0, t);
    assert!(
        eq.iter().all(|e| e.episode == 0),
        "cold open is episode-specific: {eq:?}"
    );
}

#[test]
fn flat_frames_are_flagged() {
    let a = AnimeSpec::generate(0, 11, 1, 40.0, Fps::FILM);
    let ep = &a.episodes[0];
    let truth = AnimeTruth::new(&a);
    let mut renderer = Renderer::new(&a, 64, 36);
    let (mut flat, mut content) = (0, 0);
    for i in (0..ep.frames()).step_by(3) {
        let t = ep.fps.time_of(i) + 0.01;
        let img = renderer.frame(&ep.frame_spec(i));
        let spread = img
            .pixels()
            .map(|p| p.0.iter().map(|&v| v as u32).sum::<u32>())
            .fold((u32::MAX, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
        assert_eq!(truth.is_flat(0, t), ep.is_flat(t));
        if ep.is_flat(t) {
            flat += 1;
            assert!(
                spread.1 - spread.0 < 260 || spread.1 < 150,
                "flat frame {i} has contrast {spread:?}"
            );
        } else {
            content += 1;
        }
    }
    assert!(flat > 0 && content > flat);
}

#[test]
fn dissolves_out_of_a_flash_are_flat_until_the_picture_shows() {
    let card = FrameSpec::Title(Card {
        title: "T".into(),
        line: "L".into(),
        backdrop: None,
    });
    let from_flash = |t: u8| FrameSpec::Mix {
        a: Box::new(FrameSpec::Flat([255, 255, 255])),
        b: Box::new(card.clone()),
        t,
    };
    assert!(from_flash(30).is_flat(), "mostly white");
    assert!(!from_flash(128).is_flat(), "half the picture shows");
    let faded = |level: u8| FrameSpec::Fade {
        inner: Box::new(card.clone()),
        level,
    };
    assert!(faded(49).is_flat() && !faded(50).is_flat());
    let two_pictures = FrameSpec::Mix {
        a: Box::new(card.clone()),
        b: Box::new(card),
        t: 10,
    };
    assert!(!two_pictures.is_flat());
}

fn encode_small(
    a: &AnimeSpec,
    size: (u32, u32),
    profile: Profile,
    dir: &std::path::Path,
) -> std::path::PathBuf {
    let out = dir.join(format!("clip.{}", profile.container.ext()));
    encode(a, 0, size, &profile, &out).unwrap();
    out
}

#[test]
fn encoded_file_has_every_frame_and_the_duration() {
    let dir = tempfile::tempdir().unwrap();
    let a = AnimeSpec::generate(0, 4, 1, 3.0, Fps::NTSC_FILM);
    let out = encode_small(&a, (160, 90), Profile::for_codec(Codec::H264), dir.path());
    let times = ffmpeg::frame_times(&out).unwrap();
    assert_eq!(times.len() as u32, a.episodes[0].frames());
    let (w, h, duration) = ffmpeg::probe(&out).unwrap();
    assert_eq!((w, h), (160, 90));
    assert!(
        (duration - a.episodes[0].duration()).abs() < 0.1,
        "duration {duration}"
    );
}

#[test]
fn odd_sizes_encode_where_the_codec_allows() {
    let dir = tempfile::tempdir().unwrap();
    let a = AnimeSpec::generate(0, 4, 1, 1.0, Fps::PAL);
    for codec in [Codec::H264, Codec::Mpeg4] {
        let out = encode_small(&a, (161, 91), Profile::for_codec(codec), dir.path());
        assert_eq!(ffmpeg::probe(&out).unwrap().0, 161);
    }
    assert!(Profile::for_codec(Codec::Av1).pix_fmt(161, 91).is_err());
}

#[test]
fn vfr_encoding_has_irregular_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    let a = AnimeSpec::generate(2, 9, 1, 6.0, Fps::FILM);
    let profile = Profile {
        codec: Codec::H264,
        container: Container::Mkv,
        vfr: true,
    };
    let out = encode_small(&a, (128, 72), profile, dir.path());
    let times = ffmpeg::frame_times(&out).unwrap();
    let mut deltas: Vec<i64> = times
        .windows(2)
        .map(|w| ((w[1] - w[0]) * 1000.0).round() as i64)
        .collect();
    assert!(
        times.len() < a.episodes[0].frames() as usize,
        "duplicates dropped"
    );
    deltas.sort_unstable();
    deltas.dedup();
    assert!(
        deltas.len() >= 3,
        "irregular frame intervals, got {deltas:?}"
    );
}
