//! Turns frame specs into pixels cheaply: backgrounds and drawings are rasterised once, frames only blit.

use super::{AnimeSpec, Camera, Drawing, FrameSpec};
use crate::picture::{self, Actor, Card};
use image::{Rgb, RgbImage};
use std::collections::{HashMap, VecDeque};

/// How many composed drawings stay cached (a talk shot cycles through a few).
const DRAWING_CACHE: usize = 12;

/// Renders frames of one anime at one output size.
pub struct Renderer<'a> {
    anime: &'a AnimeSpec,
    width: u32,
    height: u32,
    backgrounds: HashMap<u16, RgbImage>,
    drawings: VecDeque<(Drawing, RgbImage)>,
    /// Visible crops of drawings composed for a still camera, with their pixel origin.
    crops: VecDeque<((Drawing, Camera), [u32; 2], RgbImage)>,
    last_view: Option<(Drawing, Camera)>,
    titles: HashMap<Card, RgbImage>,
}

impl<'a> Renderer<'a> {
    /// A renderer producing `width` x `height` frames.
    pub fn new(anime: &'a AnimeSpec, width: u32, height: u32) -> Renderer<'a> {
        Renderer {
            anime,
            width,
            height,
            backgrounds: HashMap::new(),
            drawings: VecDeque::new(),
            crops: VecDeque::new(),
            last_view: None,
            titles: HashMap::new(),
        }
    }

    fn scale(&self) -> f32 {
        self.height as f32
    }

    /// The pixels of one frame.
    pub fn frame(&mut self, spec: &FrameSpec) -> RgbImage {
        match spec {
            FrameSpec::Flat(c) => RgbImage::from_pixel(self.width, self.height, Rgb(*c)),
            FrameSpec::Title(card) => self.title(card).clone(),
            FrameSpec::View {
                drawing,
                camera,
                speed_lines,
            } => {
                let mut img = self.view(drawing, *camera);
                if let Some(phase) = speed_lines {
                    picture::speed_lines(&mut img, self.anime.seed, *phase, [250, 250, 250]);
                }
                img
            }
            FrameSpec::Mix { a, b, t } => {
                let (a, b) = (self.frame(a), self.frame(b));
                blend(&a, &b, *t)
            }
            FrameSpec::Fade { inner, level } => {
                let mut img = self.frame(inner);
                darken(&mut img, *level);
                img
            }
        }
    }

    fn title(&mut self, card: &Card) -> &RgbImage {
        if !self.titles.contains_key(card) {
            let (w, h) = (self.width, self.height);
            let scene = card.backdrop.map(|bg| {
                let src = self.background(bg);
                // The left of the background at the frame's aspect.
                let vw = (src.height() as f64 * w as f64 / h as f64).min(src.width() as f64);
                let vh = src.height() as f64;
                sample(src, [0.0, 0.0, vw / w as f64, vh / h as f64], w, h)
            });
            let anime = self.anime;
            let img = picture::title_card((w, h), card, &anime.style, &anime.card, scene.as_ref());
            self.titles.insert(card.clone(), img);
        }
        &self.titles[card]
    }

    fn background(&mut self, bg: u16) -> &RgbImage {
        let (anime, scale) = (self.anime, self.scale());
        self.backgrounds
            .entry(bg)
            .or_insert_with(|| anime.backgrounds[bg as usize].render(&anime.style, scale))
    }

    fn drawing(&mut self, d: &Drawing) -> &RgbImage {
        if let Some(pos) = self.drawings.iter().position(|(k, _)| k == d) {
            let hit = self.drawings.remove(pos).expect("position is valid");
            self.drawings.push_front(hit);
        } else {
            let scale = self.scale();
            let anime = self.anime;
            let back = self.background(d.bg);
            let actors: Vec<Actor> = d
                .actors
                .iter()
                .map(|(who, pose, at)| Actor {
                    design: &anime.cast[*who as usize],
                    pose: *pose,
                    at: *at,
                })
                .collect();
            let img = picture::compose(back, scale, &anime.style, &actors);
            self.drawings.push_front((d.clone(), img));
            self.drawings.truncate(DRAWING_CACHE);
        }
        &self.drawings[0].1
    }

    /// Visible region `[x0, y0, width, height]` of a camera, in background pixels.
    fn region(&mut self, bg: u16, cam: Camera) -> [f64; 4] {
        let (w, h, scale) = (self.width as f64, self.height as f64, self.scale() as f64);
        let src = self.background(bg);
        let zoom = cam.zoom as f64 / 1000.0;
        let (vw, vh) = (w / zoom, h / zoom);
        let x0 = (cam.x as f64 / 1000.0 * scale - vw / 2.0)
            .clamp(0.0, (src.width() as f64 - vw).max(0.0));
        let y0 = (cam.y as f64 / 1000.0 * scale - vh / 2.0)
            .clamp(0.0, (src.height() as f64 - vh).max(0.0));
        [x0, y0, vw, vh]
    }

    /// A moving camera crops one fully composed drawing per frame; a still camera composes only
    /// the visible crop (much cheaper for talk shots that cycle through a few drawings).
    fn view(&mut self, d: &Drawing, cam: Camera) -> RgbImage {
        let [x0, y0, vw, vh] = self.region(d.bg, cam);
        let steps = [vw / self.width as f64, vh / self.height as f64];
        let moving = self
            .last_view
            .as_ref()
            .is_some_and(|(ld, lc)| ld == d && *lc != cam);
        self.last_view = Some((d.clone(), cam));
        let (w, h) = (self.width, self.height);
        if moving || self.drawings.iter().any(|(k, _)| k == d) {
            return sample(self.drawing(d), [x0, y0, steps[0], steps[1]], w, h);
        }
        let (origin, crop) = self.crop(d, cam, [x0, y0, vw, vh]);
        sample(
            crop,
            [
                x0 - origin[0] as f64,
                y0 - origin[1] as f64,
                steps[0],
                steps[1],
            ],
            w,
            h,
        )
    }

    fn crop(
        &mut self,
        d: &Drawing,
        cam: Camera,
        [x0, y0, vw, vh]: [f64; 4],
    ) -> ([u32; 2], &RgbImage) {
        let key = (d.clone(), cam);
        if let Some(pos) = self.crops.iter().position(|(k, _, _)| *k == key) {
            let hit = self.crops.remove(pos).expect("position is valid");
            self.crops.push_front(hit);
        } else {
            let (scale, anime) = (self.scale(), self.anime);
            let back = self.background(d.bg);
            let (cx, cy) = (x0.floor() as u32, y0.floor() as u32);
            let cw = ((vw.ceil() as u32) + 1).min(back.width() - cx);
            let ch = ((vh.ceil() as u32) + 1).min(back.height() - cy);
            let mut img = image::imageops::crop_imm(back, cx, cy, cw, ch).to_image();
            let actors = actors_of(anime, d);
            picture::paint_actors(
                &mut img,
                [cx as f32, cy as f32],
                scale,
                &anime.style,
                &actors,
            );
            self.crops.push_front((key, [cx, cy], img));
            self.crops.truncate(DRAWING_CACHE);
        }
        (self.crops[0].1, &self.crops[0].2)
    }
}

fn actors_of<'a>(anime: &'a AnimeSpec, d: &Drawing) -> Vec<Actor<'a>> {
    d.actors
        .iter()
        .map(|(who, pose, at)| Actor {
            design: &anime.cast[*who as usize],
            pose: *pose,
            at: *at,
        })
        .collect()
}

