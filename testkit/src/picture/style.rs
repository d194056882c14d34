//! Per-anime palettes and line styles, so every fixture anime has a recognisably different look.

use super::raster::{Color, lerp, shade};
use crate::rng::Rng;
use serde::Serialize;

/// Time of day of a background: changes the sky and tints every colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TimeOfDay {
    Day,
    Dusk,
    Night,
}

/// The look of one anime: outline colour and width, shadow depth, light direction and palette.
#[derive(Clone, Debug, Serialize)]
pub struct Style {
    pub name: &'static str,
    pub outline: Color,
    /// Outline width in world units (1.0 = frame height).
    pub line_width: f32,
    /// Multiplier giving the shadow tone from a fill.
    pub shadow: f32,
    pub light: [f32; 2],
    pub sky: [Color; 2],
    pub ground: Color,
    pub road: Color,
    pub foliage: Color,
    pub walls: Vec<Color>,
    pub accents: Vec<Color>,
}

impl Style {
    /// Preset `index % 4` jittered by `rng`.
    pub fn generate(index: usize, rng: &mut Rng) -> Style {
        let mut s = match index % 4 {
            0 => bright(),
            1 => pastel(),
            2 => retro(),
            _ => vivid(),
        };
        let k = rng.float(0.9, 1.08);
        s.walls = s.walls.iter().map(|c| shade(*c, k)).collect();
        s.line_width *= rng.float(0.85, 1.15);
        let a = rng.float(-0.6, 0.6);
        s.light = [a.cos(), a.sin()];
        s
    }

    /// Sky gradient (top, horizon) for a time of day.
    pub fn sky(&self, t: TimeOfDay) -> [Color; 2] {
        match t {
            TimeOfDay::Day => self.sky,
            TimeOfDay::Dusk => [[70, 60, 130], [250, 150, 90]],
            TimeOfDay::Night => [[8, 10, 30], [30, 40, 80]],
        }
    }

    /// A scene colour under the light of a time of day.
    pub fn lit(&self, c: Color, t: TimeOfDay) -> Color {
        match t {
            TimeOfDay::Day => c,
            TimeOfDay::Dusk => lerp(c, [255, 140, 90], 0.2),
            TimeOfDay::Night => {
                let n = shade(c, 0.35);
                [n[0], n[1], (n[2] as f32 * 1.5).min(255.0) as u8]
            }
        }
    }

    /// Shadow tone of a fill.
    pub fn shadow_of(&self, c: Color) -> Color {
        shade(c, self.shadow)
    }
}

fn bright() -> Style {
    Style {
        name: "bright",
        outline: [25, 20, 25],
        line_width: 0.0036,
        shadow: 0.72,
        light: [1.0, 0.0],
        sky: [[70, 150, 235], [185, 225, 250]],
        ground: [110, 180, 80],
        road: [150, 150, 160],
        foliage: [70, 150, 60],
        walls: vec![
            [235, 225, 200],
            [200, 120, 90],
            [170, 190, 210],
            [240, 240, 235],
            [210, 180, 140],
        ],
        accents: vec![[220, 60, 60], [60, 90, 200], [250, 200, 60], [60, 160, 120]],
    }
}

fn pastel() -> Style {
    Style {
        name: "pastel",
        outline: [90, 60, 80],
        line_width: 0.0028,
        shadow: 0.82,
        light: [1.0, 0.0],
        sky: [[150, 195, 240], [245, 225, 240]],
        ground: [170, 215, 160],
        road: [200, 190, 195],
        foliage: [130, 195, 140],
        walls: vec![
            [250, 220, 225],
            [220, 235, 250],
            [250, 245, 210],
            [230, 210, 245],
        ],
        accents: vec![
            [240, 140, 170],
            [140, 170, 240],
            [250, 200, 150],
            [170, 220, 200],
        ],
    }
}

fn retro() -> Style {
    Style {
        name: "retro",
        outline: [55, 35, 25],
        line_width: 0.0042,
        shadow: 0.66,
        light: [1.0, 0.0],
        sky: [[120, 160, 185], [215, 210, 185]],
        ground: [150, 150, 90],
        road: [130, 120, 110],
        foliage: [90, 120, 60],
        walls: vec![
            [200, 180, 150],
            [150, 110, 80],
            [180, 170, 160],
            [120, 130, 120],
        ],
        accents: vec![[180, 70, 50], [70, 90, 120], [200, 160, 70], [100, 120, 80]],
    }
}

fn vivid() -> Style {
    Style {
        name: "vivid",
        outline: [15, 15, 40],
        line_width: 0.0033,
        shadow: 0.6,
        light: [1.0, 0.0],
        sky: [[30, 100, 230], [120, 200, 255]],
        ground: [60, 170, 70],
        road: [110, 110, 130],
        foliage: [30, 140, 70],
        walls: vec![
            [250, 250, 250],
            [255, 120, 80],
            [90, 200, 230],
            [255, 220, 80],
            [160, 100, 220],
        ],
        accents: vec![[255, 40, 80], [40, 80, 255], [255, 210, 0], [0, 200, 140]],
    }
}
