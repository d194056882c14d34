//! Query screenshots: real decoded frames of a library's files, distorted per class, with the acceptable answers.

use crate::distort::Class;
use crate::library::{Span, Truth};
use crate::rng::Rng;
use crate::{Error, Result, ffmpeg};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What to make.
#[derive(Clone, Debug)]
pub struct QueryOptions {
    pub per_class: usize,
    pub seed: u64,
    pub classes: Vec<Class>,
    /// Parallel ffmpeg extractions.
    pub jobs: usize,
}

/// One query image and its ground truth.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Query {
    /// Relative to the queries folder.
    pub image: String,
    /// The class name, or `unindexed` for screenshots of the library that is not indexed.
    pub class: String,
    pub distortion: Class,
    pub indexed: bool,
    /// Relative to its library root.
    pub video: String,
    /// Seconds; the frame on screen at this time was captured.
    pub time: f64,
    pub anime: String,
    pub episode: u32,
    /// Every span showing identical content (empty for unindexed queries).
    pub equivalents: Vec<Span>,
}

/// `queries.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QuerySet {
    pub library: PathBuf,
    pub unindexed_library: Option<PathBuf>,
    pub queries: Vec<Query>,
}

impl QuerySet {
    /// Reads a `queries.json`.
    pub fn load(path: &Path) -> Result<QuerySet> {
        crate::error::read_json(path)
    }
}

/// A planned capture: which frame, which distortion, where to save.
struct Capture<'a> {
    lib: &'a Path,
    truth: &'a Truth,
    video: usize,
    time: f64,
    class: Class,
    rng: Rng,
    query: Query,
}

/// A random non-flat time of a random video, at the middle of a frame interval.
fn pick(truth: &Truth, rng: &mut Rng) -> Result<(usize, f64)> {
    for _ in 0..1000 {
        let v = rng.below(truth.videos.len());
        let video = &truth.videos[v];
        let frames = (video.duration * video.fps).round() as usize;
        let i = rng.below(frames.max(1));
        let t = (i as f64 + 0.5) * video.fps_den as f64 / video.fps_num as f64;
        if !truth.run_at(v, t).flat {
            return Ok((v, t));
        }
    }
    Err(Error::Invalid(
        "the library has (almost) only flat frames".into(),
    ))
}

fn plan_capture<'a>(
    lib: &'a Path,
    truth: &'a Truth,
    class: Class,
    label: &str,
    n: usize,
    rng: &mut Rng,
) -> Result<Capture<'a>> {
    let (v, t) = pick(truth, rng)?;
    let video = &truth.videos[v];
    let indexed = label != "unindexed";
    let query = Query {
        image: format!("{label}/{n}.{}", class.encoding().ext()),
        class: label.into(),
        distortion: class,
        indexed,
        video: video.path.clone(),
        time: t,
        anime: truth.anime[video.anime].title.clone(),
        episode: video.episode,
        equivalents: if indexed {
            truth.equivalents(v, t)
        } else {
            Vec::new()
        },
    };
    Ok(Capture {
        lib,
        truth,
        video: v,
        time: t,
        class,
        rng: rng.fork(n as u64),
        query,
    })
}

impl Capture<'_> {
    fn run(&self, out: &Path) -> Result<()> {
        let video = &self.truth.videos[self.video];
        // A VFR file keeps only the first frame of a held drawing: decode from the run's start.
        let back = if video.vfr {
            self.time - self.truth.run_at(self.video, self.time).from
        } else {
            0.0
        };
        let file = self.lib.join(&video.path);
        let frame = ffmpeg::frame_at(
            &file,
            self.time,
            back + 0.25,
            (video.width, video.height),
            video.fps,
        )?;
        self.class
            .save(&frame, &mut self.rng.clone(), &out.join(&self.query.image))
    }
}

/// Makes `out/<class>/<n>.jpg` (PNG for clean) for every class, the unindexed set, and `out/queries.json`.
pub fn make(
    lib: &Path,
    out: &Path,
    opts: &QueryOptions,
    unindexed: Option<&Path>,
) -> Result<QuerySet> {
    let truth = Truth::load(&lib.join("truth.json"))?;
    let other = unindexed
        .map(|p| Truth::load(&p.join("truth.json")))
        .transpose()?;
    let mut rng = Rng::new(opts.seed);
    let mut captures = Vec::new();
    for class in &opts.classes {
        mkdir(&out.join(class.name()))?;
        for n in 0..opts.per_class {
            captures.push(plan_capture(
                lib,
                &truth,
                *class,
                class.name(),
                n,
                &mut rng,
            )?);
        }
    }
    if let (Some(p), Some(t)) = (unindexed, &other) {
        mkdir(&out.join("unindexed"))?;
        for n in 0..opts.per_class {
            let class = *rng.pick(&opts.classes);
            captures.push(plan_capture(p, t, class, "unindexed", n, &mut rng)?);
        }
    }
    run_all(&captures, out, opts.jobs.max(1))?;
    let set = QuerySet {
        library: lib.into(),
        unindexed_library: unindexed.map(Path::to_path_buf),
        queries: captures.into_iter().map(|c| c.query).collect(),
    };
    crate::error::write_json(&out.join("queries.json"), &set)?;
    Ok(set)
}

fn mkdir(p: &Path) -> Result<()> {
    std::fs::create_dir_all(p).map_err(Error::io(p))
}

fn run_all(captures: &[Capture], out: &Path, n: usize) -> Result<()> {
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
                    let Some(c) = captures.get(i) else { break };
                    if let Err(e) = c.run(out) {
                        failure.lock().expect("lock").get_or_insert(e);
                        break;
                    }
                }
            });
        }
    });
    failure.into_inner().expect("lock").map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests;
