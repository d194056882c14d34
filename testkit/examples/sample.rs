//! Writes sample pictures and episode frames to look at by eye: `cargo run --release -p testkit --example sample OUT_DIR`.

use testkit::episode::{AnimeSpec, Fps, Renderer};

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    for seed in 0..2 {
        let img = testkit::picture::sample(seed, 1280, 720);
        img.save(format!("{out}/sample{seed}.png"))
            .expect("write png");
    }
    let mut sheet = image::RgbImage::new(640 * 5, 360 * 4);
    for a in 0..4 {
        let anime = AnimeSpec::generate(a, 42, 2, 60.0, Fps::NTSC_FILM);
        let ep = &anime.episodes[0];
        let mut r = Renderer::new(&anime, 640, 360);
        for (c, k) in [0.1, 0.3, 0.5, 0.7, 0.9].into_iter().enumerate() {
            let i = (ep.frames() as f64 * k) as u32;
            let img = r.frame(&ep.frame_spec(i));
            image::imageops::overlay(&mut sheet, &img, c as i64 * 640, a as i64 * 360);
        }
    }
    sheet.save(format!("{out}/sheet.png")).expect("write png");
}
