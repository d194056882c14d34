//! What the benchmark reports share: the date, the machine, the binaries
//! they run, frame counts as their command lines write them, and replacing
//! one marked section of docs/BENCHMARKS.md.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn today() -> String {
    let out = Command::new("date").args(["-u", "+%Y-%m-%d"]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cores} cores, {cpu}")
}

/// A binary of this workspace next to the running one (same profile).
pub fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let path = me.with_file_name(name);
    anyhow::ensure!(
        path.exists(),
        "{} not built; run `cargo build --release -p {name}`",
        path.display()
    );
    Ok(path)
}

/// Replaces the section of `path` between the markers `<!-- bench:NAME:begin -->`
/// and `<!-- bench:NAME:end -->` (which `section` must carry), or appends it.
pub fn write_section(path: &Path, name: &str, section: &str) -> anyhow::Result<()> {
    let (begin, end) = markers(name);
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n\n".into());
    let new = match (old.find(&begin), old.find(&end)) {
        (Some(b), Some(e)) if b < e => format!(
            "{}{}{}",
            &old[..b],
            section.trim_end(),
            &old[e + end.len()..]
        ),
        _ => format!("{}\n\n{}\n", old.trim_end(), section.trim_end()),
    };
    std::fs::write(path, new).with_context(|| format!("writing {}", path.display()))
}

/// The markers around a named section.
pub fn markers(name: &str) -> (String, String) {
    (
        format!("<!-- bench:{name}:begin -->"),
        format!("<!-- bench:{name}:end -->"),
    )
}

/// `1000000`, `1e6` or `10^6`.
pub fn parse_count(s: &str) -> anyhow::Result<u64> {
    let s = s.trim();
    let value = if let Some((m, e)) = s.split_once(['e', '^']) {
        let m: f64 = if m == "10" && s.contains('^') {
            1.0
        } else {
            m.parse()?
        };
        m * 10f64.powi(e.parse()?)
    } else {
        s.parse::<f64>()?
    };
    anyhow::ensure!((1.0..=4e9).contains(&value), "{s}: not a frame count");
    Ok(value as u64)
}
