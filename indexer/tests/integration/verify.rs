//! `verify` and `open` on damaged and foreign files: each error names the
//! file and says what to do.

use crate::fixtures::*;
use shared::index::{FORMAT_VERSION, HEADER_LEN};
use std::path::{Path, PathBuf};

fn built_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index_path = dir.path().join("index.bin");
    build(reference_library(), &index_path);
    (dir, index_path)
}

fn verify(path: &Path) -> std::process::Output {
    indexer(&["verify", path.to_str().unwrap()])
}

#[test]
fn a_good_index_verifies() {
    let (_dir, path) = built_index();
    let out = verify(&path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(": OK (3 anime, 5 videos"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn one_flipped_byte_anywhere_in_the_frames_is_caught() {
    let (_dir, path) = built_index();
    let bytes = std::fs::read(&path).unwrap();
    for at in [HEADER_LEN + 40, bytes.len() / 2, bytes.len() - 100] {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x10;
        std::fs::write(&path, &damaged).unwrap();
        let out = verify(&path);
        assert_eq!(out.status.code(), Some(1), "flip at {at} not caught");
        let err = stderr(&out);
        assert!(
            err.contains(path.to_str().unwrap()) && err.contains("corrupt"),
            "{err}"
        );
        assert!(err.contains("rebuild it with `indexer build"), "{err}");
    }
}

#[test]
fn a_truncated_index_is_refused() {
    let (_dir, path) = built_index();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
    let out = verify(&path);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("truncated"), "{}", stderr(&out));
    let err = shared::Index::open(&path).err().unwrap().to_string();
    assert!(
        err.starts_with(path.to_str().unwrap()) && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn another_format_version_says_rebuild() {
    let (_dir, path) = built_index();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let err = shared::Index::open(&path).err().unwrap().to_string();
    let want = format!(
        "{}: index format version {} is not supported (this build reads version {}); rebuild it with `indexer build LIBRARY -o {}`",
        path.display(),
        FORMAT_VERSION + 1,
        FORMAT_VERSION,
        path.display()
    );
    assert_eq!(err, want);
}

#[test]
fn a_random_file_is_not_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.bin");
    std::fs::write(
        &path,
        (0..5000u32)
            .map(|i| (i * 7 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let out = indexer(&["stats", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}: not an index file", path.display())),
        "{err}"
    );
    assert!(err.contains("build one with `indexer build"), "{err}");
}

#[test]
fn stats_of_a_missing_file_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing.bin");
    let out = indexer(&["stats", path.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert_eq!(
        err.trim_end(),
        format!(
            "indexer: error: {}: No such file or directory (os error 2)",
            path.display()
        )
    );
}
