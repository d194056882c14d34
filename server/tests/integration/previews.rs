//! Preview URLs in-process: answers carry none without `--library`; a
//! signed URL of a video that is gone from the index, or whose file is
//! missing from the library, is a 404 in words; no free cutting slot is a
//! 503 with `Retry-After`. (Cutting itself is tested end to end in
//! `tests/`, with real footage and ffmpeg.)

use crate::support::*;
use actix_web::test::TestRequest;
use server::clock::Clock;
use server::preview::{Cache, Kind, Previews};
use std::sync::Arc;
use std::time::Duration;

const IP: &str = "192.0.2.44";

/// The fixture's state with previews over `library` (an empty folder:
/// the fixture index's videos are not on disk).
fn with_previews(
    f: &Fixture,
    library: &std::path::Path,
    slots: usize,
) -> actix_web::web::Data<server::AppState> {
    let cache = Cache::open(&library.join(".cache"), 1 << 20).unwrap();
    f.state_with(|s| {
        let mut previews = Previews::new(
            library.to_path_buf(),
            cache,
            Duration::from_secs(60),
            "ffmpeg".into(),
            SECRET.as_bytes(),
        );
        previews
            .slots
            .forget_permits(previews.slots.available_permits() - slots);
        previews.queue_wait = Duration::from_millis(50);
        s.previews = Some(Arc::new(previews));
    })
}

#[actix_web::test]
async fn answers_link_previews_only_with_a_library() {
    let f = Fixture::new();
    let plain = app(f.state()).await;
    let (_, body, _) = call(&plain, upload(&jpeg(1)), IP).await;
    assert_eq!(
        (&body["result"][0]["image"], &body["result"][0]["video"]),
        (&serde_json::Value::Null, &serde_json::Value::Null)
    );
    let (status, body, _) = call(
        &plain,
        TestRequest::get().uri("/api/preview/image?v=0&t=0&exp=0&sig=00"),
        IP,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (
            404,
            error(
                "PREVIEWS_OFF",
                "previews are off: the server runs without --library"
            )
        )
    );

    let library = tempfile::tempdir().unwrap();
    let app = app(with_previews(&f, library.path(), 1)).await;
    let req = upload(&jpeg(1)).insert_header(("host", "search.example"));
    let (_, body, _) = call(&app, req, IP).await;
    let image = body["result"][0]["image"].as_str().unwrap();
    assert!(
        image.starts_with("http://search.example/api/preview/image?v="),
        "{image}"
    );
}

#[actix_web::test]
async fn a_gone_or_unreadable_video_is_a_404_in_words() {
    let f = Fixture::new();
    let library = tempfile::tempdir().unwrap();
    let state = with_previews(&f, library.path(), 1);
    let previews = state.previews.clone().unwrap();
    let app = app(state).await;
    let now_s = (f.clock.now_ms() / 1000) as u64;
    let gone = previews.path_for(Kind::Image, "Alpha/Removed - 09.mkv", 0, now_s);
    let (status, body, _) = call(&app, TestRequest::get().uri(&gone), IP).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            404,
            error(
                "VIDEO_NOT_FOUND",
                "no video with this id in the index (it was removed since the search)"
            )
        )
    );
    let missing = previews.path_for(Kind::Video, "Alpha/Alpha - 01.mkv", 10_000, now_s);
    let (status, body, _) = call(&app, TestRequest::get().uri(&missing), IP).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            404,
            error(
                "VIDEO_NOT_FOUND",
                "the video of this preview cannot be read from the library"
            )
        )
    );
}

#[actix_web::test]
async fn no_free_cutting_slot_is_a_503_with_retry_after() {
    let f = Fixture::new();
    let library = tempfile::tempdir().unwrap();
    let state = with_previews(&f, library.path(), 0);
    let previews = state.previews.clone().unwrap();
    let app = app(state).await;
    let now_s = (f.clock.now_ms() / 1000) as u64;
    let url = previews.path_for(Kind::Image, "Alpha/Alpha - 01.mkv", 0, now_s);
    let (status, body, headers) = call(&app, TestRequest::get().uri(&url), IP).await;
    assert_eq!(
        (status.as_u16(), body["code"].as_str()),
        (503, Some("PREVIEW_BUSY"))
    );
    assert_eq!(headers.get("retry-after").unwrap(), "2");
}
