//! Who may post with a cookie (trusted origins, wildcards, cross-site
//! navigation) and the sign-in limiter.

use super::*;

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
async fn another_spelling_of_the_path_meets_the_same_limit() {
    let f = fixture();
    let app = app(f.state()).await;
    sign_up(&app, "ann@example.com", "192.0.2.24").await;
    let paths = [
        "/api/auth/sign-in/email",
        "/api/auth/sign-in/%65mail",
        "/api/auth/sign-in/emai%6C",
        "/api/auth/sign-in/%65%6Dail",
    ];
    let mut statuses = Vec::new();
    for path in paths {
        let attempt = post_json(path, sign_in_body("ann@example.com", "wrong password"));
        statuses.push(call(&app, attempt, "192.0.2.28").await.0.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
    let ok = post_json(paths[1], sign_in_body("ann@example.com", PASSWORD));
    let (status, _, _) = call(&app, ok, "192.0.2.28").await;
    assert_eq!(status, 429, "the right password waits on every spelling");
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

/// The site's own pages post with the origin of the host they were served
/// from; that origin is trusted without being listed, any other is not.
#[actix_web::test]
async fn the_servers_own_origin_is_trusted() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "own@example.com", "192.0.2.23").await;
    let post = |host: &str, origin: &str| {
        with_session(post_json("/api/apikeys", json!({"title": "site"})), &cookie)
            .insert_header(("host", host.to_string()))
            .insert_header(("origin", origin.to_string()))
    };
    let (status, body, _) = call(
        &app,
        post("search.example:8080", "http://search.example:8080"),
        "192.0.2.23",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    for (host, origin) in [
        ("search.example:8080", "http://evil.example"),
        ("search.example:8080", "http://search.example:8081"),
        ("search.example", "http://search.example.evil.example"),
    ] {
        let (status, body, _) = call(&app, post(host, origin), "192.0.2.23").await;
        assert_eq!(
            (status.as_u16(), body),
            (403, error("INVALID_ORIGIN", "Invalid origin")),
            "{host} {origin}"
        );
    }
}
