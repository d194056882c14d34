//! `just bench-scale`: the bucket search against an exact scan on indexes
//! of 10^6 to 10^8 frames; see `bench::scale`. Prints a Markdown section
//! and, with `--write`, puts it into docs/BENCHMARKS.md.

use bench::fixtures::FixtureSize;
use bench::scale::{ScaleOptions, render, run};
use clap::Parser;
use shared::search::Budget;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Measure the search on large indexes against an exact scan")]
struct Args {
    /// Index sizes in frames, comma-separated (e.g. 1e6,1e7,1e8).
    #[arg(long, default_value = "1e6,1e7,1e8", value_delimiter = ',')]
    frames: Vec<String>,
    /// Distorted screenshots per class (22 classes).
    #[arg(long, default_value_t = 20)]
    per_class: usize,
    #[arg(long, default_value = "target/scale")]
    work: PathBuf,
    /// Searches sent to the server before its memory is read again; 0
    /// skips the server.
    #[arg(long, default_value_t = 1000)]
    server_searches: usize,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Also measure these bucket-visit budgets (comma-separated), beside
    /// the default.
    #[arg(long, value_delimiter = ',')]
    sweep: Vec<usize>,
    /// Replace the scale section of this Markdown file (docs/BENCHMARKS.md).
    #[arg(long)]
    write: Option<PathBuf>,
    /// Time the bucket search only: no exact scan, so no recall (every
    /// page of the index is read once first, as the scans would).
    #[arg(long, conflicts_with = "write")]
    latency_only: bool,
    /// Only the screenshots of these classes (comma-separated), for a
    /// look at one class (with SCALE_MISSES=1, its misses).
    #[arg(long, value_delimiter = ',', conflicts_with = "write")]
    classes: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let sizes = args
        .frames
        .iter()
        .map(|s| bench::report::parse_count(s))
        .collect::<anyhow::Result<Vec<u64>>>()?;
    let server = if args.server_searches > 0 {
        Some(bench::report::sibling_binary("server")?)
    } else {
        None
    };
    let opts = ScaleOptions {
        work: args.work.clone(),
        sizes,
        fixtures: FixtureSize::eval(args.per_class, args.seed),
        server,
        server_queries: args.server_searches,
        seed: args.seed,
        budgets: budgets(&args.sweep),
        latency_only: args.latency_only,
        classes: args.classes.clone(),
    };
    let rows = run(&opts)?;
    let command = format!("just bench-scale --frames {}", args.frames.join(","));
    let section = render(&rows, &command);
    print!("{section}");
    if let Some(path) = &args.write {
        bench::report::write_section(path, "scale", &section)?;
    }
    Ok(())
}

/// The default budget, then one per swept visit count (entry comparisons
/// scaled with it).
fn budgets(sweep: &[usize]) -> Vec<Budget> {
    let default = Budget::default();
    let per_visit = default.compares / default.visits as u64;
    std::iter::once(default)
        .chain(sweep.iter().map(|&visits| Budget {
            visits,
            compares: visits as u64 * per_visit,
            ..default
        }))
        .collect()
}
