//! `indexer`: a thin shell over the indexer library.

use anyhow::Context;
use clap::Parser;
use indexer::cli::{Cli, Command, DEFAULT_OUTPUT};
use indexer::{build, exit, inspect, progress, query};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => exit::code(code),
        Err(e) => {
            eprintln!("indexer: error: {e:#}");
            exit::code(exit::FATAL)
        }
    }
}

fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Build {
            library,
            output,
            threads,
            quiet,
            allow_removal,
        } => {
            let threads = threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            if output == Path::new(DEFAULT_OUTPUT) {
                let folder = output.parent().expect("the default has a folder");
                std::fs::create_dir_all(folder)
                    .with_context(|| format!("cannot create {}", folder.display()))?;
            }
            let opts = build::BuildOptions {
                library,
                output,
                threads: threads.max(1),
                allow_removal,
            };
            let progress = progress::for_output(quiet);
            let report = build::build(&opts, progress.as_ref())?;
            print_summary(&opts, &report, quiet);
            Ok(if report.skipped.is_empty() {
                exit::OK
            } else {
                exit::PARTIAL
            })
        }
        Command::Stats { index, json } => inspect::stats(&index, json),
        Command::Verify { index } => inspect::verify(&index),
        Command::Query {
            index,
            images,
            json,
            no_cut_borders,
            anilist_id,
            limit,
        } => {
            let opts = shared::QueryOptions {
                cut_borders: !no_cut_borders,
                anilist_id,
                limit,
            };
            query::run(&index, &images, &opts, json)
        }
    }
}

/// Skipped files, then one line of totals; `--quiet` printed the problems
/// as they came and prints nothing more.
fn print_summary(opts: &build::BuildOptions, r: &build::BuildReport, quiet: bool) {
    if quiet {
        return;
    }
    for (path, why) in &r.skipped {
        eprintln!("indexer: skipped {path}: {why}");
    }
    let state = if r.written {
        "written"
    } else {
        "unchanged, not rewritten"
    };
    let frames = match r.frames {
        0 => "0 frames kept".to_string(),
        n => format!(
            "{n} frames kept of {} decoded, {:.1} bytes per frame",
            r.decoded_frames,
            r.bytes_per_frame()
        ),
    };
    eprintln!(
        "indexer: {} ({state}): {} videos indexed, {} reused, {} removed, {} skipped{}; {frames}, {:.1} s",
        opts.output.display(),
        r.indexed,
        r.reused,
        r.removed,
        r.skipped.len(),
        known_failures(r.known_failures),
        r.elapsed.as_secs_f64()
    );
}

/// ", N failed before and unchanged" when builds skip known failures.
fn known_failures(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(", {n} failed before and unchanged (see `indexer stats`)"),
    }
}
