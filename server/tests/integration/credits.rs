//! Signed-in users' searches: 10 free credits per UTC day, then purchased
//! credits, at most 100 per rolling hour; only a 200 is charged, and the
//! charge is one transaction with the search log.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;
/// 2026-03-10T23:59:00.000Z.
const EVE: i64 = T0 + 12 * HOUR - 60_000;

fn credits(cookie: &str) -> TestRequest {
    TestRequest::get()
        .uri("/api/user/anime-credits")
        .insert_header(("cookie", cookie.to_string()))
}

fn search_as(cookie: &str) -> TestRequest {
    with_session(upload(&jpeg(1)), cookie)
}

fn insufficient() -> Value {
    error(
        "INSUFFICIENT_CREDITS",
        "No free or purchased credits left. Free credits return at midnight UTC.",
    )
}

/// Signs up "ann" and spends her 10 free credits.
async fn spent_free_credits<S, B>(app: &S, f: &Fixture) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (cookie, _) = sign_up(app, "ann@example.com", "192.0.2.60").await;
    for i in 0..10 {
        let (status, body, _) = call(app, search_as(&cookie), "192.0.2.60").await;
        assert_eq!(status, 200, "search {i}: {body}");
    }
    let _ = f;
    cookie
}

#[actix_web::test]
async fn a_new_user_has_ten_free_credits() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.61").await;
    let (status, body, _) = call(&app, credits(&cookie), "192.0.2.61").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"freeDaily": {"limit": 10, "used": 0, "remaining": 10,
                             "resetsAt": "2026-03-11T00:00:00.000Z"},
               "credits": 0,
               "hourly": {"limit": 100, "used": 0, "resetsAt": "2026-03-10T12:00:00.000Z"}})
    );
}

#[actix_web::test]
async fn the_eleventh_search_spends_a_purchased_credit_or_is_402() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let cookie = spent_free_credits(&app, &f).await;
    let (status, body, headers) = call(&app, search_as(&cookie), "192.0.2.60").await;
    assert_eq!((status.as_u16(), body), (402, insufficient()));
    assert_eq!(
        headers.get("retry-after").unwrap(),
        "43200",
        "to midnight UTC"
    );

    assert_eq!(grant(&f, "ann@example.com", 2), 2);
    f.clock.advance_ms(1_000);
    let (status, _, _) = call(&app, search_as(&cookie), "192.0.2.60").await;
    assert_eq!(status, 200);
    let (_, body, _) = call(&app, credits(&cookie), "192.0.2.60").await;
    assert_eq!(
        body,
        json!({"freeDaily": {"limit": 10, "used": 10, "remaining": 0,
                             "resetsAt": "2026-03-11T00:00:00.000Z"},
               "credits": 1,
               "hourly": {"limit": 100, "used": 11, "resetsAt": "2026-03-10T13:00:00.000Z"}})
    );
}

#[actix_web::test]
async fn free_credits_come_back_after_midnight_utc() {
    let f = Fixture::new();
    f.clock.set(EVE);
    let app = app(f.state()).await;
    let cookie = spent_free_credits(&app, &f).await;
    let (status, _, headers) = call(&app, search_as(&cookie), "192.0.2.60").await;
    assert_eq!(status, 402);
    assert_eq!(headers.get("retry-after").unwrap(), "60");
    f.clock.advance_ms(60_000);
    let (status, _, _) = call(&app, search_as(&cookie), "192.0.2.60").await;
    assert_eq!(status, 200, "a new UTC day");
    let (_, body, _) = call(&app, credits(&cookie), "192.0.2.60").await;
    assert_eq!(
        body["freeDaily"],
        json!({"limit": 10, "used": 1, "remaining": 9,
                                         "resetsAt": "2026-03-12T00:00:00.000Z"})
    );
    assert_eq!(body["credits"], 0);
}