/// Nearest-neighbour sampling of `src` from `(x0, y0)` with steps `(sx, sy)` per output pixel.
fn sample(src: &RgbImage, [x0, y0, sx, sy]: [f64; 4], w: u32, h: u32) -> RgbImage {
    let (sw, sh) = (src.width() as usize, src.height() as usize);
    let xs: Vec<usize> = (0..w)
        .map(|x| ((x0 + (x as f64 + 0.5) * sx) as usize).min(sw - 1))
        .collect();
    let mut out = RgbImage::new(w, h);
    let raw = src.as_raw();
    for (y, row) in out.as_mut().chunks_exact_mut(w as usize * 3).enumerate() {
        let sy_i = ((y0 + (y as f64 + 0.5) * sy) as usize).min(sh - 1);
        let srow = &raw[sy_i * sw * 3..(sy_i + 1) * sw * 3];
        for (px, &sx_i) in row.chunks_exact_mut(3).zip(&xs) {
            px.copy_from_slice(&srow[sx_i * 3..sx_i * 3 + 3]);
        }
    }
    out
}

/// `a` to `b` by `t`/255.
fn blend(a: &RgbImage, b: &RgbImage, t: u8) -> RgbImage {
    let (t, u) = (t as u32, 255 - t as u32);
    let data = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(&x, &y)| ((x as u32 * u + y as u32 * t) / 255) as u8)
        .collect();
    RgbImage::from_raw(a.width(), a.height(), data).expect("same size")
}

/// Multiplies every channel by `level`/255 (a fade through black).
fn darken(img: &mut RgbImage, level: u8) {
    for v in img.iter_mut() {
        *v = (*v as u32 * level as u32 / 255) as u8;
    }
}
