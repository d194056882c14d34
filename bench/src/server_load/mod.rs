//! `just bench-server`: the release server under a closed-loop HTTP load
//! of JPEG uploads, beside the same searches made in-process on as many
//! threads as the server searches with, in the same run on the same
//! cores, so their ratio is what HTTP and the server's bookkeeping (the
//! multipart form, the quota check, the search log transaction) cost.

pub mod footage;
mod render;

pub use render::render;

use crate::load::{Samples, SearchClient, Upload, closed_loop};
use crate::serve::Server;
use anyhow::Context;
use footage::{Answer, Shot};
use shared::Index;
use shared::image_decode::{DecodeLimits, decode_gray};
use shared::query::{QueryOptions, search_gray};
use std::path::PathBuf;
use std::time::Duration;

pub struct LoadOptions {
    /// Footage, indexes and screenshots, kept for later runs.
    pub work: PathBuf,
    /// Frames in the index.
    pub frames: u64,
    /// The release server binary.
    pub server: PathBuf,
    /// Length of each load, HTTP and in-process, per screenshot.
    pub seconds: f64,
    /// HTTP connections, each sending its next search when the last returns.
    pub connections: usize,
    /// In-process searching threads.
    pub threads: usize,
    pub seed: u64,
}

/// Everything one run measured.
pub struct Report {
    pub frames: u64,
    pub real_frames: u64,
    pub file_bytes: u64,
    /// From spawning the server to its index being loaded.
    pub startup: Duration,
    pub rss_start_kb: u64,
    pub rows: Vec<Row>,
    /// `/proc/loadavg`'s first three fields when the run started.
    pub load_average: String,
}

/// One screenshot.
pub struct Row {
    pub size: (u32, u32),
    pub in_library: bool,
    pub jpeg_bytes: usize,
    pub http: Samples,
    /// The server's resident memory after this load.
    pub rss_after_kb: u64,
    pub in_process: Samples,
}

impl Report {
    /// Searches the server answered with anything but a 200.
    pub fn failures(&self) -> usize {
        self.rows.iter().map(|r| r.http.failures).sum()
    }
}

pub fn run(opts: &LoadOptions) -> anyhow::Result<Report> {
    let load_average = load_average();
    let footage = footage::prepare(&opts.work, opts.frames, opts.seed)?;
    let index = Index::open(&footage.index)?;
    let server = Server::start(&opts.server, &footage.index)?;
    let mut report = Report {
        frames: footage.frames,
        real_frames: footage.real_frames,
        file_bytes: footage.file_bytes,
        startup: server.startup,
        rss_start_kb: server.rss_kb()?,
        rows: vec![],
        load_average,
    };
    // HTTP and in-process alternate per size, so that each pair of numbers
    // is measured close in time on a machine whose load may change.
    for shot in &footage.shots {
        eprintln!("bench-server: {}", label(shot.size, shot.in_library));
        check_answer(&server, shot)?;
        let http = http_load(&server, shot, opts)?;
        let rss_after_kb = server.rss_kb()?;
        report.rows.push(Row {
            size: shot.size,
            in_library: shot.in_library,
            jpeg_bytes: shot.jpeg.len(),
            http,
            rss_after_kb,
            in_process: in_process(&index, shot, opts)?,
        });
    }
    Ok(report)
}

/// The server answers `shot` rightly: its top answer is the frame it was
/// cut from, or none is confident for footage not in the library.
fn check_answer(server: &Server, shot: &Shot) -> anyhow::Result<()> {
    #[derive(serde::Deserialize)]
    struct Response {
        result: Vec<Answer>,
    }
    let body = SearchClient::new(&server.url(""))?.search(&Upload::jpeg(&shot.jpeg))?;
    let response: Response = serde_json::from_str(&body).context("the search's JSON")?;
    anyhow::ensure!(
        shot.is_answered_rightly(&response.result),
        "the server does not answer the screenshot rightly: {body}"
    );
    Ok(())
}

fn http_load(server: &Server, shot: &Shot, opts: &LoadOptions) -> anyhow::Result<Samples> {
    let upload = Upload::jpeg(&shot.jpeg);
    let base = server.url("");
    closed_loop(
        opts.connections,
        Duration::from_secs_f64(opts.seconds),
        || SearchClient::new(&base),
        |client| client.search(&upload).map(|_| ()),
    )
}

/// Decode and search of the same JPEG, as the server does them, without HTTP.
fn in_process(index: &Index, shot: &Shot, opts: &LoadOptions) -> anyhow::Result<Samples> {
    closed_loop(
        opts.threads,
        Duration::from_secs_f64(opts.seconds),
        || Ok(()),
        |_| {
            let gray = decode_gray(&shot.jpeg, &DecodeLimits::default())?;
            let hits = search_gray(index, &gray, &QueryOptions::default());
            anyhow::ensure!(!hits.is_empty() || !shot.in_library, "no answer");
            Ok(())
        },
    )
}

/// A screenshot's name in the report and the progress lines.
pub fn label((w, h): (u32, u32), in_library: bool) -> String {
    format!("{w}x{h}{}", stranger_mark(in_library))
}

/// What a screenshot's name ends with: nothing, or that its footage is not
/// indexed.
pub fn stranger_mark(in_library: bool) -> &'static str {
    if in_library {
        ""
    } else {
        ", not in the library"
    }
}

pub fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
