//! What the server benchmark searches: an index holding the decoded frames
//! of one generated 1920x1080 episode among synthetic distractors (see
//! `synth`), 1280x720 and 1920x1080 JPEG screenshots of that episode whose
//! answers are checked before they are measured, and a 1920x1080 one of
//! an episode that is not indexed (the costliest search: no whole-frame
//! answer, so the inner-window guesses are searched too). The footage and
//! the indexes are kept in the work folder for later runs.

use crate::fixtures::{build_index, generate_library, one_episode_library, render_episode};
use crate::synth::{self, Pool};
use anyhow::Context;
use shared::Index;
use shared::SearchHit;
use shared::image_decode::{DecodeLimits, decode_gray};
use shared::index::write_atomically;
use shared::query::{QueryOptions, search_gray};
use std::path::{Path, PathBuf};
use testkit::library::{LibraryOptions, SizeProfile};

/// Length of the indexed episode.
pub const EPISODE_SECONDS: f64 = 60.0;
pub const EPISODE_FILE: &str = "Bench Anime - 01 [1080p].mp4";
/// Where in the episode a screenshot may be cut, as shares of its length,
/// first choice first: the first at which both sizes find their frame.
const CUT_AT: [f64; 5] = [0.5, 0.3, 0.7, 0.4, 0.6];
/// Screenshot sizes, smallest first.
const SIZES: [(u32, u32); 2] = [(1280, 720), (1920, 1080)];
/// The episode no index holds, and its length.
const STRANGER_FILE: &str = "episode-stranger-1080p.mp4";
const STRANGER_SECONDS: f64 = 10.0;

/// The index the server is started on.
pub struct Footage {
    pub index: PathBuf,
    pub frames: u64,
    /// Decoded frames of the episode among them.
    pub real_frames: u64,
    pub file_bytes: u64,
    pub shots: Vec<Shot>,
}

/// A JPEG screenshot and where it was cut.
pub struct Shot {
    pub size: (u32, u32),
    pub jpeg: Vec<u8>,
    /// The episode's file name, as search answers name it.
    pub filename: String,
    /// Seconds into the episode.
    pub time: f64,
    /// The episode is indexed (else no answer may be confident).
    pub in_library: bool,
}

/// Where an answer says a screenshot comes from: the fields of a search
/// answer (in-process or the HTTP API's JSON) that the check reads.
#[derive(Debug, serde::Deserialize)]
pub struct Answer {
    pub filename: String,
    pub from: f64,
    pub to: f64,
    pub similarity: f64,
}

impl From<&SearchHit> for Answer {
    fn from(hit: &SearchHit) -> Answer {
        Answer {
            filename: hit.filename.clone(),
            from: hit.from,
            to: hit.to,
            similarity: hit.similarity,
        }
    }
}

impl Shot {
    /// `answer` is the frame this was cut from: the same file, at a time
    /// within a second of the answer's span.
    pub fn is_answered_by(&self, answer: &Answer) -> bool {
        answer.filename == self.filename
            && (answer.from - 1.0..=answer.to + 1.0).contains(&self.time)
    }

    /// `answers` (a search's, best first) are right for this screenshot:
    /// the first is its frame, or, for footage not in the library, none
    /// is confident.
    pub fn is_answered_rightly(&self, answers: &[Answer]) -> bool {
        if self.in_library {
            answers.first().is_some_and(|a| self.is_answered_by(a))
        } else {
            answers.iter().all(|a| a.similarity < confident())
        }
    }
}

/// Makes or reuses everything under `work`: the index of `frames` frames
/// (at least the episode's) and the screenshots.
pub fn prepare(work: &Path, frames: u64, seed: u64) -> anyhow::Result<Footage> {
    std::fs::create_dir_all(work).with_context(|| format!("creating {}", work.display()))?;
    let episode = episode(work, seed)?;
    let lib = work.join("library");
    one_episode_library(&lib, "Bench Anime", &episode, EPISODE_FILE)?;
    let pool_lib = work.join("pool");
    generate_library(&pool_lib, &pool_options(seed))?;
    let real = cached_index(&lib, &work.join("real.bin"))?;
    let index = work.join(format!("index-{frames}-{seed}.bin"));
    if !holds(&index, frames) {
        eprintln!("bench-server: writing a {frames}-frame index");
        let pool = Pool::from_index(&cached_index(&pool_lib, &work.join("pool.bin"))?, seed)?;
        let data = synth::with_distractors(&real, &pool, frames, seed ^ frames);
        write_atomically(&index, &data, "bench", 0)?;
    }
    let opened = Index::open(&index)?;
    let mut shots = screenshots(&episode, &opened, work)?;
    shots.push(stranger(work, seed, &opened)?);
    Ok(Footage {
        frames: opened.frame_count(),
        real_frames: real.frame_count(),
        file_bytes: opened.file_len(),
        shots,
        index,
    })
}

/// The indexed episode, rendered once into `work`.
pub fn episode(work: &Path, seed: u64) -> anyhow::Result<PathBuf> {
    let episode = work.join("episode-60s-1080p.mp4");
    render_episode(&episode, (0, seed), EPISODE_SECONDS, (1920, 1080))?;
    Ok(episode)
}

/// Other footage for the distractors' codes (see `synth`): two small
/// generated anime of two episodes, none of it indexed.
fn pool_options(seed: u64) -> LibraryOptions {
    LibraryOptions {
        anime: 2,
        episodes: 2,
        seconds: 30.0,
        seed: seed + 1,
        profile: SizeProfile::Small,
        jobs: 2,
    }
}

