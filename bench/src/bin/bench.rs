//! `just bench`: indexing speed as a ratio to FFmpeg decoding the same file
//! with the same threads, index bytes per kept frame, peak memory, and the
//! time a 1920x1080 JPEG screenshot and a 1080x1920 one take from bytes
//! to answers. Prints a
//! Markdown section and, with `--write`, puts it into docs/BENCHMARKS.md.

use anyhow::Context;
use bench::fixtures::{one_episode_library, render_episode};
use bench::report::{machine, sibling_binary, today, write_section};
use bench::stats::percentile;
use clap::Parser;
use shared::image_decode::{DecodeLimits, decode_gray, decode_image};
use shared::query::search_gray;
use shared::{Index, QueryOptions};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use testkit::distort::{Class, Encoding};
use testkit::rng::Rng;

#[derive(Parser)]
#[command(about = "Measure indexing and query speed on a generated episode")]
struct Args {
    /// Length of the generated 1080p H.264 episode, in seconds.
    #[arg(long, default_value_t = 600.0)]
    seconds: f64,
    /// Threads for both FFmpeg and the indexer (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    #[arg(long, default_value = "target/bench")]
    work: PathBuf,
    /// Replace the indexing section of this Markdown file (docs/BENCHMARKS.md).
    #[arg(long)]
    write: Option<PathBuf>,
    /// Time only the two screenshots' queries, on the index a previous run
    /// left in `--work` (for work on the query front end; writes nothing).
    #[arg(long, conflicts_with = "write")]
    queries_only: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let episode = generate_episode(&args)?;
    if args.queries_only {
        return print_queries(&episode, &args.work);
    }
    let library = library_with(&args.work, &episode)?;
    let index_path = args.work.join("index.bin");
    let (index_time, peak_rss_kb) = time_indexer(&library, &index_path, threads)?;
    let ffmpeg_time = time_ffmpeg(&episode, threads)?;
    let index = Index::open(&index_path)?;
    let [landscape, portrait] = screenshots(&episode, &args.work)?;
    let query = [
        time_queries(&index, &landscape)?,
        time_queries(&index, &portrait)?,
    ];
    let section = render(
        &args,
        threads,
        &index,
        index_time,
        ffmpeg_time,
        peak_rss_kb,
        &query,
    );
    print!("{section}");
    if let Some(path) = &args.write {
        write_section(path, "indexing", &section)?;
    }
    Ok(())
}

fn generate_episode(args: &Args) -> anyhow::Result<PathBuf> {
    let path = args
        .work
        .join(format!("episode-{}s-1080p.mp4", args.seconds));
    render_episode(&path, (0, 7), args.seconds, (1920, 1080))?;
    Ok(path)
}

/// A one-anime library holding a link to the episode.
fn library_with(work: &Path, episode: &Path) -> anyhow::Result<PathBuf> {
    let lib = work.join("library");
    one_episode_library(&lib, "Bench Anime", episode, "Bench Anime - 01 [1080p].mp4")?;
    Ok(lib)
}

/// Wall time of a full build (best of two) and the indexer's peak RSS.
fn time_indexer(lib: &Path, index: &Path, threads: usize) -> anyhow::Result<(Duration, u64)> {
    let indexer = sibling_binary("indexer")?;
    let mut best = Duration::MAX;
    for _ in 0..2 {
        let _ = std::fs::remove_file(index);
        let started = Instant::now();
        let status = Command::new(&indexer)
            .args([
                "build",
                &lib.to_string_lossy(),
                "-o",
                &index.to_string_lossy(),
                "--quiet",
            ])
            .args(["--threads", &threads.to_string()])
            .status()?;
        anyhow::ensure!(status.success(), "indexer build failed");
        best = best.min(started.elapsed());
    }
    // Children's peak RSS so far: only indexer runs have finished yet.
    Ok((best, children_peak_rss_kb()))
}

fn time_ffmpeg(episode: &Path, threads: usize) -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..2 {
        let started = Instant::now();
        let status = Command::new("ffmpeg")
            .args([
                "-v",
                "error",
                "-nostdin",
                "-threads",
                &threads.to_string(),
                "-i",
            ])
            .arg(episode)
            .args(["-f", "null", "-"])
            .status()
            .context("running ffmpeg")?;
        anyhow::ensure!(status.success(), "ffmpeg failed");
        best = best.min(started.elapsed());
    }
    Ok(best)
}

fn children_peak_rss_kb() -> u64 {
    // SAFETY: getrusage fills the struct we pass; no other invariants.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss as u64
    }
}

/// `--queries-only`: the query rows of the table, on the last run's index.
fn print_queries(episode: &Path, work: &Path) -> anyhow::Result<()> {
    let index_path = work.join("index.bin");
    let index = Index::open(&index_path)
        .with_context(|| format!("{}: run `just bench` once first", index_path.display()))?;
    let p = |v: &Vec<f64>, x: f64| percentile(v, x).unwrap_or(f64::NAN);
    for (name, bytes) in ["1920x1080", "1080x1920"]
        .iter()
        .zip(screenshots(episode, work)?)
    {
        let t = time_queries(&index, &bytes)?;
        println!(
            "{name}: decode p50 / p99 {:.1} / {:.1} ms, the rest {:.2} / {:.2} ms, whole {:.1} / {:.1} ms",
            p(&t.decode, 50.0),
            p(&t.decode, 99.0),
            p(&t.hash_and_search, 50.0),
            p(&t.hash_and_search, 99.0),
            p(&t.total, 50.0),
            p(&t.total, 99.0),
        );
    }
    Ok(())
}

/// Milliseconds per stage of a screenshot's search.
struct QueryTimes {
    decode: Vec<f64>,
    hash_and_search: Vec<f64>,
    total: Vec<f64>,
    frames: u64,
}

