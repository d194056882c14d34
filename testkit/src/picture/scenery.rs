//! Background art: streets, parks, rooms and shores, larger than a frame so a camera can pan over them.

use super::raster::{Canvas, Color, Paint, Shape, lerp, shade};
use super::style::{Style, TimeOfDay};
use crate::rng::Rng;
use image::RgbImage;
use serde::Serialize;

/// What a background shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Place {
    Street,
    Park,
    Room,
    Shore,
}

/// A background, resolution independent: its art is regenerated from `seed` at any scale.
#[derive(Clone, Debug, Serialize)]
pub struct BackgroundDesign {
    pub place: Place,
    pub time: TimeOfDay,
    /// Size in world units (1.0 = frame height).
    pub width: f32,
    pub height: f32,
    pub seed: u64,
}

impl BackgroundDesign {
    /// A random background; about one in five is a night scene.
    pub fn random(rng: &mut Rng) -> BackgroundDesign {
        let place = *rng.pick(&[
            Place::Street,
            Place::Street,
            Place::Park,
            Place::Room,
            Place::Shore,
        ]);
        let time = *rng.pick(&[
            TimeOfDay::Day,
            TimeOfDay::Day,
            TimeOfDay::Day,
            TimeOfDay::Dusk,
            TimeOfDay::Night,
        ]);
        let width = rng.float(2.4, 3.4);
        let height = if rng.chance(0.3) { 1.3 } else { 1.0 };
        BackgroundDesign {
            place,
            time,
            width,
            height,
            seed: rng.next_u64(),
        }
    }

    /// Horizon height in world units.
    pub fn horizon(&self) -> f32 {
        self.height * 0.6
    }

    /// Rasterises the background at `scale` pixels per world unit.
    pub fn render(&self, style: &Style, scale: f32) -> RgbImage {
        let w = (self.width * scale).ceil() as u32;
        let h = (self.height * scale).ceil() as u32;
        let mut img = RgbImage::new(w, h);
        let mut canvas = Canvas {
            img: &mut img,
            scale,
            line_px: (style.line_width * scale).max(1.2),
            light: style.light,
            origin: [0.0; 2],
        };
        let mut art = Art {
            c: &mut canvas,
            style,
            bg: self,
            rng: Rng::new(self.seed),
        };
        match self.place {
            Place::Street => art.street(),
            Place::Park => art.park(),
            Place::Room => art.room(),
            Place::Shore => art.shore(),
        }
        img
    }
}

/// Drawing state for one background.
struct Art<'a, 'b> {
    c: &'a mut Canvas<'b>,
    style: &'a Style,
    bg: &'a BackgroundDesign,
    rng: Rng,
}

impl Art<'_, '_> {
    fn lit(&self, c: Color) -> Color {
        self.style.lit(c, self.bg.time)
    }

    fn cel(&self, c: Color) -> Paint {
        let f = self.lit(c);
        Paint {
            fill: f,
            shadow: Some(self.style.shadow_of(f)),
            outline: Some(self.style.outline),
        }
    }

    fn sky(&mut self, bottom: f32) {
        let [top, low] = self.style.sky(self.bg.time);
        self.c.gradient(0.0, bottom, top, low);
        match self.bg.time {
            TimeOfDay::Night => self.stars_and_moon(bottom),
            _ => self.clouds(bottom),
        }
    }

    fn clouds(&mut self, bottom: f32) {
        let n = self.rng.int(2, 6);
        for _ in 0..n {
            let (x, y) = (
                self.rng.float(0.0, self.bg.width),
                self.rng.float(0.08, bottom * 0.6),
            );
            let r = self.rng.float(0.04, 0.08);
            let puffs = (0..5)
                .map(|i| [x + i as f32 * r * 0.9, y - r * 0.4 * (i % 2) as f32, r])
                .collect();
            let white = self.lit([250, 250, 255]);
            let paint = Paint {
                fill: white,
                shadow: Some(shade(white, 0.9)),
                outline: None,
            };
            self.c.draw(&Shape::Blob(puffs), paint);
        }
    }

    fn stars_and_moon(&mut self, bottom: f32) {
        for _ in 0..(self.bg.width * 40.0) as usize {
            let (x, y) = (
                self.rng.float(0.0, self.bg.width),
                self.rng.float(0.0, bottom * 0.8),
            );
            self.c
                .draw(&Shape::circle(x, y, 0.002), Paint::flat([230, 230, 200]));
        }
        let x = self.rng.float(0.3, self.bg.width - 0.3);
        let moon = Paint {
            fill: [250, 240, 190],
            shadow: Some([220, 205, 150]),
            outline: Some(self.style.outline),
        };
        self.c.draw(&Shape::circle(x, 0.15, 0.06), moon);
    }

