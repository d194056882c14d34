//! Title cards. Every anime has its own card design (what the card is
//! drawn over, where the text sits, which accent colour), as real shows
//! do: one shared layout would make every show's cards near-identical,
//! which no real library looks like.

use super::raster::lerp;
use super::style::Style;
use crate::font;
use crate::rng::Rng;
use image::{Rgb, RgbImage};
use serde::Serialize;

/// What a card's text is: the big title and a smaller line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Card {
    pub title: String,
    pub line: String,
    /// Background of the anime the card is drawn over, dimmed (for a
    /// design with a scene backdrop).
    pub backdrop: Option<u16>,
}

/// One anime's title-card look.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CardDesign {
    pub backdrop: Backdrop,
    pub layout: CardLayout,
    /// Index into the style's accents.
    pub accent: usize,
}

/// What a card is drawn over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Backdrop {
    /// A plain light tint of the accent.
    Light,
    /// A plain dark tint of the accent.
    Dark,
    /// A still of one of the anime's backgrounds, dimmed.
    Scene,
}

/// Where the text sits. Shares are of the card's height or width.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum CardLayout {
    /// A full-width accent band, the title centred in it.
    Band { top: f32, height: f32 },
    /// An accent panel on one side, the title left-aligned in it.
    Panel { right: bool, width: f32 },
    /// The title in the lower left, over an accent underline.
    Corner { top: f32 },
}

impl CardDesign {
    pub fn random(rng: &mut Rng) -> CardDesign {
        let backdrop = *rng.pick(&[Backdrop::Light, Backdrop::Dark, Backdrop::Scene]);
        let layout = match rng.below(3) {
            0 => CardLayout::Band {
                top: rng.float(0.2, 0.55),
                height: rng.float(0.18, 0.3),
            },
            1 => CardLayout::Panel {
                right: rng.chance(0.5),
                width: rng.float(0.4, 0.6),
            },
            _ => CardLayout::Corner {
                top: rng.float(0.6, 0.75),
            },
        };
        CardDesign {
            backdrop,
            layout,
            accent: rng.below(4),
        }
    }
}

/// Renders a `w` x `h` card; `scene` is the backdrop picture (already
/// `w` x `h`) when the design draws over one.
pub fn title_card(
    (w, h): (u32, u32),
    card: &Card,
    style: &Style,
    design: &CardDesign,
    scene: Option<&RgbImage>,
) -> RgbImage {
    let accent = style.accents[design.accent % style.accents.len()];
    let mut img = backdrop(w, h, accent, design.backdrop, scene);
    let (ink, shadow) = match design.backdrop {
        Backdrop::Light => (accent, style.outline),
        Backdrop::Dark | Backdrop::Scene => ([255, 255, 255], style.outline),
    };
    let (wf, hf) = (w as f32, h as f32);
    match design.layout {
        CardLayout::Band { top, height } => {
            let (y0, y1) = ((hf * top) as u32, (hf * (top + height)).min(hf) as u32);
            fill(&mut img, (0, y0), (w, y1), accent);
            let big = fit_scale(&card.title, w * 8 / 10, (y1 - y0) / 2);
            let ty = (y0 + y1) / 2 - font::text_height(big) / 2;
            let tx = w.saturating_sub(font::text_width(&card.title, big)) / 2;
            shadowed(&mut img, &card.title, (tx, ty), big, ([255; 3], shadow));
            let small = (big / 2).max(1);
            let lx = w.saturating_sub(font::text_width(&card.line, small)) / 2;
            font::draw_text(
                &mut img,
                &card.line,
                lx as i32,
                (y1 + h / 20) as i32,
                small,
                ink,
            );
        }
        CardLayout::Panel { right, width } => {
            let pw = (wf * width) as u32;
            let x0 = if right { w - pw } else { 0 };
            fill(&mut img, (x0, 0), (x0 + pw, h), accent);
            let big = fit_scale(&card.title, pw * 8 / 10, h / 10);
            let (tx, ty) = (x0 + pw / 10, h * 2 / 5);
            shadowed(&mut img, &card.title, (tx, ty), big, ([255; 3], shadow));
            let small = (big / 2).max(1);
            let ly = ty + font::text_height(big) + h / 20;
            font::draw_text(&mut img, &card.line, tx as i32, ly as i32, small, [255; 3]);
        }
        CardLayout::Corner { top } => {
            let big = fit_scale(&card.title, w * 7 / 10, h / 9);
            let (tx, ty) = (w / 12, (hf * top) as u32);
            shadowed(&mut img, &card.title, (tx, ty), big, (ink, shadow));
            let uy = ty + font::text_height(big) + h / 40;
            let ux = tx + font::text_width(&card.title, big);
            fill(
                &mut img,
                (tx, uy),
                (ux.min(w), (uy + h / 60).min(h)),
                accent,
            );
            let small = (big / 2).max(1);
            let ly = ty.saturating_sub(font::text_height(small) + h / 30);
            font::draw_text(&mut img, &card.line, tx as i32, ly as i32, small, ink);
        }
    }
    img
}

