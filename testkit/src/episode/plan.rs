//! Random but seeded planning of an anime: its look, cast, backgrounds, opening and episodes.

use super::{Camera, Enter, EpisodeSpec, Fps, Motion, Shot, ShotKind};
use crate::picture::{
    Backdrop, BackgroundDesign, Card, CardDesign, CharacterDesign, Placement, Pose, Style,
};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// Which part of an episode a shot belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    ColdOpen,
    /// Identical in every episode, at the same time offset.
    Opening,
    EpisodeTitle,
    Body,
}

/// One anime: everything its episodes are drawn from.
#[derive(Clone, Debug, Serialize)]
pub struct AnimeSpec {
    pub index: usize,
    pub seed: u64,
    pub title: String,
    pub fps: Fps,
    pub style: Style,
    pub cast: Vec<CharacterDesign>,
    pub backgrounds: Vec<BackgroundDesign>,
    /// How this anime's title cards look.
    pub card: CardDesign,
    /// First frame of the opening in every episode.
    pub opening_start: u32,
    pub opening_frames: u32,
    pub episodes: Vec<EpisodeSpec>,
}

/// Width over height assumed when framing shots (all fixture resolutions are about 16:9).
pub const ASPECT: f64 = 16.0 / 9.0;

impl AnimeSpec {
    /// Plans anime number `index` of a library with `episodes` episodes of about `seconds` each.
    pub fn generate(index: usize, seed: u64, episodes: u32, seconds: f64, fps: Fps) -> AnimeSpec {
        let mut rng = Rng::new(seed).fork(index as u64);
        let style = Style::generate(index, &mut rng);
        let title = make_title(&mut rng);
        let cast = (0..rng.int(3, 5))
            .map(|_| CharacterDesign::random(&mut rng))
            .collect();
        let backgrounds = (0..rng.int(5, 8))
            .map(|_| BackgroundDesign::random(&mut rng))
            .collect();
        let mut anime = AnimeSpec {
            index,
            seed,
            title,
            fps,
            style,
            cast,
            backgrounds,
            card: CardDesign::random(&mut rng.fork(2)),
            opening_start: fps.frames_in((seconds * 0.1).clamp(0.5, 10.0)),
            opening_frames: fps.frames_in((seconds * 0.2).clamp(1.0, 18.0)),
            episodes: Vec::new(),
        };
        let opening = anime.opening(&mut rng.fork(1));
        anime.episodes = (1..=episodes)
            .map(|n| anime.episode(n, seconds, &opening, &mut rng.fork(100 + n as u64)))
            .collect();
        anime
    }

    fn opening(&self, rng: &mut Rng) -> Vec<Shot> {
        let card = (self.fps.value() * 1.5) as u32;
        let mut shots = if self.opening_frames > card * 3 {
            let mut s = self.fill(rng, self.opening_frames - card, Part::Opening);
            let title = self.card(&self.title, "", 0);
            s.push(title_shot(title, card, Part::Opening));
            s
        } else {
            self.fill(rng, self.opening_frames, Part::Opening)
        };
        shots[0].enter = Enter::Fade(shots[0].frames.min(8) / 2);
        shots
    }

    fn episode(&self, number: u32, seconds: f64, opening: &[Shot], rng: &mut Rng) -> EpisodeSpec {
        let total = self
            .fps
            .frames_in(seconds)
            .max(self.opening_start + self.opening_frames + 2);
        let mut shots = self.fill(rng, self.opening_start, Part::ColdOpen);
        shots.extend_from_slice(opening);
        let mut rest = total - self.opening_start - self.opening_frames;
        let card = (self.fps.value() * 1.5) as u32;
        if rest > card * 4 {
            // Cards show the episode's own title, over a still of the
            // episode (one background per episode, in turn) when the
            // design has a scene backdrop.
            let name = format!("{} {}", rng.pick(WORDS_A), rng.pick(WORDS_B));
            let bg = ((self.index + number as usize) % self.backgrounds.len()) as u16;
            let title = self.card(&name, &format!("EPISODE {number}"), bg);
            shots.push(title_shot(title, card, Part::EpisodeTitle));
            rest -= card;
        }
        let mut body = self.fill(rng, rest, Part::Body);
        let last = body.len() - 1;
        body[last].fade_out = (body[last].frames / 3).min(12);
        shots.extend(body);
        EpisodeSpec {
            number,
            fps: self.fps,
            shots,
        }
    }

