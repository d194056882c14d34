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

#[test]
fn a_frame_with_one_faint_edge_is_implied_from_the_other() {
    // A night sky as dark as the dimmed backdrop above the frame: only
    // the frame's bottom edge (row 380) shows; a 16:9 band ends there.
    let mut shorts = band_on(320, 569, 40, (200, 380));
    for y in 200..290 {
        for x in 0..320 {
            shorts.pixels[y * 320 + x] = 40 + (x % 3) as u8;
        }
    }
    let bands = full_width_bands(&shorts);
    assert!(
        bands.iter().any(|r| (r.y0, r.y1) == (200.0, 380.0)),
        "{bands:?}"
    );
}

/// A picture of smooth shading: few strong edges inside, unlike `busy`.
fn painted(w: u32, h: u32) -> Gray {
    let pixels = (0..h)
        .flat_map(|y| {
            (0..w).map(move |x| {
                let (x, y) = (x as f32, y as f32);
                (150.0 + 60.0 * (x / 9.0).sin() + 40.0 * (y / 7.0 + x / 13.0).cos()) as u8
            })
        })
        .collect();
    Gray::new(w, h, pixels)
}

#[test]
fn a_video_inside_a_stream_layout_is_found_by_its_outline() {
    // A 192x108 video at (8, 36) of a dark 320x180 layout, with a lighter
    // webcam box and a chat panel to its right.
    let mut layout = framed(&painted(192, 108), 36, 36, 8, 120, 24);
    for y in 8..80 {
        for x in 212..312 {
            layout.pixels[y * 320 + x] = 90;
        }
    }
    let found = inset_rects(&layout);
    let want = Rect {
        x0: 8.0,
        y0: 36.0,
        x1: 200.0,
        y1: 144.0,
    };
    assert_eq!(found.first(), Some(&want), "{found:?}");
    // A picture without a frame inside it has no inset.
    assert!(inset_rects(&painted(320, 180)).is_empty());
}

#[test]
fn a_found_video_is_cut_of_its_own_dark_bars() {
    // Letterboxed video (dark bars 10 rows deep) inside a grey layout.
    let video = framed(&busy(200, 92), 10, 10, 0, 0, 8);
    let layout = framed(&video, 30, 38, 40, 80, 120);
    let area = Rect {
        x0: 40.0,
        y0: 30.0,
        x1: 240.0,
        y1: 142.0,
    };
    let cut = content_rect_within(&layout, area, Bars::Dark);
    assert_eq!((cut.x0, cut.y0, cut.x1, cut.y1), (40.0, 40.0, 240.0, 132.0));
}
