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
