//! `just bench-previews`: how long a person waits for a preview. The
//! release server with `--library` over a generated 60 s 1080p H.264
//! episode answers searches for screenshots cut at spread-out times; for
//! each answer the still and the clip are fetched cold (cut now) and again
//! cached, timed to the first byte, beside `ffmpeg` cutting the same still
//! and clip by hand (the server's own command line) in the same run.

use crate::fixtures::one_episode_library;
use crate::serve::Server;
use crate::server_load::footage::{self, EPISODE_FILE, EPISODE_SECONDS};
use anyhow::Context;
use server::preview::{Cut, Kind, Size};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct PreviewOptions {
    pub work: PathBuf,
    pub server: PathBuf,
    pub indexer: PathBuf,
    /// Screenshots (each gives one still and one clip).
    pub shots: usize,
    pub seed: u64,
}

/// Milliseconds of each measured step.
#[derive(Default)]
pub struct PreviewReport {
    pub still_cold: Vec<f64>,
    pub still_cached: Vec<f64>,
    pub clip_cold: Vec<f64>,
    pub clip_cached: Vec<f64>,
    pub still_by_hand: Vec<f64>,
    pub clip_by_hand: Vec<f64>,
    pub clip_seconds: Vec<f64>,
    pub clip_kb: Vec<f64>,
}

pub fn run(opts: &PreviewOptions) -> anyhow::Result<PreviewReport> {
    let episode = footage::episode(&opts.work, opts.seed)?;
    let run_dir = opts.work.join("previews");
    let _ = std::fs::remove_dir_all(&run_dir);
    let lib = run_dir.join("library");
    one_episode_library(&lib, "Bench Anime", &episode, EPISODE_FILE)?;
    let index = run_dir.join("index.bin");
    let out = std::process::Command::new(&opts.indexer)
        .arg("build")
        .arg(&lib)
        .arg("-o")
        .arg(&index)
        .arg("--quiet")
        .output()?;
    anyhow::ensure!(out.status.success(), "indexer build failed");
    let cache = run_dir.join("cache");
    let flags = [
        "--no-guest-quota",
        "--library",
        lib.to_str().context("library path")?,
        "--preview-cache",
        cache.to_str().context("cache path")?,
    ];
    let server = Server::start_with(&opts.server, &index, &flags)?;
    let http = reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()?;
    let video = lib.join("Bench Anime").join(EPISODE_FILE);
    let mut report = PreviewReport::default();
    for i in 0..opts.shots {
        let time = EPISODE_SECONDS * (i as f64 + 0.5) / opts.shots as f64;
        let shot = footage::cut(
            &episode,
            (time * 10.0).round() / 10.0,
            (1280, 720),
            &run_dir,
        )?;
        let (image, clip) = preview_urls(&http, &server, &shot.jpeg)?;
        let (cold, _) = first_byte(&http, &image)?;
        report.still_cold.push(cold);
        report.still_cached.push(first_byte(&http, &image)?.0);
        let (cold, res) = first_byte(&http, &clip)?;
        report.clip_cold.push(cold);
        let span =
            |name: &str| -> anyhow::Result<f64> { Ok(res.headers()[name].to_str()?.parse()?) };
        let (from, to) = (span("x-preview-from")?, span("x-preview-to")?);
        report.clip_seconds.push(to - from);
        report.clip_kb.push(res.bytes()?.len() as f64 / 1024.0);
        report.clip_cached.push(first_byte(&http, &clip)?.0);
        let at_ms = at_of(&image)?;
        let by_hand = |kind| Cut {
            kind,
            video: video.clone(),
            at_ms,
            from_ms: (from * 1000.0).round() as u32,
            to_ms: (to * 1000.0).round() as u32,
            size: Size::M,
        };
        report.still_by_hand.push(time_ffmpeg(
            &by_hand(Kind::Image),
            &run_dir.join("hand.jpg"),
        )?);
        report.clip_by_hand.push(time_ffmpeg(
            &by_hand(Kind::Video),
            &run_dir.join("hand.mp4"),
        )?);
    }
    Ok(report)
}

/// The top answer's `image` and `video` URLs for `jpeg`.
fn preview_urls(
    http: &reqwest::blocking::Client,
    server: &Server,
    jpeg: &[u8],
) -> anyhow::Result<(String, String)> {
    let res = http
        .post(server.url("/api/anime/search"))
        .header("content-type", "image/jpeg")
        .body(jpeg.to_vec())
        .send()?;
    let body: serde_json::Value = res.json()?;
    let top = &body["result"][0];
    let url = |k: &str| {
        top[k]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("no {k} in {body}"))
    };
    Ok((url("image")?, url("video")?))
}

/// Milliseconds until the answer's head arrived (a 200), and the answer.
fn first_byte(
    http: &reqwest::blocking::Client,
    url: &str,
) -> anyhow::Result<(f64, reqwest::blocking::Response)> {
    let started = Instant::now();
    let res = http.get(url).send()?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(res.status() == 200, "{url}: HTTP {}", res.status());
    Ok((ms, res))
}

fn at_of(url: &str) -> anyhow::Result<u32> {
    let t = url.split("&t=").nth(1).and_then(|r| r.split('&').next());
    Ok(t.context("no t in the URL")?.parse()?)
}

/// `ffmpeg` with the server's command line, timed.
fn time_ffmpeg(cut: &Cut, out: &Path) -> anyhow::Result<f64> {
    let started = Instant::now();
    let status = std::process::Command::new("ffmpeg")
        .args(cut.args(out))
        .status()?;
    anyhow::ensure!(status.success(), "ffmpeg by hand failed");
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}
