//! The `testkit` command: builds fixture libraries, query sets and long benchmark episodes.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use testkit::distort::Class;
use testkit::episode::{AnimeSpec, Codec, Fps, Profile, encode};
use testkit::library::{self, LibraryOptions, SizeProfile};
use testkit::queries::{self, QueryOptions};

#[derive(Parser)]
#[command(
    version,
    about = "Deterministic anime-like fixture footage, libraries and query screenshots"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build LIB/<anime>/<episodes> plus LIB/truth.json.
    Library {
        out: PathBuf,
        /// Number of anime (default: 4 for eval, 2 for small).
        #[arg(long)]
        anime: Option<usize>,
        /// Episodes per anime (default: 3 for eval, 2 for small).
        #[arg(long)]
        episodes: Option<u32>,
        /// Seconds per episode (default: 75 for eval, 10 for small).
        #[arg(long)]
        seconds: Option<f64>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = SizeProfile::Eval)]
        profile: SizeProfile,
        /// Parallel ffmpeg processes.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
    },
    /// Write OUT/<class>/<n>.jpg and OUT/queries.json from a library.
    Queries {
        lib: PathBuf,
        out: PathBuf,
        #[arg(long, default_value_t = 30)]
        per_class: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A second library (other seed) whose screenshots must not be found.
        #[arg(long)]
        unindexed_lib: Option<PathBuf>,
        /// Classes to make (default: all).
        #[arg(long, value_enum, value_delimiter = ',')]
        classes: Vec<Class>,
        #[arg(long, default_value_t = 2)]
        jobs: usize,
    },
    /// Render and encode one long episode (benchmarks).
    Episode {
        out: PathBuf,
        #[arg(long, default_value_t = 1920)]
        width: u32,
        #[arg(long, default_value_t = 1080)]
        height: u32,
        #[arg(long, default_value_t = 600.0)]
        seconds: f64,
        #[arg(long, value_enum, default_value_t = Codec::H264)]
        codec: Codec,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let started = Instant::now();
    match cli.command {
        Command::Library {
            out,
            anime,
            episodes,
            seconds,
            seed,
            profile,
            jobs,
        } => {
            let eval = profile == SizeProfile::Eval;
            let opts = LibraryOptions {
                anime: anime.unwrap_or(if eval { 4 } else { 2 }),
                episodes: episodes.unwrap_or(if eval { 3 } else { 2 }),
                seconds: seconds.unwrap_or(if eval { 75.0 } else { 10.0 }),
                seed,
                profile,
                jobs,
            };
            let truth = library::build(&out, &opts)
                .with_context(|| format!("building library {}", out.display()))?;
            println!(
                "{} videos in {} ({:.1} s)",
                truth.videos.len(),
                out.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Queries {
            lib,
            out,
            per_class,
            seed,
            unindexed_lib,
            classes,
            jobs,
        } => {
            let classes = if classes.is_empty() {
                Class::ALL.to_vec()
            } else {
                classes
            };
            let opts = QueryOptions {
                per_class,
                seed,
                classes,
                jobs,
            };
            let set = queries::make(&lib, &out, &opts, unindexed_lib.as_deref())
                .with_context(|| format!("making queries from {}", lib.display()))?;
            println!(
                "{} queries in {} ({:.1} s)",
                set.queries.len(),
                out.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Episode {
            out,
            width,
            height,
            seconds,
            codec,
            seed,
        } => {
            let anime = AnimeSpec::generate(0, seed, 1, seconds, Fps::NTSC_FILM);
            encode(&anime, 0, (width, height), &Profile::for_codec(codec), &out)
                .with_context(|| format!("encoding {}", out.display()))?;
            println!(
                "{} ({:.1} s)",
                out.display(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
