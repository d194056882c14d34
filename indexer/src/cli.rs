//! Command-line arguments of `indexer`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "indexer",
    version,
    about = "Index an anime video library for scene search"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode every video of LIBRARY (one folder per anime) and write the
    /// index; videos unchanged since the previous index are reused.
    Build {
        library: PathBuf,
        #[arg(short, long, default_value = "data/index.bin")]
        output: PathBuf,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Print only errors and the summary's absence of problems.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Counts, per-anime totals, bytes per frame, format version.
    Stats {
        index: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Check every byte: checksums and structure.
    Verify { index: PathBuf },
    /// Search screenshots with the same code the server uses.
    Query {
        index: PathBuf,
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// Print a JSON array, one element per image.
        #[arg(long)]
        json: bool,
        /// Do not cut borders (letterbox, player chrome) before searching.
        #[arg(long)]
        no_cut_borders: bool,
        /// Only search this anime.
        #[arg(long)]
        anilist_id: Option<u32>,
        /// Candidates per image, 1 to 5.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=5))]
        limit: u8,
    },
}
