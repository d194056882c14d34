//! `indexer`: a thin shell over the indexer library.

use anyhow::Context;
use clap::Parser;
use indexer::cli::{BuildArgs, Cli, Command, DEFAULT_OUTPUT, MergeArgs};
use indexer::part::{self, PartArg, Share};
use indexer::{build, exit, inspect, merge, progress, query};
use std::path::PathBuf;
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
        Command::Build(args) => build_command(args),
        Command::Merge(args) => merge_command(args),
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

fn build_command(args: BuildArgs) -> anyhow::Result<u8> {
    let part = match args.part {
        None => None,
        Some(PartArg::Share(share)) => Some(share),
        Some(PartArg::Auto) => Some(part::from_env(|name| std::env::var(name).ok())?),
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let opts = build::BuildOptions {
        library: args.library,
        output: output_of(args.output, part)?,
        threads: threads.max(1),
        allow_removal: args.allow_removal,
        part,
    };
    let progress = progress::for_output(args.quiet);
    let report = build::build(&opts, progress.as_ref())?;
    print_summary(&opts, &report, args.quiet);
    Ok(if report.skipped.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

fn merge_command(args: MergeArgs) -> anyhow::Result<u8> {
    let opts = merge::MergeOptions {
        parts: args.parts,
        output: output_of(args.output, None)?,
        allow_missing: args.allow_missing,
        allow_removal: args.allow_removal,
    };
    let progress = progress::for_output(args.quiet);
    let r = merge::merge(&opts, progress.as_ref())?;
    if !r.missing.is_empty() {
        let missing = merge::missing_shares(&r.missing, r.of);
        eprintln!(
            "indexer: warning: {missing} missing (--allow-missing): the index lacks their videos"
        );
    }
    if !args.quiet {
        eprintln!(
            "indexer: {} (written): {} parts of {} merged: {} anime, {} videos, {} failed files, {} removed; {} frames, {:.1} bytes per frame, {:.1} s",
            opts.output.display(),
            r.parts,
            r.of,
            r.anime,
            r.videos,
            r.failed,
            r.removed,
            r.frames,
            r.file_bytes as f64 / r.frames.max(1) as f64,
            r.elapsed.as_secs_f64()
        );
    }
    Ok(if r.missing.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

/// `-o`, or the default index (its folder created); a part must be named.
fn output_of(output: Option<PathBuf>, part: Option<Share>) -> anyhow::Result<PathBuf> {
    match (output, part) {
        (Some(output), _) => Ok(output),
        (None, Some(share)) => anyhow::bail!(
            "--part {share} needs -o PART: a part is a file of its own, merged into the index with `indexer merge`"
        ),
        (None, None) => {
            let output = PathBuf::from(DEFAULT_OUTPUT);
            let folder = output.parent().expect("the default has a folder");
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
            Ok(output)
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
    let mut state = if r.written {
        "written".to_string()
    } else {
        "unchanged, not rewritten".to_string()
    };
    if let Some(part) = r.part {
        state = format!("part {part}, {state}");
    }
    let frames = match r.frames {
        0 => "0 frames kept".to_string(),
        n => format!(
            "{n} frames kept of {} decoded, {:.1} bytes per frame",
            r.decoded_frames,
            r.bytes_per_frame()
        ),
    };
    eprintln!(
        "indexer: {} ({state}): {} videos indexed, {} reused, {} removed, {} skipped{}{}; {frames}, {:.1} s",
        opts.output.display(),
        r.indexed,
        r.reused,
        r.removed,
        r.skipped.len(),
        known_failures(r.known_failures),
        other_shares(r),
        r.elapsed.as_secs_f64()
    );
}

/// ", N in other shares" when building a part.
fn other_shares(r: &build::BuildReport) -> String {
    match r.part {
        Some(_) => format!(", {} in other shares", r.other_shares),
        None => String::new(),
    }
}

/// ", N failed before and unchanged" when builds skip known failures.
fn known_failures(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(", {n} failed before and unchanged (see `indexer stats`)"),
    }
}
