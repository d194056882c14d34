//! `/api/apikeys`: a key is shown once, listed without its secret, used
//! as `Authorization: Bearer` or `x-api-key`, revoked and then refused;
//! key management takes a session only.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

const AT: &str = "2026-03-10T12:00:00.000Z";

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.clock.set(T0);
    f
}

fn create(cookie: &str, title: &str) -> TestRequest {
    with_session(post_json("/api/apikeys", json!({"title": title})), cookie)
}

fn list(cookie: &str, query: &str) -> TestRequest {
    TestRequest::get()
        .uri(&format!("/api/apikeys{query}"))
        .insert_header(("cookie", cookie.to_string()))
}

#[actix_web::test]
async fn a_key_is_created_used_listed_revoked_and_refused() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.40").await;
    let (status, mut created, _) = call(&app, create(&cookie, "my-key"), "192.0.2.40").await;
    assert_eq!(status, 201, "{created}");
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("ak_") && key.len() == 67, "{key}");
    assert!(key[3..].bytes().all(|b| b.is_ascii_alphabetic()));
    let id = mask(&mut created, "id");
    created["key"] = json!("*");
    assert_eq!(
        created,
        json!({"id": "*", "title": "my-key", "key": "*", "start": &key[..6], "createdAt": AT})
    );

    f.clock.advance_ms(60_000);
    let bearer = upload(&jpeg(1)).insert_header(("authorization", format!("Bearer {key}")));
    let (status, body, _) = call(&app, bearer, "192.0.2.40").await;
    assert_eq!(status, 200, "{body}");
    let header = upload(&jpeg(2)).insert_header(("x-api-key", key.clone()));
    let (status, _, _) = call(&app, header, "192.0.2.40").await;
    assert_eq!(status, 200);

    let (status, listed, _) = call(&app, list(&cookie, ""), "192.0.2.40").await;
    assert_eq!(status, 200);
    assert!(
        !listed.to_string().contains(&key[6..]),
        "no plaintext in lists"
    );
    assert_eq!(
        listed,
        json!({"items": [{"id": id, "title": "my-key", "start": &key[..6], "createdAt": AT,
                          "lastUsedAt": "2026-03-10T12:01:00.000Z"}],
               "page": 1, "pageSize": 20, "total": 1})
    );

    let revoke = with_session(
        TestRequest::delete().uri(&format!("/api/apikeys/{id}")),
        &cookie,
    );
    let (status, body, _) = call(&app, revoke, "192.0.2.40").await;
    assert_eq!((status.as_u16(), body), (200, json!({"success": true})));
    let refused = error("INVALID_API_KEY", "Invalid API key.");
    for req in [
        upload(&jpeg(1)).insert_header(("authorization", format!("Bearer {key}"))),
        upload(&jpeg(1)).insert_header(("x-api-key", key.clone())),
    ] {
        let (status, body, _) = call(&app, req, "192.0.2.40").await;
        assert_eq!((status.as_u16(), &body), (401, &refused));
    }
    let again = with_session(
        TestRequest::delete().uri(&format!("/api/apikeys/{id}")),
        &cookie,
    );
    let (status, body, _) = call(&app, again, "192.0.2.40").await;
    assert_eq!(
        (status.as_u16(), body),
        (404, error("API_KEY_NOT_FOUND", "API key not found"))
    );
    let (_, listed, _) = call(&app, list(&cookie, ""), "192.0.2.40").await;
    assert_eq!(
        listed,
        json!({"items": [], "page": 1, "pageSize": 20, "total": 0})
    );
}

#[actix_web::test]
async fn an_unknown_key_is_refused_not_treated_as_a_guest() {
    let f = fixture();
    let app = app(f.state()).await;
    for key in ["ak_doesnotexist", "not-even-a-key"] {
        let req = upload(&jpeg(1)).insert_header(("x-api-key", key));
        let (status, body, _) = call(&app, req, "192.0.2.41").await;
        assert_eq!(
            (status.as_u16(), body),
            (401, error("INVALID_API_KEY", "Invalid API key."))
        );
    }
}

