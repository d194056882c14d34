//! Recent searches: confirmed public ones only, newest first, paged.

use super::*;

#[actix_web::test]
async fn recent_searches_show_confirmed_public_ones_only() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let public_old = search_id(&app, 1).await;
    let private = search_id(&app, 2).await;
    let _unconfirmed = search_id(&app, 3).await;
    let public_new = search_id(&app, 5).await;
    let mut confirmed_at = Vec::new();
    for (id, public) in [(&public_old, true), (&private, false), (&public_new, true)] {
        let (status, body, _) = call(
            &app,
            confirm(id, json!({"resultIndex": 0, "public": public})),
            ME,
        )
        .await;
        assert_eq!(status, 200);
        confirmed_at.push(body["confirmedAt"].clone());
        f.clock.advance_ms(5);
    }
    let item = |id: &str, seed: u32, at: &Value| {
        let h = hit(seed, 1);
        json!({"searchId": id, "anime": h["anime"], "episode": h["episode"], "at": h["at"],
               "similarity": h["similarity"], "confirmedAt": at})
    };
    let req = TestRequest::get().uri("/api/anime/recent-searches");
    let (status, body, _) = call(&app, req, "192.0.2.200").await;
    let expected = json!({"items": [item(&public_new, 5, &confirmed_at[2]), item(&public_old, 1, &confirmed_at[0])],
                          "limit": 20, "offset": 0});
    assert_eq!((status.as_u16(), body), (200, expected));
    let req = TestRequest::get().uri("/api/anime/recent-searches?limit=1&offset=1");
    let (status, body, _) = call(&app, req, "192.0.2.200").await;
    let expected =
        json!({"items": [item(&public_old, 1, &confirmed_at[0])], "limit": 1, "offset": 1});
    assert_eq!((status.as_u16(), body), (200, expected));
}

#[actix_web::test]
async fn recent_searches_refuse_bad_paging() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let cases = [
        (
            "limit=0",
            error(
                "INVALID_LIMIT",
                "limit must be an integer from 1 to 100, not \"0\"",
            ),
        ),
        (
            "limit=101",
            error(
                "INVALID_LIMIT",
                "limit must be an integer from 1 to 100, not \"101\"",
            ),
        ),
        (
            "offset=-1",
            error(
                "INVALID_OFFSET",
                "offset must be an integer from 0 to 1000000000, not \"-1\"",
            ),
        ),
    ];
    for (query, expected) in cases {
        let req = TestRequest::get().uri(&format!("/api/anime/recent-searches?{query}"));
        let (status, body, _) = call(&app, req, ME).await;
        assert_eq!((status.as_u16(), body), (400, expected), "{query}");
    }
}