/// The index of `lib` at `path`, built unless an index opens there.
fn cached_index(lib: &Path, path: &Path) -> anyhow::Result<Index> {
    if Index::open(path).is_err() {
        build_index(lib, path)?;
    }
    Ok(Index::open(path)?)
}

/// An index opens at `path` and holds at least `frames` frames. An index
/// written by an older format does not open, and is written again.
fn holds(path: &Path, frames: u64) -> bool {
    Index::open(path).is_ok_and(|i| i.frame_count() >= frames)
}

/// Screenshots of the episode in every size, cut at the first time where
/// each size's top answer is its own frame.
fn screenshots(episode: &Path, index: &Index, work: &Path) -> anyhow::Result<Vec<Shot>> {
    for share in CUT_AT {
        let time = (share * EPISODE_SECONDS * 10.0).round() / 10.0;
        let shots = SIZES
            .iter()
            .map(|&size| cut(episode, time, size, work))
            .collect::<anyhow::Result<Vec<Shot>>>()?;
        if shots.iter().all(|s| finds_itself(s, index)) {
            return Ok(shots);
        }
        eprintln!("bench-server: a screenshot at {time} s is not found; trying another time");
    }
    anyhow::bail!("no screenshot of {} finds its own frame", episode.display())
}

/// The similarity from which answers are confident (that of
/// `search::CONFIDENT_DISTANCE`): a screenshot of footage not in the
/// library must get none.
fn confident() -> f64 {
    shared::search::similarity(shared::search::CONFIDENT_DISTANCE as u32) as f64
}

/// A 1920x1080 JPEG of an episode no index holds, checked to get no
/// confident answer.
fn stranger(work: &Path, seed: u64, index: &Index) -> anyhow::Result<Shot> {
    let dir = work.join("stranger");
    let episode = dir.join(STRANGER_FILE);
    render_episode(&episode, (7, seed ^ 0x5eed), STRANGER_SECONDS, (1920, 1080))?;
    let mut shot = cut(&episode, STRANGER_SECONDS / 2.0, (1920, 1080), &dir)?;
    shot.filename = STRANGER_FILE.into();
    shot.in_library = false;
    anyhow::ensure!(
        finds_itself(&shot, index),
        "a screenshot of footage not in the library gets a confident answer"
    );
    Ok(shot)
}

/// A JPEG of the episode at `time`, scaled to `size`.
pub fn cut(episode: &Path, time: f64, size: (u32, u32), work: &Path) -> anyhow::Result<Shot> {
    let out = work.join(format!("screenshot-{}p.jpg", size.1));
    let mut cmd = testkit::ffmpeg::ffmpeg();
    cmd.args(["-ss", &time.to_string(), "-i"])
        .arg(episode)
        .args(["-frames:v", "1", "-q:v", "4"])
        .args(["-vf", &format!("scale={}:{}", size.0, size.1)])
        .arg("-y")
        .arg(&out);
    testkit::ffmpeg::run(cmd, &out).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Shot {
        size,
        jpeg: std::fs::read(&out).with_context(|| format!("reading {}", out.display()))?,
        filename: EPISODE_FILE.into(),
        time,
        in_library: true,
    })
}

/// The in-process search answers `shot` rightly (see `is_answered_rightly`).
fn finds_itself(shot: &Shot, index: &Index) -> bool {
    let Ok(gray) = decode_gray(&shot.jpeg, &DecodeLimits::default()) else {
        return false;
    };
    let hits = search_gray(index, &gray, &QueryOptions::default());
    let answers: Vec<Answer> = hits.iter().map(Answer::from).collect();
    shot.is_answered_rightly(&answers)
}

#[cfg(test)]
mod tests {
    use super::{Answer, Shot};

    #[test]
    fn an_answer_is_right_in_the_same_file_within_a_second_of_its_span() {
        let shot = Shot {
            size: (1280, 720),
            jpeg: vec![],
            filename: "Ep 01.mp4".into(),
            time: 30.0,
            in_library: true,
        };
        let answer = |filename: &str, from, to| Answer {
            filename: filename.into(),
            from,
            to,
            similarity: 0.95,
        };
        assert!(shot.is_answered_by(&answer("Ep 01.mp4", 29.5, 30.2)));
        assert!(shot.is_answered_by(&answer("Ep 01.mp4", 30.9, 31.5)));
        assert!(!shot.is_answered_by(&answer("Ep 01.mp4", 31.1, 32.0)));
        assert!(!shot.is_answered_by(&answer("Ep 02.mp4", 29.5, 30.2)));
        assert!(shot.is_answered_rightly(&[answer("Ep 01.mp4", 29.5, 30.2)]));
        assert!(!shot.is_answered_rightly(&[answer("Ep 02.mp4", 29.5, 30.2)]));
        assert!(!shot.is_answered_rightly(&[]));
    }

    #[test]
    fn footage_not_in_the_library_is_answered_rightly_by_no_confident_answer() {
        let shot = Shot {
            size: (1920, 1080),
            jpeg: vec![],
            filename: "stranger.mp4".into(),
            time: 5.0,
            in_library: false,
        };
        let answer = |similarity| Answer {
            filename: "Ep 01.mp4".into(),
            from: 1.0,
            to: 2.0,
            similarity,
        };
        assert!(shot.is_answered_rightly(&[]));
        assert!(shot.is_answered_rightly(&[answer(0.88), answer(0.8)]));
        assert!(!shot.is_answered_rightly(&[answer(0.91)]));
    }
}
