//! Simple cel-shaded characters whose pose, mouth and eyes change between drawings.

use super::raster::{Canvas, Color, Paint, Shape, shade};
use super::style::Style;
use crate::rng::Rng;
use serde::Serialize;

/// The fixed look of a character.
#[derive(Clone, Debug, Serialize)]
pub struct CharacterDesign {
    pub hair: Color,
    pub eyes: Color,
    pub skin: Color,
    pub shirt: Color,
    pub legs: Color,
    /// 0 short, 1 long, 2 twin tails, 3 spiky.
    pub hair_style: u8,
}

impl CharacterDesign {
    /// A random character.
    pub fn random(rng: &mut Rng) -> CharacterDesign {
        let hairs = [
            [40, 30, 35],
            [120, 70, 40],
            [240, 210, 110],
            [240, 140, 180],
            [80, 120, 220],
            [200, 50, 50],
            [200, 200, 215],
            [70, 160, 110],
        ];
        let eyes = [
            [60, 120, 220],
            [150, 60, 40],
            [60, 160, 80],
            [170, 60, 170],
            [220, 150, 40],
        ];
        let skins = [[255, 228, 210], [250, 215, 190], [225, 180, 150]];
        let clothes = [
            [230, 235, 245],
            [40, 50, 90],
            [200, 60, 70],
            [90, 150, 90],
            [240, 200, 90],
            [60, 60, 60],
        ];
        CharacterDesign {
            hair: *rng.pick(&hairs),
            eyes: *rng.pick(&eyes),
            skin: *rng.pick(&skins),
            shirt: *rng.pick(&clothes),
            legs: *rng.pick(&clothes),
            hair_style: rng.below(4) as u8,
        }
    }
}

/// Mouth drawings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Mouth {
    Closed,
    Open,
    Wide,
    Smile,
}

/// Eye drawings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Eyes {
    Open,
    Half,
    Closed,
}

/// What changes between drawings of one character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Pose {
    /// Arm angles as steps of 0.45 rad away from hanging straight down.
    pub arms: [u8; 2],
    pub mouth: Mouth,
    pub eyes: Eyes,
    /// Gaze and face offset: -1 left, 0 front, 1 right.
    pub look: i8,
}

impl Pose {
    /// Standing, arms down, mouth closed, eyes open.
    pub fn neutral() -> Pose {
        Pose {
            arms: [0, 0],
            mouth: Mouth::Closed,
            eyes: Eyes::Open,
            look: 0,
        }
    }

    /// A random pose.
    pub fn random(rng: &mut Rng) -> Pose {
        Pose {
            arms: [rng.below(5) as u8, rng.below(5) as u8],
            mouth: *rng.pick(&[Mouth::Closed, Mouth::Smile, Mouth::Open]),
            eyes: Eyes::Open,
            look: rng.int(-1, 2) as i8,
        }
    }
}

/// Where a character stands, in thousandths of a world unit (integers keep frame identity exact).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Placement {
    pub x: i32,
    pub feet: i32,
    pub height: i32,
}

/// Draws one character with a pose.
pub fn draw_character(
    c: &mut Canvas,
    style: &Style,
    d: &CharacterDesign,
    pose: &Pose,
    at: &Placement,
) {
    let body = Body {
        x: at.x as f32 / 1000.0,
        feet: at.feet as f32 / 1000.0,
        h: at.height as f32 / 1000.0,
    };
    let cel = |fill: Color| Paint {
        fill,
        shadow: Some(style.shadow_of(fill)),
        outline: Some(style.outline),
    };
    if d.hair_style == 1 {
        c.draw(
            &body.poly(&[[-0.1, -0.9], [0.1, -0.9], [0.12, -0.6], [-0.12, -0.6]]),
            cel(d.hair),
        );
    }
    if d.hair_style == 2 {
        let tails = vec![
            body.circle3(-0.13, -0.8, 0.05),
            body.circle3(-0.15, -0.7, 0.045),
            body.circle3(0.13, -0.8, 0.05),
            body.circle3(0.15, -0.7, 0.045),
        ];
        c.draw(&Shape::Blob(tails), cel(d.hair));
    }
    for side in [-1.0, 1.0] {
        c.draw(
            &body.capsule([0.04 * side, -0.4], [0.045 * side, -0.04], 0.03),
            cel(d.legs),
        );
        c.draw(
            &body.ellipse(0.05 * side, -0.02, 0.04, 0.02),
            cel([60, 50, 50]),
        );
    }
    c.draw(
        &body.poly(&[
            [-0.09, -0.74],
            [0.09, -0.74],
            [0.075, -0.46],
            [-0.075, -0.46],
        ]),
        cel(d.shirt),
    );
    c.draw(
        &body.poly(&[[-0.08, -0.47], [0.08, -0.47], [0.11, -0.35], [-0.11, -0.35]]),
        cel(d.legs),
    );
    c.draw(&body.rect(-0.022, -0.8, 0.022, -0.73), cel(d.skin));
    draw_arms(c, &body, d, pose, &cel);
    draw_head(c, &body, d, pose, &cel, style);
}

fn draw_arms(
    c: &mut Canvas,
    b: &Body,
    d: &CharacterDesign,
    pose: &Pose,
    cel: &dyn Fn(Color) -> Paint,
) {
    for (i, side) in [-1.0f32, 1.0].into_iter().enumerate() {
        let a = 0.15 + pose.arms[i] as f32 * 0.45;
        let shoulder = [0.085 * side, -0.72];
        let elbow = [
            shoulder[0] + 0.15 * a.sin() * side,
            shoulder[1] + 0.15 * a.cos(),
        ];
        let bend = a + 0.4;
        let hand = [
            elbow[0] + 0.13 * bend.sin() * side,
            elbow[1] + 0.13 * bend.cos(),
        ];
        c.draw(&b.capsule(shoulder, elbow, 0.026), cel(d.shirt));
        c.draw(&b.capsule(elbow, hand, 0.021), cel(d.skin));
        c.draw(&b.ellipse(hand[0], hand[1], 0.026, 0.026), cel(d.skin));
    }
}

