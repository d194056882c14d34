//! Each distortion changes the image the way its name says.

use super::*;

fn frame() -> RgbImage {
    crate::picture::sample(7, 320, 180)
}

fn is_black_row(img: &RgbImage, y: u32) -> bool {
    (0..img.width()).all(|x| img.get_pixel(x, y).0 == [0, 0, 0])
}

fn is_black_col(img: &RgbImage, x: u32) -> bool {
    (0..img.height()).all(|y| img.get_pixel(x, y).0 == [0, 0, 0])
}

#[test]
fn deterministic_for_a_seed() {
    for class in Class::ALL {
        let a = class.apply(&frame(), &mut Rng::new(3));
        assert_eq!(
            a,
            class.apply(&frame(), &mut Rng::new(3)),
            "{}",
            class.name()
        );
    }
}

#[test]
fn letterbox_adds_black_rows_and_keeps_the_frame() {
    let img = frame();
    let out = letterbox(&img, &mut Rng::new(1));
    assert_eq!(out.width(), img.width());
    assert!(
        out.height() as f32 >= out.width() as f32 * 0.75 - 1.0,
        "4:3 or taller"
    );
    assert!(is_black_row(&out, 0) && is_black_row(&out, out.height() - 1));
    let top = (out.height() - img.height()) / 2;
    assert_eq!(out.get_pixel(10, top + 50), img.get_pixel(10, 50));
}

#[test]
fn pillarbox_adds_black_columns() {
    let img = frame();
    let out = pillarbox(&img, &mut Rng::new(1));
    assert_eq!(out.height(), img.height());
    assert!(out.width() > img.width());
    assert!(is_black_col(&out, 0) && is_black_col(&out, out.width() - 1));
}

#[test]
fn mirror_twice_is_identity_and_once_flips() {
    let img = frame();
    let once = mirror(&img);
    assert_eq!(once.get_pixel(0, 10), img.get_pixel(img.width() - 1, 10));
    assert_ne!(once, img);
    assert_eq!(mirror(&once), img);
}

#[test]
fn w320_and_combined_set_the_width() {
    let big = crate::picture::sample(2, 1280, 720);
    let small = Class::W320.apply(&big, &mut Rng::new(0));
    assert_eq!((small.width(), small.height()), (320, 180));
    let c = Class::Combined.apply(&big, &mut Rng::new(0));
    assert_eq!(c.width(), 640);
    assert_eq!(Class::Combined.encoding(), Encoding::Jpeg(60));
}

#[test]
fn crop4_removes_at_most_four_percent_per_side() {
    let img = crate::picture::sample(2, 1000, 500);
    for seed in 0..20 {
        let out = Class::Crop4.apply(&img, &mut Rng::new(seed));
        assert!(out.width() >= 920 && out.height() >= 460 && out.width() <= 1000);
    }
}

#[test]
fn subtitles_draw_white_text_with_black_edges_at_the_bottom() {
    let img = RgbImage::from_pixel(640, 360, Rgb([90, 120, 160]));
    let out = subtitles(&img, &mut Rng::new(4));
    let changed: Vec<(u32, u32)> = out
        .enumerate_pixels()
        .filter(|p| p.2.0 != [90, 120, 160])
        .map(|p| (p.0, p.1))
        .collect();
    assert!(
        changed.iter().all(|&(_, y)| y > 360 / 2),
        "only the lower half changes"
    );
    assert!(out.pixels().any(|p| p.0 == [255, 255, 255]) && out.pixels().any(|p| p.0 == [0, 0, 0]));
}

#[test]
fn brightness_shifts_but_keeps_structure() {
    let img = frame();
    let out = brightness(&img, &mut Rng::new(8));
    assert_ne!(out, img);
    assert_eq!(out.dimensions(), img.dimensions());
}

#[test]
fn chrome_surrounds_the_frame_with_grey_not_black() {
    let img = frame();
    let out = chrome(&img, &mut Rng::new(5));
    assert!(out.width() >= img.width() * 6 / 10 && out.height() > img.height() * 6 / 10);
    let corner = out.get_pixel(out.width() / 2, out.height() - 2).0;
    assert!(
        corner.iter().any(|&v| v > 20),
        "border is not plain black: {corner:?}"
    );
}

#[test]
fn jpeg_roundtrip_keeps_size_and_changes_pixels() {
    let img = frame();
    let out = jpeg(&img, 40);
    assert_eq!(out.dimensions(), img.dimensions());
    assert_ne!(out, img);
}
