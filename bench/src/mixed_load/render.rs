//! The "Mixed load" section of docs/BENCHMARKS.md, from one run's report.

use super::{MixedOptions, MixedReport};
use crate::report::{machine, markers, today};
use crate::stats::percentile;

pub fn render(report: &MixedReport, opts: &MixedOptions, command: &str) -> String {
    let (begin, end) = markers("mixed");
    let mut s = format!(
        "{begin}\n## Mixed load with two index rebuilds\n\n\
Command: `{command}` ({}, {}; load average {} when it started). \
Six senders, each sending its next request as soon as its last was answered, \
for {:.0} s: two upload as signed-in users (API keys, {} accounts used, \
each under its hourly limit), one uploads as a guest, one searches by URL \
(the server fetches the screenshot from a local file server), one signs in \
(each time from another forwarded address; the server hashes new passwords \
with 1,000 PBKDF2 rounds here, so that sign-ins stay cheap beside the \
searches), one reads the public lists and \
`/api/health`. Meanwhile cron's `indexer build` adds an episode to the \
library twice, on the same two cores, and the server reloads each index.\n\n",
        today(),
        machine(),
        report.load_average,
        report.wall_s,
        report.accounts_used,
    );
    s += "| requests | answered | per second | p50 | p99 | failed |\n|---|---|---|---|---|---|\n";
    for t in &report.tallies {
        s += &format!(
            "| {} | {} | {:.1} | {:.1} ms | {:.1} ms | {} |\n",
            t.kind,
            t.ms.len(),
            t.ms.len() as f64 / report.wall_s.max(1e-9),
            percentile(&t.ms, 50.0).unwrap_or(f64::NAN),
            percentile(&t.ms, 99.0).unwrap_or(f64::NAN),
            t.failures
        );
    }
    s += "\n| rebuild | started at | `indexer build` | new index served after | videos |\n|---|---|---|---|---|\n";
    for (i, r) in report.rebuilds.iter().enumerate() {
        s += &format!(
            "| {} | {:.1} s | {:.1} s | {:.0} ms | {} |\n",
            i + 1,
            r.at_s,
            r.build_s,
            r.reload_ms,
            r.videos
        );
    }
    s += &format!("\n{}\n\n{}\n", charges(report), memory(report));
    let _ = opts;
    s += &format!("{end}\n");
    s
}

fn charges(report: &MixedReport) -> String {
    let wrong = match report.wrong_charges.len() {
        0 => "none lost or doubled".to_string(),
        n => format!("**{n} wrong**"),
    };
    format!(
        "Charges: every account's free credits used plus purchased credits spent, \
and its searches this hour, equal the searches it was answered: {wrong}. \
The guest was answered {} searches and the server counted {}.",
        report.guest_answered, report.guest_counted
    )
}

fn memory(report: &MixedReport) -> String {
    let at = |t: f64| {
        report
            .rss
            .iter()
            .find(|(s, _)| *s >= t)
            .or(report.rss.last())
            .map_or(0, |&(_, kb)| kb)
    };
    let peak = report.rss.iter().map(|&(_, kb)| kb).max().unwrap_or(0);
    let last = report.rss.last().map_or(0, |&(_, kb)| kb);
    format!(
        "Server resident memory: {} at the start, {} after 10 s, {} at most, {} at the end \
({} samples, every 0.5 s).",
        mib(at(0.0)),
        mib(at(10.0)),
        mib(peak),
        mib(last),
        report.rss.len()
    )
}

fn mib(kb: u64) -> String {
    format!("{:.0} MiB", kb as f64 / 1024.0)
}
