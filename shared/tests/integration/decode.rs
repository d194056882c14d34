//! Screenshot decoding: large JPEGs come back reduced at decode time but
//! never below twice the work width (1.5 times when tall), other formats and odd JPEGs decode whole,
//! and damaged data is refused with a clear error.

use image::{GrayImage, ImageEncoder, RgbImage};
use shared::Gray;
use shared::QueryError;
use shared::gray::WORK_WIDTH;
use shared::image_decode::{DecodeLimits, decode_gray, decode_image};

fn picture(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let v = ((x as f32 / 37.0).sin() * 60.0 + (y as f32 / 23.0).cos() * 60.0 + 128.0) as u8;
        image::Rgb([v, v / 2, 255 - v])
    })
}

fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(
            img,
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

#[test]
fn a_large_jpeg_is_decoded_reduced_but_not_below_twice_the_work_width() {
    let img = decode_image(&jpeg(&picture(2560, 1440)), &DecodeLimits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (640, 360));
    let img = decode_image(&jpeg(&picture(1920, 1080)), &DecodeLimits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (960, 540));
    let img = decode_image(&jpeg(&picture(1280, 720)), &DecodeLimits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (640, 360));
    let img = decode_image(&jpeg(&picture(300, 200)), &DecodeLimits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (300, 200));
}

#[test]
fn a_tall_jpeg_is_decoded_to_at_least_one_and_a_half_work_widths() {
    let img = decode_image(&jpeg(&picture(1080, 1920)), &DecodeLimits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (540, 960));
    assert!(img.width() >= WORK_WIDTH * 3 / 2);
    let img = decode_image(&jpeg(&picture(720, 1280)), &DecodeLimits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (720, 1280));
}

#[test]
fn reduced_decoding_keeps_the_picture() {
    let original = picture(2560, 1440);
    let img = decode_image(&jpeg(&original), &DecodeLimits::default()).unwrap();
    // Each reduced pixel is about the mean of the 4x4 block it stands for.
    let (x, y) = (200u32, 100u32);
    let mean: f32 = (0..4)
        .flat_map(|dy| (0..4).map(move |dx| (dx, dy)))
        .map(|(dx, dy)| original.get_pixel(x * 4 + dx, y * 4 + dy)[0] as f32)
        .sum::<f32>()
        / 16.0;
    let got = img.get_pixel(x, y)[0] as f32;
    assert!((got - mean).abs() < 12.0, "{got} vs {mean}");
}

#[test]
fn a_grayscale_jpeg_decodes() {
    let gray = GrayImage::from_fn(1600, 900, |x, y| image::Luma([((x + y) % 256) as u8]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut bytes)
        .write_image(&gray, 1600, 900, image::ExtendedColorType::L8)
        .unwrap();
    let img = decode_image(&bytes, &DecodeLimits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (800, 450));
}

#[test]
fn a_damaged_jpeg_is_refused() {
    let bytes = jpeg(&picture(1280, 720));
    let err = decode_image(&bytes[..bytes.len() / 3], &DecodeLimits::default());
    // Either decoder may accept a truncated scan (the rest is grey); what
    // must not happen is a panic or a silent empty picture.
    match err {
        Ok(img) => assert!(img.width() >= WORK_WIDTH.min(1280)),
        Err(e) => assert!(matches!(e, QueryError::InvalidImage(_)), "{e}"),
    }
    let err = decode_image(&bytes[..200], &DecodeLimits::default()).unwrap_err();
    assert!(matches!(err, QueryError::InvalidImage(_)), "{err}");
    let err = decode_gray(&bytes[..200], &DecodeLimits::default()).unwrap_err();
    assert!(matches!(err, QueryError::InvalidImage(_)), "{err}");
}

/// The search reads a JPEG's luma straight from the decoder: the same
/// picture, to a level or two, as the luma of the decoded colours.
#[test]
fn the_luma_of_a_jpeg_is_the_luma_of_its_colours() {
    for (w, h) in [(1920, 1080), (1080, 1920), (853, 480)] {
        let bytes = jpeg(&picture(w, h));
        let direct = decode_gray(&bytes, &DecodeLimits::default()).unwrap();
        let via_rgb = Gray::from_rgb(&decode_image(&bytes, &DecodeLimits::default()).unwrap());
        assert_eq!(
            (direct.width, direct.height),
            (via_rgb.width, via_rgb.height)
        );
        assert_eq!(direct.width, WORK_WIDTH);
        let diff: f64 = direct
            .pixels
            .iter()
            .zip(&via_rgb.pixels)
            .map(|(&a, &b)| (a as f64 - b as f64).abs())
            .sum::<f64>()
            / direct.pixels.len() as f64;
        assert!(diff < 1.5, "{w}x{h}: mean difference {diff:.2}");
    }
}

#[test]
fn png_and_oversized_limits_hold_for_the_luma_too() {
    let small = picture(400, 300);
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&small, 400, 300, image::ExtendedColorType::Rgb8)
        .unwrap();
    let gray = decode_gray(&png, &DecodeLimits::default()).unwrap();
    assert_eq!((gray.width, gray.height), (WORK_WIDTH, 240));
    let tight = DecodeLimits {
        max_pixels: 100_000,
        ..DecodeLimits::default()
    };
    let err = decode_gray(&jpeg(&picture(640, 360)), &tight).unwrap_err();
    assert!(matches!(err, QueryError::TooLarge(_)), "{err}");
}

/// A 48 MP phone photo is a JPEG, decoded reduced: accepted. A PNG or WebP
/// that large would be decoded whole (4 bytes a pixel): refused unread.
#[test]
fn a_phone_photo_jpeg_decodes_but_a_huge_png_is_refused() {
    let bytes = jpeg(&picture(8000, 6000));
    let photo = decode_image(&bytes, &DecodeLimits::default()).unwrap();
    assert_eq!((photo.width(), photo.height()), (1000, 750));
    // Too large to decode whole: the search's luma comes from the reduced
    // decode as well.
    let gray = decode_gray(&bytes, &DecodeLimits::default()).unwrap();
    assert_eq!((gray.width, gray.height), (WORK_WIDTH, 240));
    let flat = RgbImage::new(5000, 4000);
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&flat, 5000, 4000, image::ExtendedColorType::Rgb8)
        .unwrap();
    let started = std::time::Instant::now();
    let err = decode_image(&png, &DecodeLimits::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("5000x4000 pixels, at most 16777216 allowed for Png"),
        "{err}"
    );
    assert!(
        started.elapsed().as_millis() < 100,
        "{:?}",
        started.elapsed()
    );
}
