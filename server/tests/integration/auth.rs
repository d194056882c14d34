//! `/api/auth/*`: better-auth's sign-up, sign-in, sign-out and get-session,
//! their errors, the signed cookie, session expiry and sliding, the Origin
//! check and the sign-in limiter.

use crate::support::*;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

const DAY: i64 = 86_400_000;
const AT: &str = "2026-03-10T12:00:00.000Z";

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.clock.set(T0);
    f
}

fn get_session(cookie: &str) -> TestRequest {
    TestRequest::get()
        .uri("/api/auth/get-session")
        .insert_header(("cookie", cookie.to_string()))
}

fn sign_in_body(email: &str, password: &str) -> Value {
    json!({"email": email, "password": password})
}

#[actix_web::test]
async fn sign_up_answers_token_user_and_a_signed_cookie() {
    let f = fixture();
    let app = app(f.state()).await;
    let body = json!({"name": "Ann", "email": "Ann@Example.com", "password": PASSWORD});
    let req = post_json("/api/auth/sign-up/email", body).insert_header(("user-agent", "curl/8"));
    let (status, mut body, headers) = call(&app, req, "192.0.2.10").await;
    assert_eq!(status, 200, "{body}");
    let token = mask(&mut body, "token");
    mask(&mut body["user"], "id");
    assert_eq!(
        body,
        json!({"token": "*", "user": ann("ann@example.com", AT)})
    );
    assert_eq!(set_cookie(&headers).unwrap(), expected_cookie(&token));
    let signed = accounts::sign_cookie(SECRET.as_bytes(), &token);
    assert_eq!(signed.len(), 32 + 1 + 44);

    let cookie = cookie_pair(&expected_cookie(&token));
    let (status, mut body, headers) = call(&app, get_session(&cookie), "192.0.2.10").await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    assert_eq!(set_cookie(&headers), None, "no refresh on a fresh session");
    let user_id = mask(&mut body["user"], "id");
    mask(&mut body["session"], "id");
    assert_eq!(
        body,
        json!({
            "session": {"id": "*", "token": token, "userId": user_id,
                "expiresAt": "2026-03-17T12:00:00.000Z", "createdAt": AT, "updatedAt": AT,
                "ipAddress": null, "userAgent": "curl/8"},
            "user": ann("ann@example.com", AT),
        })
    );
}

