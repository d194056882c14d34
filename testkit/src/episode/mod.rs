//! Episodes as shot lists: what every frame shows (exactly, as a hashable spec), rendered and encoded on demand.

mod encode;
mod plan;
mod render;
mod truth;

pub use encode::{Codec, Container, Profile, encode, encode_frames};
pub use plan::{AnimeSpec, Part};
pub use render::Renderer;
pub use truth::{AnimeTruth, Equivalent, Run};

use crate::picture::{Card, Color, Placement, Pose};
use crate::rng::mix;
use serde::Serialize;

/// A frame rate as a fraction (23.976 is 24000/1001).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Fps {
    pub num: u32,
    pub den: u32,
}

impl Fps {
    pub const NTSC_FILM: Fps = Fps {
        num: 24000,
        den: 1001,
    };
    pub const FILM: Fps = Fps { num: 24, den: 1 };
    pub const PAL: Fps = Fps { num: 25, den: 1 };
    pub const NTSC_VIDEO: Fps = Fps { num: 30, den: 1 };

    /// Frames per second as a float.
    pub fn value(&self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Presentation time of frame `i` in seconds.
    pub fn time_of(&self, i: u32) -> f64 {
        i as f64 * self.den as f64 / self.num as f64
    }

    /// Index of the frame shown at time `t` (the last one starting at or before `t`).
    pub fn frame_at(&self, t: f64) -> u32 {
        ((t * self.num as f64 / self.den as f64) + 1e-6)
            .floor()
            .max(0.0) as u32
    }

    /// Number of frames in `seconds`.
    pub fn frames_in(&self, seconds: f64) -> u32 {
        (seconds * self.value()).round().max(1.0) as u32
    }

    /// `num/den` as ffmpeg takes it.
    pub fn ffmpeg_arg(&self) -> String {
        format!("{}/{}", self.num, self.den)
    }
}

/// Camera centre and zoom in thousandths (zoom 1000 shows one world unit of height).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Camera {
    pub x: i32,
    pub y: i32,
    pub zoom: i32,
}

impl Camera {
    fn lerp(&self, to: &Camera, t: f64) -> Camera {
        let f = |a: i32, b: i32| a + ((b - a) as f64 * t).round() as i32;
        Camera {
            x: f(self.x, to.x),
            y: f(self.y, to.y),
            zoom: f(self.zoom, to.zoom),
        }
    }
}

/// One drawing: a background with characters in fixed poses.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Drawing {
    pub bg: u16,
    pub actors: Vec<(u8, Pose, Placement)>,
}

/// Everything that decides the pixels of one frame; equal specs render identical frames.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum FrameSpec {
    Flat(Color),
    Title(Card),
    View {
        drawing: Drawing,
        camera: Camera,
        speed_lines: Option<u32>,
    },
    Mix {
        a: Box<FrameSpec>,
        b: Box<FrameSpec>,
        t: u8,
    },
    Fade {
        inner: Box<FrameSpec>,
        level: u8,
    },
}

/// Frames showing less than this share of a picture's contrast are flat:
/// a fade below level 50 of 255, or a dissolve that is still more than
/// 80 % white flash or black.
pub const MIN_VISIBILITY: f32 = 50.0 / 255.0;

impl FrameSpec {
    /// Near-uniform frames (black, white flash, deep fades, the first
    /// frames of a dissolve out of a flash) that no user would search.
    pub fn is_flat(&self) -> bool {
        self.visibility() < MIN_VISIBILITY
    }

    /// The share of a picture's contrast the frame shows: 0 for a flat
    /// colour, 1 for a drawing or a title card, scaled down by fades and
    /// by the weight of flat frames in a dissolve.
    pub fn visibility(&self) -> f32 {
        match self {
            FrameSpec::Flat(_) => 0.0,
            FrameSpec::Title(_) | FrameSpec::View { .. } => 1.0,
            FrameSpec::Fade { inner, level } => *level as f32 / 255.0 * inner.visibility(),
            FrameSpec::Mix { a, b, t } => {
                let w = *t as f32 / 255.0;
                (1.0 - w) * a.visibility() + w * b.visibility()
            }
        }
    }
}

