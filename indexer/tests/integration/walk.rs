//! How a build walks an operator's library: symbolic links followed but
//! never round a loop or into another anime, broken links and names FFmpeg
//! cannot open skipped with a reason, and a folder that cannot be read
//! costs nothing already indexed.

use crate::fixtures::*;
use shared::Index;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;

fn paths(index: &Path) -> Vec<String> {
    let index = Index::open(index).unwrap();
    index.videos().iter().map(|v| v.path.to_string()).collect()
}

#[test]
fn a_link_loop_or_a_link_to_another_anime_is_walked_once() {
    let (dir, lib) = library_copy();
    symlink("..", lib.join("Alpha/loop")).unwrap();
    symlink("../../Beta", lib.join("Alpha/Season 2/beta")).unwrap();
    symlink("Alpha", lib.join("Alpha again")).unwrap();
    let index_path = dir.path().join("index.bin");
    let out = build(&lib, &index_path);
    let err = stderr(&out);
    assert_eq!(paths(&index_path), GOOD_VIDEOS, "{err}");
    for link in ["Alpha/loop", "Alpha/Season 2/beta", "Alpha again"] {
        assert!(
            err.contains(&format!("{link}: folder already walked")),
            "{link}: {err}"
        );
    }
}

#[test]
fn a_link_to_a_folder_outside_the_library_is_followed() {
    let (dir, lib) = library_copy();
    let elsewhere = dir.path().join("disk2/Delta S2");
    std::fs::create_dir_all(&elsewhere).unwrap();
    clip(
        &elsewhere.join("Delta S02E01.mp4"),
        "mandelbrot5",
        "320x180",
        "24",
        "3",
        H264,
    );
    std::fs::create_dir(lib.join("Delta")).unwrap();
    symlink(&elsewhere, lib.join("Delta/Season 2")).unwrap();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    assert!(paths(&index_path).contains(&"Delta/Season 2/Delta S02E01.mp4".to_string()));
}

#[test]
fn broken_links_and_names_ffmpeg_cannot_open_are_skipped_with_a_reason() {
    use std::os::unix::ffi::OsStrExt;
    let (dir, lib) = library_copy();
    symlink("gone.mkv", lib.join("Beta/Beta 06.mkv")).unwrap();
    let latin1 = std::ffi::OsStr::from_bytes(b"Caf\xe9 - 09.mp4");
    std::fs::copy(
        lib.join("Alpha/Alpha - 01 [1080p].mp4"),
        lib.join("Beta").join(latin1),
    )
    .unwrap();
    let index_path = dir.path().join("index.bin");
    let out = build(&lib, &index_path);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("skipped Beta/Beta 06.mkv: broken symbolic link"),
        "{err}"
    );
    assert!(
        err.contains("skipped Beta/Caf\u{fffd} - 09.mp4: the file name is not valid UTF-8"),
        "{err}"
    );
    assert_eq!(paths(&index_path), GOOD_VIDEOS, "{err}");
}

/// Runs the indexer as `nobody` when the tests run as root (as CI does),
/// since root reads any folder whatever its mode.
fn indexer_unprivileged(args: &[&str]) -> std::process::Output {
    let uid = Command::new("id").arg("-u").output().unwrap();
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    let mut cmd = match root {
        true => {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", INDEXER]);
            c
        }
        false => Command::new(INDEXER),
    };
    cmd.args(args).output().unwrap()
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_unreadable_folder_is_skipped_and_what_it_held_is_kept() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    chmod(dir.path(), 0o777);
    for entry in walk(&lib) {
        let dir_mode = if entry.is_dir() { 0o755 } else { 0o644 };
        chmod(&entry, dir_mode);
    }
    let args = |lib: &Path| {
        let (lib, out) = (lib.to_str().unwrap(), index_path.to_str().unwrap());
        vec!["build".to_string(), lib.into(), "-o".into(), out.into()]
    };
    let run = || {
        let a = args(&lib);
        indexer_unprivileged(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert!(run().status.code().is_some_and(|c| c <= 1));
    let before = Index::open(&index_path).unwrap();
    let beta = before.anime()[1].to_owned();
    drop(before);

    chmod(&lib.join("Beta"), 0o000);
    chmod(&lib.join("Alpha/Season 2"), 0o000);
    let out = run();
    let err = stderr(&out);
    chmod(&lib.join("Beta"), 0o755);
    chmod(&lib.join("Alpha/Season 2"), 0o755);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("skipped Beta: cannot list folder"), "{err}");
    assert!(
        err.contains("skipped Alpha/Season 2: cannot list folder"),
        "{err}"
    );
    assert!(err.contains("0 removed"), "{err}");
    assert_eq!(paths(&index_path), GOOD_VIDEOS, "{err}");
    let after = Index::open(&index_path).unwrap();
    assert_eq!(
        after.anime()[1].to_owned(),
        beta,
        "Beta's anime.json is kept"
    );
}

/// Every path under `dir`, folders first.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
