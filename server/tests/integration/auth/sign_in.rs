//! Sign-up and sign-in: their answers, bad input, the same refusal for an
//! unknown email and a wrong password, disabled users, oversized bodies.

use super::*;

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
async fn a_disabled_user_cannot_sign_in_and_loses_sessions() {
    let f = fixture();
    let app = app(f.state()).await;
    let (cookie, _) = sign_up(&app, "ann@example.com", "192.0.2.29").await;
    accounts::set_disabled(&f.db(), f.clock.as_ref(), "ann@example.com", true).unwrap();
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
