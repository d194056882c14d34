//! `/api/auth/*`: better-auth's sign-up, sign-in, sign-out and get-session,
//! their errors, the signed cookie, session expiry and sliding, the Origin
//! check and the sign-in limiter. Helpers here; one module per subject.

mod origin;
mod sessions;
mod sign_in;

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
