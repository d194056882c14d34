//! Confirming searches, and the public lists they feed: recent confirmed
//! public searches and the rankings by period.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::{Value, json};
use server::store::quota::QuotaPolicy;
use server::store::searches::{NewSearch, record};
use shared::{AnimeRef, SearchHit};

const ME: &str = "192.0.2.10";

async fn search_id<S, B>(app: &S, seed: u32) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, body, _) = call(app, upload(&jpeg(seed)), ME).await;
    assert_eq!(status, 200, "{body}");
    body["searchId"].as_str().unwrap().to_string()
}

fn confirm(id: &str, body: Value) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/anime/searches/{id}/confirm"))
        .set_json(body)
}

#[actix_web::test]
async fn confirms_a_search_by_its_caller() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let id = search_id(&app, 2).await;
    let (status, body, _) = call(
        &app,
        confirm(&id, json!({"resultIndex": 0, "public": true})),
        ME,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let at = body["confirmedAt"].as_str().unwrap().to_string();
    assert!(at.ends_with('Z') && at.len() == 24, "{at}");
    let expected = json!({"searchId": id, "resultIndex": 0, "public": true, "confirmedAt": at});
    assert_eq!(body, expected);
}

#[actix_web::test]
async fn refuses_bad_confirmations() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let id = search_id(&app, 2).await;
    let ok = json!({"resultIndex": 0, "public": true});
    let (status, body, _) = call(&app, confirm(&id, ok.clone()), "192.0.2.99").await;
    let expected = error(
        "NOT_YOUR_SEARCH",
        "only the caller who made a search can confirm it",
    );
    assert_eq!((status.as_u16(), body), (403, expected));
    let (status, body, _) = call(&app, confirm("0123456789abcdef0123456789abcdef", ok), ME).await;
    assert_eq!(
        (status.as_u16(), body),
        (404, error("SEARCH_NOT_FOUND", "no search with this id"))
    );
    let (status, body, _) = call(&app, confirm(&id, json!({"resultIndex": 1})), ME).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            error("INVALID_RESULT_INDEX", "resultIndex must be from 0 to 0")
        )
    );
    let (status, body, _) = call(&app, confirm(&id, json!({"resultIndex": -1})), ME).await;
    let expected = error(
        "INVALID_RESULT_INDEX",
        "resultIndex must be a non-negative integer",
    );
    assert_eq!((status.as_u16(), body), (400, expected));
    let (status, body, _) = call(&app, confirm(&id, json!({"public": true})), ME).await;
    let expected = error(
        "INVALID_BODY",
        "bad JSON body: Json deserialize error: missing field `resultIndex` at line 1 column 15",
    );
    assert_eq!((status.as_u16(), body), (400, expected));
    let text = TestRequest::post()
        .uri(&format!("/api/anime/searches/{id}/confirm"))
        .set_payload("{");
    let (status, body, _) = call(&app, text, ME).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            error("INVALID_BODY", "bad JSON body: Content type error")
        )
    );
}

#[actix_web::test]
async fn refuses_to_confirm_a_search_without_results() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let (status, body, _) = call(&app, upload(&jpeg(NOT_INDEXED)), ME).await;
    assert_eq!((status.as_u16(), body["result"].clone()), (200, json!([])));
    let id = body["searchId"].as_str().unwrap();
    let (status, body, _) = call(&app, confirm(id, json!({"resultIndex": 0})), ME).await;
    let expected = error(
        "INVALID_RESULT_INDEX",
        "the search has no results to confirm",
    );
    assert_eq!((status.as_u16(), body), (400, expected));
}

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

fn logged(anime: (u32, &str, bool), similarity: f64, days_ago: f64) -> NewSearch {
    let now = server::clock::Clock::now_ms(&server::clock::SystemClock);
    let hit = SearchHit {
        anime: AnimeRef {
            id: anime.0,
            title: anime.1.into(),
            anilist_id: Some(anime.0 * 10),
            is_adult: anime.2,
        },
        anilist: Some(anime.0 * 10),
        filename: "x.mkv".into(),
        episode: Some(1),
        from: 1.0,
        to: 2.0,
        at: 1.5,
        duration: 100.0,
        similarity,
    };
    NewSearch {
        id: server::ids::search_id(),
        created_at: now - (days_ago * 86_400_000.0) as i64,
        frame_count: 6,
        results: vec![hit],
    }
}

