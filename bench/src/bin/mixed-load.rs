//! `just bench-mixed`: a minute of mixed load on the release server while
//! the index is rebuilt twice; see `bench::mixed_load`. Prints a Markdown
//! section and, with `--write`, puts it into docs/BENCHMARKS.md; exits
//! non-zero on any failed request, wrong charge or unserved rebuild.

use bench::mixed_load::{MixedOptions, render, run};
use bench::report::{sibling_binary, write_section};
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Mixed HTTP load on the release server while the index is rebuilt twice")]
struct Args {
    /// Length of the load, in seconds.
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// Accounts made before the load; each makes at most 95 searches.
    #[arg(long, default_value_t = 200)]
    accounts: usize,
    #[arg(long, default_value = "target/bench-server")]
    work: PathBuf,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Replace the mixed-load section of this Markdown file.
    #[arg(long)]
    write: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        (20.0..=600.0).contains(&args.seconds),
        "--seconds must be 20 to 600 (two rebuilds must fit)"
    );
    let opts = MixedOptions {
        work: args.work.clone(),
        server: sibling_binary("server")?,
        indexer: sibling_binary("indexer")?,
        seconds: args.seconds,
        accounts: args.accounts.max(2),
        seed: args.seed,
    };
    let report = run(&opts)?;
    let command = format!("just bench-mixed --seconds {}", args.seconds);
    let section = render(&report, &opts, &command);
    print!("{section}");
    let problems = report.problems();
    anyhow::ensure!(
        problems.is_empty(),
        "the run failed; the report is not written:\n{}",
        problems.join("\n")
    );
    if let Some(path) = &args.write {
        write_section(path, "mixed", &section)?;
    }
    Ok(())
}
