//! The trace.moe-compatible face (`/search`, `/me`): trace.moe's
//! parameters, keys, bodies, statuses and rate-limit headers, over the same
//! quotas and search log as `/api/anime/search`.

use crate::support::*;
use actix_web::test::TestRequest;
use base64::Engine;
use serde_json::{Value, json};

const IP: &str = "198.51.100.9";

/// The fixture's answer for picture `seed` as trace.moe shapes it.
fn tracemoe_hit(seed: u32, episode: u32) -> Value {
    let native = hit(seed, episode);
    json!({
        "anilist": native["anilist"],
        "filename": native["filename"],
        "episode": native["episode"],
        "duration": native["duration"],
        "from": native["from"],
        "to": native["to"],
        "at": native["at"],
        "similarity": native["similarity"],
        "video": "",
        "image": "",
    })
}

fn raw(uri: &str, content_type: &str, body: Vec<u8>) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .insert_header(("content-type", content_type))
        .set_payload(body)
}

#[actix_web::test]
async fn answers_a_raw_jpeg_in_tracemoe_shape_with_quota_headers() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let req = raw("/search?cutBorders", "image/jpeg", jpeg(2));
    let (status, body, headers) = call(&app, req, IP).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"frameCount": 6, "error": "", "result": [tracemoe_hit(2, 1)], "quota": 5, "quotaUsed": 1})
    );
    assert_eq!(headers.get("x-ratelimit-limit").unwrap(), "5");
    assert_eq!(headers.get("x-ratelimit-remaining").unwrap(), "4");
    let reset: i64 = headers
        .get("x-ratelimit-reset")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(reset % 86_400, 0, "midnight UTC");
}

#[actix_web::test]
async fn takes_curl_data_binary_multipart_json_and_old_form_bodies() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let shot = jpeg(3);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&shot);
    let form = format!(
        "image={}",
        encoded
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let requests = [
        // `curl --data-binary @shot.jpg` says it is a urlencoded form.
        raw("/search", "application/x-www-form-urlencoded", shot.clone()),
        raw(
            "/search",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart(&[Part::File("image", "shot.jpg", &shot)]),
        ),
        raw(
            "/search",
            "application/json",
            json!({"image": format!("data:image/jpeg;base64,{encoded}")})
                .to_string()
                .into_bytes(),
        ),
        raw(
            "/search",
            "application/x-www-form-urlencoded",
            form.into_bytes(),
        ),
    ];
    for (i, req) in requests.into_iter().enumerate() {
        let (status, body, _) = call(&app, req, IP).await;
        assert_eq!(status, 200, "request {i}: {body}");
        assert_eq!(body["result"][0], tracemoe_hit(3, 1), "request {i}");
    }
}

#[actix_web::test]
async fn anilist_info_gives_the_anime_object_and_anilist_id_filters() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let req = raw("/search?anilistInfo", "image/jpeg", jpeg(5));
    let (status, body, _) = call(&app, req, IP).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["result"][0]["anilist"],
        json!({"id": 202, "idMal": null, "title": {"native": null, "romaji": "Bravo", "english": null},
               "synonyms": [], "isAdult": true})
    );
    // anime.json's AniList titles and MAL id, when it gives them.
    let req = raw("/search?anilistInfo", "image/jpeg", jpeg(1));
    let (status, body, _) = call(&app, req, IP).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["result"][0]["anilist"],
        json!({"id": 101, "idMal": 11, "title": {"native": "アルファ", "romaji": "Alpha", "english": null},
               "synonyms": [], "isAdult": false})
    );
    // Filtered to Alpha, a Bravo picture finds no exact Bravo answer.
    let req = raw("/search?anilistID=101", "image/jpeg", jpeg(5));
    let (status, body, _) = call(&app, req, IP).await;
    assert_eq!(status, 200, "{body}");
    for hit in body["result"].as_array().unwrap() {
        assert_eq!(hit["anilist"], 101, "{body}");
    }
}

