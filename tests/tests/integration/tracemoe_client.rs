//! A real third-party trace.moe client library (aiotracemoeapi, installed
//! from PyPI by `scripts/setup.sh`), pointed at the real server by its base
//! URL only: upload and URL searches, `anilistID`, `anilistInfo`, `/me`
//! and a bad key, each parsed by the library and asserted here.

use e2e::{Server, footage, host_file, python, succeed};
use serde_json::{Value, json};
use std::process::Command;

#[test]
fn aiotracemoeapi_searches_filters_and_reads_its_quota() {
    let footage = footage();
    let shot = footage.unique_shot();
    let server = Server::start(&footage.index);
    let key = server.user_with_key("client@example.com");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shot.jpg");
    std::fs::write(&file, &shot.jpeg).unwrap();
    let url = host_file("shot.jpg", shot.jpeg.clone(), "image/jpeg");
    let anime = footage.truth.videos[shot.video].anime;
    let anilist = footage.anilist_id(anime).expect("an AniList id");
    let other = (0..footage.truth.anime.len())
        .filter_map(|a| footage.anilist_id(a))
        .find(|&id| id != anilist)
        .expect("a second anime with an AniList id");

    let mut client = Command::new(python());
    client
        .arg(e2e::repo_root().join("tests/tests/integration/tracemoe_client.py"))
        .env("BASE_URL", &server.base)
        .env("SHOT", &file)
        .env("SHOT_URL", &url)
        .env("KEY", &key)
        .env("ANILIST_ID", anilist.to_string())
        .env("OTHER_ANILIST_ID", other.to_string())
        .env("NO_PROXY", "127.0.0.1,localhost");
    for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        client.env_remove(proxy).env_remove(proxy.to_lowercase());
    }
    let out = succeed(client, "the trace.moe client");
    let parsed: Value = serde_json::from_slice(&out.stdout).expect("the script's JSON");

    let right = |hit: &Value| {
        let f = |k: &str| hit[k].as_f64().unwrap_or(f64::NAN);
        let name = hit["filename"].as_str().unwrap_or("");
        footage.is_right(&shot, name, f("from"), f("to"), f("at"))
    };
    let episode = footage.truth.videos[shot.video].episode;
    for case in ["upload", "url", "filtered_same"] {
        let top = &parsed[case][0];
        assert!(
            right(top),
            "{case}: {top} for {}s of video {}",
            shot.time,
            shot.video
        );
        assert_eq!(top["anilist"], anilist, "{case}: {top}");
        assert_eq!(top["episode"], episode, "{case}: {top}");
        assert!(top["similarity"].as_f64().unwrap() >= 0.9, "{case}: {top}");
    }
    assert!(
        parsed["upload"][0]["title"].is_null(),
        "no anilistInfo: an id"
    );
    let title = &footage.truth.anime[anime].json.as_ref().unwrap().title;
    let top = &parsed["url"][0];
    assert_eq!(
        (
            &top["title"]["romaji"],
            &top["title"]["native"],
            &top["id_mal"]
        ),
        (
            &json!(title),
            &json!(e2e::native_title(title)),
            &json!(e2e::mal_id(anime))
        ),
        "anilistInfo: anime.json's titles and MAL id: {top}"
    );
    assert!(parsed["upload_frame_count"].as_u64().unwrap() > 100);
    let limits = &parsed["upload_limits"];
    assert_eq!(
        (limits["limit"].clone(), limits["remaining"].clone()),
        (5.into(), 4.into())
    );

    // Filtered to another anime, nothing of this one comes back.
    for hit in parsed["filtered_other"].as_array().unwrap() {
        assert_eq!(hit["anilist"], other, "{hit}");
    }
    assert_eq!(parsed["guest_me"]["id"], "127.0.0.1");
    assert_eq!(
        (
            parsed["guest_me"]["quota"].clone(),
            parsed["guest_me"]["quota_used"].clone()
        ),
        (5.into(), 2.into()),
        "two guest searches counted"
    );
    let me = &parsed["user_me"];
    assert_eq!(me["id"], "client@example.com");
    assert_eq!(
        (me["quota"].clone(), me["quota_used"].clone()),
        (10.into(), 2.into())
    );
    let bad = &parsed["bad_key"];
    assert_eq!(bad["status"], 403, "{bad}");
    assert_eq!(
        bad["type"], "InvalidAPIKey",
        "the client knows the error: {bad}"
    );
}