fn backdrop(w: u32, h: u32, accent: [u8; 3], kind: Backdrop, scene: Option<&RgbImage>) -> RgbImage {
    match (kind, scene) {
        (Backdrop::Scene, Some(scene)) => {
            let mut img = scene.clone();
            for p in img.pixels_mut() {
                p.0 = lerp(p.0, [10, 10, 20], 0.45);
            }
            img
        }
        (Backdrop::Dark, _) | (Backdrop::Scene, None) => {
            RgbImage::from_pixel(w, h, Rgb(lerp(accent, [0, 0, 0], 0.75)))
        }
        (Backdrop::Light, _) => RgbImage::from_pixel(w, h, Rgb(lerp(accent, [255; 3], 0.75))),
    }
}

fn fill(img: &mut RgbImage, (x0, y0): (u32, u32), (x1, y1): (u32, u32), color: [u8; 3]) {
    for y in y0..y1.min(img.height()) {
        for x in x0..x1.min(img.width()) {
            img.put_pixel(x, y, Rgb(color));
        }
    }
}

/// Text with a drop shadow half a glyph pixel down and right.
fn shadowed(
    img: &mut RgbImage,
    text: &str,
    (x, y): (u32, u32),
    scale: u32,
    (color, shadow): ([u8; 3], [u8; 3]),
) {
    let off = (scale / 2).max(1) as i32;
    font::draw_text(img, text, x as i32 + off, y as i32 + off, scale, shadow);
    font::draw_text(img, text, x as i32, y as i32, scale, color);
}

/// Largest integer font scale that fits `text` into `max_w` and `max_h` (at least 1).
pub fn fit_scale(text: &str, max_w: u32, max_h: u32) -> u32 {
    let by_w = max_w / font::text_width(text, 1).max(1);
    let by_h = max_h / font::text_height(1);
    by_w.min(by_h).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(title: &str) -> Card {
        Card {
            title: title.into(),
            line: "EPISODE 1".into(),
            backdrop: None,
        }
    }

    #[test]
    fn every_layout_draws_white_title_text_inside_the_card() {
        let mut rng = Rng::new(1);
        let style = Style::generate(0, &mut rng);
        for layout in [
            CardLayout::Band {
                top: 0.5,
                height: 0.3,
            },
            CardLayout::Panel {
                right: true,
                width: 0.5,
            },
            CardLayout::Corner { top: 0.75 },
        ] {
            let design = CardDesign {
                backdrop: Backdrop::Dark,
                layout,
                accent: 1,
            };
            let img = title_card((320, 180), &card("HELLO"), &style, &design, None);
            assert_eq!(img.dimensions(), (320, 180));
            let white = img.pixels().filter(|p| p.0 == [255; 3]).count();
            assert!(white > 50, "{layout:?}: {white} white pixels");
        }
    }

    #[test]
    fn designs_differ_between_anime() {
        let designs: Vec<CardDesign> = (0..8)
            .map(|i| CardDesign::random(&mut Rng::new(7).fork(i)))
            .collect();
        assert!(designs.iter().any(|d| *d != designs[0]));
    }
}
