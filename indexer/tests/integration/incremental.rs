//! Re-running a build reuses unchanged videos: nothing decoded when nothing
//! changed, only the new file when one is added, a removed file gone.

use crate::fixtures::*;
use shared::Index;

fn summary(out: &std::process::Output) -> String {
    stderr(out)
        .lines()
        .filter(|l| l.contains("videos indexed"))
        .collect()
}

#[test]
fn unchanged_added_and_removed_videos() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    let first = Index::open(&index_path).unwrap();
    let first_codes = first.codes_in_frame_order();
    drop(first);

    let out = build(&lib, &index_path);
    let s = summary(&out);
    assert!(s.contains("0 videos indexed, 5 reused, 0 removed"), "{s}");
    assert!(s.contains("of 0 decoded"), "{s}");
    assert!(s.contains("unchanged, not rewritten"), "{s}");

    clip(
        &lib.join("Alpha/Alpha - 02 [1080p].mp4"),
        "mandelbrot3",
        "320x180",
        "24",
        "3",
        H264,
    );
    let out = build(&lib, &index_path);
    let s = summary(&out);
    assert!(s.contains("1 videos indexed, 5 reused, 0 removed"), "{s}");
    let index = Index::open(&index_path).unwrap();
    assert_eq!(index.videos().len(), 6);
    assert_eq!(
        index.videos()[1].path.as_str(),
        "Alpha/Alpha - 02 [1080p].mp4"
    );
    // Reused frames are copied bit for bit.
    let reused = index.frame_range(0).end as usize;
    assert_eq!(
        &index.codes_in_frame_order()[..reused],
        &first_codes[..reused]
    );
    drop(index);

    std::fs::remove_file(lib.join("Beta/Beta EP04.avi")).unwrap();
    let out = build(&lib, &index_path);
    assert!(
        summary(&out).contains("0 videos indexed, 5 reused, 1 removed"),
        "{}",
        summary(&out)
    );
    let index = Index::open(&index_path).unwrap();
    assert!(
        index
            .videos()
            .iter()
            .all(|v| v.path.as_str() != "Beta/Beta EP04.avi")
    );
    let ids: Vec<u32> = index.anime().iter().map(|a| a.id.to_native()).collect();
    assert_eq!(ids, [1, 2, 3], "anime ids are stable");
}

#[test]
fn a_changed_file_is_decoded_again() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    clip(
        &lib.join("Beta/Beta EP04.avi"),
        "mandelbrot4",
        "320x240",
        "25",
        "2",
        MPEG4,
    );
    let out = build(&lib, &index_path);
    assert!(
        summary(&out).contains("1 videos indexed, 4 reused"),
        "{}",
        summary(&out)
    );
    let index = Index::open(&index_path).unwrap();
    let avi = index
        .videos()
        .iter()
        .find(|v| v.path.as_str() == "Beta/Beta EP04.avi")
        .unwrap();
    assert!((avi.duration_ms.to_native() as i64 - 2_000).abs() < 200);
}

/// An index of an older format (format 4 had no inner-window codes, which
/// only the frames' pixels give) is not reused: the next build decodes
/// every video again, says why, and writes the current format.
#[test]
fn an_index_of_an_older_format_is_decoded_again() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    let data = Index::open(&index_path).unwrap().to_data();
    set_format_version(&index_path, 4);
    assert!(Index::open(&index_path).is_err());

    let out = build(&lib, &index_path);
    // 1: the library's broken files are reported as in every build.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = summary(&out);
    assert!(s.contains("5 videos indexed, 0 reused, 0 removed"), "{s}");
    assert!(
        stderr(&out).contains("previous index not reused")
            && stderr(&out).contains("format version 4 is not supported"),
        "{}",
        stderr(&out)
    );
    let index = Index::open(&index_path).unwrap();
    assert_eq!(index.header().version, shared::index::FORMAT_VERSION);
    assert_eq!(index.to_data().codes, data.codes, "the same frames again");
    assert_eq!(index.to_data().inner, data.inner);
}

/// Files that failed are remembered by size and modification time: the
/// next cron run does not try them again and exits 0, `indexer stats`
/// lists them, and a changed or removed file is seen as such.
#[test]
fn failed_files_are_not_tried_again_until_they_change() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    let out = build(&lib, &index_path);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let out = build(&lib, &index_path);
    let s = summary(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        s.contains("0 skipped, 4 failed before and unchanged"),
        "{s}"
    );
    assert!(s.contains("unchanged, not rewritten"), "{s}");
    assert!(!stderr(&out).contains("skipped Gamma/"), "{}", stderr(&out));
    let stats = stdout(&indexer(&["stats", index_path.to_str().unwrap()]));
    for bad in ["corrupt.mkv", "empty.mp4", "notes.mkv", "truncated.mkv"] {
        assert!(stats.contains(&format!("  Gamma/{bad}: ")), "{stats}");
    }

    std::fs::write(
        lib.join("Gamma/notes.mkv"),
        b"longer notes, still not a video\n",
    )
    .unwrap();
    std::fs::remove_file(lib.join("Gamma/empty.mp4")).unwrap();
    let out = build(&lib, &index_path);
    let s = summary(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("skipped Gamma/notes.mkv"),
        "{}",
        stderr(&out)
    );
    assert!(
        s.contains("1 skipped, 2 failed before and unchanged"),
        "{s}"
    );
    let index = Index::open(&index_path).unwrap();
    let failed: Vec<&str> = index.failed().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        failed,
        [
            "Gamma/corrupt.mkv",
            "Gamma/notes.mkv",
            "Gamma/truncated.mkv"
        ]
    );
}
