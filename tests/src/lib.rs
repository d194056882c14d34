//! The end-to-end harness: generated footage indexed by the real `indexer`
//! binary, the real `server` process on that index, a small static file
//! host for URL searches, and the Python environment of the third-party
//! clients (`scripts/setup.sh` makes it). Nothing here is skipped when a
//! part is missing: the test fails and says what to install.

pub mod browser;
mod nginx;
mod server;

pub use nginx::Nginx;
pub use server::{ORIGIN, Server};

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use testkit::library::{LibraryOptions, SizeProfile, Truth};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

/// A binary of the workspace (`indexer` or `server`), as `cargo test
/// --workspace` built it; refused when its crates' sources are newer.
pub fn bin(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let path = target.join("debug").join(name);
    let built = std::fs::metadata(&path).and_then(|m| m.modified());
    let Ok(built) = built else {
        panic!(
            "{} is missing: build the workspace first (`just test` runs `cargo test --workspace`, which builds every binary)",
            path.display()
        );
    };
    let sources: &[&str] = match name {
        "indexer" => &["shared", "indexer"],
        _ => &["shared", "accounts", "server"],
    };
    let changed = sources
        .iter()
        .filter_map(|krate| newest_change(&repo_root().join(krate).join("src")))
        .max();
    assert!(
        changed.is_none_or(|c| c <= built),
        "{} is older than the sources: run `cargo build --workspace` (or `just test`)",
        path.display()
    );
    path
}

/// When a file under `dir` last changed.
fn newest_change(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_change(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(time);
    }
    newest
}

/// A small generated library, its ground truth and the index the real
/// `indexer build` made of it; made once per test binary.
pub struct Footage {
    _dir: tempfile::TempDir,
    pub library: PathBuf,
    pub index: PathBuf,
    pub truth: Truth,
}

pub fn footage() -> &'static Footage {
    static FOOTAGE: OnceLock<Footage> = OnceLock::new();
    FOOTAGE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let library = dir.path().join("library");
        let options = LibraryOptions {
            anime: 4,
            episodes: 2,
            seconds: 20.0,
            seed: 2026,
            profile: SizeProfile::Small,
            jobs: 2,
        };
        let truth = testkit::library::build(&library, &options).expect("footage generated");
        write_anilist_form(&library, &truth);
        let index = dir.path().join("index.bin");
        let mut build = Command::new(bin("indexer"));
        build
            .arg("build")
            .arg(&library)
            .arg("-o")
            .arg(&index)
            .arg("--quiet");
        succeed(build, "indexer build");
        Footage {
            _dir: dir,
            library,
            index,
            truth,
        }
    })
}

/// Rewrites every `anime.json` the way an operator copying AniList data
/// writes it: the title as AniList's object (romaji: the generated title;
/// native: `native_title`) and `idMal` (`mal_id`).
fn write_anilist_form(library: &Path, truth: &Truth) {
    for (i, a) in truth.anime.iter().enumerate() {
        let Some(json) = &a.json else { continue };
        let body = serde_json::json!({
            "title": {"native": native_title(&json.title), "romaji": json.title},
            "anilistId": json.anilist_id,
            "idMal": mal_id(i),
            "isAdult": json.is_adult,
            "synonyms": json.synonyms,
        });
        let path = library.join(&a.folder).join("anime.json");
        std::fs::write(&path, body.to_string()).expect("anime.json written");
    }
}

/// The native title footage's `anime.json` gives a generated title.
pub fn native_title(title: &str) -> String {
    format!("{title}（原題）")
}

/// The MyAnimeList id footage's `anime.json` gives anime `anime`.
pub fn mal_id(anime: usize) -> u32 {
    7000 + anime as u32
}

/// A screenshot of the footage: video `video` of the truth at `time`.
pub struct Shot {
    pub jpeg: Vec<u8>,
    pub video: usize,
    pub time: f64,
}

impl Footage {
    /// A screenshot of a scene shown nowhere else (not the shared opening,
    /// not a flat frame) of an anime whose `anime.json` gives an AniList id.
    pub fn unique_shot(&self) -> Shot {
        let (video, time) = self
            .unique_moment()
            .expect("the footage has a unique scene");
        let v = &self.truth.videos[video];
        let frame = testkit::ffmpeg::frame_at(
            &self.library.join(&v.path),
            time,
            0.25,
            (v.width, v.height),
            v.fps,
        )
        .expect("frame decoded");
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&frame)
            .expect("jpeg");
        Shot { jpeg, video, time }
    }

    fn unique_moment(&self) -> Option<(usize, f64)> {
        for (v, video) in self.truth.videos.iter().enumerate() {
            if self.anilist_id(video.anime).is_none() || video.vfr {
                continue;
            }
            for run in &video.runs {
                let t = (run.from + run.to) / 2.0;
                let unique = self.truth.equivalents(v, t).len() == 1;
                if !run.flat && run.to - run.from >= 1.0 && unique {
                    return Some((v, t));
                }
            }
        }
        None
    }

    /// The AniList id `anime.json` gives anime `anime`.
    pub fn anilist_id(&self, anime: usize) -> Option<i64> {
        self.truth.anime[anime].json.as_ref()?.anilist_id
    }

    /// Whether an answer (file name, span, best time) is right for `shot`:
    /// its video, and the time inside the span or within 1 s of `at`.
    pub fn is_right(&self, shot: &Shot, filename: &str, from: f64, to: f64, at: f64) -> bool {
        let path = &self.truth.videos[shot.video].path;
        let in_span = from - 0.05 <= shot.time && shot.time <= to + 0.05;
        path.ends_with(filename) && (in_span || (at - shot.time).abs() <= 1.0)
    }
}

/// Runs `command` to its end; panics with its error output unless it
/// succeeded.
pub fn succeed(mut command: Command, what: &str) -> std::process::Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what} does not run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// An HTTP client that never goes through a proxy from the environment.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// A port nothing listens on now (for a second listener of a server).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Serves one file at `http://127.0.0.1:PORT/NAME` from a thread, for
/// searches by URL; lives as long as the test process.
pub fn host_file(name: &str, bytes: Vec<u8>, content_type: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&bytes);
        }
    });
    format!("http://{addr}/{name}")
}

/// The Python of the virtual environment `scripts/setup.sh` makes for the
/// third-party clients.
pub fn python() -> PathBuf {
    let python = repo_root().join("tests/.venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup.sh (it installs the trace.moe client libraries the end-to-end tests drive)",
        python.display()
    );
    python
}
