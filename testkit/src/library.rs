//! A library folder of encoded episodes in real release naming conventions, plus `truth.json` saying what every frame shows.

use crate::episode::{AnimeSpec, AnimeTruth, Codec, Container, Fps, Part, Profile, encode};
use crate::rng::Rng;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Size presets: `small` for tests, `eval` for the accuracy evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SizeProfile {
    Small,
    Eval,
}

impl SizeProfile {
    /// Frame size of anime `i` (the fourth one is odd-sized on purpose).
    fn size(&self, i: usize) -> (u32, u32) {
        let table: [(u32, u32); 4] = match self {
            SizeProfile::Small => [(320, 180), (256, 144), (192, 108), (213, 119)],
            SizeProfile::Eval => [(960, 540), (1280, 720), (640, 360), (853, 479)],
        };
        table[i % 4]
    }
}

/// What to build.
#[derive(Clone, Debug)]
pub struct LibraryOptions {
    pub anime: usize,
    pub episodes: u32,
    pub seconds: f64,
    pub seed: u64,
    pub profile: SizeProfile,
    /// Parallel ffmpeg processes.
    pub jobs: usize,
}

/// The contents of `anime.json` in an anime folder.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AnimeJson {
    pub title: String,
    pub anilist_id: Option<i64>,
    pub is_adult: bool,
    pub synonyms: Vec<String>,
}

/// One anime folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AnimeEntry {
    pub folder: String,
    pub title: String,
    /// None when the folder has no `anime.json`.
    pub json: Option<AnimeJson>,
}

/// A span of one video.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Span {
    pub video: String,
    pub from: f64,
    pub to: f64,
}

/// A shot of a video.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShotTruth {
    pub from: f64,
    pub to: f64,
    pub kind: String,
    pub part: Part,
}

/// Frames showing one content from `from` until just before `to`; equal `content` means identical frames.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct RunTruth {
    pub from: f64,
    pub to: f64,
    pub content: u64,
    pub flat: bool,
}

/// One encoded episode and what it shows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VideoTruth {
    /// Relative to the library root, '/'-separated.
    pub path: String,
    pub anime: usize,
    pub episode: u32,
    pub duration: f64,
    pub fps: f64,
    pub fps_num: u32,
    pub fps_den: u32,
    pub width: u32,
    pub height: u32,
    pub codec: Codec,
    pub container: Container,
    pub vfr: bool,
    pub opening: [f64; 2],
    pub shots: Vec<ShotTruth>,
    pub runs: Vec<RunTruth>,
}

/// `truth.json`: every video, its shots, and runs of identical content across the library.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Truth {
    pub seed: u64,
    pub anime: Vec<AnimeEntry>,
    pub videos: Vec<VideoTruth>,
}

impl Truth {
    /// Reads a `truth.json`.
    pub fn load(path: &Path) -> Result<Truth> {
        crate::error::read_json(path)
    }

    /// Writes a `truth.json`.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::error::write_json(path, self)
    }

    /// Index of the video with this relative path.
    pub fn video(&self, path: &str) -> Option<usize> {
        self.videos.iter().position(|v| v.path == path)
    }

    /// The run of video `v` on screen at `t`.
    pub fn run_at(&self, v: usize, t: f64) -> RunTruth {
        let runs = &self.videos[v].runs;
        let k = runs.partition_point(|r| r.from <= t + 1e-9);
        runs[k.saturating_sub(1)]
    }

    /// Every span in the library showing what video `v` shows at `t`, its own span included.
    pub fn equivalents(&self, v: usize, t: f64) -> Vec<Span> {
        let content = self.run_at(v, t).content;
        let mut out = Vec::new();
        for video in &self.videos {
            for r in video.runs.iter().filter(|r| r.content == content) {
                out.push(Span {
                    video: video.path.clone(),
                    from: r.from,
                    to: r.to,
                });
            }
        }
        out
    }

    /// Whether answering (`video`, `at`) is right for a screenshot of video `v` at `t`:
    /// same content anywhere, or the same video within `tolerance` seconds.
    pub fn is_right(&self, v: usize, t: f64, video: &str, at: f64, tolerance: f64) -> bool {
        let Some(a) = self.video(video) else {
            return false;
        };
        (a == v && (at - t).abs() <= tolerance)
            || self.run_at(a, at).content == self.run_at(v, t).content
    }
}

