//! `just bench-mixed`: the release server under a mixed load (uploads by
//! users and a guest, URL searches, sign-ins, list pages) for a minute
//! while cron's `indexer build` adds an episode to the library twice and
//! the server reloads each new index; afterwards every account's credits
//! are checked against the searches it was answered, the guest's count
//! likewise, and the server's memory over the run is reported. Any
//! unexpected answer, wrong charge or lost reload fails the run.

mod accounts;
mod render;
mod traffic;

pub use render::render;
pub use traffic::Tally;

use crate::fixtures::{one_episode_library, render_episode};
use crate::load::Upload;
use crate::serve::Server;
use crate::server_load::footage::{self, EPISODE_FILE};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct MixedOptions {
    /// Episodes and screenshots, kept for later runs (shared with
    /// `bench-server`); the run's library and index go in `work/mixed`.
    pub work: PathBuf,
    pub server: PathBuf,
    pub indexer: PathBuf,
    /// Length of the load; it also lasts until both rebuilds are served.
    pub seconds: f64,
    /// Accounts made before the load (each makes at most 95 searches).
    pub accounts: usize,
    pub seed: u64,
}

/// One rebuild: cron's `indexer build` after an episode was added.
pub struct Rebuild {
    pub at_s: f64,
    pub build_s: f64,
    /// From the build's end to `/api/health` showing the new index.
    pub reload_ms: f64,
    pub videos: u64,
}

pub struct MixedReport {
    pub tallies: Vec<Tally>,
    pub rebuilds: Vec<Rebuild>,
    pub wall_s: f64,
    /// Server RSS samples (seconds since the load began, KiB).
    pub rss: Vec<(f64, u64)>,
    pub wrong_charges: Vec<String>,
    pub guest_answered: u32,
    pub guest_counted: u64,
    pub accounts_used: usize,
    pub load_average: String,
}

impl MixedReport {
    pub fn failures(&self) -> usize {
        self.tallies.iter().map(|t| t.failures).sum()
    }

    /// Everything that makes the run a failure, in words.
    pub fn problems(&self) -> Vec<String> {
        let mut out = vec![];
        if self.failures() > 0 {
            out.push(format!("{} requests failed", self.failures()));
        }
        out.extend(self.wrong_charges.iter().cloned());
        if self.guest_counted != self.guest_answered as u64 {
            out.push(format!(
                "the guest was answered {} times and counted {}",
                self.guest_answered, self.guest_counted
            ));
        }
        if self.rebuilds.len() < 2 {
            out.push(format!("{} of 2 rebuilds were served", self.rebuilds.len()));
        }
        out
    }
}

/// Where the second and third episodes come from: other generated anime,
/// so the screenshot's answer stays the first episode.
const ADDED: [(usize, &str); 2] = [
    (1, "Bench Anime - 02 [1080p].mp4"),
    (2, "Bench Anime - 03 [1080p].mp4"),
];
const ADDED_SECONDS: f64 = 20.0;
/// When the rebuilds start, as shares of the load's length.
const REBUILD_AT: [f64; 2] = [0.25, 0.6];

pub fn run(opts: &MixedOptions) -> anyhow::Result<MixedReport> {
    let load_average = crate::server_load::load_average();
    let episode = footage::episode(&opts.work, opts.seed)?;
    let shot = footage::cut(&episode, 30.0, (1280, 720), &opts.work)?;
    let added = added_episodes(&opts.work, opts.seed)?;
    let run_dir = opts.work.join("mixed");
    let _ = std::fs::remove_dir_all(&run_dir);
    let lib = run_dir.join("library");
    one_episode_library(&lib, "Bench Anime", &episode, EPISODE_FILE)?;
    let index = run_dir.join("index.bin");
    let started = Instant::now();
    index_library(&opts.indexer, &lib, &index)?;
    eprintln!(
        "mixed-load: first index built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let server = Server::start_with(&opts.server, &index, &server_flags())?;
    let base = server.url("");
    eprintln!("mixed-load: making {} accounts", opts.accounts);
    let pool = accounts::Pool::make(opts.accounts, &base, &opts.server, &server.database())?;
    let files = FileServer::start(shot.jpeg.clone())?;
    let stop = AtomicBool::new(false);
    let traffic = traffic::Traffic {
        base: base.clone(),
        pool: &pool,
        upload: Upload::jpeg(&shot.jpeg),
        shot_url: files.url(),
        stop: &stop,
        guest_answered: AtomicU32::new(0),
    };
    let begun = Instant::now();
    let (tallies, rebuilds, rss) = std::thread::scope(|scope| {
        let senders = [
            scope.spawn(|| traffic.user_uploads()),
            scope.spawn(|| traffic.user_uploads()),
            scope.spawn(|| traffic.guest_uploads()),
            scope.spawn(|| traffic.url_searches()),
            scope.spawn(|| traffic.sign_ins()),
            scope.spawn(|| traffic.list_pages()),
        ];
        let sampler = scope.spawn(|| sample_rss(&server, &stop, begun));
        let rebuilds = rebuild_twice(opts, &lib, &index, &added, &base, begun);
        while begun.elapsed().as_secs_f64() < opts.seconds {
            std::thread::sleep(Duration::from_millis(100));
        }
        stop.store(true, Ordering::SeqCst);
        let tallies: anyhow::Result<Vec<Tally>> = senders
            .into_iter()
            .map(|h| h.join().expect("a sender panicked"))
            .collect();
        let rss = sampler.join().expect("the sampler panicked");
        (tallies, rebuilds, rss)
    });
    let wall_s = begun.elapsed().as_secs_f64();
    let tallies = tallies?;
    let rebuilds = rebuilds?;
    Ok(MixedReport {
        wrong_charges: pool.wrong_charges(&base)?,
        guest_answered: traffic.guest_answered.load(Ordering::SeqCst),
        guest_counted: guest_count(&base)?,
        accounts_used: pool
            .accounts
            .iter()
            .filter(|a| a.charged.load(Ordering::SeqCst) > 0)
            .count(),
        tallies,
        rebuilds,
        wall_s,
        rss: rss?,
        load_average,
    })
}

/// Loopback URL fetches, a guest quota out of reach, the sign-ins'
/// forwarded addresses believed from loopback, and the load's origin
/// trusted for the session requests that make keys.
fn server_flags() -> Vec<&'static str> {
    vec![
        "--allow-loopback-urls",
        "--guest-daily-limit",
        "4000000000",
        "--trust-proxy",
        "127.0.0.1",
        "--trusted-origin",
        accounts::ORIGIN,
        "--pbkdf2-iterations",
        "1000",
        "--index-poll-ms",
        "200",
    ]
}