    fn street(&mut self) {
        let hy = self.bg.horizon();
        self.sky(hy);
        self.skyline(hy);
        let ground = hy + 0.1;
        let mut x = -0.05;
        while x < self.bg.width {
            let w = self.rng.float(0.25, 0.5);
            self.building(x, w, ground);
            x += w + self.rng.float(0.0, 0.12);
            if self.rng.chance(0.4) {
                self.tree(x - 0.03, ground, 0.18);
            }
        }
        let walk = self.style.walls[0];
        self.c.draw(
            &Shape::rect(-0.1, ground, self.bg.width + 0.1, ground + 0.06),
            self.cel(walk),
        );
        let road = self.style.road;
        self.c.draw(
            &Shape::rect(
                -0.1,
                ground + 0.06,
                self.bg.width + 0.1,
                self.bg.height + 0.1,
            ),
            self.cel(road),
        );
        self.lane_marks(ground + 0.06);
        self.poles(ground);
    }

    fn skyline(&mut self, hy: f32) {
        let [_, low] = self.style.sky(self.bg.time);
        let far = lerp(low, self.lit(self.style.walls[2]), 0.45);
        let mut x = 0.0;
        while x < self.bg.width {
            let (w, h) = (self.rng.float(0.08, 0.2), self.rng.float(0.1, 0.3));
            self.c
                .draw(&Shape::rect(x, hy - h, x + w, hy + 0.1), Paint::flat(far));
            x += w;
        }
    }

    fn building(&mut self, x: f32, w: f32, ground: f32) {
        let top = self.rng.float(0.08, 0.42) * self.bg.height;
        let wall = *self.rng.pick(&self.style.walls);
        self.c
            .draw(&Shape::rect(x, top, x + w, ground), self.cel(wall));
        let roof = shade(wall, 0.6);
        self.c.draw(
            &Shape::rect(x - 0.01, top - 0.025, x + w + 0.01, top + 0.01),
            self.cel(roof),
        );
        self.windows(x, w, top + 0.05, ground - 0.1);
        let door = shade(*self.rng.pick(&self.style.accents), 0.8);
        let dx = x + self.rng.float(0.05, (w - 0.1).max(0.06));
        self.c.draw(
            &Shape::rect(dx, ground - 0.09, dx + 0.05, ground),
            self.cel(door),
        );
    }

    fn windows(&mut self, x: f32, w: f32, y0: f32, y1: f32) {
        let cols = ((w - 0.04) / 0.07).floor().max(1.0) as usize;
        let mut y = y0;
        while y + 0.045 < y1 {
            for i in 0..cols {
                let wx = x + 0.03 + i as f32 * 0.07;
                let glass = self.window_glass();
                self.c
                    .draw(&Shape::rect(wx, y, wx + 0.04, y + 0.045), glass);
            }
            y += 0.075;
        }
    }

    fn window_glass(&mut self) -> Paint {
        let night = self.bg.time == TimeOfDay::Night;
        let fill = if night && self.rng.chance(0.55) {
            [250, 220, 120]
        } else {
            self.lit([150, 200, 230])
        };
        Paint {
            fill,
            shadow: Some(shade(fill, 0.8)),
            outline: Some(self.style.outline),
        }
    }

    fn lane_marks(&mut self, y: f32) {
        let mark = self.lit([240, 240, 240]);
        let mut x = 0.05;
        while x < self.bg.width {
            let yy = y + (self.bg.height - y) * 0.5;
            self.c
                .draw(&Shape::rect(x, yy, x + 0.12, yy + 0.012), Paint::flat(mark));
            x += 0.25;
        }
    }

    fn poles(&mut self, ground: f32) {
        let pole = self.lit([120, 110, 100]);
        let mut prev: Option<[f32; 2]> = None;
        let mut x = self.rng.float(0.1, 0.5);
        while x < self.bg.width {
            self.c.draw(
                &Shape::rect(x, ground - 0.55, x + 0.018, ground + 0.03),
                self.cel(pole),
            );
            let head = [x + 0.009, ground - 0.5];
            if let Some(p) = prev {
                let wire = Shape::Capsule {
                    a: p,
                    b: head,
                    r: 0.0015,
                };
                self.c.draw(&wire, Paint::flat(self.style.outline));
            }
            prev = Some(head);
            x += self.rng.float(0.7, 1.1);
        }
    }

