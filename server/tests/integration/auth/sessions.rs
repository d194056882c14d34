//! Sessions: the signed cookie, remember-me, tampering, sliding and expiry,
//! sign-out, and the secure cookie behind HTTPS.

use super::*;

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
    assert_eq!(f.count("SELECT COUNT(*) FROM sessions"), 0);
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