fn added_episodes(work: &Path, seed: u64) -> anyhow::Result<Vec<(PathBuf, &'static str)>> {
    ADDED
        .iter()
        .map(|&(anime, name)| {
            let path = work.join(format!("episode-{anime}-20s-1080p.mp4"));
            render_episode(&path, (anime, seed), ADDED_SECONDS, (1920, 1080))?;
            Ok((path, name))
        })
        .collect()
}

/// `indexer build LIB -o INDEX --quiet`, as cron runs it.
fn index_library(indexer: &Path, lib: &Path, index: &Path) -> anyhow::Result<()> {
    let out = Command::new(indexer)
        .arg("build")
        .arg(lib)
        .arg("-o")
        .arg(index)
        .arg("--quiet")
        .output()
        .with_context(|| format!("running {}", indexer.display()))?;
    anyhow::ensure!(
        out.status.success(),
        "indexer build failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// At each `REBUILD_AT`, adds an episode to the library, runs the indexer
/// and waits for the server to serve the new index.
fn rebuild_twice(
    opts: &MixedOptions,
    lib: &Path,
    index: &Path,
    added: &[(PathBuf, &'static str)],
    base: &str,
    begun: Instant,
) -> anyhow::Result<Vec<Rebuild>> {
    let mut done = vec![];
    for (i, (episode, name)) in added.iter().enumerate() {
        let at = REBUILD_AT[i] * opts.seconds;
        while begun.elapsed().as_secs_f64() < at {
            std::thread::sleep(Duration::from_millis(50));
        }
        let at_s = begun.elapsed().as_secs_f64();
        one_episode_library(lib, "Bench Anime", episode, name)?;
        let build = Instant::now();
        index_library(&opts.indexer, lib, index)?;
        let build_s = build.elapsed().as_secs_f64();
        let videos = i as u64 + 2;
        let reload = Instant::now();
        wait_for_videos(base, videos)?;
        eprintln!(
            "mixed-load: rebuild {} served at {:.1} s",
            i + 1,
            begun.elapsed().as_secs_f64()
        );
        done.push(Rebuild {
            at_s,
            build_s,
            reload_ms: reload.elapsed().as_secs_f64() * 1000.0,
            videos,
        });
    }
    Ok(done)
}

fn wait_for_videos(base: &str, videos: u64) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let http = reqwest::blocking::Client::builder().no_proxy().build()?;
    loop {
        let health: serde_json::Value = http.get(format!("{base}/api/health")).send()?.json()?;
        if health["index"]["videos"].as_u64() == Some(videos) {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the new index was not served: {health}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn sample_rss(
    server: &Server,
    stop: &AtomicBool,
    begun: Instant,
) -> anyhow::Result<Vec<(f64, u64)>> {
    let mut samples = vec![];
    while !stop.load(Ordering::Relaxed) {
        samples.push((begun.elapsed().as_secs_f64(), server.rss_kb()?));
        std::thread::sleep(Duration::from_millis(500));
    }
    Ok(samples)
}

/// The guest's searches today as the server counts them (`GET /me`).
fn guest_count(base: &str) -> anyhow::Result<u64> {
    let http = reqwest::blocking::Client::builder().no_proxy().build()?;
    let me: serde_json::Value = http.get(format!("{base}/me")).send()?.json()?;
    me["quotaUsed"]
        .as_u64()
        .with_context(|| format!("no quotaUsed in {me}"))
}

/// Serves one file to any GET, for the URL searches.
struct FileServer {
    addr: std::net::SocketAddr,
}

impl FileServer {
    fn start(body: Vec<u8>) -> anyhow::Result<FileServer> {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head);
                let header = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(header.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Ok(FileServer { addr })
    }

    fn url(&self) -> String {
        format!("http://{}/screenshot.jpg", self.addr)
    }
}