/// How the picture moves during a scene shot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Motion {
    /// One drawing held for the whole shot.
    Still,
    /// Actor `speaker` changes mouth/eyes/arms every `on` frames (animation on 2s/3s).
    Talk { speaker: u8, on: u8 },
    /// The camera moves (pan and/or zoom) to `to`, a new position every `on` frames.
    Move { to: Camera, on: u8 },
    /// Speed lines and alternating poses every `on` frames.
    Action { speaker: u8, on: u8 },
}

/// What a shot shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ShotKind {
    Scene {
        bg: u16,
        actors: Vec<(u8, Pose, Placement)>,
        camera: Camera,
        motion: Motion,
        seed: u64,
    },
    Flat {
        color: Color,
    },
    Title(Card),
}

/// How a shot begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Enter {
    Cut,
    /// Fade from black over n frames.
    Fade(u32),
    /// Cross-dissolve from the previous shot's last frame over n frames.
    Dissolve(u32),
}

/// One shot of an episode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shot {
    pub kind: ShotKind,
    pub frames: u32,
    pub enter: Enter,
    /// Fade to black over the last n frames.
    pub fade_out: u32,
    pub part: Part,
}

impl Shot {
    /// The spec of local frame `j`, before transitions.
    pub fn base_frame(&self, j: u32) -> FrameSpec {
        match &self.kind {
            ShotKind::Flat { color } => FrameSpec::Flat(*color),
            ShotKind::Title(card) => FrameSpec::Title(card.clone()),
            ShotKind::Scene {
                bg,
                actors,
                camera,
                motion,
                seed,
            } => scene_frame(*bg, actors, *camera, motion, *seed, j, self.frames),
        }
    }

    /// Short label for ground-truth listings.
    pub fn label(&self) -> &'static str {
        match &self.kind {
            ShotKind::Flat { .. } => "flat",
            ShotKind::Title(_) => "title",
            ShotKind::Scene {
                motion: Motion::Still,
                ..
            } => "hold",
            ShotKind::Scene {
                motion: Motion::Talk { .. },
                ..
            } => "talk",
            ShotKind::Scene {
                motion: Motion::Move { .. },
                ..
            } => "pan-zoom",
            ShotKind::Scene {
                motion: Motion::Action { .. },
                ..
            } => "action",
        }
    }
}

fn scene_frame(
    bg: u16,
    actors: &[(u8, Pose, Placement)],
    camera: Camera,
    motion: &Motion,
    seed: u64,
    j: u32,
    frames: u32,
) -> FrameSpec {
    let mut actors = actors.to_vec();
    let mut cam = camera;
    let mut speed_lines = None;
    match motion {
        Motion::Still => {}
        Motion::Talk { speaker, on } => animate_talk(&mut actors, *speaker, seed, j / *on as u32),
        Motion::Move { to, on } => {
            let step = (j / *on as u32) * *on as u32;
            cam = camera.lerp(to, step as f64 / (frames.max(2) - 1) as f64);
        }
        Motion::Action { speaker, on } => {
            let d = j / *on as u32;
            animate_action(&mut actors, *speaker, d);
            speed_lines = Some(mix(seed ^ d as u64) as u32);
        }
    }
    FrameSpec::View {
        drawing: Drawing { bg, actors },
        camera: cam,
        speed_lines,
    }
}

fn animate_talk(actors: &mut [(u8, Pose, Placement)], speaker: u8, seed: u64, d: u32) {
    use crate::picture::{Eyes, Mouth};
    let Some(a) = actors.get_mut(speaker as usize) else {
        return;
    };
    let mouths = [Mouth::Closed, Mouth::Open, Mouth::Wide, Mouth::Open];
    a.1.mouth = mouths[(mix(seed ^ d as u64) % 4) as usize];
    a.1.eyes = if d % 13 == 7 {
        Eyes::Closed
    } else {
        Eyes::Open
    };
    if mix(seed ^ (d / 8) as u64 ^ 0xA7) % 3 == 0 {
        a.1.arms[1] = (a.1.arms[1] + 1) % 5;
    }
}

