//! Previews end to end: the real indexer's index of generated footage,
//! the real server with `--library`, a search whose answer carries preview
//! URLs; the still shows the matched frame, the clip is H.264 of 0.5 to 10
//! s around the match, and altered or expired URLs are refused.

use e2e::{Server, client, footage};
use serde_json::Value;
use std::process::Command;

/// Uploads `jpeg` to the native search; the top answer.
fn top_answer(server: &Server, jpeg: &[u8]) -> Value {
    let form = reqwest::blocking::multipart::Form::new().part(
        "image",
        reqwest::blocking::multipart::Part::bytes(jpeg.to_vec()).file_name("shot.jpg"),
    );
    let res = client()
        .post(format!("{}/api/anime/search", server.base))
        .multipart(form)
        .send()
        .expect("search");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().expect("JSON");
    body["result"][0].clone()
}

fn with_library(flags: &[&str]) -> (Server, tempfile::TempDir) {
    let cache = tempfile::tempdir().unwrap();
    let library = footage().library.to_str().unwrap().to_string();
    let cache_dir = cache.path().to_str().unwrap().to_string();
    let mut all = vec![
        "--library",
        &library,
        "--preview-cache",
        &cache_dir,
        "--no-guest-quota",
    ];
    all.extend(flags);
    (Server::start_with(&footage().index, &all), cache)
}

#[test]
fn previews_show_the_match_and_refuse_altered_urls() {
    let footage = footage();
    let shot = footage.unique_shot();
    let metrics = format!("127.0.0.1:{}", e2e::free_port());
    let (server, cache) = with_library(&["--metrics-listen", &metrics]);
    let top = top_answer(&server, &shot.jpeg);
    let at = top["at"].as_f64().unwrap();
    let filename = top["filename"].as_str().unwrap().to_string();
    let image = top["image"].as_str().expect("an image URL").to_string();
    let video = top["video"].as_str().expect("a video URL").to_string();
    assert!(
        image.starts_with(&format!("{}/api/preview/image?", server.base)),
        "{image}"
    );
    assert!(
        !image.contains(&filename) && !video.contains("library"),
        "no paths: {video}"
    );

    // The still: a 320 px wide JPEG that finds the same moment.
    let res = client().get(&image).send().unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.headers()["cache-control"], "public, max-age=3600");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let still = res.bytes().unwrap().to_vec();
    let picture = image::load_from_memory(&still).expect("a JPEG");
    assert_eq!(picture.width(), 320);
    let again = top_answer(&server, &still);
    assert_eq!(again["filename"], filename.as_str(), "{again}");
    assert!(
        (again["at"].as_f64().unwrap() - at).abs() <= 1.0,
        "{again} vs {at}"
    );
    let cached = client()
        .get(&image)
        .header("if-none-match", &etag)
        .send()
        .unwrap();
    assert_eq!(cached.status(), 304);

    // The clip: H.264, no sound, 0.5-10 s, around `at`.
    let res = client().get(&video).send().unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "video/mp4");
    let span = |name: &str| {
        res.headers()[name]
            .to_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    let (from, to) = (span("x-preview-from"), span("x-preview-to"));
    assert!(
        from <= at && at <= to && (0.5..=10.0).contains(&(to - from)),
        "{from}..{to} vs {at}"
    );
    let clip = res.bytes().unwrap().to_vec();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, &clip).unwrap();
    let probe = probe(&file);
    assert_eq!(
        probe["streams"].as_array().unwrap().len(),
        1,
        "video only: {probe}"
    );
    assert_eq!(probe["streams"][0]["codec_name"], "h264");
    let duration: f64 = probe["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (duration - (to - from)).abs() < 0.25,
        "{duration} vs {from}..{to}"
    );
    let frame = dir.path().join("frame.jpg");
    let out = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-ss",
            &format!("{:.3}", at - from + 0.05),
            "-i",
        ])
        .arg(&file)
        .args(["-frames:v", "1"])
        .arg(&frame)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inside = top_answer(&server, &std::fs::read(&frame).unwrap());
    assert_eq!(
        inside["filename"],
        filename.as_str(),
        "the clip shows the match: {inside}"
    );
    assert!(
        (inside["at"].as_f64().unwrap() - at).abs() <= 1.0,
        "{inside} vs {at}"
    );

    // Range requests, as a <video> element makes them.
    let part = client()
        .get(&video)
        .header("range", "bytes=0-99")
        .send()
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().unwrap().len(), 100);

    // Altered URLs: another time, another signature.
    let t = video
        .split("&t=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let moved = video.replace(
        &format!("&t={t}&"),
        &format!("&t={}&", t.parse::<u64>().unwrap() + 1000),
    );
    let forged = format!("{}0", &video[..video.len() - 1]);
    for url in [moved, forged] {
        let res = client().get(&url).send().unwrap();
        assert_eq!(res.status(), 403, "{url}");
        let body: Value = res.json().unwrap();
        assert_eq!(body["code"], "PREVIEW_FORBIDDEN");
    }
    let files = std::fs::read_dir(cache.path()).unwrap().count();
    assert_eq!(files, 2, "one still and one clip cut, each once");
    let text = client()
        .get(format!("http://{metrics}/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    for line in [
        "anime_search_previews_total{kind=\"image\",source=\"cut\"} 1",
        "anime_search_previews_total{kind=\"image\",source=\"cache\"} 1",
        "anime_search_previews_total{kind=\"video\",source=\"cut\"} 1",
        "anime_search_previews_total{kind=\"video\",source=\"cache\"} 1",
        "anime_search_preview_cut_seconds_count 2",
        "anime_search_preview_cache_files 2",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
    }

    // The size is the viewer's choice, appended as trace.moe clients do.
    for (size, width) in [("l", 640), ("s", 160)] {
        let res = client().get(format!("{image}&size={size}")).send().unwrap();
        assert_eq!(res.status(), 200, "size {size}");
        let picture = image::load_from_memory(&res.bytes().unwrap()).expect("a JPEG");
        assert_eq!(picture.width(), width, "size {size}");
    }
    let res = client().get(format!("{image}&size=xl")).send().unwrap();
    assert_eq!(res.status(), 400);
}

#[test]
fn preview_urls_expire() {
    let shot = footage().unique_shot();
    let (server, _cache) = with_library(&["--preview-ttl-secs", "1"]);
    let top = top_answer(&server, &shot.jpeg);
    let image = top["image"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let res = client().get(&image).send().unwrap();
    assert_eq!(res.status(), 410);
    let body: Value = res.json().unwrap();
    assert_eq!(body["code"], "PREVIEW_EXPIRED");
}

fn probe(file: &std::path::Path) -> Value {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
        ])
        .arg(file)
        .output()
        .expect("ffprobe runs");
    serde_json::from_slice(&out.stdout).expect("ffprobe JSON")
}
