//! Fixture videos and helpers: testkit's lavfi clips, a library laid out
//! as operators lay theirs out, and a way to run the real `indexer` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const INDEXER: &str = env!("CARGO_BIN_EXE_indexer");

pub use testkit::clips::{H264, MPEG4, VP9};

/// Runs a quiet `ffmpeg` with `args` and the output file `out`, panicking
/// with its stderr on failure.
pub fn ffmpeg(args: &[&str], out: &Path) {
    testkit::ffmpeg::write(args, out).expect("ffmpeg wrote the file (run the README's setup)");
}

/// A clip of an evolving lavfi picture (see `testkit::clips::clip`).
pub fn clip(path: &Path, source: &str, size: &str, rate: &str, seconds: &str, codec: &[&str]) {
    testkit::clips::clip(path, source, size, rate, seconds, codec).expect("clip written");
}

/// Variable frame rate (see `testkit::clips::vfr_clip`).
pub fn vfr_clip(path: &Path) {
    testkit::clips::vfr_clip(path).expect("clip written");
}

/// The reference library: good clips of several codecs and containers and
/// the bad files a real library has.
pub fn reference_library() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep().join("library");
        make_library(&dir);
        dir
    })
}

fn make_library(lib: &Path) {
    let alpha = lib.join("Alpha");
    clip(
        &alpha.join("Alpha - 01 [1080p].mp4"),
        "mandelbrot",
        "320x180",
        "24",
        "6",
        H264,
    );
    clip(
        &alpha.join("Season 2/Alpha S02E03.webm"),
        "mandelbrot2",
        "352x198",
        "24",
        "5",
        VP9,
    );
    clip(
        &lib.join("Beta/Beta EP04.avi"),
        "mandelbrot4",
        "320x240",
        "25",
        "5",
        MPEG4,
    );
    vfr_clip(&lib.join("Beta/Beta 05v2.mkv"));
    let odd = [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv444p",
    ];
    clip(
        &lib.join("Gamma/第06話.mkv"),
        "testsrc2",
        "333x187",
        "30",
        "4",
        &odd,
    );
    std::fs::write(
        lib.join("Beta/anime.json"),
        r#"{"title": "Beta Show", "anilistId": 4242, "isAdult": false, "synonyms": ["B"]}"#,
    )
    .unwrap();
    std::fs::write(lib.join("Gamma/anime.json"), "{ not json").unwrap();
    // Bad files: empty, text named as a video, garbage after a real
    // header, and a file cut in half.
    std::fs::write(lib.join("Gamma/empty.mp4"), b"").unwrap();
    std::fs::write(lib.join("Gamma/notes.mkv"), b"these are my notes\n").unwrap();
    let good = std::fs::read(lib.join("Beta/Beta 05v2.mkv")).unwrap();
    let mut corrupt = good[..600].to_vec();
    corrupt.extend((0..good.len() as u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8));
    std::fs::write(lib.join("Gamma/corrupt.mkv"), corrupt).unwrap();
    std::fs::write(lib.join("Gamma/truncated.mkv"), &good[..good.len() / 2]).unwrap();
}

/// A private copy of the reference library that a test may change.
pub fn library_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    copy_dir(reference_library(), &lib);
    (dir, lib)
}

/// Copies a folder, keeping modification times.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            // Keep mtimes, as a real copy of a library (rsync -a) would.
            let mtime = std::fs::metadata(entry.path()).unwrap().modified().unwrap();
            std::fs::File::options()
                .write(true)
                .open(&target)
                .unwrap()
                .set_modified(mtime)
                .unwrap();
        }
    }
}

pub fn indexer(args: &[&str]) -> Output {
    Command::new(INDEXER).args(args).output().unwrap()
}

pub fn build(lib: &Path, index: &Path) -> Output {
    indexer(&[
        "build",
        lib.to_str().unwrap(),
        "-o",
        index.to_str().unwrap(),
        "--threads",
        "2",
    ])
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The good videos of the reference library, in index order.
pub const GOOD_VIDEOS: [&str; 5] = [
    "Alpha/Alpha - 01 [1080p].mp4",
    "Alpha/Season 2/Alpha S02E03.webm",
    "Beta/Beta 05v2.mkv",
    "Beta/Beta EP04.avi",
    "Gamma/第06話.mkv",
];

/// A small library for the part and merge tests, of one-second clips:
/// anime Kumo with an episode in each share of 2, anime Umi with one.
pub fn small_library(root: &Path) -> PathBuf {
    let lib = root.join("library");
    let small = |path: &str, source: &str| clip(&lib.join(path), source, "160x90", "12", "1", H264);
    small(&in_share("Kumo", 1, 2), "mandelbrot2");
    small(&in_share("Kumo", 2, 2), "mandelbrot3");
    small("Umi/Umi - 01.mp4", "mandelbrot4");
    lib
}

/// `FOLDER/FOLDER - NN.mp4` of the first episode number whose path is in
/// share `k` of `n`.
pub fn in_share(folder: &str, k: u32, n: u32) -> String {
    (1..)
        .map(|e| format!("{folder}/{folder} - {e:02}.mp4"))
        .find(|p| indexer::part::share_of(p, n) == k)
        .expect("some episode number is in every share")
}

/// `indexer build LIBRARY --part PART -o OUT` on two threads.
pub fn build_part(lib: &Path, part: &str, out: &Path) -> Output {
    indexer(&[
        "build",
        lib.to_str().unwrap(),
        "--part",
        part,
        "-o",
        out.to_str().unwrap(),
        "--threads",
        "2",
    ])
}

/// `indexer merge PARTS... -o OUT` with more arguments.
pub fn merge(parts: &[&Path], out: &Path, more: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    args.extend(["-o", out.to_str().unwrap()]);
    args.extend(more);
    indexer(&args)
}

/// The frame of `video` at `seconds`, as a JPEG screenshot at `out`.
pub fn frame_at(video: &Path, seconds: f64, out: &Path) {
    ffmpeg(
        &[
            "-ss",
            &format!("{seconds}"),
            "-i",
            video.to_str().unwrap(),
            "-frames:v",
            "1",
            "-q:v",
            "3",
        ],
        out,
    );
}

/// Rewrites an index file's format version (and its header checksum), as
/// an older build would have written it.
pub fn set_format_version(path: &Path, version: u32) {
    use shared::index::HEADER_LEN;
    let mut bytes = std::fs::read(path).unwrap();
    bytes[8..12].copy_from_slice(&version.to_le_bytes());
    let crc = crc32fast::hash(&bytes[..HEADER_LEN - 4]);
    bytes[HEADER_LEN - 4..HEADER_LEN].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(path, bytes).unwrap();
}