/// Where in the episode the screenshots are cut (seconds); every timed
/// search must answer it, confidently.
const SHOT_AT: f64 = 33.0;

/// Searches timed per screenshot.
const QUERY_RUNS: usize = 100;

/// A 1920x1080 JPEG screenshot of the episode, and the same frame as a
/// 1080x1920 "shorts" JPEG (on a blurred copy of itself, a caption
/// above: the tall picture every re-framing hypothesis is tried on).
fn screenshots(episode: &Path, work: &Path) -> anyhow::Result<[Vec<u8>; 2]> {
    let shot = work.join("screenshot-1080p.jpg");
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-nostdin",
            "-ss",
            &SHOT_AT.to_string(),
            "-i",
        ])
        .arg(episode)
        .args(["-frames:v", "1", "-q:v", "4"])
        .arg(&shot)
        .status()?;
    anyhow::ensure!(status.success(), "ffmpeg could not cut a screenshot");
    let bytes = std::fs::read(&shot)?;
    let frame = decode_image(&bytes, &DecodeLimits::default())?;
    let tall = Class::Shorts.apply(&frame, &mut Rng::new(7));
    let tall = image::imageops::resize(&tall, 1080, 1920, image::imageops::FilterType::Triangle);
    let portrait = work.join("screenshot-1080x1920.jpg");
    testkit::distort::save(&tall, Encoding::Jpeg(85), &portrait)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok([bytes, std::fs::read(&portrait)?])
}

fn time_queries(index: &Index, bytes: &[u8]) -> anyhow::Result<QueryTimes> {
    let mut t = QueryTimes {
        decode: vec![],
        hash_and_search: vec![],
        total: vec![],
        frames: index.frame_count(),
    };
    for _ in 0..QUERY_RUNS {
        let start = Instant::now();
        let gray = decode_gray(bytes, &DecodeLimits::default())?;
        let decoded = start.elapsed();
        let hits = search_gray(index, &gray, &QueryOptions::default());
        let total = start.elapsed();
        let top = hits.first().context("the screenshot found nothing")?;
        anyhow::ensure!(
            top.from - 1.0 <= SHOT_AT && SHOT_AT <= top.to + 1.0 && top.similarity >= 0.9,
            "the screenshot at {SHOT_AT} s was answered with {:.1}-{:.1} s at {:.3}",
            top.from,
            top.to,
            top.similarity
        );
        t.decode.push(ms(decoded));
        t.hash_and_search.push(ms(total - decoded));
        t.total.push(ms(total));
    }
    Ok(t)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn render(
    args: &Args,
    threads: usize,
    index: &Index,
    index_time: Duration,
    ffmpeg_time: Duration,
    peak_rss_kb: u64,
    [q, tall]: &[QueryTimes; 2],
) -> String {
    let ratio = index_time.as_secs_f64() / ffmpeg_time.as_secs_f64();
    let bpf = index.file_len() as f64 / index.frame_count().max(1) as f64;
    let p = |v: &Vec<f64>, x: f64| percentile(v, x).unwrap_or(f64::NAN);
    let (begin, end) = bench::report::markers("indexing");
    format!(
        "{begin}\n## Indexing and query front end\n\n\
Command: `just bench --seconds {seconds}` ({date}, {machine}).\n\n\
| what | measured | target |\n|---|---|---|\n\
| `indexer build` of a generated {seconds} s 1080p H.264 episode, {threads} threads | {it:.2} s | |\n\
| `ffmpeg -threads {threads} -i EP -f null -` on the same file | {ft:.2} s | |\n\
| ratio indexer / ffmpeg | **{ratio:.2}** | <= 1.3 |\n\
| kept frames | {frames} | |\n\
| index bytes per kept frame, everything included | **{bpf:.2}** | <= 32 |\n\
| indexer peak resident memory | {rss:.0} MiB | |\n\
| 1920x1080 JPEG screenshot: decode, p50 / p99 | {d50:.1} / {d99:.1} ms | |\n\
| border cut, up to 64 hashes (dark-bar, chrome, framed, band and inset areas, a photographed screen; crops; mirror), search, grouping: p50 / p99 ({qf} frames) | {s50:.2} / {s99:.2} ms | |\n\
| whole query, p50 / p99 | {t50:.1} / {t99:.1} ms | |\n\
| 1080x1920 JPEG \"shorts\" screenshot: decode, p50 / p99 | {td50:.1} / {td99:.1} ms | |\n\
| its hypotheses (also bands, insets, a photographed screen), hashes, search, grouping: p50 / p99 | {ts50:.2} / {ts99:.2} ms | |\n\
| whole query, p50 / p99 | {tt50:.1} / **{tt99:.1}** ms | < 30 |\n\
{end}\n",
        seconds = args.seconds,
        date = today(),
        machine = machine(),
        it = index_time.as_secs_f64(),
        ft = ffmpeg_time.as_secs_f64(),
        frames = index.frame_count(),
        rss = peak_rss_kb as f64 / 1024.0,
        d50 = p(&q.decode, 50.0),
        d99 = p(&q.decode, 99.0),
        s50 = p(&q.hash_and_search, 50.0),
        s99 = p(&q.hash_and_search, 99.0),
        t50 = p(&q.total, 50.0),
        t99 = p(&q.total, 99.0),
        td50 = p(&tall.decode, 50.0),
        td99 = p(&tall.decode, 99.0),
        ts50 = p(&tall.hash_and_search, 50.0),
        ts99 = p(&tall.hash_and_search, 99.0),
        tt50 = p(&tall.total, 50.0),
        tt99 = p(&tall.total, 99.0),
        qf = q.frames,
    )
}
