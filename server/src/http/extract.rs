//! The `Caller` extractor: says who is calling, so no handler can forget to
//! ask. For now every caller is a guest known by a keyed hash of its IP;
//! the accounts work adds users (session cookie, API key) in `identify`.

use super::AppState;
use crate::caller::Caller;
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::{Ready, ready};
use std::net::{IpAddr, Ipv4Addr};

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.app_data::<web::Data<AppState>>() {
            Some(state) => identify(req, state),
            None => Err(ApiError::internal("AppState missing from the app")),
        })
    }
}

/// Who is calling. The accounts work checks a session cookie or an API key
/// here first and returns `Caller::User`; without either, a guest.
fn identify(req: &HttpRequest, state: &AppState) -> Result<Caller, ApiError> {
    let ip = client_ip(req, state.config.trust_proxy);
    Ok(Caller::Guest {
        ip_hash: state.hasher.hash(ip),
    })
}

/// The client's address: the peer, or with `trust_proxy` the last address
/// in `X-Forwarded-For` (the one our proxy appended; earlier entries are
/// whatever the client claimed).
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> IpAddr {
    let forwarded = trust_proxy.then(|| forwarded_for(req)).flatten();
    forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

fn forwarded_for(req: &HttpRequest) -> Option<IpAddr> {
    let value = req
        .headers()
        .get_all("x-forwarded-for")
        .last()?
        .to_str()
        .ok()?;
    value.rsplit(',').next()?.trim().parse().ok()
}
