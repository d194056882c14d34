//! `just eval`: accuracy of the real query code on realistic generated
//! footage. Builds a library (unless already there), indexes it with the
//! indexer library, cuts distorted screenshots at random times, searches
//! each one and prints top-1/top-5 accuracy per distortion class, the rate
//! of confident answers for videos that are not indexed, and the
//! similarity of right and wrong answers.

use anyhow::Context;
use bench::fixtures::{self, FixtureSize};
use bench::judge::is_right;
use bench::stats::{percentile, rate};
use clap::Parser;
use rayon::prelude::*;
use shared::image_decode::{DecodeLimits, decode_gray};
use shared::query::search_gray;
use shared::{Index, QueryOptions, SearchHit};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use testkit::distort::Class;
use testkit::library::Truth;
use testkit::queries::{Query, QuerySet};

#[derive(Parser)]
#[command(about = "Measure search accuracy on generated footage")]
struct Args {
    /// Where the libraries, queries and index are kept between runs.
    #[arg(long, default_value = "target/eval")]
    work: PathBuf,
    /// Screenshots per distortion class.
    #[arg(long, default_value_t = 100)]
    per_class: usize,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Write the table to this Markdown file too (e.g. docs/ACCURACY.md).
    #[arg(long)]
    write: Option<PathBuf>,
    /// Also list every wrong answer.
    #[arg(long)]
    verbose: bool,
}

/// What happened to one screenshot.
struct Outcome<'a> {
    query: &'a Query,
    top1: bool,
    top5: bool,
    similarity: Option<f64>,
    /// The top answer, for `--verbose`.
    answer: Option<SearchHit>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let fixtures = fixtures::prepare(&args.work, &FixtureSize::eval(args.per_class, args.seed))?;
    let (lib, queries) = (fixtures.lib, fixtures.queries);
    let index_path = args.work.join("index.bin");
    // Always a fresh build: the point is to measure the current descriptor.
    let built = fixtures::build_index(&lib, &index_path)?;
    eprintln!(
        "eval: index of {} frames ({} decoded now, {} reused)",
        built.frames, built.indexed, built.reused
    );
    let index = Index::open(&index_path)?;
    let truth = Truth::load(&lib.join("truth.json")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let set = QuerySet::load(&queries.join("queries.json")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let outcomes: Vec<Outcome> = set
        .queries
        .par_iter()
        .map(|q| evaluate(&index, &truth, &queries, q))
        .collect::<anyhow::Result<_>>()?;
    if args.verbose {
        print_misses(&outcomes);
    }
    let previous = args.write.as_deref().map(previous_top1).unwrap_or_default();
    let report = report(&index, &outcomes, &args, &previous);
    print!("{report}");
    if let Some(path) = &args.write {
        let doc = format!("{}{report}{}", preface(), notes());
        std::fs::write(path, doc).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn evaluate<'a>(
    index: &Index,
    truth: &Truth,
    dir: &Path,
    q: &'a Query,
) -> anyhow::Result<Outcome<'a>> {
    let path = dir.join(&q.image);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let gray = decode_gray(&bytes, &DecodeLimits::default())?;
    let hits = search_gray(index, &gray, &QueryOptions::default());
    let right = |h: &SearchHit| q.indexed && is_right(truth, q, h);
    Ok(Outcome {
        query: q,
        top1: hits.first().is_some_and(right),
        top5: hits.iter().any(right),
        similarity: hits.first().map(|h| h.similarity),
        answer: hits.into_iter().next(),
    })
}

fn print_misses(outcomes: &[Outcome]) {
    for o in outcomes.iter().filter(|o| o.query.indexed && !o.top1) {
        let answer = o.answer.as_ref().map_or("nothing".into(), |h| {
            format!(
                "{} at {:.2} ({:.2}-{:.2}), similarity {:.3}",
                h.filename, h.at, h.from, h.to, h.similarity
            )
        });
        eprintln!(
            "miss {}: {} at {:.2}; answered {answer}",
            o.query.image, o.query.video, o.query.time
        );
    }
}

fn preface() -> String {
    let date = bench::report::today();
    format!(
        "# Accuracy\n\nLatest run of `just eval` ({date}). It generates 4 anime x 3 episodes x 75 s of \
cel-shaded footage (HEVC, AV1, VFR H.264, H.264 720p, VP9, MPEG-2 TS and MPEG-4 AVI at 853x479; an \
opening repeated in every episode, backgrounds reused with other characters), indexes it with the \
indexer, cuts screenshots at random non-flat times (see below), distorts them per class and searches \
them with `shared::image_decode::decode_gray` and `shared::query::search_gray`, the code the server runs. Right = the answered video and time show \
the screenshot's content (the time inside the returned `from`-`to` span or within 1 s; a repeated \
opening is right in any episode). Un-indexed screenshots come from a second generated library.\n\n"
    )
}

/// The notes below the tables: written by hand in `bench/eval-notes.md`
/// (what each step tried and measured), so that a run keeps them.
fn notes() -> String {
    format!("\n{}", include_str!("../../eval-notes.md"))
}

/// The minimum top-1 accuracy `matching.md` sets for a class.
fn target(class: &str) -> f64 {
    match class {
        "clean" | "jpeg40" | "w320" | "brightness" => 99.0,
        "crop4" | "pip" => 95.0,
        "chrome" | "vertical" | "crop15" | "photo" => 90.0,
        _ => 97.0,
    }
}

/// The top-1 % per class of the report `path` holds (the last run's), to
/// print beside the new ones; empty when there is none.
fn previous_top1(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | class | n | top-1 % | ...: the class table's rows only.
        let is_class_row = cells.len() > 4 && cells[2].parse::<usize>().is_ok();
        let class = cells.get(1).copied().unwrap_or_default();
        if is_class_row && Class::ALL.iter().any(|c| c.name() == class) {
            let top1 = cells[3].trim_end_matches(" (below)");
            out.entry(class.to_string()).or_insert(top1.to_string());
        }
    }
    out
}

