//! better-auth's email and password routes under `/api/auth`: sign-up,
//! sign-in, sign-out and get-session, with its bodies and session cookie.

use super::cookie::{expired_cookie, refuse_cross_site_navigation, session_cookie};
use super::extract::{MaybeSession, client_ip, session_token};
use super::form::Fields;
use super::{AppState, accounts_db};
use crate::error::ApiError;
use accounts::{ClientInfo, Credentials, NewUser, RateLimiter, SignedIn};
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

const MAX_USER_AGENT: usize = 512;

pub async fn sign_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    admit(&req, &state).await?;
    let f = Fields::parse(&req, &body)?;
    let new = NewUser {
        name: f.string("name")?,
        email: f.string("email")?,
        password: f.string("password")?,
        image: f.optional_string("image")?,
        remember_me: f.boolean("rememberMe", true)?,
    };
    let (client, policy) = (client_info(&req), state.passwords.clone());
    let signed = accounts_db(&state, move |conn, clock| {
        accounts::sign_up(conn, clock, &policy, &new, &client)
    })
    .await?;
    let body = json!({"token": signed.token.as_str(), "user": signed.user});
    Ok(signed_in(&state, &signed, body))
}

pub async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    admit(&req, &state).await?;
    let f = Fields::parse(&req, &body)?;
    let credentials = Credentials {
        email: f.string("email")?,
        password: f.string("password")?,
        remember_me: f.boolean("rememberMe", true)?,
    };
    let (client, policy) = (client_info(&req), state.passwords.clone());
    let signed = accounts_db(&state, move |conn, clock| {
        accounts::sign_in(conn, clock, &policy, &credentials, &client)
    })
    .await?;
    let body = json!({"redirect": false, "token": signed.token.as_str(), "user": signed.user});
    Ok(signed_in(&state, &signed, body))
}

/// Ends the session server-side (if the cookie names one) and expires the
/// cookie; 200 either way, as better-auth.
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = session_token(&req, &state) {
        accounts_db(&state, move |conn, _| accounts::sign_out(conn, &token)).await?;
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::SET_COOKIE, expired_cookie(&state)))
        .json(json!({"success": true})))
}

pub async fn get_session(session: MaybeSession) -> HttpResponse {
    let body = match session.0 {
        Some(a) => json!({"session": a.session, "user": a.user}),
        None => serde_json::Value::Null,
    };
    HttpResponse::Ok()
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .json(body)
}

/// The checks before any work on sign-in and sign-up: login CSRF, then
/// better-auth's per-IP-and-path limiter (3 per 10 s). The path is the
/// route's pattern, not the raw path: `/api/auth/sign-in/%65mail` reaches
/// the same handler and must meet the same limit.
async fn admit(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    refuse_cross_site_navigation(req)?;
    let ip = client_ip(req, &state.config.trust_proxy).to_canonical();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| req.path().to_string());
    let key = RateLimiter::key(&ip.to_string(), &route);
    let limiter = state.auth_limiter.clone();
    Ok(web::block(move || limiter.check(&key)).await??)
}

/// The session as better-auth stores it, minus the IP address: like the
/// search log, the database keeps no client address.
fn client_info(req: &HttpRequest) -> ClientInfo {
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|a| a.chars().take(MAX_USER_AGENT).collect());
    ClientInfo {
        ip_address: None,
        user_agent: agent,
    }
}

fn signed_in(state: &AppState, signed: &SignedIn, body: serde_json::Value) -> HttpResponse {
    let cookie = session_cookie(state, signed.token.as_str(), signed.session.remember_me);
    HttpResponse::Ok()
        .insert_header((header::SET_COOKIE, cookie))
        .json(body)
}
