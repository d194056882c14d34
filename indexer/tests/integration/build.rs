//! A full build: every good video indexed with the right metadata, every
//! bad file reported by path and skipped, exit code 1.

use crate::fixtures::*;
use shared::Index;

#[test]
fn builds_good_videos_and_reports_bad_ones() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    let out = build(&lib, &index_path);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for bad in ["empty.mp4", "notes.mkv", "corrupt.mkv", "truncated.mkv"] {
        assert!(
            err.contains(&format!("skipped Gamma/{bad}:")),
            "{bad} not reported:\n{err}"
        );
    }
    assert!(err.contains("truncated: frames stop at"), "{err}");
    assert!(
        err.contains("Gamma/anime.json: malformed anime.json"),
        "{err}"
    );

    let index = Index::open(&index_path).unwrap();
    let paths: Vec<&str> = index.videos().iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, GOOD_VIDEOS);
    let titles: Vec<&str> = index.anime().iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["Alpha", "Beta Show", "Gamma"]);
    let beta = &index.anime()[1];
    assert_eq!(beta.anilist_id.as_ref().map(|a| a.to_native()), Some(4242));
    assert_eq!(
        beta.synonyms.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        ["B"]
    );
    let episodes: Vec<Option<u32>> = index
        .videos()
        .iter()
        .map(|v| v.episode.as_ref().map(|e| e.to_native()))
        .collect();
    assert_eq!(episodes, [Some(1), Some(3), Some(5), Some(4), Some(6)]);
    drop(dir);
}

#[test]
fn durations_and_times_follow_the_video_clock() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    let index = Index::open(&index_path).unwrap();
    let duration = |i: usize| index.videos()[i].duration_ms.to_native() as f64 / 1000.0;
    assert!((duration(0) - 6.0).abs() < 0.2, "mp4 {}", duration(0));
    assert!((duration(3) - 5.0).abs() < 0.2, "avi {}", duration(3));
    // The VFR clip: 30 frames in its first second, then 10 fps for 9 s.
    assert!((duration(2) - 10.0).abs() < 0.3, "vfr {}", duration(2));
    let times = index.times_ms(2);
    assert!(times.windows(2).all(|w| w[0] < w[1]));
    assert!(*times.last().unwrap() > 9_000, "{times:?}");
    let late_gaps = times
        .windows(2)
        .filter(|w| w[0] > 1_500)
        .map(|w| w[1] - w[0]);
    assert!(
        late_gaps.clone().all(|g| g >= 60),
        "10 fps part has ~100 ms steps: {times:?}"
    );
}

#[test]
fn stats_reports_counts_and_bytes_per_frame() {
    let (dir, lib) = library_copy();
    let index_path = dir.path().join("index.bin");
    build(&lib, &index_path);
    let out = indexer(&["stats", index_path.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(stats["formatVersion"], shared::index::FORMAT_VERSION);
    let built = stats["builtAt"].as_str().unwrap();
    let at = humantime::parse_rfc3339(built).expect(built);
    let age = std::time::SystemTime::now().duration_since(at).unwrap();
    assert!(age.as_secs() < 600, "{built}");
    assert_eq!(stats["anime"], 3);
    assert_eq!(stats["videos"], 5);
    let bpf = stats["bytesPerFrame"].as_f64().unwrap();
    // 28 bytes a frame (two codes and a delta), plus at most 6 KB of
    // header, two bucket tables and metadata (anime, videos and the four
    // failed files with their reasons).
    assert!(
        bpf > 27.0 && bpf <= 29.0 + 6_000.0 / stats["frames"].as_f64().unwrap(),
        "{bpf}"
    );
    assert_eq!(stats["perAnime"][1]["title"], "Beta Show");
    assert_eq!(stats["perAnime"][1]["videos"], 2);
    assert_eq!(stats["failed"].as_array().unwrap().len(), 4);
    assert_eq!(stats["failed"][0]["path"], "Gamma/corrupt.mkv");
}

#[test]
fn fatal_errors_exit_with_2_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let out = build(&missing, &dir.path().join("index.bin"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("library folder not found"),
        "{}",
        stderr(&out)
    );
    let out = build(
        reference_library(),
        &dir.path().join("no/such/dir/index.bin"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("output is not writable"),
        "{}",
        stderr(&out)
    );
}