#[actix_web::test]
async fn errors_carry_tracemoe_statuses_and_an_error_string() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let cases = [
        (TestRequest::get().uri("/search"), 405),
        (raw("/search", "image/jpeg", b"not an image".to_vec()), 400),
        (TestRequest::get().uri("/search?url=notaurl"), 400),
        (TestRequest::get().uri("/search?key=ak_nonsense"), 403),
        (TestRequest::put().uri("/search"), 405),
        (TestRequest::delete().uri("/me"), 405),
    ];
    for (req, expected) in cases {
        let (status, body, _) = call(&app, req, IP).await;
        assert_eq!(status.as_u16(), expected, "{body}");
        let message = body["error"].as_str().expect("an error string");
        assert!(!message.is_empty(), "{body}");
        assert!(body.get("code").is_none(), "{body}");
    }
    // Nothing was charged for any of them.
    let (_, me, _) = call(&app, TestRequest::get().uri("/me"), IP).await;
    assert_eq!(me["quotaUsed"], 0, "{me}");
}

#[actix_web::test]
async fn a_spent_guest_quota_is_402_with_quota_fields() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    for _ in 0..5 {
        let (status, _, _) = call(&app, raw("/search", "image/jpeg", jpeg(1)), IP).await;
        assert_eq!(status, 200);
    }
    let (status, body, headers) = call(&app, raw("/search", "image/jpeg", jpeg(1)), IP).await;
    assert_eq!(status, 402, "{body}");
    assert_eq!(
        (body["quota"].clone(), body["quotaUsed"].clone()),
        (json!(5), json!(5))
    );
    assert!(body["error"].as_str().unwrap().contains("quota"), "{body}");
    assert_eq!(headers.get("x-ratelimit-remaining").unwrap(), "0");
    // The native face counts the same searches.
    let (status, _, _) = call(&app, upload(&jpeg(1)), IP).await;
    assert_eq!(status, 429);
}

#[actix_web::test]
async fn keys_from_header_or_query_charge_the_user_like_the_native_api() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", IP).await;
    let created = with_session(post_json("/api/apikeys", json!({"title": "bot"})), &cookie);
    let (status, key, _) = call(&app, created, IP).await;
    assert_eq!(status, 201, "{key}");
    let key = key["key"].as_str().unwrap().to_string();

    let (status, me, _) = call(&app, TestRequest::get().uri(&format!("/me?key={key}")), IP).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], "ann@example.com");
    assert_eq!(
        (me["quota"].clone(), me["quotaUsed"].clone()),
        (json!(10), json!(0))
    );
    assert_eq!(me["priority"], 0);
    assert!(me["concurrency"].as_u64().unwrap() >= 1, "{me}");

    let by_header =
        raw("/search", "image/jpeg", jpeg(4)).insert_header(("x-trace-key", key.clone()));
    let (status, body, _) = call(&app, by_header, IP).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["quotaUsed"], 1);
    let credits = TestRequest::get()
        .uri("/api/user/anime-credits")
        .insert_header(("cookie", cookie.clone()));
    let (_, credits, _) = call(&app, credits, IP).await;
    assert_eq!(credits["freeDaily"]["used"], 1, "{credits}");
    grant(&f, "ann@example.com", 3);
    let (_, me, _) = call(
        &app,
        TestRequest::get()
            .uri("/me")
            .insert_header(("x-trace-key", key)),
        IP,
    )
    .await;
    assert_eq!(
        (me["quota"].clone(), me["quotaUsed"].clone()),
        (json!(13), json!(1))
    );
}

#[actix_web::test]
async fn a_guest_me_shows_its_address_and_the_guest_quota() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, me, headers) = call(&app, TestRequest::get().uri("/me"), IP).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], IP);
    assert_eq!(
        (me["quota"].clone(), me["quotaUsed"].clone()),
        (json!(5), json!(0))
    );
    assert_eq!(headers.get("x-ratelimit-limit").unwrap(), "5");
}