#[actix_web::test]
async fn key_routes_take_a_session_and_nothing_else() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.42").await;
    let (_, created, _) = call(&app, create(&cookie, "k"), "192.0.2.42").await;
    let key = created["key"].as_str().unwrap().to_string();
    let session_required = error(
        "SESSION_REQUIRED",
        "this endpoint needs a session cookie; API keys are not accepted here",
    );
    let unauthorized = error(
        "UNAUTHORIZED",
        "sign in first: this endpoint needs a session cookie",
    );
    let id = created["id"].as_str().unwrap();
    let requests = || {
        [
            post_json("/api/apikeys", json!({"title": "minted by a key"})),
            TestRequest::get().uri("/api/apikeys"),
            TestRequest::delete().uri(&format!("/api/apikeys/{id}")),
            TestRequest::get().uri("/api/user/anime-credits"),
        ]
    };
    for req in requests() {
        let req = req.insert_header(("x-api-key", key.clone()));
        let (status, body, _) = call(&app, req, "192.0.2.42").await;
        assert_eq!((status.as_u16(), &body), (403, &session_required));
    }
    for req in requests() {
        let (status, body, _) = call(&app, req, "192.0.2.42").await;
        assert_eq!((status.as_u16(), &body), (401, &unauthorized));
    }
}

#[actix_web::test]
async fn lists_are_paged_newest_first_and_keys_are_per_user() {
    let f = fixture();
    let app = app(f.state()).await;
    let (ann, _) = sign_up(&app, "ann@example.com", "192.0.2.43").await;
    let (bob, _) = sign_up(&app, "bob@example.com", "192.0.2.44").await;
    let mut ids = vec![];
    for title in ["one", "two", "three"] {
        f.clock.advance_ms(1_000);
        let (_, created, _) = call(&app, create(&ann, title), "192.0.2.43").await;
        ids.push(created["id"].as_str().unwrap().to_string());
    }
    let (status, page, _) = call(&app, list(&ann, "?page=2&pageSize=2"), "192.0.2.43").await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            page["page"].clone(),
            page["pageSize"].clone(),
            page["total"].clone()
        ),
        (json!(2), json!(2), json!(3))
    );
    let titles: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["title"])
        .collect();
    assert_eq!(titles, [&json!("one")]);
    let (_, page, _) = call(&app, list(&bob, ""), "192.0.2.44").await;
    assert_eq!(page["total"], 0, "bob sees none of ann's keys");
    let steal = with_session(
        TestRequest::delete().uri(&format!("/api/apikeys/{}", ids[0])),
        &bob,
    );
    let (status, body, _) = call(&app, steal, "192.0.2.44").await;
    assert_eq!(
        (status.as_u16(), body),
        (404, error("API_KEY_NOT_FOUND", "API key not found"))
    );

    let bad = [
        (
            "?pageSize=0",
            "Invalid query parameters: pageSize must be between 1 and 100",
        ),
        (
            "?pageSize=101",
            "Invalid query parameters: pageSize must be between 1 and 100",
        ),
        (
            "?page=0",
            "Invalid query parameters: page must be at least 1",
        ),
        (
            "?page=abc",
            "Invalid query parameters: page must be a positive integer, not \"abc\"",
        ),
    ];
    for (query, message) in bad {
        let (status, body, _) = call(&app, list(&ann, query), "192.0.2.43").await;
        assert_eq!(
            (status.as_u16(), body),
            (400, error("VALIDATION_ERROR", message)),
            "{query}"
        );
    }
    for (body, message) in [
        (
            json!({"title": " "}),
            "Invalid body parameters: title must be 1 to 100 characters",
        ),
        (
            json!({"title": "t".repeat(101)}),
            "Invalid body parameters: title must be 1 to 100 characters",
        ),
        (json!({}), "Invalid body parameters: title is required"),
    ] {
        let req = with_session(post_json("/api/apikeys", body), &ann);
        let (status, body, _) = call(&app, req, "192.0.2.43").await;
        assert_eq!(
            (status.as_u16(), body),
            (400, error("VALIDATION_ERROR", message))
        );
    }
}
