//! What the server benchmark searches: a format-3 index holding the decoded
//! frames of one generated 1920x1080 episode among synthetic distractors
//! (see `synth`), and 1280x720 and 1920x1080 JPEG screenshots of that
//! episode whose answers are checked before they are measured. The
//! footage and the indexes are kept in the work folder for later runs.

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
}

/// Where an answer says a screenshot comes from: the fields of a search
/// answer (in-process or the HTTP API's JSON) that the check reads.
#[derive(Debug, serde::Deserialize)]
pub struct Answer {
    pub filename: String,
    pub from: f64,
    pub to: f64,
}

impl From<&SearchHit> for Answer {
    fn from(hit: &SearchHit) -> Answer {
        Answer {
            filename: hit.filename.clone(),
            from: hit.from,
            to: hit.to,
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
    Ok(Footage {
        frames: opened.frame_count(),
        real_frames: real.frame_count(),
        file_bytes: opened.file_len(),
        shots: screenshots(&episode, &opened, work)?,
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
    })
}

fn finds_itself(shot: &Shot, index: &Index) -> bool {
    let Ok(gray) = decode_gray(&shot.jpeg, &DecodeLimits::default()) else {
        return false;
    };
    let hits = search_gray(index, &gray, &QueryOptions::default());
    hits.first().is_some_and(|h| shot.is_answered_by(&h.into()))
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
        };
        let answer = |filename: &str, from, to| Answer {
            filename: filename.into(),
            from,
            to,
        };
        assert!(shot.is_answered_by(&answer("Ep 01.mp4", 29.5, 30.2)));
        assert!(shot.is_answered_by(&answer("Ep 01.mp4", 30.9, 31.5)));
        assert!(!shot.is_answered_by(&answer("Ep 01.mp4", 31.1, 32.0)));
        assert!(!shot.is_answered_by(&answer("Ep 02.mp4", 29.5, 30.2)));
    }
}
