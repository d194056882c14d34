//! `indexer query` finds a frame cut from a fixture video at the right
//! time, and prints the API's result shape with `--json`.

use crate::fixtures::*;

#[test]
fn finds_frames_at_the_right_time() {
    let dir = tempfile::tempdir().unwrap();
    let index_path = dir.path().join("index.bin");
    let lib = reference_library();
    build(lib, &index_path);
    let cases = [
        ("Alpha/Alpha - 01 [1080p].mp4", 2.5),
        ("Alpha/Season 2/Alpha S02E03.webm", 4.0),
        ("Beta/Beta EP04.avi", 1.2),
        ("Beta/Beta 05v2.mkv", 6.35),
        ("Gamma/第06話.mkv", 3.1),
    ];
    let mut images = Vec::new();
    for (i, (video, t)) in cases.iter().enumerate() {
        let img = dir.path().join(format!("q{i}.jpg"));
        frame_at(&lib.join(video), *t, &img);
        images.push(img.to_str().unwrap().to_string());
    }
    let mut args = vec!["query", index_path.to_str().unwrap(), "--json"];
    args.extend(images.iter().map(|s| s.as_str()));
    let out = indexer(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let answers: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    for (i, (video, t)) in cases.iter().enumerate() {
        let answer = &answers[i];
        assert_eq!(answer["image"], images[i]);
        let top = &answer["result"][0];
        // The path inside the anime folder: "Season 2/Alpha S02E03.webm".
        let name = video.split_once('/').unwrap().1;
        assert_eq!(top["filename"], name, "{answer:#}");
        let (from, to) = (top["from"].as_f64().unwrap(), top["to"].as_f64().unwrap());
        assert!(
            (from - 0.5..=to + 0.5).contains(t),
            "{t} not in {from}..{to}: {answer:#}"
        );
        assert!(top["similarity"].as_f64().unwrap() >= 0.9, "{answer:#}");
    }
    let beta = &answers[3]["result"][0];
    let mut keys: Vec<&str> = beta
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    let mut want = [
        "anime",
        "anilist",
        "filename",
        "episode",
        "from",
        "to",
        "at",
        "duration",
        "similarity",
    ];
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(
        beta["anime"],
        serde_json::json!({"id": 2, "title": "Beta Show", "anilistId": 4242, "isAdult": false})
    );
    assert_eq!(beta["anilist"], 4242);
    assert_eq!(beta["episode"], 5);
}

#[test]
fn an_unreadable_image_is_reported_per_image() {
    let dir = tempfile::tempdir().unwrap();
    let index_path = dir.path().join("index.bin");
    build(reference_library(), &index_path);
    let text = dir.path().join("notes.jpg");
    std::fs::write(&text, "not a picture").unwrap();
    let out = indexer(&[
        "query",
        index_path.to_str().unwrap(),
        text.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let answers: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answers[0]["image"], text.to_str().unwrap());
    assert!(
        answers[0]["error"]
            .as_str()
            .unwrap()
            .contains("not a JPEG, PNG, WebP or GIF")
    );
}
