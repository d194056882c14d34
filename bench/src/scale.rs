//! The scale measurement: indexes of 10^6 to 10^8 frames (really decoded
//! fixture footage plus realistic synthetic distractors, see `synth`),
//! each searched with distorted screenshots of the footage by the bucket
//! search and by an exact scan of the same index, one core, in the same
//! run: latency, recall against the scan, size, build and start-up time,
//! and the server's memory.

use crate::fixtures::{self, FixtureSize, Fixtures};
use crate::judge::is_right;
use crate::load::{SearchClient, Upload};
use crate::serve::Server;
use crate::stats::percentile;
use crate::synth::{self, Pool};
use anyhow::Context;
use shared::image_decode::{DecodeLimits, decode_gray};
use shared::index::{Codes, write_atomically};
use shared::query::{self, Method, QueryOptions};
use shared::search::{Budget, Probe};
use shared::{Index, SearchHit};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use testkit::distort::Class;
use testkit::library::Truth;
use testkit::queries::{Query, QuerySet};

pub struct ScaleOptions {
    pub work: PathBuf,
    /// Index sizes, in frames.
    pub sizes: Vec<u64>,
    pub fixtures: FixtureSize,
    /// The server binary, to measure start-up and memory; `None` skips it.
    pub server: Option<PathBuf>,
    /// Searches sent to the server before its memory is read again.
    pub server_queries: usize,
    pub seed: u64,
    /// Bucket-search budgets to measure; the first is the one reported.
    pub budgets: Vec<Budget>,
    /// Skip the exact scan (no recall, no exact latency).
    pub latency_only: bool,
    /// Only the screenshots of these classes (all when empty).
    pub classes: Vec<String>,
}

/// Everything measured at one size.
pub struct Row {
    pub frames: u64,
    /// Decoded fixture frames among them.
    pub real_frames: u64,
    pub stored: u64,
    pub key_bits: u32,
    pub synth: Duration,
    pub write: Duration,
    pub file_bytes: u64,
    pub open: Duration,
    pub queries: usize,
    /// The bucket search at each budget, the product's default first.
    pub variants: Vec<Variant>,
    pub exact_ms: Vec<f64>,
    /// Queries the exact scan answers at all.
    pub answered: usize,
    pub right_exact: usize,
    pub server: Option<ServerNumbers>,
}

/// The bucket search at one budget.
pub struct Variant {
    pub budget: Budget,
    pub ms: Vec<f64>,
    /// Queries whose top answer is as near as the exact scan's.
    pub recalled: usize,
    pub right: usize,
    /// Per distortion class, in `Class::ALL` order.
    pub classes: Vec<ClassRecall>,
}

/// One distortion class's screenshots at one budget.
#[derive(Clone, Debug, Default)]
pub struct ClassRecall {
    pub class: String,
    pub queries: usize,
    /// The exact scan answers them at all, and right.
    pub answered: usize,
    pub right_exact: usize,
    /// The bucket search's top answer is the exact scan's.
    pub recalled: usize,
    /// The bucket search is right where the exact scan is.
    pub right_recalled: usize,
    pub right: usize,
    /// Bucket search latency of each screenshot.
    pub ms: Vec<f64>,
}

pub struct ServerNumbers {
    pub startup: Duration,
    pub rss_cold_kb: u64,
    pub rss_after_kb: u64,
    pub searches: usize,
}

/// A screenshot ready to search.
struct Screenshot {
    query: Query,
    bytes: Vec<u8>,
    probes: Vec<Probe>,
    /// The guesses at its frame's inner window (see `query::inner_probes`),
    /// hashed beforehand as `probes` are: the timed search reads them only
    /// when the whole-frame probes find no confident answer.
    inner: Vec<Probe>,
}