#[actix_web::test]
async fn sign_up_accepts_a_form_and_refuses_bad_input() {
    let f = fixture();
    let app = app(f.state()).await;
    let form = TestRequest::post()
        .uri("/api/auth/sign-up/email")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload("name=Ann&email=form%40example.com&password=12345678&rememberMe=false");
    let (status, body, headers) = call(&app, form, "192.0.2.11").await;
    assert_eq!(status, 200, "{body}");
    assert!(!set_cookie(&headers).unwrap().contains("Max-Age"));

    let cases = [
        (
            json!({"name": "A", "email": "a@x.io", "password": "1234567"}),
            400,
            error("PASSWORD_TOO_SHORT", "Password too short"),
        ),
        (
            json!({"name": "A", "email": "a@x.io", "password": "p".repeat(129)}),
            400,
            error("PASSWORD_TOO_LONG", "Password too long"),
        ),
        (
            json!({"name": "A", "email": "not-an-email", "password": PASSWORD}),
            400,
            error("INVALID_EMAIL", "Invalid email"),
        ),
        (
            json!({"email": "a@x.io", "password": PASSWORD}),
            400,
            error(
                "VALIDATION_ERROR",
                "Invalid body parameters: name is required",
            ),
        ),
        (
            json!({"name": "A", "email": 5, "password": PASSWORD}),
            400,
            error(
                "VALIDATION_ERROR",
                "Invalid body parameters: email must be a string",
            ),
        ),
        (
            json!({"name": "A", "email": "a@x.io", "password": PASSWORD, "rememberMe": "yes"}),
            400,
            error(
                "VALIDATION_ERROR",
                "Invalid body parameters: rememberMe must be a boolean",
            ),
        ),
        (
            json!({"name": "A", "email": "FORM@example.com", "password": PASSWORD}),
            422,
            error(
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                "User already exists. Use another email.",
            ),
        ),
    ];
    for (i, (body, status, expected)) in cases.into_iter().enumerate() {
        // A fresh IP per attempt keeps the limiter out of the way.
        let ip = format!("198.51.100.{i}");
        let (s, b, _) = call(&app, post_json("/api/auth/sign-up/email", body), &ip).await;
        assert_eq!((s.as_u16(), b), (status, expected), "case {i}");
    }
    for password in ["8chars!!".to_string(), "p".repeat(128)] {
        let email = format!("len{}@example.com", password.len());
        let body = json!({"name": "A", "email": email, "password": password});
        let (s, b, _) = call(
            &app,
            post_json("/api/auth/sign-up/email", body),
            "198.51.100.50",
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
    let raw = TestRequest::post()
        .uri("/api/auth/sign-up/email")
        .insert_header(("content-type", "application/json"))
        .set_payload("{not json");
    let (s, b, _) = call(&app, raw, "198.51.100.60").await;
    assert_eq!(s, 400);
    assert_eq!(b["code"], "INVALID_BODY");
}

#[actix_web::test]
async fn sign_up_twice_with_one_email_is_422() {
    let f = fixture();
    let app = app(f.state()).await;
    sign_up(&app, "ann@example.com", "192.0.2.12").await;
    let body = json!({"name": "Other", "email": "ann@example.com", "password": "another password"});
    let (status, body, headers) = call(
        &app,
        post_json("/api/auth/sign-up/email", body),
        "192.0.2.12",
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (
            422,
            error(
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                "User already exists. Use another email."
            )
        )
    );
    assert_eq!(set_cookie(&headers), None);
}

#[actix_web::test]
async fn sign_in_answers_redirect_token_user_and_refuses_alike() {
    let f = fixture();
    let app = app(f.state()).await;
    sign_up(&app, "ann@example.com", "192.0.2.13").await;
    f.clock.advance_ms(60_000);
    let req = post_json(
        "/api/auth/sign-in/email",
        sign_in_body("ANN@example.com", PASSWORD),
    );
    let (status, mut body, headers) = call(&app, req, "192.0.2.13").await;
    assert_eq!(status, 200, "{body}");
    let token = mask(&mut body, "token");
    mask(&mut body["user"], "id");
    assert_eq!(
        body,
        json!({"redirect": false, "token": "*", "user": ann("ann@example.com", AT)})
    );
    assert_eq!(set_cookie(&headers).unwrap(), expected_cookie(&token));

    let refused = error("INVALID_EMAIL_OR_PASSWORD", "Invalid email or password");
    for (email, password) in [
        ("ann@example.com", "wrong password"),
        ("bob@example.com", PASSWORD),
    ] {
        let req = post_json("/api/auth/sign-in/email", sign_in_body(email, password));
        let (status, body, headers) = call(&app, req, "192.0.2.14").await;
        assert_eq!((status.as_u16(), &body), (401, &refused), "{email}");
        assert_eq!(set_cookie(&headers), None);
    }
    let req = post_json(
        "/api/auth/sign-in/email",
        json!({"email": "ann@example.com"}),
    );
    let (status, body, _) = call(&app, req, "192.0.2.15").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            error(
                "VALIDATION_ERROR",
                "Invalid body parameters: password is required"
            )
        )
    );
}

/// With production-like PBKDF2 costs, an unknown email takes about as long
/// as a wrong password (both hash once). Without the dummy hash the unknown
/// email would answer a hundred times faster, so wide bounds still tell;
/// the best of several interleaved tries keeps parallel tests' noise out.
#[actix_web::test]
async fn unknown_email_costs_about_as_much_as_a_wrong_password() {
    let mut f = fixture();
    f.config.pbkdf2_iterations = 60_000;
    let app = app(f.state()).await;
    sign_up(&app, "ann@example.com", "192.0.2.16").await;
    let mut best = [std::time::Duration::MAX; 2];
    for _ in 0..5 {
        for (i, email) in ["ann@example.com", "nobody@example.com"]
            .into_iter()
            .enumerate()
        {
            f.clock.advance_ms(10_001);
            let req = post_json(
                "/api/auth/sign-in/email",
                sign_in_body(email, "wrong password"),
            );
            let start = std::time::Instant::now();
            let (status, _, _) = call(&app, req, "192.0.2.16").await;
            best[i] = best[i].min(start.elapsed());
            assert_eq!(status, 401);
        }
    }
    let [wrong, unknown] = best;
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    assert!(
        (0.33..3.0).contains(&ratio),
        "unknown {unknown:?} vs wrong {wrong:?}"
    );
}