fn draw_head(
    c: &mut Canvas,
    b: &Body,
    d: &CharacterDesign,
    pose: &Pose,
    cel: &dyn Fn(Color) -> Paint,
    style: &Style,
) {
    let look = pose.look as f32 * 0.012;
    c.draw(&b.ellipse(look * 0.5, -0.86, 0.085, 0.095), cel(d.skin));
    for side in [-1.0, 1.0] {
        draw_eye(c, b, d, pose.eyes, [look + 0.036 * side, -0.85], style);
    }
    draw_mouth(c, b, pose.mouth, [look, -0.8], style);
    c.draw(&b.poly(&bangs(d.hair_style, look)), cel(d.hair));
}

fn bangs(hair_style: u8, look: f32) -> Vec<[f32; 2]> {
    let mut pts: Vec<[f32; 2]> = (0..=12)
        .map(|i| {
            let t = std::f32::consts::PI * (1.0 + i as f32 / 12.0);
            [look * 0.5 + 0.098 * t.cos(), -0.865 + 0.11 * t.sin()]
        })
        .collect();
    let spikes = if hair_style == 3 { 7 } else { 5 };
    let depth = if hair_style == 3 { 0.05 } else { 0.03 };
    for i in (0..=spikes * 2).rev() {
        let x = look * 0.5 - 0.098 + 0.196 * i as f32 / (spikes * 2) as f32;
        let y = if i % 2 == 0 { -0.87 } else { -0.87 - depth };
        pts.push([x, y + 0.005]);
    }
    pts
}

fn draw_eye(
    c: &mut Canvas,
    b: &Body,
    d: &CharacterDesign,
    eyes: Eyes,
    at: [f32; 2],
    style: &Style,
) {
    let ink = Paint::flat(style.outline);
    if eyes == Eyes::Closed {
        c.draw(
            &b.capsule([at[0] - 0.02, at[1]], [at[0] + 0.02, at[1] + 0.004], 0.004),
            ink,
        );
        return;
    }
    let open = if eyes == Eyes::Half { 0.55 } else { 1.0 };
    let white = Paint {
        fill: [255, 255, 255],
        shadow: None,
        outline: Some(style.outline),
    };
    c.draw(&b.ellipse(at[0], at[1], 0.02, 0.028 * open), white);
    let iris = Paint {
        fill: d.eyes,
        shadow: Some(shade(d.eyes, 0.6)),
        outline: None,
    };
    c.draw(&b.ellipse(at[0], at[1] + 0.004, 0.015, 0.022 * open), iris);
    c.draw(
        &b.ellipse(at[0], at[1] + 0.006, 0.007, 0.011 * open),
        Paint::flat([15, 15, 25]),
    );
    c.draw(
        &b.ellipse(at[0] - 0.006, at[1] - 0.006 * open, 0.005, 0.005),
        Paint::flat([255, 255, 255]),
    );
    c.draw(
        &b.capsule(
            [at[0] - 0.022, at[1] - 0.028 * open],
            [at[0] + 0.022, at[1] - 0.03 * open],
            0.004,
        ),
        ink,
    );
}

fn draw_mouth(c: &mut Canvas, b: &Body, mouth: Mouth, at: [f32; 2], style: &Style) {
    let ink = Paint::flat(style.outline);
    let inside = Paint {
        fill: [170, 50, 60],
        shadow: None,
        outline: Some(style.outline),
    };
    match mouth {
        Mouth::Closed => c.draw(
            &b.capsule([at[0] - 0.012, at[1]], [at[0] + 0.012, at[1]], 0.003),
            ink,
        ),
        Mouth::Open => c.draw(&b.ellipse(at[0], at[1], 0.012, 0.01), inside),
        Mouth::Wide => c.draw(&b.ellipse(at[0], at[1] + 0.004, 0.018, 0.018), inside),
        Mouth::Smile => c.draw(
            &b.poly(&[
                [at[0] - 0.016, at[1] - 0.004],
                [at[0] + 0.016, at[1] - 0.004],
                [at[0], at[1] + 0.01],
            ]),
            inside,
        ),
    }
}

/// Maps body-relative coordinates (fractions of the height, feet at 0) to world units.
struct Body {
    x: f32,
    feet: f32,
    h: f32,
}

impl Body {
    fn at(&self, p: [f32; 2]) -> [f32; 2] {
        [self.x + p[0] * self.h, self.feet + p[1] * self.h]
    }

    fn poly(&self, pts: &[[f32; 2]]) -> Shape {
        Shape::Poly(pts.iter().map(|p| self.at(*p)).collect())
    }

    fn rect(&self, x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        let (a, b) = (self.at([x0, y0]), self.at([x1, y1]));
        Shape::rect(a[0], a[1], b[0], b[1])
    }

    fn ellipse(&self, cx: f32, cy: f32, rx: f32, ry: f32) -> Shape {
        let c = self.at([cx, cy]);
        Shape::Ellipse {
            cx: c[0],
            cy: c[1],
            rx: rx * self.h,
            ry: ry * self.h,
        }
    }

    fn circle3(&self, cx: f32, cy: f32, r: f32) -> [f32; 3] {
        let c = self.at([cx, cy]);
        [c[0], c[1], r * self.h]
    }

    fn capsule(&self, a: [f32; 2], b: [f32; 2], r: f32) -> Shape {
        Shape::Capsule {
            a: self.at(a),
            b: self.at(b),
            r: r * self.h,
        }
    }
}