    /// A title card in this anime's design (`bg` is its backdrop if the design has one).
    fn card(&self, title: &str, line: &str, bg: u16) -> Card {
        Card {
            title: title.into(),
            line: line.into(),
            backdrop: (self.card.backdrop == Backdrop::Scene).then_some(bg),
        }
    }

    /// Random shots adding up to exactly `frames`.
    fn fill(&self, rng: &mut Rng, frames: u32, part: Part) -> Vec<Shot> {
        let mut shots: Vec<Shot> = Vec::new();
        let mut left = frames;
        let half_second = (self.fps.value() / 2.0) as u32;
        while left > 0 {
            let mut shot = self.random_shot(rng, part);
            shot.frames = shot.frames.min(left);
            if left - shot.frames < half_second {
                shot.frames = left;
            }
            shot.enter = clamp_enter(shot.enter, shot.frames, shots.is_empty());
            left -= shot.frames;
            shots.push(shot);
        }
        shots
    }

    fn seconds(&self, rng: &mut Rng, lo: f32, hi: f32) -> u32 {
        self.fps.frames_in(rng.float(lo, hi) as f64)
    }

    fn random_shot(&self, rng: &mut Rng, part: Part) -> Shot {
        let r = rng.unit();
        let (kind, frames) = if r < 0.04 {
            (
                ShotKind::Flat {
                    color: [255, 255, 255],
                },
                rng.int(2, 4) as u32,
            )
        } else if r < 0.07 {
            (
                ShotKind::Flat { color: [0, 0, 0] },
                self.seconds(rng, 0.4, 1.0),
            )
        } else if r < 0.4 {
            let on = *rng.pick(&[2u8, 3]);
            (
                self.scene(rng, 1150, Motion::Talk { speaker: 0, on }),
                self.seconds(rng, 2.0, 5.0),
            )
        } else if r < 0.6 {
            (
                self.scene(rng, 1000, Motion::Still),
                self.seconds(rng, 1.0, 4.0),
            )
        } else if r < 0.92 {
            let frames = self.seconds(rng, 1.5, 4.5);
            (self.moving_scene(rng, r < 0.8), frames)
        } else {
            let motion = Motion::Action { speaker: 0, on: 2 };
            (self.scene(rng, 1100, motion), self.seconds(rng, 1.0, 2.0))
        };
        let enter = match rng.unit() {
            x if x < 0.1 => Enter::Dissolve(rng.int(6, 13) as u32),
            x if x < 0.18 => Enter::Fade(rng.int(6, 13) as u32),
            _ => Enter::Cut,
        };
        Shot {
            kind,
            frames,
            enter,
            fade_out: 0,
            part,
        }
    }

    fn moving_scene(&self, rng: &mut Rng, pan: bool) -> ShotKind {
        let on = *rng.pick(&[1u8, 1, 2]);
        let zoom = if pan { 1000 } else { *rng.pick(&[1000, 1350]) };
        let mut kind = self.scene(rng, zoom, Motion::Still);
        if let ShotKind::Scene {
            bg, camera, motion, ..
        } = &mut kind
        {
            let to = if pan {
                self.camera(rng, *bg, 1000)
            } else {
                let z = 2350 - camera.zoom;
                Camera {
                    zoom: z,
                    ..self.clamp_camera(*bg, *camera, z)
                }
            };
            *motion = Motion::Move { to, on };
        }
        kind
    }

