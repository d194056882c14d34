//! Command-line arguments of `indexer`.

use crate::part::PartArg;
use clap::builder::RangedI64ValueParser;
use clap::{Args, Parser, Subcommand};
use shared::query::{DEFAULT_RESULT_LIMIT, RESULT_LIMITS};
use std::path::PathBuf;

/// Where `indexer build` writes without `-o`.
pub const DEFAULT_OUTPUT: &str = "data/index.bin";

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
    ///
    /// With --part K/N, index only one share of the videos into a part file:
    /// run the N shares on N machines, then combine their files with
    /// `indexer merge` (docs/indexing-at-scale.md).
    Build(BuildArgs),
    /// Combine the part files of `indexer build --part K/N` into the index
    /// one build of the whole library would write.
    ///
    /// Nothing is decoded. Every share 1/N to N/N must be given once, all
    /// built from the same library path; each is verified first. The anime
    /// ids of the index replaced are kept, and it is replaced atomically,
    /// so a running server picks the new one up.
    Merge(MergeArgs),
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
        #[arg(long, default_value_t = DEFAULT_RESULT_LIMIT, value_parser = limit_parser())]
        limit: usize,
    },
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    pub library: PathBuf,
    /// The index file [default: data/index.bin, its folder created]; with
    /// --part, the part file, which must be named.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print only problems: no progress, no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write the index even when all indexed videos, or more than half,
    /// are gone from LIBRARY (refused otherwise, exit 2).
    #[arg(long)]
    pub allow_removal: bool,
    /// Index only the K-th of N shares of the videos (1 <= K <= N; a
    /// video's share is fixed by a hash of its path), into a part file for
    /// `indexer merge`. `auto` reads the share from a Kubernetes Indexed
    /// Job (JOB_COMPLETION_INDEX, and JOB_COMPLETIONS set to the Job's
    /// completions) or a Slurm job array (SLURM_ARRAY_TASK_ID, _MIN, _MAX,
    /// _STEP, _COUNT).
    #[arg(long, value_name = "K/N|auto")]
    pub part: Option<PartArg>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The part files, one per share, in any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// The index file [default: data/index.bin, its folder created]; the
    /// anime ids of the index it replaces are kept.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Merge although some shares are missing: their videos are not in the
    /// index (exit 1). Refused otherwise, exit 2.
    #[arg(long)]
    pub allow_missing: bool,
    /// Write the index even when all its videos, or more than half, are in
    /// none of the parts (refused otherwise, exit 2).
    #[arg(long)]
    pub allow_removal: bool,
    /// Print only problems: no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `--limit` accepts what the server's `limit` accepts.
fn limit_parser() -> RangedI64ValueParser<usize> {
    RangedI64ValueParser::new().range(*RESULT_LIMITS.start() as i64..=*RESULT_LIMITS.end() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(args: &[&str]) -> Result<usize, clap::Error> {
        let argv = ["indexer", "query", "index.bin", "shot.png"];
        match Cli::try_parse_from(argv.iter().chain(args))?.command {
            Command::Query { limit, .. } => Ok(limit),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn limit_takes_the_servers_range_and_default() {
        assert_eq!(limit(&[]).unwrap(), 5);
        assert_eq!(limit(&["--limit", "1"]).unwrap(), 1);
        assert_eq!(limit(&["--limit", "5"]).unwrap(), 5);
        for refused in ["0", "6"] {
            let err = limit(&["--limit", refused]).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        }
    }
}
