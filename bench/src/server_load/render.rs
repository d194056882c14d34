//! The "Server" section of docs/BENCHMARKS.md, from one run's report.

use super::{LoadOptions, Report, Row, label, stranger_mark};
use crate::report::{machine, markers, today};

/// The Markdown section, between its markers.
pub fn render(report: &Report, opts: &LoadOptions, command: &str) -> String {
    let (begin, end) = markers("server");
    let mut s = format!("{begin}\n## Server\n\n{}\n\n", intro(report, opts, command));
    s += "| screenshot | HTTP searches/s | HTTP p50 / p90 / p99 | non-200 | in-process searches/s | in-process p50 / p99 | HTTP / in-process |\n\
|---|---|---|---|---|---|---|\n";
    for row in &report.rows {
        s += &load_row(row);
    }
    s += &format!(
        "\n| server | |\n|---|---|\n\
| start-up to `/api/health` reporting the index loaded | {:.0} ms |\n\
| resident memory after start-up | {} |\n",
        report.startup.as_secs_f64() * 1000.0,
        mib(report.rss_start_kb)
    );
    for row in &report.rows {
        s += &format!(
            "| after the {} load | {} |\n",
            label(row.size, row.in_library),
            mib(row.rss_after_kb)
        );
    }
    s += "\nThe index is mapped, never copied: start-up checks the header and the \
small metadata archive, so its time and memory do not grow with the frames; the \
buckets searches read are paged in, and the kernel may drop them again under memory \
pressure.\n";
    s += &format!("{end}\n");
    s
}

fn intro(report: &Report, opts: &LoadOptions, command: &str) -> String {
    format!(
        "Command: `{command}` ({date}, {machine}; load average {load} when it started{busy}). \
The release `server` on a format-{format} index of {frames} frames ({mb:.1} MB: the {real} \
decoded frames of a generated 1920x1080 episode, then synthetic distractors, see \
`bench/src/synth.rs`), guest quota off, a fresh database. \
HTTP: {conn} connections from a load generator on the same cores, each sending the \
next multipart upload of the same JPEG screenshot as soon as the previous answer \
arrived, for {secs} s per screenshot; the server's first answer to each screenshot \
was checked: it names the screenshot's own frame, or, for the screenshot of an \
episode that is not indexed, no answer is confident. That one is the costliest \
search: with no whole-frame answer within 12 bits, the guesses at its frame's \
inner window are hashed and searched too. Latency includes the wait for one of \
the server's search slots (one per core). \
In-process: the same JPEG decoded and searched (`decode_gray` and `search_gray`, \
what the server runs per search) on {threads} threads, as many as the server's search \
slots, for {secs} s. HTTP / in-process is the ratio of their searches per second: what \
HTTP, the multipart form, the quota check and the search log transaction cost, and \
the load generator's own share of the cores.",
        date = today(),
        format = shared::index::FORMAT_VERSION,
        machine = machine(),
        load = report.load_average,
        busy = if busy(&report.load_average) {
            ": other work shared the cores, so read the numbers as rough"
        } else {
            ""
        },
        frames = report.frames,
        mb = report.file_bytes as f64 / 1e6,
        real = report.real_frames,
        conn = opts.connections,
        secs = opts.seconds,
        threads = opts.threads,
    )
}

/// Other work was running when the benchmark started (one-minute load
/// average of half a core or more).
fn busy(load_average: &str) -> bool {
    let one_minute = load_average.split_whitespace().next();
    one_minute
        .and_then(|l| l.parse::<f64>().ok())
        .is_some_and(|l| l >= 0.5)
}

fn load_row(row: &Row) -> String {
    let (h, p) = (&row.http, &row.in_process);
    format!(
        "| {w}x{ht} JPEG, {kb:.0} KB{stranger} | {hr:.1} | {h50:.1} / {h90:.1} / {h99:.1} ms | {fail} | {pr:.1} | {p50:.1} / {p99:.1} ms | {ratio:.2} |\n",
        w = row.size.0,
        ht = row.size.1,
        stranger = stranger_mark(row.in_library),
        kb = row.jpeg_bytes as f64 / 1000.0,
        hr = h.per_second(),
        h50 = h.ms_at(50.0),
        h90 = h.ms_at(90.0),
        h99 = h.ms_at(99.0),
        fail = h.failures,
        pr = p.per_second(),
        p50 = p.ms_at(50.0),
        p99 = p.ms_at(99.0),
        ratio = h.per_second() / p.per_second(),
    )
}

fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::busy;

    #[test]
    fn other_work_shows_in_the_one_minute_load_average() {
        assert!(busy("1.52 0.80 0.40"));
        assert!(busy("0.50 0.10 0.05"));
        assert!(!busy("0.12 0.80 1.40"));
        assert!(!busy(""));
    }
}