    fn scene(&self, rng: &mut Rng, zoom: i32, motion: Motion) -> ShotKind {
        let bg = rng.below(self.backgrounds.len()) as u16;
        let camera = self.camera(rng, bg, zoom);
        let n = if rng.chance(0.6) { 1 } else { 2 };
        let close = zoom > 1000;
        let actors = (0..n)
            .map(|i| self.actor(rng, camera, i, n, close))
            .collect();
        ShotKind::Scene {
            bg,
            actors,
            camera,
            motion,
            seed: rng.next_u64(),
        }
    }

    fn actor(
        &self,
        rng: &mut Rng,
        cam: Camera,
        i: i32,
        n: i32,
        close: bool,
    ) -> (u8, Pose, Placement) {
        let vh = 1_000_000.0 / cam.zoom as f64;
        let vw = vh * ASPECT;
        let h = vh
            * if close {
                rng.float(1.1, 1.5)
            } else {
                rng.float(0.55, 0.85)
            } as f64;
        let spread = (i as f64 - (n - 1) as f64 / 2.0) * vw * 0.4;
        let x = cam.x as f64 + spread + rng.float(-0.08, 0.08) as f64 * vw;
        let feet = cam.y as f64 - vh / 2.0 + vh * rng.float(0.22, 0.35) as f64 + 0.86 * h;
        let who = rng.below(self.cast.len()) as u8;
        let at = Placement {
            x: x as i32,
            feet: feet as i32,
            height: h as i32,
        };
        (who, Pose::random(rng), at)
    }

    fn camera(&self, rng: &mut Rng, bg: u16, zoom: i32) -> Camera {
        let b = &self.backgrounds[bg as usize];
        let wide = Camera {
            x: (rng.unit() * b.width * 1000.0) as i32,
            y: (b.height * rng.float(0.6, 1.0) * 1000.0) as i32,
            zoom,
        };
        self.clamp_camera(bg, wide, zoom)
    }

    /// Keeps the view of `cam` at `zoom` inside the background.
    pub fn clamp_camera(&self, bg: u16, cam: Camera, zoom: i32) -> Camera {
        let b = &self.backgrounds[bg as usize];
        let vh = 1_000_000 / zoom;
        let vw = (vh as f64 * ASPECT) as i32;
        let (bw, bh) = ((b.width * 1000.0) as i32, (b.height * 1000.0) as i32);
        let x = cam.x.clamp(vw / 2 + 1, (bw - vw / 2 - 1).max(vw / 2 + 1));
        let y = cam.y.clamp(vh / 2 + 1, (bh - vh / 2 - 1).max(vh / 2 + 1));
        Camera {
            x,
            y,
            zoom: cam.zoom,
        }
    }
}

fn clamp_enter(enter: Enter, frames: u32, first: bool) -> Enter {
    match enter {
        Enter::Dissolve(_) if first => Enter::Cut,
        Enter::Dissolve(n) => Enter::Dissolve(n.min(frames / 2)),
        Enter::Fade(n) => Enter::Fade(n.min(frames / 2)),
        Enter::Cut => Enter::Cut,
    }
}

fn title_shot(card: Card, frames: u32, part: Part) -> Shot {
    Shot {
        kind: ShotKind::Title(card),
        frames,
        enter: Enter::Cut,
        fade_out: 0,
        part,
    }
}

const WORDS_A: &[&str] = &[
    "Sora", "Hoshi", "Kaze", "Yume", "Hikari", "Tsuki", "Umi", "Mirai", "Kokoro", "Sakura",
    "Natsu", "Yuki", "Akane", "Midori", "Kumo", "Hana",
];
const WORDS_B: &[&str] = &[
    "Michi",
    "Uta",
    "Monogatari",
    "Kiseki",
    "Tabi",
    "Days",
    "Gakuen",
    "Quest",
    "Club",
    "Diary",
    "Record",
    "Signal",
];

fn make_title(rng: &mut Rng) -> String {
    let (a, b) = (*rng.pick(WORDS_A), *rng.pick(WORDS_B));
    if rng.chance(0.5) {
        format!("{a} no {b}")
    } else {
        format!("{a} {b}")
    }
}
