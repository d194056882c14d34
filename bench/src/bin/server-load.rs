//! `just bench-server`: the release server under HTTP load on a generated
//! index, against the same searches in-process; see `bench::server_load`.
//! Prints a Markdown section and, with `--write`, puts it into
//! docs/BENCHMARKS.md.

use bench::report::{parse_count, sibling_binary, write_section};
use bench::server_load::{LoadOptions, render, run};
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Load the release server with searches and compare with in-process searching")]
struct Args {
    /// Frames in the index (e.g. 1e6, 10^7).
    #[arg(long, default_value = "1e6")]
    frames: String,
    /// Length of each load (HTTP, in-process) per screenshot size, in seconds.
    #[arg(long, default_value_t = 20.0)]
    seconds: f64,
    /// HTTP connections, each sending its next search when the last returns.
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// In-process searching threads (default: one per core, as many
    /// searches as the server runs at once).
    #[arg(long)]
    threads: Option<usize>,
    #[arg(long, default_value = "target/bench-server")]
    work: PathBuf,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Replace the server section of this Markdown file (docs/BENCHMARKS.md).
    #[arg(long)]
    write: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.seconds > 0.0 && args.seconds <= 600.0,
        "--seconds must be in (0, 600]"
    );
    anyhow::ensure!(
        (1..=64).contains(&args.connections),
        "--connections must be 1 to 64"
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let opts = LoadOptions {
        work: args.work.clone(),
        frames: parse_count(&args.frames)?,
        server: sibling_binary("server")?,
        seconds: args.seconds,
        connections: args.connections,
        threads: args.threads.unwrap_or(cores).max(1),
        seed: args.seed,
    };
    let report = run(&opts)?;
    let command = format!(
        "just bench-server --frames {} --seconds {} --connections {}",
        args.frames, args.seconds, args.connections
    );
    let section = render(&report, &opts, &command);
    print!("{section}");
    anyhow::ensure!(
        report.failures() == 0,
        "{} searches were not answered with a 200; the report is not written",
        report.failures()
    );
    if let Some(path) = &args.write {
        write_section(path, "server", &section)?;
    }
    Ok(())
}
