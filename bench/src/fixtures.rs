//! The generated footage measurements run on: a library to index, a second
//! library kept out of the index, and distorted screenshots of both; or a
//! single rendered episode in a library of its own. Made once per work
//! folder and reused by later runs.

use std::path::{Path, PathBuf};
use testkit::distort::Class;
use testkit::episode::{AnimeSpec, Codec, Fps, Profile, encode};
use testkit::library::{LibraryOptions, SizeProfile};

/// How much footage and how many screenshots.
#[derive(Clone, Debug)]
pub struct FixtureSize {
    pub anime: usize,
    pub episodes: u32,
    pub seconds: f64,
    /// The un-indexed library: anime, episodes, seconds.
    pub other: (usize, u32, f64),
    pub profile: SizeProfile,
    pub per_class: usize,
    pub seed: u64,
}

impl FixtureSize {
    /// What `just eval` measures on: 4 anime x 3 episodes x 75 s.
    pub fn eval(per_class: usize, seed: u64) -> FixtureSize {
        FixtureSize {
            anime: 4,
            episodes: 3,
            seconds: 75.0,
            other: (2, 2, 60.0),
            profile: SizeProfile::Eval,
            per_class,
            seed,
        }
    }

    /// A quick one for smoke tests: 2 anime x 2 episodes x 24 s.
    pub fn small(per_class: usize, seed: u64) -> FixtureSize {
        FixtureSize {
            anime: 2,
            episodes: 2,
            seconds: 24.0,
            other: (1, 2, 24.0),
            profile: SizeProfile::Small,
            per_class,
            seed,
        }
    }
}

/// Where the prepared fixtures are.
#[derive(Clone, Debug)]
pub struct Fixtures {
    pub lib: PathBuf,
    pub other: PathBuf,
    pub queries: PathBuf,
}

/// Generates what `work` does not hold yet.
pub fn prepare(work: &Path, size: &FixtureSize) -> anyhow::Result<Fixtures> {
    let f = Fixtures {
        lib: work.join("lib"),
        other: work.join("unindexed"),
        queries: work.join("queries"),
    };
    let options = |(anime, episodes, seconds): (usize, u32, f64), seed| LibraryOptions {
        anime,
        episodes,
        seconds,
        seed,
        profile: size.profile,
        jobs: 2,
    };
    let main = (size.anime, size.episodes, size.seconds);
    generate_library(&f.lib, &options(main, size.seed))?;
    generate_library(&f.other, &options(size.other, size.seed + 1))?;
    if !f.queries.join("queries.json").exists() {
        eprintln!("cutting {} screenshots per class", size.per_class);
        let opts = testkit::queries::QueryOptions {
            per_class: size.per_class,
            seed: size.seed + 2,
            classes: Class::ALL.to_vec(),
            jobs: 2,
        };
        testkit::queries::make(&f.lib, &f.queries, &opts, Some(&f.other)).map_err(tk)?;
    }
    Ok(f)
}

/// Generates a testkit library in `dir` unless its `truth.json` is there.
pub fn generate_library(dir: &Path, options: &LibraryOptions) -> anyhow::Result<()> {
    if !dir.join("truth.json").exists() {
        eprintln!("generating a library in {}", dir.display());
        testkit::library::build(dir, options).map_err(tk)?;
    }
    Ok(())
}

fn tk(e: testkit::Error) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Indexes `lib` into `index` with the indexer library, from scratch.
pub fn build_index(lib: &Path, index: &Path) -> anyhow::Result<indexer::build::BuildReport> {
    let _ = std::fs::remove_file(index);
    let opts = indexer::build::BuildOptions {
        library: lib.to_path_buf(),
        output: index.to_path_buf(),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        allow_removal: false,
        part: None,
    };
    let report = indexer::build::build(&opts, &indexer::progress::Silent)?;
    anyhow::ensure!(
        report.skipped.is_empty(),
        "videos skipped: {:?}",
        report.skipped
    );
    Ok(report)
}

/// Renders episode 1 of generated anime `anime` (of `seed`), `seconds`
/// long, at `size` as H.264 MP4 into `path`, unless it is there already.
/// Encodes beside it first, so an interrupted run leaves no half file.
pub fn render_episode(
    path: &Path,
    (anime, seed): (usize, u64),
    seconds: f64,
    size: (u32, u32),
) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    eprintln!("rendering a {seconds} s {}x{} episode", size.0, size.1);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let partial = path.with_file_name(format!("partial-{name}"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let spec = AnimeSpec::generate(anime, seed, 1, seconds, Fps::NTSC_FILM);
    let profile = Profile::for_codec(Codec::H264);
    encode(&spec, 0, size, &profile, &partial).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// A library in `lib` of one anime folder, `title`, holding `episode`
/// (hard-linked, else copied) under the name `file_name`. Returns the
/// episode's path inside the library.
pub fn one_episode_library(
    lib: &Path,
    title: &str,
    episode: &Path,
    file_name: &str,
) -> anyhow::Result<PathBuf> {
    let dir = lib.join(title);
    std::fs::create_dir_all(&dir)?;
    let link = dir.join(file_name);
    if !link.exists() {
        std::fs::hard_link(episode, &link)
            .or_else(|_| std::fs::copy(episode, &link).map(|_| ()))?;
    }
    Ok(link)
}
