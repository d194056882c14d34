//! `just bench-previews`: time to the first byte of preview stills and
//! clips, cold and cached, beside ffmpeg cutting them by hand; see
//! `bench::previews`. Prints a Markdown section and, with `--write`, puts
//! it into docs/BENCHMARKS.md.

use bench::previews::{PreviewOptions, PreviewReport, run};
use bench::report::{machine, markers, sibling_binary, today, write_section};
use bench::stats::percentile;
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Preview latency: stills and clips, cold and cached, against ffmpeg by hand")]
struct Args {
    /// Screenshots searched; each gives one still and one clip.
    #[arg(long, default_value_t = 20)]
    shots: usize,
    #[arg(long, default_value = "target/bench-server")]
    work: PathBuf,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Replace the previews section of this Markdown file.
    #[arg(long)]
    write: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!((2..=200).contains(&args.shots), "--shots must be 2 to 200");
    let opts = PreviewOptions {
        work: args.work.clone(),
        server: sibling_binary("server")?,
        indexer: sibling_binary("indexer")?,
        shots: args.shots,
        seed: args.seed,
    };
    let report = run(&opts)?;
    let section = render(
        &report,
        &format!("just bench-previews --shots {}", args.shots),
    );
    print!("{section}");
    if let Some(path) = &args.write {
        write_section(path, "previews", &section)?;
    }
    Ok(())
}

fn render(r: &PreviewReport, command: &str) -> String {
    let (begin, end) = markers("previews");
    let row = |what: &str, ms: &[f64]| {
        format!(
            "| {what} | {:.1} ms | {:.1} ms |\n",
            percentile(ms, 50.0).unwrap_or(f64::NAN),
            percentile(ms, 99.0).unwrap_or(f64::NAN)
        )
    };
    let mut s = format!(
        "{begin}\n## Previews\n\nCommand: `{command}` ({}, {}). The release `server` with \
`--library` over a generated 60 s 1920x1080 H.264 episode; {} screenshots cut at spread-out \
times are searched, and each answer's still and clip (size m, 320 px wide) are fetched cold \
(cut now by `ffmpeg`) and again cached, timed from the request to the answer's head. \
\"By hand\" runs `ffmpeg` with the server's own command line for the same still and clip, \
in the same run. Clips were {:.1}-{:.1} s long, {:.0} KB at the median.\n\n\
| step | p50 | p99 |\n|---|---|---|\n",
        today(),
        machine(),
        r.still_cold.len(),
        r.clip_seconds.iter().copied().fold(f64::INFINITY, f64::min),
        r.clip_seconds.iter().copied().fold(0.0, f64::max),
        percentile(&r.clip_kb, 50.0).unwrap_or(f64::NAN),
    );
    s += &row("still, cold (cut now)", &r.still_cold);
    s += &row("still, `ffmpeg` by hand", &r.still_by_hand);
    s += &row("still, cached", &r.still_cached);
    s += &row("clip, cold (cut now)", &r.clip_cold);
    s += &row("clip, `ffmpeg` by hand", &r.clip_by_hand);
    s += &row("clip, cached", &r.clip_cached);
    s += &format!("{end}\n");
    s
}