/// How anime number `i` is released: file naming and codec per episode.
fn release(i: usize, title: &str, episode: u32, height: u32) -> (String, Profile) {
    let mut profile = Profile::for_codec(Codec::H264);
    let name = match i % 4 {
        0 => {
            let codecs = [Codec::Hevc, Codec::Av1, Codec::H264];
            let codec = codecs[(episode as usize - 1) % 3];
            profile = Profile {
                codec,
                container: Container::Mkv,
                vfr: codec == Codec::H264,
            };
            format!("[Kumo-Subs] {title} - {episode:02} [{height}p].mkv")
        }
        1 => format!("{title} S01E{episode:02}.mp4"),
        2 => {
            profile = Profile::for_codec(Codec::Vp9);
            format!("{title} EP{episode:02}.webm")
        }
        _ if episode % 3 == 2 => {
            profile = Profile::for_codec(Codec::Mpeg4);
            format!("{title} {episode:02}v2.avi")
        }
        _ => {
            profile = Profile::for_codec(Codec::Mpeg2);
            format!("第{episode:02}話.ts")
        }
    };
    (name, profile)
}

fn fps_of(i: usize) -> Fps {
    [
        Fps::NTSC_FILM,
        Fps::FILM,
        Fps::NTSC_VIDEO,
        Fps::PAL,
        Fps::NTSC_FILM,
    ][i % 5]
}

/// Plans every anime of a library, with distinct titles.
pub fn plan(opts: &LibraryOptions) -> Vec<AnimeSpec> {
    let mut out: Vec<AnimeSpec> = Vec::new();
    for i in 0..opts.anime {
        let mut a = AnimeSpec::generate(i, opts.seed, opts.episodes, opts.seconds, fps_of(i));
        while out.iter().any(|b| b.title == a.title) {
            a.title.push_str(" II");
        }
        out.push(a);
    }
    out
}

fn anime_json(a: &AnimeSpec, rng: &mut Rng) -> AnimeJson {
    let short: String = a
        .title
        .split(' ')
        .map(|w| w.chars().next().unwrap_or('X'))
        .collect();
    AnimeJson {
        title: a.title.clone(),
        anilist_id: if a.index == 1 {
            None
        } else {
            Some(rng.int(1000, 190_000))
        },
        is_adult: false,
        synonyms: vec![short.to_uppercase(), a.title.to_lowercase()],
    }
}

/// One episode file to encode.
struct Job<'a> {
    anime: &'a AnimeSpec,
    episode: usize,
    size: (u32, u32),
    profile: Profile,
    path: PathBuf,
}

/// Builds `out/<anime>/<episode files>`, the `anime.json` files and `out/truth.json`.
pub fn build(out: &Path, opts: &LibraryOptions) -> Result<Truth> {
    let specs = plan(opts);
    let mut rng = Rng::new(opts.seed).fork(0x11B);
    let mut truth = Truth {
        seed: opts.seed,
        anime: Vec::new(),
        videos: Vec::new(),
    };
    let mut jobs = Vec::new();
    for a in &specs {
        let entry = write_folder(out, a, opts.anime, &mut rng)?;
        let size = opts.profile.size(a.index);
        let anime_truth = AnimeTruth::new(a);
        for (e, ep) in a.episodes.iter().enumerate() {
            let (name, profile) = release(a.index, &a.title, ep.number, size.1);
            let rel = format!("{}/{}", entry.folder, name);
            truth
                .videos
                .push(video_truth(a, &anime_truth, e, &rel, size, profile));
            jobs.push(Job {
                anime: a,
                episode: e,
                size,
                profile,
                path: out.join(&rel),
            });
        }
        truth.anime.push(entry);
    }
    run_jobs(&jobs, opts.jobs.max(1))?;
    truth.save(&out.join("truth.json"))?;
    Ok(truth)
}

