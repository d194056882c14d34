//! Query extraction picks the right decoded frame and writes complete ground truth.

use super::*;
use crate::episode::Renderer;
use crate::library::{self, LibraryOptions, SizeProfile};

fn mse(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    let sum: f64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
        .sum();
    sum / a.as_raw().len() as f64
}

#[test]
fn extracted_frames_are_the_frames_shown_at_that_time() {
    let dir = tempfile::tempdir().unwrap();
    let opts = LibraryOptions {
        anime: 4,
        episodes: 3,
        seconds: 3.0,
        seed: 21,
        profile: SizeProfile::Small,
        jobs: 2,
    };
    let truth = library::build(dir.path(), &opts).unwrap();
    let specs = library::plan(&opts);
    let mut rng = Rng::new(1);
    let mut checked = 0;
    for _ in 0..24 {
        let (v, t) = pick(&truth, &mut rng).unwrap();
        let video = &truth.videos[v];
        let anime = &specs[video.anime];
        let ep = &anime.episodes[video.episode as usize - 1];
        let i = ep.fps.frame_at(t);
        let mut r = Renderer::new(anime, video.width, video.height);
        let want = r.frame(&ep.frame_spec(i));
        let back = if video.vfr {
            t - truth.run_at(v, t).from
        } else {
            0.0
        };
        let got = ffmpeg::frame_at(
            &dir.path().join(&video.path),
            t,
            back + 0.25,
            (video.width, video.height),
            video.fps,
        )
        .unwrap();
        let err = mse(&got, &want);
        for j in [i.saturating_sub(1), i + 1] {
            let neighbour = r.frame(&ep.frame_spec(j.min(ep.frames() - 1)));
            if j < ep.frames() && neighbour != want {
                let other = mse(&got, &neighbour);
                assert!(
                    err < other,
                    "{} at {t}: frame {i} err {err} vs frame {j} err {other}",
                    video.path
                );
                checked += 1;
            }
        }
        assert!(err < 150.0, "{} at {t}: mse {err}", video.path);
    }
    assert!(checked > 3, "some neighbours differed");
}

#[test]
fn query_set_has_every_class_and_unindexed_images() {
    let dir = tempfile::tempdir().unwrap();
    let (lib, lib2, out) = (
        dir.path().join("lib"),
        dir.path().join("lib2"),
        dir.path().join("q"),
    );
    let opts = LibraryOptions {
        anime: 2,
        episodes: 2,
        seconds: 2.0,
        seed: 3,
        profile: SizeProfile::Small,
        jobs: 2,
    };
    library::build(&lib, &opts).unwrap();
    library::build(
        &lib2,
        &LibraryOptions {
            seed: 99,
            anime: 1,
            ..opts
        },
    )
    .unwrap();
    let qopts = QueryOptions {
        per_class: 2,
        seed: 7,
        classes: Class::ALL.to_vec(),
        jobs: 2,
    };
    let set = make(&lib, &out, &qopts, Some(&lib2)).unwrap();
    assert_eq!(set.queries.len(), 2 * Class::ALL.len() + 2);
    for q in &set.queries {
        assert!(out.join(&q.image).exists(), "{}", q.image);
        assert_eq!(q.indexed, q.class != "unindexed");
        assert!(
            !q.indexed
                || q.equivalents
                    .iter()
                    .any(|s| s.video == q.video && s.from <= q.time && q.time < s.to)
        );
    }
    assert!(out.join("clean/0.png").exists() && out.join("jpeg40/1.jpg").exists());
    assert!(out.join("gif/0.gif").exists() && out.join("shorts/1.jpg").exists());
    let loaded = QuerySet::load(&out.join("queries.json")).unwrap();
    assert_eq!(loaded.queries.len(), set.queries.len());
}
