//! `indexer merge`: parts built one share at a time merge into the index a
//! single build makes, byte for byte after the header and answer for
//! answer; anime ids are kept from the index replaced.

use crate::fixtures::*;
use shared::Index;
use shared::index::HEADER_LEN;
use std::path::{Path, PathBuf};

/// Builds `lib` as parts 1/n to n/n into `dir`; gives their paths.
pub fn build_parts(lib: &Path, n: u32, dir: &Path) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let path = dir.join(format!("part-{k}-of-{n}.bin"));
            let out = build_part(lib, &format!("{k}/{n}"), &path);
            assert!(
                out.status.code().is_some_and(|c| c <= 1),
                "{}",
                stderr(&out)
            );
            path
        })
        .collect()
}

/// The file after its header: everything but the build time and the
/// header's checksum, and the part, if any.
fn body(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()[HEADER_LEN..].to_vec()
}

/// `indexer query --json` of `images` against `index`.
fn answers(index: &Path, images: &[String]) -> serde_json::Value {
    let mut args = vec!["query", index.to_str().unwrap(), "--json"];
    args.extend(images.iter().map(|s| s.as_str()));
    let out = indexer(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn merged_parts_answer_exactly_as_one_build() {
    let (dir, lib) = library_copy();
    // "Alpha 2/..." sorts before "Alpha/..." but its folder after "Alpha".
    let alpha2 = "Alpha 2/Alpha 2 - 01.mkv";
    clip(&lib.join(alpha2), "mandelbrot5", "320x180", "24", "3", H264);
    let whole = dir.path().join("whole.bin");
    assert_eq!(build(&lib, &whole).status.code(), Some(1));
    let mut parts = build_parts(&lib, 3, dir.path());
    parts.reverse();
    for p in &parts {
        assert!(
            !Index::open(p).unwrap().videos().is_empty(),
            "every share holds videos here"
        );
    }
    let merged = dir.path().join("merged.bin");
    let parts: Vec<&Path> = parts.iter().map(|p| p.as_path()).collect();
    let out = merge(&parts, &merged, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("3 parts of 3 merged: 4 anime, 6 videos, 4 failed files"),
        "{}",
        stderr(&out)
    );
    let verified = indexer(&["verify", merged.to_str().unwrap()]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    assert!(
        stdout(&verified).contains(": OK (4 anime, 6 videos"),
        "{}",
        stdout(&verified)
    );

    let (a, b) = (Index::open(&whole).unwrap(), Index::open(&merged).unwrap());
    let anime = |i: &Index| i.anime().iter().map(|a| a.to_owned()).collect::<Vec<_>>();
    let videos = |i: &Index| i.videos().iter().map(|v| v.to_owned()).collect::<Vec<_>>();
    assert_eq!(anime(&a), anime(&b));
    assert_eq!(videos(&a), videos(&b));
    let folders: Vec<(u32, &str)> = b
        .anime()
        .iter()
        .map(|a| (a.id.to_native(), a.folder.as_str()))
        .collect();
    assert_eq!(
        folders,
        [(1, "Alpha"), (2, "Alpha 2"), (3, "Beta"), (4, "Gamma")]
    );
    assert_eq!(a.to_data(), b.to_data());
    assert_eq!(b.header().part, None);
    assert_eq!(
        body(&whole),
        body(&merged),
        "the same file but for the build time"
    );

    let cases = [
        ("Alpha/Alpha - 01 [1080p].mp4", 1.0),
        ("Alpha/Alpha - 01 [1080p].mp4", 4.5),
        ("Alpha/Season 2/Alpha S02E03.webm", 4.0),
        ("Beta/Beta EP04.avi", 1.2),
        ("Beta/Beta 05v2.mkv", 6.35),
        ("Gamma/第06話.mkv", 3.1),
        (alpha2, 1.5),
    ];
    let mut images = Vec::new();
    for (i, (video, t)) in cases.iter().enumerate() {
        let img = dir.path().join(format!("q{i}.jpg"));
        frame_at(&lib.join(video), *t, &img);
        images.push(img.to_str().unwrap().to_string());
    }
    let (single, merged) = (answers(&whole, &images), answers(&merged, &images));
    assert_eq!(single, merged);
    for (i, (video, _)) in cases.iter().enumerate() {
        let top = &merged[i]["result"][0];
        assert_eq!(top["filename"], video.split_once('/').unwrap().1, "{top:#}");
        assert!(top["similarity"].as_f64().unwrap() >= 0.9, "{top:#}");
    }
}

#[test]
fn merge_keeps_the_anime_ids_of_the_index_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let index = dir.path().join("index.bin");
    build(&lib, &index);
    // A new anime whose folder sorts first: a build gives it the next id.
    clip(
        &lib.join("Aki/Aki - 01.mp4"),
        "mandelbrot5",
        "160x90",
        "12",
        "1",
        H264,
    );
    let single = dir.path().join("single.bin");
    std::fs::copy(&index, &single).unwrap();
    build(&lib, &single);
    let parts = build_parts(&lib, 2, dir.path());
    let parts: Vec<&Path> = parts.iter().map(|p| p.as_path()).collect();
    let out = merge(&parts, &index, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids = |path: &Path| {
        let i = Index::open(path).unwrap();
        let ids = i
            .anime()
            .iter()
            .map(|a| (a.folder.to_string(), a.id.to_native()));
        ids.collect::<Vec<_>>()
    };
    let want = [("Aki".into(), 3), ("Kumo".into(), 1), ("Umi".into(), 2)];
    assert_eq!(ids(&index), want);
    assert_eq!(ids(&single), want);
    assert_eq!(body(&index), body(&single));

    let fresh = dir.path().join("fresh.bin");
    assert_eq!(merge(&parts, &fresh, &[]).status.code(), Some(0));
    let want = [("Aki".into(), 1), ("Kumo".into(), 2), ("Umi".into(), 3)];
    assert_eq!(ids(&fresh), want);
}

#[test]
fn merge_refuses_overlapping_mixed_or_missing_shares() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let halves = build_parts(&lib, 2, dir.path());
    let (one, two) = (halves[0].as_path(), halves[1].as_path());
    let thirds = build_parts(&lib, 3, dir.path());
    let again = dir.path().join("again.bin");
    std::fs::copy(one, &again).unwrap();
    let index = dir.path().join("index.bin");
    let refused = |parts: &[&Path], why: &str| {
        let out = merge(parts, &index, &[]);
        assert_eq!(out.status.code(), Some(2), "{why}: {}", stderr(&out));
        assert!(stderr(&out).contains(why), "{why}: {}", stderr(&out));
        assert!(!index.exists(), "{why}: nothing written");
    };
    refused(&[one, &again, two], "both hold share 1/2");
    refused(
        &[one, two, &thirds[2]],
        "is part 3/3: every part must split the library into the same number of shares",
    );
    refused(&[one], "share 2/2 missing");
    refused(&[&thirds[1]], "shares 1/3, 3/3 missing");

    let out = merge(&[one], &index, &["--allow-missing"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: share 2/2 missing"),
        "{}",
        stderr(&out)
    );
    let paths = |p: &Path| {
        Index::open(p)
            .unwrap()
            .videos()
            .iter()
            .map(|v| v.path.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(paths(&index), paths(one));
    assert_eq!(merge(&[two, one], &index, &[]).status.code(), Some(0));
    assert_eq!(paths(&index).len(), 3);
}

#[test]
fn merge_refuses_files_that_are_not_parts() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let parts = build_parts(&lib, 2, dir.path());
    let (one, two) = (parts[0].as_path(), parts[1].as_path());
    let whole = dir.path().join("whole.bin");
    build(&lib, &whole);
    let random = dir.path().join("random.bin");
    std::fs::write(&random, vec![7u8; 4096]).unwrap();
    let old = dir.path().join("format-4.bin");
    std::fs::copy(two, &old).unwrap();
    set_format_version(&old, 4);
    let damaged = dir.path().join("damaged.bin");
    let mut bytes = std::fs::read(two).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    std::fs::write(&damaged, bytes).unwrap();

    let index = dir.path().join("index.bin");
    for (other, why) in [
        (&whole, "not a part but a whole index"),
        (&random, "not an index file"),
        (
            &old,
            "a part of index format 4, this indexer writes format 5",
        ),
        (&damaged, "index is corrupt"),
    ] {
        let out = merge(&[one, other], &index, &[]);
        assert_eq!(out.status.code(), Some(2), "{why}: {}", stderr(&out));
        assert!(stderr(&out).contains(why), "{why}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(other.to_str().unwrap()),
            "{}",
            stderr(&out)
        );
        assert!(!index.exists());
    }
    let before = std::fs::read(one).unwrap();
    let out = merge(&[one, two], one, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is a part; merge writes a whole index"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(one).unwrap(), before);
}

#[test]
fn merge_refuses_parts_of_other_libraries_or_that_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let elsewhere = dir.path().join("elsewhere");
    copy_dir(&lib, &elsewhere);
    let parts = build_parts(&lib, 2, dir.path());
    let (one, two) = (parts[0].as_path(), parts[1].as_path());
    let index = dir.path().join("index.bin");
    let other = dir.path().join("other-2.bin");
    build_part(&elsewhere, "2/2", &other);
    let out = merge(&[one, &other], &index, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("built from different library folders"),
        "{}",
        stderr(&out)
    );

    // A part that claims share 1/2 but holds the videos of share 2/2.
    let forged = dir.path().join("forged.bin");
    let mut part = Index::open(two).unwrap().header().part.unwrap();
    part.share = 1;
    let data = Index::open(two).unwrap().to_data();
    shared::index::write_part_atomically(&forged, &data, part, "test", 1).unwrap();
    let out = merge(&[&forged, two], &index, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("which belongs to share 2/2, not 1/2"),
        "{}",
        stderr(&out)
    );

    // anime.json edited between the two parts' builds: Kumo has an
    // episode in each share.
    std::fs::write(lib.join("Kumo/anime.json"), r#"{"title": "Cloud"}"#).unwrap();
    build_part(&lib, "2/2", two);
    let out = merge(&[one, two], &index, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(r#"describe the anime of folder "Kumo" differently"#),
        "{}",
        stderr(&out)
    );
    assert!(!index.exists());
    build_part(&lib, "1/2", one);
    assert_eq!(merge(&[one, two], &index, &[]).status.code(), Some(0));
    assert_eq!(Index::open(&index).unwrap().anime()[0].title, "Cloud");
}

#[test]
fn merge_keeps_the_builds_guards() {
    let dir = tempfile::tempdir().unwrap();
    let lib = small_library(dir.path());
    let index = dir.path().join("index.bin");
    build(&lib, &index);
    let before = std::fs::read(&index).unwrap();
    let empty = dir.path().join("unmounted");
    std::fs::create_dir(&empty).unwrap();
    let parts = build_parts(&empty, 2, dir.path());
    let parts: Vec<&Path> = parts.iter().map(|p| p.as_path()).collect();
    let out = merge(&parts, &index, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("3 of the 3 videos of"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--allow-removal"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&index).unwrap(), before);

    let lock = std::fs::File::create(indexer::build::lock_path(&index)).unwrap();
    lock.lock().unwrap();
    let out = merge(&parts, &index, &["--allow-removal"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another indexer build or merge is writing this index"),
        "{}",
        stderr(&out)
    );
    lock.unlock().unwrap();
    let out = merge(&parts, &index, &["--allow-removal"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(Index::open(&index).unwrap().videos().is_empty());
}