fn write_folder(out: &Path, a: &AnimeSpec, count: usize, rng: &mut Rng) -> Result<AnimeEntry> {
    let folder = a.title.clone();
    let dir = out.join(&folder);
    std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    // The last anime of a library of two or more has no anime.json, as happens in real libraries.
    let json = (count < 2 || a.index + 1 < count).then(|| anime_json(a, rng));
    if let Some(j) = &json {
        crate::error::write_json(&dir.join("anime.json"), j)?;
    }
    Ok(AnimeEntry {
        folder,
        title: a.title.clone(),
        json,
    })
}

fn video_truth(
    a: &AnimeSpec,
    t: &AnimeTruth,
    e: usize,
    rel: &str,
    size: (u32, u32),
    profile: Profile,
) -> VideoTruth {
    let ep = &a.episodes[e];
    let base = (a.index as u64) << 32;
    let time = |f: u32| a.fps.time_of(f);
    let starts = ep.shot_starts();
    let shots = ep
        .shots
        .iter()
        .zip(&starts)
        .map(|(s, &f)| ShotTruth {
            from: time(f),
            to: time(f + s.frames),
            kind: s.label().into(),
            part: s.part,
        })
        .collect();
    let runs = t.runs[e]
        .iter()
        .map(|r| RunTruth {
            from: time(r.from),
            to: time(r.to),
            content: base | r.content as u64,
            flat: t.flat[r.content as usize],
        })
        .collect();
    VideoTruth {
        path: rel.into(),
        anime: a.index,
        episode: ep.number,
        duration: ep.duration(),
        fps: a.fps.value(),
        fps_num: a.fps.num,
        fps_den: a.fps.den,
        width: size.0,
        height: size.1,
        codec: profile.codec,
        container: profile.container,
        vfr: profile.vfr,
        opening: [
            time(a.opening_start),
            time(a.opening_start + a.opening_frames),
        ],
        shots,
        runs,
    }
}

/// Encodes all jobs with `n` worker threads, each driving one ffmpeg process at a time.
fn run_jobs(jobs: &[Job], n: usize) -> Result<()> {
    let next = Mutex::new(0usize);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..n {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut k = next.lock().expect("lock");
                        *k += 1;
                        *k - 1
                    };
                    let Some(job) = jobs.get(i) else { break };
                    if failure.lock().expect("lock").is_some() {
                        break;
                    }
                    if let Err(e) =
                        encode(job.anime, job.episode, job.size, &job.profile, &job.path)
                    {
                        failure.lock().expect("lock").get_or_insert(e);
                    }
                }
            });
        }
    });
    match failure.into_inner().expect("lock") {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_library_has_folders_files_json_and_truth() {
        let dir = tempfile::tempdir().unwrap();
        let opts = LibraryOptions {
            anime: 4,
            episodes: 3,
            seconds: 2.0,
            seed: 5,
            profile: SizeProfile::Small,
            jobs: 2,
        };
        let truth = build(dir.path(), &opts).unwrap();
        assert_eq!(truth.videos.len(), 12);
        for v in &truth.videos {
            let p = dir.path().join(&v.path);
            assert!(p.metadata().unwrap().len() > 0, "{}", v.path);
        }
        let names: Vec<&str> = truth.videos.iter().map(|v| v.path.as_str()).collect();
        assert!(
            names.iter().any(|n| n.ends_with("話.ts"))
                && names.iter().any(|n| n.ends_with("v2.avi"))
        );
        assert!(
            names.iter().any(|n| n.contains(" S01E01.mp4"))
                && names.iter().any(|n| n.contains(" EP02.webm"))
        );
        let with_json = truth
            .anime
            .iter()
            .filter(|a| dir.path().join(&a.folder).join("anime.json").exists())
            .count();
        assert_eq!(with_json, 3);
        let loaded = Truth::load(&dir.path().join("truth.json")).unwrap();
        assert_eq!(loaded.videos.len(), 12);
        let v = &loaded.videos[0];
        let t = (v.opening[0] + v.opening[1]) / 2.0;
        let eq = loaded.equivalents(0, t);
        assert!(eq.len() >= 3, "opening shared by all episodes: {eq:?}");
        assert!(loaded.is_right(0, t, &loaded.videos[2].path, t, 0.0));
        assert!(!loaded.is_right(0, t, &loaded.videos[5].path, t, 0.0));
    }
}