/// Ten (7 found over the years), Twenty (adult, 4 today), Thirty (1 found
/// today, 2 guesses below 0.9).
fn seed_log(f: &Fixture) {
    let store = server::store::Store::open(&f.config.database, 1).unwrap();
    let ten = (10, "Ten", false);
    let mut log = vec![];
    for days in [0.0, 0.1, 0.5, 3.0, 20.0, 200.0, 700.0] {
        log.push(logged(ten, 0.95, days));
    }
    for _ in 0..4 {
        log.push(logged((20, "Twenty", true), 0.99, 0.2));
    }
    log.push(logged((30, "Thirty", false), 0.92, 0.0));
    log.push(logged((30, "Thirty", false), 0.5, 0.0));
    log.push(logged((30, "Thirty", false), 0.89, 0.0));
    let caller = server::Caller::Guest {
        ip_hash: server::caller::IpHasher::new(b"k").hash([192, 0, 2, 1].into()),
    };
    let policy = QuotaPolicy {
        guest_daily_limit: None,
    };
    for s in &log {
        record(
            &mut store.get(),
            s,
            &caller,
            &policy,
            &server::clock::SystemClock,
        )
        .unwrap();
    }
}

fn ranked(rank: u32, id: u32, title: &str, adult: bool, searches: u64) -> Value {
    json!({"rank": rank, "anime": {"id": id, "title": title, "anilistId": id * 10, "isAdult": adult},
           "searches": searches})
}

#[actix_web::test]
async fn ranks_anime_by_period_with_and_without_adult() {
    let f = Fixture::new();
    seed_log(&f);
    let app = app(f.state()).await;
    let cases = [
        (
            "",
            "all",
            vec![
                ranked(1, 10, "Ten", false, 7),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=daily",
            "daily",
            vec![
                ranked(1, 10, "Ten", false, 3),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=weekly",
            "weekly",
            vec![
                ranked(1, 10, "Ten", false, 4),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=monthly&limit=1",
            "monthly",
            vec![ranked(1, 10, "Ten", false, 5)],
        ),
        (
            "period=yearly&includeAdult=false",
            "yearly",
            vec![
                ranked(1, 10, "Ten", false, 6),
                ranked(2, 30, "Thirty", false, 1),
            ],
        ),
        (
            "period=daily&includeAdult=true",
            "daily",
            vec![
                ranked(1, 20, "Twenty", true, 4),
                ranked(2, 10, "Ten", false, 3),
                ranked(3, 30, "Thirty", false, 1),
            ],
        ),
    ];
    for (query, period, items) in cases {
        let req = TestRequest::get().uri(&format!("/api/anime/rankings?{query}"));
        let (status, body, _) = call(&app, req, ME).await;
        assert_eq!(
            (status.as_u16(), body),
            (200, json!({"period": period, "items": items})),
            "{query}"
        );
    }
}

#[actix_web::test]
async fn rankings_refuse_bad_parameters() {
    let f = Fixture::new();
    let app = app(f.state()).await;
    let cases = [
        (
            "period=hourly",
            error(
                "INVALID_PERIOD",
                "period must be one of daily, weekly, monthly, yearly, all, not \"hourly\"",
            ),
        ),
        (
            "limit=0",
            error(
                "INVALID_LIMIT",
                "limit must be an integer from 1 to 100, not \"0\"",
            ),
        ),
        (
            "limit=ten",
            error(
                "INVALID_LIMIT",
                "limit must be an integer from 1 to 100, not \"ten\"",
            ),
        ),
        (
            "includeAdult=yes",
            error(
                "INVALID_PARAMETER",
                "includeAdult must be true or false, not \"yes\"",
            ),
        ),
    ];
    for (query, expected) in cases {
        let req = TestRequest::get().uri(&format!("/api/anime/rankings?{query}"));
        let (status, body, _) = call(&app, req, ME).await;
        assert_eq!((status.as_u16(), body), (400, expected), "{query}");
    }
}
