//! The generated footage measurements run on: a library to index, a second
//! library kept out of the index, and distorted screenshots of both. Made
//! once per work folder and reused by later runs.

use std::path::{Path, PathBuf};
use testkit::distort::Class;
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
    let tk = |e: testkit::Error| anyhow::anyhow!("{e}");
    let options = |(anime, episodes, seconds): (usize, u32, f64), seed| LibraryOptions {
        anime,
        episodes,
        seconds,
        seed,
        profile: size.profile,
        jobs: 2,
    };
    if !f.lib.join("truth.json").exists() {
        eprintln!("generating the indexed library in {}", f.lib.display());
        let main = (size.anime, size.episodes, size.seconds);
        testkit::library::build(&f.lib, &options(main, size.seed)).map_err(tk)?;
    }
    if !f.other.join("truth.json").exists() {
        eprintln!("generating the un-indexed library in {}", f.other.display());
        testkit::library::build(&f.other, &options(size.other, size.seed + 1)).map_err(tk)?;
    }
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

/// Indexes `lib` into `index` with the indexer library, from scratch.
pub fn build_index(lib: &Path, index: &Path) -> anyhow::Result<indexer::build::BuildReport> {
    let _ = std::fs::remove_file(index);
    let opts = indexer::build::BuildOptions {
        library: lib.to_path_buf(),
        output: index.to_path_buf(),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let report = indexer::build::build(&opts, &indexer::progress::Silent)?;
    anyhow::ensure!(
        report.skipped.is_empty(),
        "videos skipped: {:?}",
        report.skipped
    );
    Ok(report)
}