fn animate_action(actors: &mut [(u8, Pose, Placement)], speaker: u8, d: u32) {
    use crate::picture::Mouth;
    let Some(a) = actors.get_mut(speaker as usize) else {
        return;
    };
    a.1.arms = if d % 2 == 0 { [3, 1] } else { [1, 4] };
    a.1.mouth = Mouth::Wide;
}

/// One episode: shots at a frame rate.
#[derive(Clone, Debug, Serialize)]
pub struct EpisodeSpec {
    pub number: u32,
    pub fps: Fps,
    pub shots: Vec<Shot>,
}

impl EpisodeSpec {
    /// Total frame count.
    pub fn frames(&self) -> u32 {
        self.shots.iter().map(|s| s.frames).sum()
    }

    /// Duration in seconds.
    pub fn duration(&self) -> f64 {
        self.fps.time_of(self.frames())
    }

    /// First frame of every shot.
    pub fn shot_starts(&self) -> Vec<u32> {
        self.shots
            .iter()
            .scan(0, |acc, s| {
                let start = *acc;
                *acc += s.frames;
                Some(start)
            })
            .collect()
    }

    /// Index of the shot containing frame `i` and the frame's offset in it.
    pub fn locate(&self, i: u32) -> (usize, u32) {
        let mut start = 0;
        for (k, s) in self.shots.iter().enumerate() {
            if i < start + s.frames {
                return (k, i - start);
            }
            start += s.frames;
        }
        let last = self.shots.len() - 1;
        (last, self.shots[last].frames - 1)
    }

    /// The shot shown at time `t` (clamped to the episode).
    pub fn shot_at(&self, t: f64) -> &Shot {
        &self.shots[self.locate(self.fps.frame_at(t)).0]
    }

    /// The spec of frame `i`, transitions included.
    pub fn frame_spec(&self, i: u32) -> FrameSpec {
        let (k, j) = self.locate(i);
        let shot = &self.shots[k];
        let mut spec = shot.base_frame(j);
        match shot.enter {
            Enter::Dissolve(n) if j < n && k > 0 => {
                let prev = &self.shots[k - 1];
                let a = Box::new(self.finished_frame(k - 1, prev.frames - 1));
                spec = FrameSpec::Mix {
                    a,
                    b: Box::new(spec),
                    t: ramp(j, n),
                };
            }
            Enter::Fade(n) if j < n => {
                spec = FrameSpec::Fade {
                    inner: Box::new(spec),
                    level: ramp(j, n),
                }
            }
            _ => {}
        }
        if j + shot.fade_out >= shot.frames {
            spec = FrameSpec::Fade {
                inner: Box::new(spec),
                level: ramp(shot.frames - 1 - j, shot.fade_out),
            };
        }
        spec
    }

    fn finished_frame(&self, k: usize, j: u32) -> FrameSpec {
        let start: u32 = self.shots[..k].iter().map(|s| s.frames).sum();
        self.frame_spec(start + j)
    }

    /// All frame specs in order.
    pub fn frame_specs(&self) -> Vec<FrameSpec> {
        (0..self.frames()).map(|i| self.frame_spec(i)).collect()
    }

    /// True when the frame shown at `t` is near-uniform (black, flash, deep fade).
    pub fn is_flat(&self, t: f64) -> bool {
        self.frame_spec(self.fps.frame_at(t).min(self.frames() - 1))
            .is_flat()
    }
}

/// Level of step `j` of an `n`-frame ramp, strictly between 0 and 255.
fn ramp(j: u32, n: u32) -> u8 {
    ((j + 1) * 255 / (n + 1)) as u8
}

#[cfg(test)]
mod tests;
