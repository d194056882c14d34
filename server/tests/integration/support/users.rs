//! Accounts seen from outside: JSON posts, session cookies, signing up,
//! the fixture user, and credits granted straight in the database.

use super::{Fixture, ORIGIN, SECRET, call};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::test::TestRequest;
use serde_json::Value;

/// 2026-03-10T12:00:00.000Z: where account tests put the clock.
pub const T0: i64 = 1_773_144_000_000;
pub const PASSWORD: &str = "correct horse battery";

/// A JSON POST.
pub fn post_json(uri: &str, body: Value) -> TestRequest {
    TestRequest::post().uri(uri).set_json(body)
}

/// Adds a session cookie (`name=value`) and the trusted Origin.
pub fn with_session(req: TestRequest, cookie: &str) -> TestRequest {
    req.insert_header(("cookie", cookie.to_string()))
        .insert_header(("origin", ORIGIN))
}

/// The one `Set-Cookie` header of a response, if any.
pub fn set_cookie(headers: &HeaderMap) -> Option<String> {
    let all: Vec<_> = headers.get_all("set-cookie").collect();
    assert!(all.len() <= 1, "{all:?}");
    all.first().map(|v| v.to_str().unwrap().to_string())
}

/// `name=value` of a `Set-Cookie` header.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

/// The `Set-Cookie` the server sends for a remembered session `token`.
pub fn expected_cookie(token: &str) -> String {
    let value = accounts::encoded_cookie_value(SECRET.as_bytes(), token);
    format!("better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax")
}

/// Signs `email` up from `ip`; returns the cookie pair and the body.
pub async fn sign_up<S, B>(app: &S, email: &str, ip: &str) -> (String, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let body = serde_json::json!({"name": "Ann", "email": email, "password": PASSWORD});
    let (status, body, headers) = call(app, post_json("/api/auth/sign-up/email", body), ip).await;
    assert_eq!(status, 200, "{body}");
    (cookie_pair(&set_cookie(&headers).expect("cookie")), body)
}

/// Checks a random 32-character id and replaces it by "*".
pub fn mask(value: &mut Value, key: &str) -> String {
    let id = value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
        .to_string();
    assert_eq!(id.len(), 32, "{key}: {id}");
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    value[key] = Value::from("*");
    id
}

/// The user JSON of the fixture user "Ann" created at `at`, id masked.
pub fn ann(email: &str, at: &str) -> Value {
    serde_json::json!({"id": "*", "name": "Ann", "email": email, "emailVerified": false,
        "image": null, "createdAt": at, "updatedAt": at})
}

/// Grants purchased credits straight in the database.
pub fn grant(f: &Fixture, email: &str, amount: i64) -> i64 {
    accounts::grant_credits(&f.db(), f.clock.as_ref(), email, amount).unwrap()
}