fn report(
    index: &Index,
    outcomes: &[Outcome],
    args: &Args,
    previous: &BTreeMap<String, String>,
) -> String {
    let mut by_class: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.query.indexed) {
        by_class.entry(o.query.class.as_str()).or_default().push(o);
    }
    let mut out = String::new();
    out.push_str(&format!(
        "Index: {} frames, {} videos; {} screenshots per class, seed {}.\n\n",
        index.frame_count(),
        index.videos().len(),
        args.per_class,
        args.seed
    ));
    out.push_str("| class | n | top-1 % | top-5 % | target top-1 % | confident (>= 0.9) % | top-1 % of the previous run |\n|---|---|---|---|---|---|---|\n");
    for class in Class::ALL.iter().map(|c| c.name()) {
        let Some(os) = by_class.get(class) else {
            continue;
        };
        let n = os.len();
        let top1 = os.iter().filter(|o| o.top1).count();
        let top5 = os.iter().filter(|o| o.top5).count();
        let confident = os
            .iter()
            .filter(|o| o.similarity.is_some_and(|s| s >= 0.9))
            .count();
        let pass = if rate(top1, n) >= target(class) {
            ""
        } else {
            " (below)"
        };
        out.push_str(&format!(
            "| {class} | {n} | {:.1}{pass} | {:.1} | {:.0} | {:.1} | {} |\n",
            rate(top1, n),
            rate(top5, n),
            target(class),
            rate(confident, n),
            previous.get(class).map_or("-", String::as_str)
        ));
    }
    out.push_str(&unindexed_line(outcomes));
    out.push_str(&similarity_lines(outcomes));
    out
}

fn unindexed_line(outcomes: &[Outcome]) -> String {
    let un: Vec<&Outcome> = outcomes.iter().filter(|o| !o.query.indexed).collect();
    let confident = un
        .iter()
        .filter(|o| o.similarity.is_some_and(|s| s >= 0.9))
        .count();
    format!(
        "\nNot indexed: {} screenshots, {confident} confident answers ({:.1} %, target < 1 %).\n",
        un.len(),
        rate(confident, un.len())
    )
}

fn similarity_lines(outcomes: &[Outcome]) -> String {
    let sims = |f: &dyn Fn(&Outcome) -> bool| -> Vec<f64> {
        outcomes
            .iter()
            .filter(|o| f(o))
            .filter_map(|o| o.similarity)
            .collect()
    };
    let right = sims(&|o| o.query.indexed && o.top1);
    let wrong = sims(&|o| o.query.indexed && !o.top1);
    let unindexed = sims(&|o| !o.query.indexed);
    let mut out = String::from(
        "\n| top-1 answers | n | min | p10 | p50 | p90 | max |\n|---|---|---|---|---|---|---|\n",
    );
    for (name, v) in [
        ("right", &right),
        ("wrong", &wrong),
        ("not indexed", &unindexed),
    ] {
        let p = |x: f64| percentile(v, x).map_or("-".into(), |s| format!("{s:.3}"));
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} |\n",
            v.len(),
            p(0.0),
            p(10.0),
            p(50.0),
            p(90.0),
            p(100.0)
        ));
    }
    out
}
