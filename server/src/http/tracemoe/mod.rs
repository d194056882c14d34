//! The trace.moe-compatible face: `GET|POST /search` and `GET /me` with
//! trace.moe's parameters, key conventions (`x-trace-key` or `?key=`),
//! bodies and status codes, so existing trace.moe clients work by changing
//! only their base URL. Searches go through the same flow as the native
//! API (`super::search::perform`): same quotas, credits, log and rankings.

mod body;
mod input;

use super::AppState;
use super::extract::{client_ip, guest_caller, key_caller};
use super::search::{SearchRequest, perform};
use crate::caller::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::store::quota::{self, Allowance};
use actix_web::{HttpRequest, HttpResponse, web};
use shared::query::QueryOptions;

/// `/search`: GET with `?url=`, POST with the image; other methods 405.
pub fn search_resource() -> actix_web::Resource {
    web::resource("/search")
        .route(web::get().to(search))
        .route(web::post().to(search))
        .default_service(web::to(method_not_allowed))
}

/// `/me`: GET only.
pub fn me_resource() -> actix_web::Resource {
    web::resource("/me")
        .route(web::get().to(me))
        .default_service(web::to(method_not_allowed))
}

/// trace.moe's query parameters (every one optional).
#[derive(Debug, Default)]
struct Params {
    url: Option<String>,
    /// `cutBorders` present (`1`, empty, anything but `0`/`false`).
    cut_borders: Option<bool>,
    anilist_id: Option<u32>,
    anilist_info: bool,
    key: Option<String>,
    period: Option<String>,
}

impl Params {
    /// trace.moe ignores what it does not understand: an `anilistID` that
    /// is not a number filters nothing, an unknown parameter is skipped.
    fn parse(query: &str) -> Params {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let mut p = Params::default();
        for (name, value) in pairs {
            match name.as_str() {
                "url" => p.url = Some(value),
                "cutBorders" => p.cut_borders = Some(!matches!(value.as_str(), "0" | "false")),
                "anilistID" => p.anilist_id = value.parse().ok(),
                "anilistInfo" => p.anilist_info = !matches!(value.as_str(), "0" | "false"),
                "key" => p.key = Some(value),
                "period" => p.period = Some(value),
                _ => {}
            }
        }
        p
    }
}

async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> HttpResponse {
    let params = Params::parse(req.query_string());
    let caller = match caller(&req, &state, &params).await {
        Ok(caller) => caller,
        Err(e) => return body::error(&e, None),
    };
    let anilist_info = params.anilist_info;
    let outcome = run(&req, &state, &caller, params, payload).await;
    let allowance = allowance(&state, &caller).await;
    match outcome {
        Ok(search) => {
            let index = state.index.current();
            let links: Vec<_> = search
                .results
                .iter()
                .map(|hit| super::preview::links(&state, &req, hit))
                .collect();
            body::found(&search, &links, index.as_deref(), anilist_info, allowance)
        }
        Err(e) => body::error(&e, allowance),
    }
}

async fn run(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    params: Params,
    payload: web::Payload,
) -> Result<crate::store::searches::NewSearch, ApiError> {
    let mut held = state.body_budget.reserve();
    let image = input::read(req, payload, state.decode_limits.max_bytes, &mut held).await?;
    let options = QueryOptions {
        // Borders are cut unless the client says `cutBorders=0`: our cut
        // only removes dark bars and flat chrome, so a full frame is
        // searched whole either way.
        cut_borders: params.cut_borders.unwrap_or(true),
        anilist_id: params.anilist_id,
        ..QueryOptions::default()
    };
    let request = SearchRequest {
        image,
        url: params.url,
        options,
    };
    perform(state, caller.clone(), request).await
}

/// `x-trace-key` or `?key=`: this server's API keys. No key: a guest.
async fn caller(req: &HttpRequest, state: &AppState, params: &Params) -> Result<Caller, ApiError> {
    let header = req
        .headers()
        .get("x-trace-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match header.or_else(|| params.key.clone()) {
        Some(key) if !key.trim().is_empty() => key_caller(state, key).await,
        _ => Ok(guest_caller(req, state)),
    }
}

/// The caller's quota now; `None` when the store cannot tell (logged).
async fn allowance(state: &AppState, caller: &Caller) -> Option<Allowance> {
    let (store, caller, policy) = (state.store.clone(), caller.clone(), state.quota);
    let clock = state.clock.clone();
    let result =
        web::block(move || quota::allowance(&store.get(), &caller, &policy, clock.as_ref())).await;
    match result {
        Ok(Ok(allowance)) => Some(allowance),
        Ok(Err(e)) => {
            tracing::warn!("cannot read the caller's quota: {e}");
            None
        }
        Err(e) => {
            tracing::warn!("cannot read the caller's quota: {e}");
            None
        }
    }
}

/// `GET /me`: `{id, priority, concurrency, quota, quotaUsed}`; `id` is the
/// caller's address (guest) or email (key).
async fn me(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let params = Params::parse(req.query_string());
    if params.period.is_some() {
        let e = ApiError::new(
            ErrorCode::InvalidParameter,
            "usage history (period) is not kept by this server",
        );
        return body::error(&e, None);
    }
    let caller = match caller(&req, &state, &params).await {
        Ok(caller) => caller,
        Err(e) => return body::error(&e, None),
    };
    let id = match identity(&req, &state, &caller).await {
        Ok(id) => id,
        Err(e) => return body::error(&e, None),
    };
    match allowance(&state, &caller).await {
        Some(allowance) => body::me(id, state.search_concurrency, allowance),
        None => body::error(&ApiError::internal("quota unavailable"), None),
    }
}

/// What `/me` calls the caller: its email, or the address it came from.
async fn identity(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
) -> Result<String, ApiError> {
    match caller {
        Caller::Guest { .. } => Ok(client_ip(req, &state.config.trust_proxy)
            .to_canonical()
            .to_string()),
        Caller::User { user_id, .. } => {
            let user_id = user_id.clone();
            let user = super::accounts_db(state, move |conn, _| {
                accounts::users::user_by_id(conn, &user_id)
            })
            .await?;
            user.map(|u| u.email)
                .ok_or_else(|| ApiError::internal("the key's user vanished"))
        }
    }
}

async fn method_not_allowed() -> HttpResponse {
    body::error(
        &ApiError::new(ErrorCode::MethodNotAllowed, "Method Not Allowed"),
        None,
    )
}