    fn tree(&mut self, x: f32, ground: f32, size: f32) {
        let trunk = self.lit([120, 80, 50]);
        self.c.draw(
            &Shape::rect(x - 0.015, ground - size * 1.2, x + 0.015, ground),
            self.cel(trunk),
        );
        let crown: Vec<[f32; 3]> = (0..6)
            .map(|_| {
                let dx = self.rng.float(-0.6, 0.6) * size;
                let dy = self.rng.float(-0.5, 0.3) * size;
                [
                    x + dx,
                    ground - size * 1.5 + dy,
                    size * self.rng.float(0.4, 0.6),
                ]
            })
            .collect();
        let leaf = self.style.foliage;
        self.c.draw(&Shape::Blob(crown), self.cel(leaf));
    }

    fn bush(&mut self, x: f32, ground: f32) {
        let r = self.rng.float(0.04, 0.07);
        let puffs = (0..4)
            .map(|i| {
                [
                    x + i as f32 * r,
                    ground - r * (0.5 + 0.3 * (i % 2) as f32),
                    r,
                ]
            })
            .collect();
        let leaf = shade(self.style.foliage, 1.1);
        self.c.draw(&Shape::Blob(puffs), self.cel(leaf));
    }

    fn park(&mut self) {
        let hy = self.bg.horizon();
        self.sky(hy);
        let hill = lerp(self.style.foliage, self.style.sky[1], 0.35);
        let mut x = -0.2;
        while x < self.bg.width + 0.2 {
            let r = self.rng.float(0.3, 0.6);
            let shape = Shape::Ellipse {
                cx: x,
                cy: hy + 0.05,
                rx: r,
                ry: r * 0.4,
            };
            self.c.draw(&shape, self.cel(hill));
            x += r * 1.3;
        }
        let ground = self.style.ground;
        self.c.draw(
            &Shape::rect(-0.1, hy, self.bg.width + 0.1, self.bg.height + 0.1),
            self.cel(ground),
        );
        self.path(hy);
        self.fence(hy + 0.06);
        for _ in 0..(self.bg.width * 2.0) as usize {
            let (x, s) = (
                self.rng.float(0.0, self.bg.width),
                self.rng.float(0.15, 0.25),
            );
            self.tree(x, hy + 0.05, s);
        }
        for _ in 0..(self.bg.width * 2.0) as usize {
            let (x, y) = (
                self.rng.float(0.0, self.bg.width),
                hy + self.rng.float(0.1, 0.3),
            );
            self.bush(x, y);
        }
    }

    fn path(&mut self, hy: f32) {
        let cx = self.rng.float(0.5, self.bg.width - 0.5);
        let h = self.bg.height + 0.1;
        let shape = Shape::Poly(vec![
            [cx - 0.05, hy],
            [cx + 0.05, hy],
            [cx + 0.5, h],
            [cx - 0.5, h],
        ]);
        self.c.draw(&shape, self.cel(self.style.road));
    }

    fn fence(&mut self, y: f32) {
        let wood = self.lit([235, 235, 225]);
        let rail = Shape::rect(-0.1, y - 0.06, self.bg.width + 0.1, y - 0.045);
        self.c.draw(&rail, self.cel(wood));
        let mut x = 0.02;
        while x < self.bg.width {
            self.c
                .draw(&Shape::rect(x, y - 0.09, x + 0.015, y), self.cel(wood));
            x += 0.12;
        }
    }

    fn room(&mut self) {
        let (w, h) = (self.bg.width, self.bg.height);
        let floor_y = h * 0.72;
        let wall = *self.rng.pick(&self.style.walls);
        let lit_wall = self.style.lit(wall, TimeOfDay::Day);
        self.c
            .gradient(0.0, floor_y, shade(lit_wall, 0.85), lit_wall);
        let wood = [170, 120, 80];
        self.c.draw(
            &Shape::rect(-0.1, floor_y, w + 0.1, h + 0.1),
            self.cel(wood),
        );
        for i in 0..(w / 0.2) as usize {
            let x = i as f32 * 0.2;
            let plank = Shape::rect(x, floor_y, x + 0.004, h);
            self.c.draw(&plank, Paint::flat(shade(wood, 0.7)));
        }
        self.room_window(w * 0.3, 0.15);
        self.shelf(w * 0.62, floor_y);
        self.table(w * 0.12, floor_y);
    }

