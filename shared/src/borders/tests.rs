//! Unit tests of the border cut on synthetic pictures: bars, chrome, plain
//! panels and title lines.

use super::*;

fn busy(w: u32, h: u32) -> Gray {
    let pixels = (0..w * h)
        .map(|i| ((i as u64 * 2654435761) >> 13) as u8)
        .collect();
    Gray::new(w, h, pixels)
}

fn framed(inner: &Gray, top: u32, bottom: u32, left: u32, right: u32, level: u8) -> Gray {
    let (w, h) = (inner.width + left + right, inner.height + top + bottom);
    let mut pixels = vec![level; (w * h) as usize];
    for y in 0..inner.height {
        for x in 0..inner.width {
            pixels[((y + top) * w + x + left) as usize] = inner.get(x, y);
        }
    }
    Gray::new(w, h, pixels)
}

#[test]
fn plain_picture_is_kept_whole() {
    let img = busy(320, 180);
    assert_eq!(content_rect(&img, Bars::Any), Rect::full(&img));
}

#[test]
fn letterbox_and_grey_pillars_are_cut() {
    let img = framed(&busy(200, 120), 30, 30, 0, 0, 0);
    let r = content_rect(&img, Bars::Any);
    assert_eq!((r.y0, r.y1, r.x0, r.x1), (30.0, 150.0, 0.0, 200.0));
    let img = framed(&busy(200, 120), 0, 0, 40, 25, 90);
    let r = content_rect(&img, Bars::Any);
    assert_eq!((r.x0, r.x1), (40.0, 240.0));
}

#[test]
fn bars_around_a_picture_with_plain_halves_are_still_cut() {
    // A title card: plain top and bottom, a thin busy band between.
    let mut card = busy(200, 120);
    for (i, p) in card.pixels.iter_mut().enumerate() {
        let y = i / 200;
        if !(50..70).contains(&y) {
            *p = 200;
        }
    }
    assert_eq!(content_rect(&card, Bars::Any), Rect::full(&card));
    let boxed = framed(&card, 0, 0, 40, 40, 0);
    let r = content_rect(&boxed, Bars::Any);
    assert_eq!((r.x0, r.x1, r.y0, r.y1), (40.0, 240.0, 0.0, 120.0));
}

#[test]
fn a_title_line_inside_a_border_does_not_stop_the_cut() {
    let mut img = framed(&busy(300, 150), 20, 0, 0, 0, 60);
    for y in 8..12 {
        for x in 10..40 {
            img.pixels[y * 300 + x] = 250; // text of a title bar
        }
    }
    assert_eq!(content_rect(&img, Bars::Any).y0, 20.0);
}

#[test]
fn dark_bars_are_cut_but_a_plain_panel_is_not() {
    // A card whose left third is a plain light panel, pillarboxed in black.
    let mut card = busy(240, 135);
    for (i, p) in card.pixels.iter_mut().enumerate() {
        if i % 240 < 80 {
            *p = 150;
        }
    }
    let boxed = framed(&card, 0, 0, 30, 30, 8);
    let r = content_rect(&boxed, Bars::Dark);
    assert_eq!((r.x0, r.x1, r.y0, r.y1), (30.0, 270.0, 0.0, 135.0));
    let r = content_rect(&boxed, Bars::Any);
    assert_eq!(
        (r.x0, r.x1),
        (110.0, 270.0),
        "chrome-style cut takes the panel"
    );
}

/// `w` x `h` at `level`, with rows `y0..y1` busy across the width (each
/// column its own level, the same down the band, as a picture's rows
/// mostly are).
fn band_on(w: u32, h: u32, level: u8, (y0, y1): (u32, u32)) -> Gray {
    let column = |x: u32| ((x as u64 * 2654435761) >> 13) as u8 / 2 + 128;
    let pixels = (0..h)
        .flat_map(|y| {
            (0..w).map(move |x| {
                if (y0..y1).contains(&y) {
                    column(x)
                } else {
                    level
                }
            })
        })
        .collect();
    Gray::new(w, h, pixels)
}

#[test]
fn a_frame_across_a_tall_canvas_is_found_between_its_edges() {
    let shorts = band_on(320, 569, 40, (200, 380));
    let bands = full_width_bands(&shorts);
    assert_eq!(
        bands.first().map(|r| (r.y0, r.y1)),
        Some((200.0, 380.0)),
        "{bands:?}"
    );
    // Under a caption band, the frame may run to the picture's bottom.
    let meme = band_on(320, 280, 250, (100, 280));
    let bands = full_width_bands(&meme);
    assert!(
        bands.iter().any(|r| (r.y0, r.y1) == (100.0, 280.0)),
        "{bands:?}"
    );
    // A picture shaped like a video gets no band hypothesis.
    assert!(full_width_bands(&band_on(320, 180, 40, (20, 160))).is_empty());
}
