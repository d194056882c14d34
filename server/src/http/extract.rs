//! Who is calling, as extractors, so no handler can forget to ask:
//! `Caller` (guest, session or API key), `SessionUser` (a session cookie
//! and nothing else) and `MaybeSession` (`get-session`).

use super::AppState;
use super::cookie::{RefreshCookie, session_cookie};
use crate::caller::{Caller, Via};
use crate::error::{ApiError, ErrorCode};
use accounts::ActiveSession;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr};

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { identify(&req, &app_state(&req)?).await })
    }
}

/// A key wins over a cookie (a program that sends both means the key);
/// a key that does not work is refused, not downgraded to a guest.
async fn identify(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Caller, ApiError> {
    if let Some(key) = api_key(req) {
        return key_caller(state, key).await;
    }
    if let Some(active) = session(req, state).await? {
        return Ok(Caller::User {
            user_id: active.user.id,
            via: Via::Session,
        });
    }
    Ok(guest_caller(req, state))
}

/// The user an API key belongs to; `INVALID_API_KEY` for any key that
/// does not work (unknown, revoked, disabled user).
pub(super) async fn key_caller(state: &AppState, key: String) -> Result<Caller, ApiError> {
    let user = super::accounts_db(state, move |conn, clock| {
        accounts::authenticate_key(conn, clock, &key)
    })
    .await?;
    Ok(Caller::User {
        user_id: user.id,
        via: Via::ApiKey,
    })
}

/// A guest, known by the keyed hash of its address.
pub(super) fn guest_caller(req: &HttpRequest, state: &AppState) -> Caller {
    let ip = client_ip(req, &state.config.trust_proxy);
    Caller::Guest {
        ip_hash: state.hasher.hash(ip),
    }
}

/// A signed-in user by session cookie: the extractor of session-only
/// routes. No session: 401 `UNAUTHORIZED`; an API key instead: 403
/// `SESSION_REQUIRED`.
#[derive(Debug, Clone)]
pub struct SessionUser(pub ActiveSession);

impl FromRequest for SessionUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<SessionUser, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            match session(&req, &state).await? {
                Some(active) => Ok(SessionUser(active)),
                None if api_key(&req).is_some() => Err(ApiError::new(
                    ErrorCode::SessionRequired,
                    "this endpoint needs a session cookie; API keys are not accepted here",
                )),
                None => Err(ApiError::new(
                    ErrorCode::Unauthorized,
                    "sign in first: this endpoint needs a session cookie",
                )),
            }
        })
    }
}

/// The session of the cookie, if any and valid; never an error for a
/// missing, tampered or expired cookie.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<ActiveSession>);

impl FromRequest for MaybeSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<MaybeSession, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeSession(session(&req, &app_state(&req)?).await?)) })
    }
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("AppState missing from the app"))
}

/// The session behind the cookie. When it slid forward, the cookie is
/// queued for sending again (`cookie::guard` adds it to the response).
async fn session(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<Option<ActiveSession>, ApiError> {
    let Some(token) = session_token(req, state) else {
        return Ok(None);
    };
    let active = super::accounts_db(state, move |conn, clock| {
        accounts::get_session(conn, clock, &token)
    })
    .await?;
    if let Some(a) = active.as_ref().filter(|a| a.refreshed) {
        let cookie = session_cookie(state, &a.session.token, a.session.remember_me);
        req.extensions_mut().insert(RefreshCookie(cookie));
    }
    Ok(active)
}

/// The session token of a correctly signed cookie.
pub fn session_token(req: &HttpRequest, state: &AppState) -> Option<String> {
    let cookie = req.cookie(super::cookie::name(state))?;
    accounts::verify_cookie(&state.secret, cookie.value())
}

/// The API key of `x-api-key` or `Authorization: Bearer`.
fn api_key(req: &HttpRequest) -> Option<String> {
    let headers = req.headers();
    if let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(key.trim().to_string());
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = auth.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| key.trim().to_string())
}

/// The client's address. From a trusted proxy, `X-Forwarded-For` is read
/// from its end: each proxy appends the address it was called from, so
/// the first entry (from the right) that is not itself a trusted proxy is
/// the client; whatever a client wrote before that is not believed. From
/// any other peer, the peer address.
pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(&ip.to_canonical()));
    let mut client = peer;
    if !is_trusted(peer) {
        return client;
    }
    for hop in forwarded_hops(req).iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
        if !is_trusted(client) {
            break;
        }
    }
    client
}

/// Every `X-Forwarded-For` entry, in order, across repeated headers.
fn forwarded_hops(req: &HttpRequest) -> Vec<&str> {
    req.headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect()
}