#[actix_web::test]
async fn at_most_one_hundred_searches_per_rolling_hour() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.62").await;
    grant(&f, "ann@example.com", 200);
    for i in 0..100 {
        let (status, body, _) = call(&app, search_as(&cookie), "192.0.2.62").await;
        assert_eq!(status, 200, "search {i}: {body}");
        f.clock.advance_ms(30_000);
    }
    // 50 minutes later: the first search leaves the hour in 10 minutes.
    let (status, body, headers) = call(&app, search_as(&cookie), "192.0.2.62").await;
    assert_eq!(
        (status.as_u16(), body),
        (429, error("RATE_LIMITED", "Rate limit exceeded."))
    );
    assert_eq!(headers.get("retry-after").unwrap(), "600");
    let (_, body, _) = call(&app, credits(&cookie), "192.0.2.62").await;
    assert_eq!(
        body["hourly"],
        json!({"limit": 100, "used": 100, "resetsAt": "2026-03-10T13:00:00.000Z"})
    );
    assert_eq!(body["credits"], 110, "the refused search cost nothing");
    f.clock.advance_ms(600_000);
    let (status, _, _) = call(&app, search_as(&cookie), "192.0.2.62").await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn fifty_concurrent_searches_spend_exactly_the_ten_credits_left() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let cookie = spent_free_credits(&app, &f).await;
    grant(&f, "ann@example.com", 10);
    let calls = (0..50).map(|_| call(&app, search_as(&cookie), "192.0.2.60"));
    let results = futures_util::future::join_all(calls).await;
    let ok = results.iter().filter(|r| r.0 == 200).count();
    let refused = results
        .iter()
        .filter(|r| r.0 == 402 && r.1 == insufficient())
        .count();
    assert_eq!((ok, refused), (10, 40));
    let (_, body, _) = call(&app, credits(&cookie), "192.0.2.60").await;
    assert_eq!(body["credits"], 0);
    let balance = f.count("SELECT credits FROM credit_balances");
    let logged = f.count("SELECT COUNT(*) FROM searches WHERE caller_kind = 'user'");
    assert_eq!((balance, logged), (0, 20));
}

#[actix_web::test]
async fn a_failed_search_costs_nothing() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.63").await;
    let bad = with_session(upload(b"not an image"), &cookie);
    let (status, body, _) = call(&app, bad, "192.0.2.63").await;
    assert_eq!(
        (status.as_u16(), body["code"].clone()),
        (400, json!("INVALID_IMAGE"))
    );
    let missing = with_session(TestRequest::post().uri("/api/anime/search"), &cookie);
    let (status, _, _) = call(&app, missing, "192.0.2.63").await;
    assert_eq!(status, 400);
    let (_, body, _) = call(&app, credits(&cookie), "192.0.2.63").await;
    assert_eq!(body["freeDaily"]["used"], 0);
    assert_eq!(body["hourly"]["used"], 0);
}

#[actix_web::test]
async fn a_key_spends_its_owners_credits_and_users_skip_the_guest_quota() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.64").await;
    let req = with_session(post_json("/api/apikeys", json!({"title": "bot"})), &cookie);
    let (_, created, _) = call(&app, req, "192.0.2.64").await;
    let key = created["key"].as_str().unwrap().to_string();
    for _ in 0..7 {
        let req = upload(&jpeg(1)).insert_header(("x-api-key", key.clone()));
        let (status, _, _) = call(&app, req, "192.0.2.64").await;
        assert_eq!(status, 200, "more than a guest's 5");
    }
    let (_, body, _) = call(&app, credits(&cookie), "192.0.2.64").await;
    assert_eq!(body["freeDaily"]["used"], 7);
    for _ in 0..5 {
        let (status, _, _) = call(&app, upload(&jpeg(1)), "192.0.2.64").await;
        assert_eq!(status, 200, "the IP's guest quota is untouched");
    }
}

#[actix_web::test]
async fn a_user_confirms_their_own_search_by_session_or_key() {
    let f = Fixture::new();
    f.clock.set(T0);
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.65").await;
    let (_, found, _) = call(&app, search_as(&cookie), "192.0.2.65").await;
    let id = found["searchId"].as_str().unwrap();
    let confirm = |req: TestRequest| {
        req.uri(&format!("/api/anime/searches/{id}/confirm"))
            .set_json(json!({"resultIndex": 0}))
    };
    let (status, body, _) = call(&app, confirm(TestRequest::post()), "192.0.2.65").await;
    assert_eq!(
        (status.as_u16(), body["code"].clone()),
        (403, json!("NOT_YOUR_SEARCH")),
        "a guest on the same IP"
    );
    let (status, body, _) = call(
        &app,
        with_session(confirm(TestRequest::post()), &cookie),
        "192.0.2.99",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["confirmedAt"], "2026-03-10T12:00:00.000Z");
}