#[actix_web::test]
async fn remember_me_false_gives_a_browser_session_cookie_of_one_day() {
    let f = fixture();
    let app = app(f.state()).await;
    sign_up(&app, "ann@example.com", "192.0.2.17").await;
    let mut body = sign_in_body("ann@example.com", PASSWORD);
    body["rememberMe"] = json!(false);
    let (status, mut body, headers) = call(
        &app,
        post_json("/api/auth/sign-in/email", body),
        "192.0.2.17",
    )
    .await;
    assert_eq!(status, 200);
    let token = mask(&mut body, "token");
    let value = accounts::encoded_cookie_value(SECRET.as_bytes(), &token);
    let expected = format!("better-auth.session_token={value}; Path=/; HttpOnly; SameSite=Lax");
    assert_eq!(set_cookie(&headers).unwrap(), expected);
    let cookie = cookie_pair(&expected);
    let (_, body, _) = call(&app, get_session(&cookie), "192.0.2.17").await;
    assert_eq!(body["session"]["expiresAt"], "2026-03-11T12:00:00.000Z");
    f.clock.advance_ms(DAY);
    let (_, body, _) = call(&app, get_session(&cookie), "192.0.2.17").await;
    assert_eq!(body, Value::Null);
}

#[actix_web::test]
async fn a_tampered_cookie_is_no_session() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.18").await;
    let (name, value) = cookie.split_once('=').unwrap();
    let mut bytes = value.as_bytes().to_vec();
    bytes[3] = if bytes[3] == b'a' { b'b' } else { b'a' };
    let tampered = format!("{name}={}", String::from_utf8(bytes).unwrap());
    let (status, body, _) = call(&app, get_session(&tampered), "192.0.2.18").await;
    assert_eq!((status.as_u16(), body), (200, Value::Null));
    let forged = format!(
        "{name}={}",
        accounts::encoded_cookie_value(b"another secret of 32 bytes at least", &value[..32])
    );
    let (_, body, _) = call(&app, get_session(&forged), "192.0.2.18").await;
    assert_eq!(body, Value::Null);
    let req = TestRequest::get()
        .uri("/api/user/anime-credits")
        .insert_header(("cookie", tampered));
    let (status, body, _) = call(&app, req, "192.0.2.18").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            401,
            error(
                "UNAUTHORIZED",
                "sign in first: this endpoint needs a session cookie"
            )
        )
    );
    let (_, body, _) = call(&app, get_session(&cookie), "192.0.2.18").await;
    assert_ne!(body, Value::Null, "the genuine cookie still works");
}

#[actix_web::test]
async fn sessions_slide_once_a_day_and_expire_after_seven_days_unused() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, body) = sign_up(&app, "ann@example.com", "192.0.2.19").await;
    let token = body["token"].as_str().unwrap().to_string();
    f.clock.advance_ms(DAY / 2);
    let (_, body, headers) = call(&app, get_session(&cookie), "192.0.2.19").await;
    assert_eq!(body["session"]["expiresAt"], "2026-03-17T12:00:00.000Z");
    assert_eq!(set_cookie(&headers), None);
    f.clock.advance_ms(DAY);
    let (_, body, headers) = call(&app, get_session(&cookie), "192.0.2.19").await;
    assert_eq!(body["session"]["expiresAt"], "2026-03-19T00:00:00.000Z");
    assert_eq!(body["session"]["updatedAt"], "2026-03-12T00:00:00.000Z");
    assert_eq!(
        set_cookie(&headers).unwrap(),
        expected_cookie(&token),
        "cookie sent again"
    );
    f.clock.advance_ms(7 * DAY - 1);
    let (_, body, _) = call(&app, get_session(&cookie), "192.0.2.19").await;
    assert_ne!(body, Value::Null, "one millisecond left");
    f.clock.advance_ms(7 * DAY + 1);
    let (status, body, _) = call(&app, get_session(&cookie), "192.0.2.19").await;
    assert_eq!((status.as_u16(), body), (200, Value::Null), "expired");
}

