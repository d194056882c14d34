//! Procedural anime-like pictures: backgrounds, characters, title cards and effects in a cel-shaded look.

mod card;
mod character;
mod raster;
mod scenery;
mod style;

pub use card::{Backdrop, Card, CardDesign, CardLayout, fit_scale, title_card};
pub use character::{CharacterDesign, Eyes, Mouth, Placement, Pose, draw_character};
pub use raster::{Canvas, Color, Paint, Shape, lerp, shade};
pub use scenery::{BackgroundDesign, Place};
pub use style::{Style, TimeOfDay};

use crate::rng::Rng;
use image::RgbImage;

/// A character in a drawing.
pub struct Actor<'a> {
    pub design: &'a CharacterDesign,
    pub pose: Pose,
    pub at: Placement,
}

/// Paints actors over a copy of a rendered background (`scale` = its pixels per world unit).
pub fn compose(background: &RgbImage, scale: f32, style: &Style, actors: &[Actor]) -> RgbImage {
    let mut img = background.clone();
    paint_actors(&mut img, [0.0; 2], scale, style, actors);
    img
}

/// Paints actors into `img`, a crop whose top-left is at pixel `origin` of the full picture.
pub fn paint_actors(
    img: &mut RgbImage,
    origin: [f32; 2],
    scale: f32,
    style: &Style,
    actors: &[Actor],
) {
    let mut canvas = canvas(img, scale, style);
    canvas.origin = origin;
    for a in actors {
        draw_character(&mut canvas, style, a.design, &a.pose, &a.at);
    }
}

/// A canvas over `img` using the style's line width and light.
pub fn canvas<'a>(img: &'a mut RgbImage, scale: f32, style: &Style) -> Canvas<'a> {
    Canvas {
        img,
        scale,
        line_px: (style.line_width * scale).max(1.2),
        light: style.light,
        origin: [0.0; 2],
    }
}

/// Radial speed lines over a frame; `phase` changes the line set (redrawn every few frames).
pub fn speed_lines(img: &mut RgbImage, seed: u64, phase: u32, color: Color) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let scale = h;
    let (cx, cy) = (w / scale / 2.0, 0.5);
    let mut rng = Rng::new(seed).fork(phase as u64);
    let mut c = Canvas {
        img,
        scale,
        line_px: 0.0,
        light: [1.0, 0.0],
        origin: [0.0; 2],
    };
    for _ in 0..48 {
        let a = rng.float(0.0, std::f32::consts::TAU);
        let (dx, dy) = (a.cos(), a.sin());
        let inner = rng.float(0.32, 0.45);
        let half = rng.float(0.003, 0.009);
        let tip = [cx + dx * inner, cy + dy * inner];
        let far = [cx + dx * 1.2, cy + dy * 1.2];
        let base = [
            [far[0] - dy * half, far[1] + dx * half],
            [far[0] + dy * half, far[1] - dx * half],
        ];
        c.draw(
            &Shape::Poly(vec![tip, base[0], base[1]]),
            Paint::flat(color),
        );
    }
}

/// One standalone sample picture (street or park with two characters), for docs and tests.
pub fn sample(seed: u64, w: u32, h: u32) -> RgbImage {
    let mut rng = Rng::new(seed);
    let style = Style::generate(rng.below(4), &mut rng);
    let bg = BackgroundDesign::random(&mut rng);
    let scale = h as f32;
    let back = bg.render(&style, scale);
    let cast = [
        CharacterDesign::random(&mut rng),
        CharacterDesign::random(&mut rng),
    ];
    let actors: Vec<Actor> = cast
        .iter()
        .enumerate()
        .map(|(i, d)| Actor {
            design: d,
            pose: Pose::random(&mut rng),
            at: Placement {
                x: 500 + i as i32 * 600,
                feet: 1050,
                height: 850,
            },
        })
        .collect();
    let full = compose(&back, scale, &style, &actors);
    image::imageops::crop_imm(&full, 0, 0, w.min(full.width()), h.min(full.height())).to_image()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinct_colors(img: &RgbImage) -> usize {
        let mut v: Vec<[u8; 3]> = img.pixels().map(|p| p.0).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    }

    #[test]
    fn sample_is_deterministic_and_cel_like() {
        let a = sample(3, 320, 180);
        assert_eq!(a, sample(3, 320, 180));
        assert_ne!(a, sample(4, 320, 180));
        let n = distinct_colors(&a);
        assert!(n > 12, "not a flat image: {n} colours");
        // Cel shading: a handful of flat tones cover most pixels (gradients aside).
        let dark = a.pixels().filter(|p| p.0.iter().all(|&v| v < 70)).count();
        assert!(dark > 200, "outlines present: {dark} dark pixels");
    }
}