    fn room_window(&mut self, x: f32, y: f32) {
        let (ww, wh) = (0.5, 0.38);
        let [top, low] = self.style.sky(self.bg.time);
        let frame = Paint {
            fill: [240, 240, 235],
            shadow: None,
            outline: Some(self.style.outline),
        };
        self.c.draw(
            &Shape::rect(x - 0.02, y - 0.02, x + ww + 0.02, y + wh + 0.02),
            frame,
        );
        self.c
            .draw(&Shape::rect(x, y, x + ww, y + wh / 2.0), Paint::flat(top));
        self.c.draw(
            &Shape::rect(x, y + wh / 2.0, x + ww, y + wh),
            Paint::flat(low),
        );
        self.c.draw(
            &Shape::rect(x + ww / 2.0 - 0.008, y, x + ww / 2.0 + 0.008, y + wh),
            frame,
        );
        let curtain = *self.rng.pick(&self.style.accents);
        let left = Shape::Poly(vec![
            [x - 0.06, y - 0.04],
            [x + 0.08, y - 0.04],
            [x, y + wh + 0.06],
            [x - 0.08, y + wh + 0.06],
        ]);
        self.c.draw(&left, self.cel(curtain));
    }

    fn shelf(&mut self, x: f32, floor: f32) {
        let wood = [140, 95, 60];
        self.c.draw(
            &Shape::rect(x, floor - 0.55, x + 0.45, floor),
            self.cel(wood),
        );
        for row in 0..3 {
            let y = floor - 0.5 + row as f32 * 0.17;
            let mut bx = x + 0.03;
            while bx < x + 0.4 {
                let bw = self.rng.float(0.02, 0.04);
                let book = *self.rng.pick(&self.style.accents);
                let top = y + self.rng.float(0.0, 0.04);
                self.c
                    .draw(&Shape::rect(bx, top, bx + bw, y + 0.13), self.cel(book));
                bx += bw + 0.005;
            }
        }
    }

    fn table(&mut self, x: f32, floor: f32) {
        let wood = [190, 140, 90];
        self.c.draw(
            &Shape::rect(x + 0.03, floor - 0.18, x + 0.06, floor + 0.05),
            self.cel(wood),
        );
        self.c.draw(
            &Shape::rect(x + 0.34, floor - 0.18, x + 0.37, floor + 0.05),
            self.cel(wood),
        );
        self.c.draw(
            &Shape::rect(x, floor - 0.22, x + 0.4, floor - 0.18),
            self.cel(wood),
        );
        let cup = *self.rng.pick(&self.style.accents);
        self.c.draw(
            &Shape::rect(x + 0.15, floor - 0.27, x + 0.19, floor - 0.22),
            self.cel(cup),
        );
    }

    fn shore(&mut self) {
        let hy = self.bg.horizon();
        self.sky(hy);
        let sea = self.lit([40, 110, 190]);
        self.c.gradient(hy, hy + 0.18, sea, shade(sea, 1.3));
        for _ in 0..(self.bg.width * 12.0) as usize {
            let (x, y) = (
                self.rng.float(0.0, self.bg.width),
                self.rng.float(hy + 0.01, hy + 0.17),
            );
            let wave = Shape::Capsule {
                a: [x, y],
                b: [x + 0.05, y],
                r: 0.002,
            };
            self.c.draw(&wave, Paint::flat(self.lit([235, 245, 255])));
        }
        let sand = self.lit([235, 215, 160]);
        let beach = Shape::rect(-0.1, hy + 0.18, self.bg.width + 0.1, self.bg.height + 0.1);
        self.c.draw(
            &beach,
            Paint {
                fill: sand,
                shadow: None,
                outline: Some(self.style.outline),
            },
        );
        for _ in 0..(self.bg.width * 1.5) as usize {
            let x = self.rng.float(0.0, self.bg.width);
            let y = self.rng.float(hy + 0.25, self.bg.height);
            let r = self.rng.float(0.03, 0.07);
            let rock = Shape::Blob(vec![[x, y, r], [x + r, y + r * 0.3, r * 0.8]]);
            self.c.draw(&rock, self.cel([130, 125, 120]));
        }
    }
}