#[actix_web::test]
async fn sign_out_ends_the_session_on_the_server() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.20").await;
    let req = with_session(TestRequest::post().uri("/api/auth/sign-out"), &cookie);
    let (status, body, headers) = call(&app, req, "192.0.2.20").await;
    assert_eq!((status.as_u16(), body), (200, json!({"success": true})));
    assert_eq!(
        set_cookie(&headers).unwrap(),
        "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    );
    // The browser would drop the cookie; a copy of it must not work either.
    let (_, body, _) = call(&app, get_session(&cookie), "192.0.2.20").await;
    assert_eq!(body, Value::Null);
    let conn = rusqlite::Connection::open(&f.config.database).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    let (status, body, _) = call(
        &app,
        TestRequest::post().uri("/api/auth/sign-out"),
        "192.0.2.20",
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (200, json!({"success": true})),
        "no session: still 200"
    );
}

#[actix_web::test]
async fn https_base_url_makes_a_secure_prefixed_cookie() {
    let mut f = fixture();
    f.config.secure_cookies = true;
    let app = app(f.state()).await;
    let body = json!({"name": "Ann", "email": "ann@example.com", "password": PASSWORD});
    let (_, body, headers) = call(
        &app,
        post_json("/api/auth/sign-up/email", body),
        "192.0.2.21",
    )
    .await;
    let value = accounts::encoded_cookie_value(SECRET.as_bytes(), body["token"].as_str().unwrap());
    let expected = format!(
        "__Secure-better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax"
    );
    assert_eq!(set_cookie(&headers).unwrap(), expected);
    let (_, body, _) = call(&app, get_session(&cookie_pair(&expected)), "192.0.2.21").await;
    assert_eq!(body["user"]["email"], "ann@example.com");
    let plain = cookie_pair(&expected).replacen("__Secure-", "", 1);
    let (_, body, _) = call(&app, get_session(&plain), "192.0.2.21").await;
    assert_eq!(body, Value::Null, "only the configured name counts");
}

#[actix_web::test]
async fn cookie_posts_need_a_trusted_origin_but_key_posts_do_not() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.22").await;
    let search = |origin: Option<&str>, referer: Option<&str>| {
        let mut req = upload(&jpeg(1)).insert_header(("cookie", cookie.clone()));
        if let Some(o) = origin {
            req = req.insert_header(("origin", o.to_string()));
        }
        if let Some(r) = referer {
            req = req.insert_header(("referer", r.to_string()));
        }
        req
    };
    let missing = error("MISSING_OR_NULL_ORIGIN", "Missing or null Origin");
    let invalid = error("INVALID_ORIGIN", "Invalid origin");
    let cases = [
        (None, None, 403, Some(&missing)),
        (Some("null"), None, 403, Some(&missing)),
        (Some("https://evil.example"), None, 403, Some(&invalid)),
        (None, Some("https://evil.example/page"), 403, Some(&invalid)),
        (
            Some("http://localhost:3000.evil.example"),
            None,
            403,
            Some(&invalid),
        ),
        (Some(ORIGIN), None, 200, None),
        (None, Some("http://localhost:3000/search?q=1"), 200, None),
    ];
    for (origin, referer, status, expected) in cases {
        let (s, body, _) = call(&app, search(origin, referer), "192.0.2.22").await;
        assert_eq!(s.as_u16(), status, "{origin:?} {referer:?}: {body}");
        if let Some(expected) = expected {
            assert_eq!(&body, expected);
        }
    }
    let req = with_session(post_json("/api/apikeys", json!({"title": "k"})), &cookie);
    let (_, created, _) = call(&app, req, "192.0.2.22").await;
    let key = created["key"].as_str().unwrap();
    let with_key = upload(&jpeg(1)).insert_header(("authorization", format!("Bearer {key}")));
    let (status, body, _) = call(&app, with_key, "192.0.2.22").await;
    assert_eq!(status, 200, "key, no cookie, no Origin: {body}");
    let get = TestRequest::get()
        .uri("/api/user/anime-credits")
        .insert_header(("cookie", cookie.clone()));
    let (status, _, _) = call(&app, get, "192.0.2.22").await;
    assert_eq!(status, 200, "GET needs no Origin");
}

#[actix_web::test]
async fn trusted_origins_may_use_wildcards() {
    let mut f = fixture();
    f.config.trusted_origins = vec!["https://*.example.com".into()];
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.23").await;
    for (origin, status) in [
        ("https://app.example.com", 200),
        ("https://example.org", 403),
    ] {
        let req = TestRequest::post()
            .uri("/api/auth/sign-out")
            .insert_header(("cookie", cookie.clone()))
            .insert_header(("origin", origin));
        let (s, _, _) = call(&app, req, "192.0.2.23").await;
        assert_eq!(s.as_u16(), status, "{origin}");
    }
}