pub fn run(opts: &ScaleOptions) -> anyhow::Result<Vec<Row>> {
    std::fs::create_dir_all(&opts.work)?;
    let f = fixtures::prepare(&opts.work, &opts.fixtures)?;
    let real_index = opts.work.join("real.bin");
    fixtures::build_index(&f.lib, &real_index)?;
    let pool_index = opts.work.join("pool.bin");
    fixtures::build_index(&f.other, &pool_index)?;
    let real = Index::open(&real_index)?;
    let pool = Pool::from_index(&Index::open(&pool_index)?, opts.seed)?;
    let truth = Truth::load(&f.lib.join("truth.json")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut shots = screenshots(&f)?;
    if !opts.classes.is_empty() {
        shots.retain(|s| opts.classes.contains(&s.query.class));
    }
    let mut rows = Vec::new();
    for &size in &opts.sizes {
        eprintln!("scale: {size} frames");
        rows.push(measure(opts, &real, &pool, &truth, &shots, size)?);
    }
    Ok(rows)
}

fn screenshots(f: &Fixtures) -> anyhow::Result<Vec<Screenshot>> {
    let set =
        QuerySet::load(&f.queries.join("queries.json")).map_err(|e| anyhow::anyhow!("{e}"))?;
    set.queries
        .into_iter()
        .filter(|q| q.indexed)
        .map(|query| {
            let path = f.queries.join(&query.image);
            let bytes = std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
            let gray = decode_gray(&bytes, &DecodeLimits::default())?;
            let probes = query::probes(&gray, true);
            let inner = query::inner_probes(&gray);
            Ok(Screenshot {
                query,
                bytes,
                probes,
                inner,
            })
        })
        .collect()
}

fn measure(
    opts: &ScaleOptions,
    real: &Index,
    pool: &Pool,
    truth: &Truth,
    shots: &[Screenshot],
    size: u64,
) -> anyhow::Result<Row> {
    let path = opts.work.join(format!("index-{size}.bin"));
    let started = Instant::now();
    let data = synth::with_distractors(real, pool, size, opts.seed ^ size);
    let synth = started.elapsed();
    let started = Instant::now();
    write_atomically(&path, &data, "bench", 0)?;
    let write = started.elapsed();
    drop(data);
    let started = Instant::now();
    let index = Index::open(&path)?;
    let open = started.elapsed();
    let mut row = Row {
        frames: index.frame_count(),
        real_frames: real.frame_count(),
        stored: index.stored_count(),
        key_bits: index.layout().key_bits(),
        synth,
        write,
        file_bytes: index.file_len(),
        open,
        queries: shots.len(),
        variants: vec![],
        exact_ms: vec![],
        answered: 0,
        right_exact: 0,
        server: None,
    };
    search_all(&index, truth, shots, opts, &mut row);
    if let Some(server) = &opts.server {
        row.server = Some(serve(server, &path, shots, opts.server_queries)?);
    }
    drop(index);
    std::fs::remove_file(&path)?;
    Ok(row)
}

/// Screenshots whose exact scan is timed on its own (the scan of the
/// others runs on every core, for recall only).
const EXACT_TIMED: usize = 20;

/// Every screenshot by the exact scan and by the bucket search at each
/// budget, the timed ones one at a time on this thread.
fn search_all(
    index: &Index,
    truth: &Truth,
    shots: &[Screenshot],
    opts: &ScaleOptions,
    row: &mut Row,
) {
    let budgets = &opts.budgets;
    use rayon::prelude::*;
    let query_opts = QueryOptions::default();
    let run = |s: &Screenshot, method| {
        let started = Instant::now();
        let inner = || s.inner.clone();
        let hits = query::search_probes(index, &s.probes, &inner, &query_opts, method);
        (hits, started.elapsed().as_secs_f64() * 1000.0)
    };
    let right = |s: &Screenshot, hits: &[SearchHit]| {
        hits.first().is_some_and(|h| is_right(truth, &s.query, h))
    };
    let timed = shots.len().min(EXACT_TIMED);
    let mut exact: Vec<Vec<SearchHit>> = Vec::with_capacity(shots.len());
    if opts.latency_only {
        touch_every_bucket(index);
        exact.resize(shots.len(), Vec::new());
    } else {
        for s in &shots[..timed] {
            let (hits, ms) = run(s, Method::Exact);
            row.exact_ms.push(ms);
            exact.push(hits);
        }
        exact.par_extend(shots[timed..].par_iter().map(|s| run(s, Method::Exact).0));
        // The exact scan reads every whole-frame entry but only the inner
        // buckets its screenshots' guesses lead to: every page once more,
        // so that the timed searches below meet a warm index everywhere,
        // as a server's searches do after a while.
        touch_every_bucket(index);
    }
    row.answered = exact.iter().filter(|e| !e.is_empty()).count();
    row.right_exact = shots
        .iter()
        .zip(&exact)
        .filter(|(s, e)| right(s, e))
        .count();
    for budget in budgets {
        let mut v = Variant {
            budget: *budget,
            ms: vec![],
            recalled: 0,
            right: 0,
            classes: Class::ALL
                .iter()
                .map(|c| ClassRecall {
                    class: c.name().to_string(),
                    ..ClassRecall::default()
                })
                .collect(),
        };
        for (s, e) in shots.iter().zip(&exact) {
            let (hits, ms) = run(s, Method::Buckets(*budget));
            v.ms.push(ms);
            let is_right = right(s, &hits);
            v.right += is_right as usize;
            // Whether the top answer is the exact scan's; `None` when the
            // scan answered nothing.
            let recalled = e
                .first()
                .map(|best| hits.first().is_some_and(|h| same_answer(h, best)));
            let class = v.classes.iter_mut().find(|c| c.class == s.query.class);
            if let Some(c) = class {
                let exact_right = right(s, e);
                c.queries += 1;
                c.ms.push(ms);
                c.right += is_right as usize;
                c.right_exact += exact_right as usize;
                c.right_recalled += (exact_right && is_right) as usize;
                c.answered += !e.is_empty() as usize;
                c.recalled += (recalled == Some(true)) as usize;
            }
            if let (Some(best), Some(found)) = (e.first(), recalled) {
                v.recalled += found as usize;
                if !found && std::env::var_os("SCALE_MISSES").is_some() {
                    let got = hits.first().map(|h| (h.similarity, &h.filename, h.at));
                    eprintln!(
                        "scale: {} not recalled: exact {:.3} {} at {}, buckets {got:?}",
                        s.query.image, best.similarity, best.filename, best.at
                    );
                }
            }
        }
        row.variants.push(v);
    }
}

/// Reads the first entry of every bucket, so that the bucket search is
/// timed on a mapping whose pages are all in place, as after exact scans.
fn touch_every_bucket(index: &Index) {
    let mut sum = 0u128;
    for key in 0..index.layout().buckets() as u32 {
        for codes in [Codes::Whole, Codes::Inner] {
            let first = index.codes_bucket(codes, key).iter().next();
            sum = sum.wrapping_add(first.unwrap_or(0));
        }
    }
    std::hint::black_box(sum);
}

/// The bucket search's top answer is the exact scan's: as near, or the
/// same video at a time inside the exact answer's span.
fn same_answer(got: &SearchHit, exact: &SearchHit) -> bool {
    got.similarity >= exact.similarity
        || (got.filename == exact.filename && (exact.from..=exact.to).contains(&got.at))
}

/// Starts the release server on the index, times it until it reports the
/// index loaded, reads its memory, sends searches, reads it again.
fn serve(
    server: &Path,
    index: &Path,
    shots: &[Screenshot],
    searches: usize,
) -> anyhow::Result<ServerNumbers> {
    let server = Server::start(server, index)?;
    let rss_cold_kb = server.rss_kb()?;
    let client = SearchClient::new(&server.url(""))?;
    for i in 0..searches {
        let upload = Upload::jpeg(&shots[i % shots.len()].bytes);
        client
            .search(&upload)
            .with_context(|| format!("search {i}"))?;
    }
    Ok(ServerNumbers {
        startup: server.startup,
        rss_cold_kb,
        rss_after_kb: server.rss_kb()?,
        searches,
    })
}

/// The Markdown section for docs/BENCHMARKS.md.
pub fn render(rows: &[Row], command: &str) -> String {
    let (begin, end) = crate::report::markers("scale");
    let mut s = format!(
        "{begin}\n## Search at scale\n\nCommand: `{command}` ({date}, {machine}). \
Each index holds the {real} decoded fixture frames the screenshots come from, then synthetic \
distractors derived from other decoded footage (see `bench/src/synth.rs`). Latency is the \
search alone (bucket plan or scan, comparison, grouping) of one screenshot's probe codes \
(up to 64: dark-bar, chrome, framed, band and inset areas, a photographed screen; crops; mirror; 13-21 on average per class), \
then, when no answer is within 12 bits, of its guesses at its frame's inner window (hashed beforehand, as the probes are; about 1,400 for a crop), \
on one core, after the index was written and every page of it read once (page cache warm); the exact scan's latency is over the first {EXACT_TIMED} screenshots. Recall: the share of screenshots the exact scan answers whose top answer the bucket search \
also gives (the same video at a time inside the exact answer's span, or an answer as near).\n\n\
| frames | key bits | bytes/frame | write | open | bucket search p50 / p99 | exact scan p50 / p99 | speed-up (p50) | recall | right top-1 (buckets / exact) |\n\
|---|---|---|---|---|---|---|---|---|---|\n",
        date = crate::report::today(),
        machine = crate::report::machine(),
        real = rows.first().map_or(0, |r| r.real_frames),
    );
    let p = |v: &[f64], x| percentile(v, x).unwrap_or(f64::NAN);
    for r in rows {
        let f = &r.variants[0];
        s += &format!(
            "| {frames} | {kb} | {bpf:.2} | {write:.2} s | {open:.2} ms | {f50:.2} / {f99:.2} ms | {e50:.1} / {e99:.1} ms | {speed:.0}x | {recall:.1} % ({rc}/{an}) | {rf}/{n} / {re}/{n} |\n",
            frames = r.frames,
            kb = r.key_bits,
            bpf = r.file_bytes as f64 / r.frames as f64,
            write = r.write.as_secs_f64(),
            open = r.open.as_secs_f64() * 1000.0,
            f50 = p(&f.ms, 50.0),
            f99 = p(&f.ms, 99.0),
            e50 = p(&r.exact_ms, 50.0),
            e99 = p(&r.exact_ms, 99.0),
            speed = p(&r.exact_ms, 50.0) / p(&f.ms, 50.0),
            recall = crate::stats::rate(f.recalled, r.answered),
            rc = f.recalled,
            an = r.answered,
            rf = f.right,
            re = r.right_exact,
            n = r.queries,
        );
    }
    if let Some(r) = rows.last() {
        s += &format!(
            "\nBy class at {} frames: recall as above, and right-answer recall (of the screenshots the \
exact scan answers right, the share the bucket search answers right too).\n\n\
| class | bucket search p50 / p99 | recall | right-answer recall | right top-1 (buckets / exact) |\n|---|---|---|---|---|\n",
            r.frames
        );
        for c in r.variants[0].classes.iter().filter(|c| c.queries > 0) {
            s += &format!(
                "| {} | {:.2} / {:.2} ms | {:.0} % ({}/{}) | {:.0} % ({}/{}) | {} / {} of {} |\n",
                c.class,
                p(&c.ms, 50.0),
                p(&c.ms, 99.0),
                crate::stats::rate(c.recalled, c.answered),
                c.recalled,
                c.answered,
                crate::stats::rate(c.right_recalled, c.right_exact),
                c.right_recalled,
                c.right_exact,
                c.right,
                c.right_exact,
                c.queries
            );
        }
    }
    if rows.iter().any(|r| r.variants.len() > 1) {
        s += "\nBudgets tried (bucket visits / entry comparisons per search):\n\n\
| frames | budget | p50 / p99 | recall | right top-1 |\n|---|---|---|---|---|\n";
        for r in rows {
            for v in &r.variants {
                s += &format!(
                    "| {} | {} / {} | {:.2} / {:.2} ms | {:.1} % | {}/{} |\n",
                    r.frames,
                    v.budget.visits,
                    v.budget.compares,
                    p(&v.ms, 50.0),
                    p(&v.ms, 99.0),
                    crate::stats::rate(v.recalled, r.answered),
                    v.right,
                    r.queries
                );
            }
        }
    }
    if rows.iter().any(|r| r.server.is_some()) {
        s += "\n| frames | server start-up to index loaded | resident memory after start-up | after searches |\n|---|---|---|---|\n";
        for r in rows {
            if let Some(sv) = &r.server {
                s += &format!(
                    "| {} | {:.0} ms | {:.1} MiB | {:.1} MiB after {} searches |\n",
                    r.frames,
                    sv.startup.as_secs_f64() * 1000.0,
                    sv.rss_cold_kb as f64 / 1024.0,
                    sv.rss_after_kb as f64 / 1024.0,
                    sv.searches
                );
            }
        }
    }
    s += &format!("{end}\n");
    s
}
