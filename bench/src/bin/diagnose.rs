//! `diagnose`: why screenshots of a class are missed. For each screenshot
//! of `just eval`'s fixtures it prints every area the query tries, how near
//! that area's best probe comes to the right frame's code, and what the
//! search answered: a miss whose right frame no area comes near is the
//! area finder's, one with a near area is the ranking's.

use anyhow::Context;
use bench::judge::is_right;
use clap::Parser;
use shared::image_decode::{DecodeLimits, decode_gray, decode_image};
use shared::query::{area_probes, areas, screen_probes, search_gray};
use shared::search::Probe;
use shared::{FrameCode, Gray, Index, QueryOptions};
use std::path::PathBuf;
use testkit::library::Truth;
use testkit::queries::{Query, QuerySet};

#[derive(Parser)]
#[command(about = "Show, per screenshot, how near each query area comes to the right frame")]
struct Args {
    /// The work folder `eval` made (libraries, queries, index).
    #[arg(long, default_value = "target/eval")]
    work: PathBuf,
    /// Classes to look at (e.g. pip shorts).
    classes: Vec<String>,
    /// Print only the screenshots the search gets wrong.
    #[arg(long)]
    misses: bool,
    /// Print how many indexed frames a shot holds (a run of frames whose
    /// codes stay within N bits of the run's first), for N = 8, 12, 16.
    #[arg(long)]
    shots: bool,
    /// Print how far the code of a 9:16 window of a frame moves when the
    /// window shifts sideways (on the `clean` screenshots).
    #[arg(long)]
    shift: bool,
    /// Print how near a grid of guesses at where a `crop15` screenshot's
    /// inner window (the middle 60 % of the frame, which any such crop
    /// holds) lies comes to that window's code; the grid's step is this
    /// share of the window's width.
    #[arg(long)]
    inner: Option<f32>,
    /// Also print each screenshot's nearest inner-window hits (their own
    /// distances, a right frame marked *) and where the first right one is.
    #[arg(long)]
    inner_hits: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let index = Index::open(&args.work.join("index.bin"))?;
    let truth =
        Truth::load(&args.work.join("lib/truth.json")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let queries = args.work.join("queries");
    let set = QuerySet::load(&queries.join("queries.json")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let codes = index.codes_in_frame_order();
    let inner_codes = index.inner_codes_in_frame_order();
    if args.shots {
        print_shots(&index, &codes);
    }
    if args.shift {
        print_shift(&queries, &set)?;
    }
    if let Some(step) = args.inner {
        print_inner(&queries, &set, step)?;
    }
    let mut histogram = std::collections::BTreeMap::<u32, usize>::new();
    for q in set
        .queries
        .iter()
        .filter(|q| q.indexed && args.classes.contains(&q.class))
    {
        let bytes = std::fs::read(queries.join(&q.image)).context("reading a screenshot")?;
        let gray = decode_gray(&bytes, &DecodeLimits::default())?;
        let hits = search_gray(&index, &gray, &QueryOptions::default());
        let right = hits.first().is_some_and(|h| is_right(&truth, q, h));
        let wanted = right_codes(&index, &codes, q);
        let mut best_all = u32::MAX;
        let mut line = String::new();
        for a in areas(&gray, true) {
            let best = nearest(&area_probes(&gray, &a), &wanted);
            best_all = best_all.min(best);
            let r = a.rect;
            line += &format!(
                " {:?}[{:.0},{:.0},{:.0},{:.0}]={best}",
                a.source, r.x0, r.y0, r.x1, r.y1
            );
        }
        let inner = nearest(
            &shared::query::inner_probes(&gray),
            &right_codes(&index, &inner_codes, q),
        );
        line += &format!(" Inner={inner}");
        if args.inner_hits {
            let want = right_codes(&index, &inner_codes, q);
            let hits =
                shared::search::search_inner(&index, &shared::query::inner_probes(&gray), None);
            let shown: Vec<String> = hits
                .iter()
                .take(6)
                .map(|h| {
                    let mark = if want.contains(&inner_codes[h.frame as usize]) {
                        "*"
                    } else {
                        ""
                    };
                    format!("{}{mark}", h.distance - shared::search::INNER_PENALTY)
                })
                .collect();
            let found = hits
                .iter()
                .position(|h| want.contains(&inner_codes[h.frame as usize]));
            line += &format!(" hits [{}] right at {found:?}", shown.join(" "));
        }
        let screen = screen_probes(&gray);
        if !screen.is_empty() {
            let best = nearest(&screen, &wanted);
            best_all = best_all.min(best);
            line += &format!(" Screen={best}{}", key_flips(&screen, &wanted));
        }
        let started = std::time::Instant::now();
        let all = shared::query::probes(&gray, true);
        let probe_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = std::time::Instant::now();
        let _ = shared::borders::screen_quad(&gray);
        let screen_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = std::time::Instant::now();
        let _ = shared::borders::inset_rects(&gray);
        let inset_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = std::time::Instant::now();
        let _ = areas(&gray, true);
        let areas_ms = started.elapsed().as_secs_f64() * 1000.0;
        line = format!(" inset {inset_ms:.2} areas {areas_ms:.2}{line}");
        line = format!(" hypotheses {probe_ms:.2} ms (screen {screen_ms:.2} ms){line}");
        let mut distinct: Vec<shared::FrameCode> = Vec::new();
        for p in &all {
            if distinct.iter().all(|c| c.distance(p.code) > 3) {
                distinct.push(p.code);
            }
        }
        line = format!(" probes {} ({} distinct){line}", all.len(), distinct.len());
        *histogram.entry(best_all.min(40)).or_default() += 1;
        if args.misses && right {
            continue;
        }
        let answer = hits.first().map_or("nothing".to_string(), |h| {
            format!("{} {:.1}s sim {:.3}", h.filename, h.at, h.similarity)
        });
        println!(
            "{} {} ({}x{}) best {best_all}; answered {answer}:{line}",
            if right { "ok  " } else { "MISS" },
            q.image,
            gray.width,
            gray.height
        );
    }
    println!("best distance over all areas -> screenshots: {histogram:?}");
    Ok(())
}

/// How near the nearest of `probes` comes to any of `wanted` (99: no probe).
fn nearest(probes: &[Probe], wanted: &[FrameCode]) -> u32 {
    probes
        .iter()
        .flat_map(|p| wanted.iter().map(|c| c.distance(p.code)))
        .min()
        .unwrap_or(99)
}

/// The lowest 19 bits (a 10^8-frame index's bucket key) in which the
/// nearest of `probes` differs from the right frame, each with the probe's
/// strength of that bit: what the bucket search has to flip to reach it.
fn key_flips(probes: &[Probe], wanted: &[FrameCode]) -> String {
    let pairs = probes
        .iter()
        .flat_map(|p| wanted.iter().map(move |c| (p, c)));
    let Some((p, c)) = pairs.min_by_key(|(p, c)| c.distance(p.code)) else {
        return String::new();
    };
    let differ = (0..19)
        .filter(|b| (p.code.lo ^ c.lo) >> b & 1 == 1)
        .map(|b| format!("{b}:{:.2}", p.strength[b]))
        .collect::<Vec<_>>();
    format!(" (key flips {})", differ.join(","))
}

/// Codes of the frames that show the screenshot's content: the frame on
/// screen at its time (and its neighbours) and those of its equivalents.
fn right_codes(index: &Index, codes: &[FrameCode], q: &Query) -> Vec<FrameCode> {
    let mut out = Vec::new();
    let mut add = |path: &str, from: f64, to: f64| {
        let Some(v) = index
            .videos()
            .iter()
            .position(|v| path.ends_with(v.path.as_str()))
        else {
            return;
        };
        let first = index.frame_range(v).start as usize;
        let times = index.times_ms(v);
        for (i, &t) in times.iter().enumerate() {
            let end = times.get(i + 1).copied().unwrap_or(u32::MAX);
            if (t as f64) <= to * 1000.0 + 50.0 && (end as f64) >= from * 1000.0 - 50.0 {
                out.push(codes[first + i]);
            }
        }
    };
    add(&q.video, q.time, q.time);
    for e in &q.equivalents {
        add(&e.video, e.from, e.to);
    }
    out
}

fn print_shots(index: &Index, codes: &[FrameCode]) {
    for within in [8, 12, 16] {
        let mut shots = 0;
        for v in 0..index.videos().len() {
            let mut first: Option<FrameCode> = None;
            for f in index.frame_range(v) {
                let c = codes[f as usize];
                if first.is_none_or(|s| s.distance(c) > within) {
                    shots += 1;
                    first = Some(c);
                }
            }
        }
        println!(
            "shots within {within} bits: {shots}, {:.1} frames a shot",
            index.frame_count() as f64 / shots as f64
        );
    }
}

/// Median and p90 Hamming distance between the code of a window a third of
/// the frame wide (full height, as a 9:16 cut of a 16:9 frame) and the same
/// window shifted by a share of its width.
fn print_shift(dir: &std::path::Path, set: &QuerySet) -> anyhow::Result<()> {
    use shared::borders::Rect;
    use shared::descriptor::describe;
    let frames: Vec<Gray> = set
        .queries
        .iter()
        .filter(|q| q.indexed && q.class == "clean")
        .map(|q| {
            let bytes = std::fs::read(dir.join(&q.image))?;
            Ok(decode_gray(&bytes, &DecodeLimits::default())?)
        })
        .collect::<anyhow::Result<_>>()?;
    for shift in [0.01f32, 0.02, 0.03, 0.05, 0.08, 0.12] {
        let mut d: Vec<u32> = Vec::new();
        for g in &frames {
            let w = g.width as f32 * 0.316;
            for start in [0.1f32, 0.35, 0.6] {
                let x = g.width as f32 * start;
                let window = |x0: f32| Rect {
                    x0,
                    y0: 0.0,
                    x1: x0 + w,
                    y1: g.height as f32,
                };
                let a = describe(g, window(x));
                let b = describe(g, window(x + shift * w));
                if !a.is_flat() {
                    d.push(a.code.distance(b.code));
                }
            }
        }
        d.sort_unstable();
        println!(
            "window shifted by {:.0} % of its width: median {} bits, p90 {}",
            shift * 100.0,
            d[d.len() / 2],
            d[d.len() * 9 / 10]
        );
    }
    Ok(())
}

/// For `crop15` cuts of the clean screenshots: the distance from the inner
/// window's code to the nearest of a grid of guesses at where that window
/// lies in the cut (its scale, then its left and top edge, each stepped by
/// `step` of the window's size; the frame is taken to be 16:9), and to the
/// nearest guess whose key (the lowest 19 bits, the bucket of a 10^8-frame
/// index) is equal.
fn print_inner(dir: &std::path::Path, set: &QuerySet, step: f32) -> anyhow::Result<()> {
    use shared::borders::{Bars, content_rect};
    const KEY: u32 = 19;
    let key_mask = (1u64 << KEY) - 1;
    let (mut best, mut probes) = (Vec::new(), Vec::new());
    // By how many of each guess's weakest key bits may differ: 0 to 3.
    let mut flipped: [Vec<u32>; 4] = Default::default();
    let mut wrong = Vec::new();
    let mut inner = Vec::new();
    for q in set
        .queries
        .iter()
        .filter(|q| q.indexed && q.class == "clean")
    {
        let bytes = std::fs::read(dir.join(&q.image))?;
        let img = decode_image(&bytes, &DecodeLimits::default())?;
        let frame = Gray::from_rgb(&img);
        let want = shared::descriptor::inner_descriptor(&frame);
        if !want.is_flat() {
            inner.push((img, want.code));
        }
    }
    let started = std::time::Instant::now();
    for (n, (img, want)) in inner.iter().enumerate() {
        for seed in 0..3 {
            let cut = testkit::distort::Class::Crop15
                .apply(img, &mut testkit::rng::Rng::new(1000 * n as u64 + seed));
            let g = Gray::from_rgb(&cut);
            let content = content_rect(&g, Bars::Dark);
            let guesses = shared::query::inner_guesses(content, step);
            let sat = shared::descriptor::SummedArea::new(&g);
            let descs: Vec<_> = guesses.iter().map(|r| sat.describe(*r)).collect();
            let codes: Vec<FrameCode> = descs.iter().map(|d| d.code).collect();
            for (f, out) in flipped.iter_mut().enumerate() {
                let reach = descs.iter().filter(|d| {
                    let mut bits: Vec<u32> = (0..KEY).collect();
                    bits.sort_by(|&a, &b| {
                        d.strength[a as usize].total_cmp(&d.strength[b as usize])
                    });
                    let weak = bits[..f].iter().fold(0u64, |m, &b| m | 1 << b);
                    (d.code.lo ^ want.lo) & key_mask & !weak == 0
                });
                out.push(reach.map(|d| d.code.distance(*want)).min().unwrap_or(99));
            }
            let dist = |c: &FrameCode| c.distance(*want);
            best.push(codes.iter().map(dist).min().unwrap_or(99));
            let others = inner.iter().enumerate().filter(|&(m, _)| m != n);
            wrong.push(
                others
                    .flat_map(|(_, (_, o))| codes.iter().map(|c| c.distance(*o)))
                    .min()
                    .unwrap_or(99),
            );
            probes.push(codes.len() as u32);
        }
    }
    println!(
        "{:.1} ms a cut for its guesses' codes",
        started.elapsed().as_secs_f64() * 1000.0 / probes.len().max(1) as f64
    );
    let keyed = |f: usize| match f {
        0 => "nearest with the key equal".to_string(),
        f => format!("nearest with the key equal but its {f} weakest bits"),
    };
    for (what, v) in [
        ("nearest guess".to_string(), &mut best),
        ("nearest other frame's inner window".to_string(), &mut wrong),
        ("guesses".to_string(), &mut probes),
    ]
    .into_iter()
    .chain(flipped.iter_mut().enumerate().map(|(f, v)| (keyed(f), v)))
    {
        v.sort_unstable();
        let share = |b: u32| v.iter().filter(|&&d| d <= b).count() as f64 * 100.0 / v.len() as f64;
        println!(
            "{what}: median {}, p90 {}; <= 8: {:.0} %, <= 12: {:.0} %, <= 16: {:.0} % (n {})",
            v[v.len() / 2],
            v[v.len() * 9 / 10],
            share(8),
            share(12),
            share(16),
            v.len()
        );
    }
    Ok(())
}