#[actix_web::test]
async fn sign_in_is_limited_to_three_per_ten_seconds_per_ip_and_path() {
    let f = fixture();
    let app = app(f.state()).await;
    sign_up(&app, "ann@example.com", "192.0.2.24").await;
    let attempt = || {
        post_json(
            "/api/auth/sign-in/email",
            sign_in_body("ann@example.com", "wrong password"),
        )
    };
    for _ in 0..3 {
        let (status, _, _) = call(&app, attempt(), "192.0.2.25").await;
        assert_eq!(status, 401);
    }
    f.clock.advance_ms(2_500);
    let (status, body, headers) = call(&app, attempt(), "192.0.2.25").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            429,
            error(
                "TOO_MANY_REQUESTS",
                "Too many requests. Please try again later."
            )
        )
    );
    assert_eq!(headers.get("x-retry-after").unwrap(), "8");
    assert_eq!(headers.get("retry-after").unwrap(), "8");
    let (status, _, _) = call(&app, attempt(), "192.0.2.26").await;
    assert_eq!(status, 401, "another IP has its own window");
    let ok = post_json(
        "/api/auth/sign-in/email",
        sign_in_body("ann@example.com", PASSWORD),
    );
    let (status, _, _) = call(&app, ok, "192.0.2.25").await;
    assert_eq!(status, 429, "the right password waits too");
    f.clock.advance_ms(7_500);
    let ok = post_json(
        "/api/auth/sign-in/email",
        sign_in_body("ann@example.com", PASSWORD),
    );
    let (status, _, _) = call(&app, ok, "192.0.2.25").await;
    assert_eq!(status, 200);
    for _ in 0..3 {
        let body = json!({"name": "A", "email": "x", "password": PASSWORD});
        call(
            &app,
            post_json("/api/auth/sign-up/email", body),
            "192.0.2.27",
        )
        .await;
    }
    let body = json!({"name": "A", "email": "x", "password": PASSWORD});
    let (status, _, _) = call(
        &app,
        post_json("/api/auth/sign-up/email", body),
        "192.0.2.27",
    )
    .await;
    assert_eq!(status, 429, "sign-up is limited too");
}

#[actix_web::test]
async fn cross_site_navigation_to_sign_in_is_blocked() {
    let f = fixture();
    let app = app(f.state()).await;
    sign_up(&app, "ann@example.com", "192.0.2.28").await;
    let req = post_json(
        "/api/auth/sign-in/email",
        sign_in_body("ann@example.com", PASSWORD),
    )
    .insert_header(("sec-fetch-site", "cross-site"))
    .insert_header(("sec-fetch-mode", "navigate"));
    let (status, body, _) = call(&app, req, "192.0.2.28").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            403,
            error(
                "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
                "Cross-site navigation login blocked"
            )
        )
    );
}

#[actix_web::test]
async fn a_disabled_user_cannot_sign_in_and_loses_sessions() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.29").await;
    let conn = accounts::open_connection(&f.config.database).unwrap();
    accounts::set_disabled(&conn, f.clock.as_ref(), "ann@example.com", true).unwrap();
    let (_, body, _) = call(&app, get_session(&cookie), "192.0.2.29").await;
    assert_eq!(body, Value::Null);
    let req = post_json(
        "/api/auth/sign-in/email",
        sign_in_body("ann@example.com", PASSWORD),
    );
    let (status, body, _) = call(&app, req, "192.0.2.29").await;
    assert_eq!(
        (status.as_u16(), body),
        (
            403,
            error("USER_DISABLED", "This account has been disabled.")
        )
    );
}

#[actix_web::test]
async fn an_oversized_body_is_body_too_large_not_an_image_error() {
    let f = fixture();
    let app = app(f.state()).await;
    let body =
        json!({"name": "x".repeat(300_000), "email": "big@example.com", "password": "long enough"});
    let (status, body, _) = call(
        &app,
        post_json("/api/auth/sign-up/email", body),
        "192.0.2.40",
    )
    .await;
    assert_eq!(status.as_u16(), 413);
    assert_eq!(body["code"], "BODY_TOO_LARGE", "{body}");
}
