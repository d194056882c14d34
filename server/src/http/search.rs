//! `POST /api/anime/search`, and the search flow both API faces share:
//! read the image or URL, check the caller may search, decode and search
//! off the async workers, then charge the caller and log the search in one
//! transaction.

use super::AppState;
use super::params::{boolean, integer};
use super::search_input::{self, RawParams};
use crate::caller::Caller;
use crate::error::{ApiError, ErrorCode};
use crate::fetch::FetchError;
use crate::metrics::{Outcome, OutcomeLabel};
use crate::store::quota::{self, ChargeError, Refusal};
use crate::store::searches::{self, NewSearch};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use shared::query::{DEFAULT_RESULT_LIMIT, QueryOptions, RESULT_LIMITS};
use shared::{Index, SearchHit};
use std::sync::Arc;

pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<RawParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let max = state.decode_limits.max_bytes;
    let mut held = state.body_budget.reserve();
    let input = search_input::read(&req, payload, query.into_inner(), max, &mut held).await?;
    let request = SearchRequest {
        options: query_options(&input.params)?,
        image: input.image,
        url: input.params.url,
    };
    let search = perform(&state, caller, request).await?;
    let result: Vec<serde_json::Value> = search
        .results
        .iter()
        .map(|hit| with_previews(&state, &req, hit))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "searchId": search.id,
        "frameCount": search.frame_count,
        "result": result,
    })))
}

/// An answer with its `image` and `video` preview URLs (`null` without
/// `--library`).
fn with_previews(state: &AppState, req: &HttpRequest, hit: &SearchHit) -> serde_json::Value {
    let mut value = serde_json::to_value(hit).unwrap_or_default();
    let (image, video) = match super::preview::links(state, req, hit) {
        Some((image, video)) => (json!(image), json!(video)),
        None => (json!(null), json!(null)),
    };
    value["image"] = image;
    value["video"] = video;
    value
}

/// What a search needs besides who pays for it.
pub(super) struct SearchRequest {
    pub image: Option<Vec<u8>>,
    pub url: Option<String>,
    pub options: QueryOptions,
}

/// One search, whichever face asked: refuses an exhausted caller before
/// any costly work, fetches the URL, decodes and searches off the async
/// workers, then charges the caller and logs the search in one
/// transaction. Both the native and the trace.moe-compatible API call it,
/// so a search costs, counts and is recorded alike through either.
pub(super) async fn perform(
    state: &AppState,
    caller: Caller,
    request: SearchRequest,
) -> Result<NewSearch, ApiError> {
    let started = std::time::Instant::now();
    let result = perform_timed(state, caller, request).await;
    let status = result
        .as_ref()
        .map_or_else(|e| e.code.status().as_u16(), |_| 200);
    let m = &state.metrics;
    m.searches
        .get_or_create(&OutcomeLabel {
            outcome: Outcome::of_status(status),
        })
        .inc();
    m.search_seconds
        .observe(crate::metrics::seconds_since(started));
    result
}

async fn perform_timed(
    state: &AppState,
    caller: Caller,
    request: SearchRequest,
) -> Result<NewSearch, ApiError> {
    let index = state.index.current().ok_or_else(index_unavailable)?;
    check_quota(state, &caller).await?;
    let key = caller.limiter_key();
    check_failures(state, &key).await?;
    let results = match fetch_and_search(state, index.clone(), request).await {
        Ok(results) => results,
        Err(e) => {
            count_failure(state, &key, &e).await;
            return Err(e);
        }
    };
    let search = NewSearch {
        id: crate::ids::search_id(),
        created_at: state.clock.now_ms(),
        frame_count: index.frame_count(),
        results,
    };
    record(state, &search, caller).await?;
    Ok(search)
}

async fn fetch_and_search(
    state: &AppState,
    index: Arc<Index>,
    request: SearchRequest,
) -> Result<Vec<SearchHit>, ApiError> {
    let bytes = match (request.image, request.url) {
        (Some(bytes), _) => bytes,
        (None, Some(url)) if !url.trim().is_empty() => {
            state.fetcher.fetch(&url).await.map_err(fetch_error)?
        }
        _ => return Err(missing_image()),
    };
    run_search(state, index, bytes, request.options).await
}

/// Failed searches a caller may make per `FAILURE_WINDOW_MS` before its
/// searches are refused until the window ends.
pub const MAX_FAILED_SEARCHES: u32 = 20;
pub const FAILURE_WINDOW_MS: i64 = 10 * 60 * 1000;

pub(super) fn failure_limiter(clock: Arc<dyn crate::clock::Clock>) -> accounts::RateLimiter {
    accounts::RateLimiter::new(MAX_FAILED_SEARCHES, FAILURE_WINDOW_MS, clock)
}

/// Refuses a caller whose recent searches failed too often: a fetch or a
/// decode costs the server whether or not it ends in a search.
async fn check_failures(state: &AppState, key: &str) -> Result<(), ApiError> {
    let (limiter, key) = (state.failed_searches.clone(), key.to_owned());
    match web::block(move || limiter.peek(&key)).await? {
        Err(accounts::Error::TooManyRequests { retry_after_secs }) => Err(ApiError::new(
            ErrorCode::TooManyRequests,
            format!(
                "{MAX_FAILED_SEARCHES} searches in 10 minutes failed on an image that could not be fetched or decoded; retry in {retry_after_secs} s"
            ),
        )
        .with_retry_after(retry_after_secs)),
        other => Ok(other?),
    }
}

/// Counts a failure that cost real work against the caller. Best effort:
/// a database error here must not hide the search's own error.
async fn count_failure(state: &AppState, key: &str, e: &ApiError) {
    if matches!(
        e.code,
        ErrorCode::UrlFetchFailed | ErrorCode::InvalidImage | ErrorCode::ImageTooLarge
    ) {
        let (limiter, key) = (state.failed_searches.clone(), key.to_owned());
        let _ = web::block(move || limiter.check(&key)).await;
    }
}

fn query_options(p: &RawParams) -> Result<QueryOptions, ApiError> {
    let limits = *RESULT_LIMITS.start() as u64..=*RESULT_LIMITS.end() as u64;
    let limit = integer(
        ErrorCode::InvalidLimit,
        "limit",
        p.limit.as_deref(),
        limits,
        DEFAULT_RESULT_LIMIT as u64,
    )?;
    let anilist_id = match p.anilist_id.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(integer(
            ErrorCode::InvalidAnilistId,
            "anilistId",
            Some(raw),
            1..=u32::MAX as u64,
            0,
        )? as u32),
    };
    Ok(QueryOptions {
        cut_borders: boolean("cutBorders", p.cut_borders.as_deref(), true)?,
        anilist_id,
        limit: limit as usize,
    })
}

/// Refuses an exhausted caller before any costly work.
async fn check_quota(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    let (store, caller, policy) = (state.store.clone(), caller.clone(), state.quota);
    let clock = state.clock.clone();
    web::block(move || quota::check(&store.get(), &caller, &policy, clock.as_ref()))
        .await?
        .map_err(charge_error)
}

/// Decodes and searches on the blocking pool, at most one search per core.
async fn run_search(
    state: &AppState,
    index: Arc<Index>,
    bytes: Vec<u8>,
    options: QueryOptions,
) -> Result<Vec<SearchHit>, ApiError> {
    let _slot = state
        .search_slots
        .acquire()
        .await
        .map_err(ApiError::internal)?;
    let limits = state.decode_limits;
    let metrics = Arc::clone(&state.metrics);
    web::block(move || {
        let started = std::time::Instant::now();
        let gray = shared::image_decode::decode_gray(&bytes, &limits)?;
        drop(bytes);
        metrics
            .decode_seconds
            .observe(crate::metrics::seconds_since(started));
        let started = std::time::Instant::now();
        let hits = shared::query::search_gray(&index, &gray, &options);
        metrics
            .match_seconds
            .observe(crate::metrics::seconds_since(started));
        Ok(hits)
    })
    .await?
}

async fn record(state: &AppState, search: &NewSearch, caller: Caller) -> Result<(), ApiError> {
    let (store, policy, search) = (state.store.clone(), state.quota, search.clone());
    let clock = state.clock.clone();
    web::block(move || searches::record(&store.get(), &search, &caller, &policy, clock.as_ref()))
        .await?
        .map_err(charge_error)
}

fn charge_error(e: ChargeError) -> ApiError {
    match e {
        ChargeError::Refused(Refusal::GuestQuotaExceeded { limit, retry_after }) => {
            ApiError::new(
                ErrorCode::GuestQuotaExceeded,
                format!(
                    "guests may search {limit} times per UTC day; sign in or come back after midnight UTC"
                ),
            )
            .with_retry_after(retry_after)
        }
        ChargeError::Accounts(e) => e.into(),
        ChargeError::Store(e) => e.into(),
    }
}

fn fetch_error(e: FetchError) -> ApiError {
    match e {
        FetchError::InvalidUrl(m) => ApiError::new(ErrorCode::InvalidUrl, m),
        FetchError::NotAllowed(m) => ApiError::new(ErrorCode::UrlNotAllowed, m),
        FetchError::Failed(m) => ApiError::new(
            ErrorCode::UrlFetchFailed,
            format!("cannot fetch the URL: {m}"),
        ),
        FetchError::TooLarge(m) => ApiError::new(ErrorCode::ImageTooLarge, m),
    }
}

fn missing_image() -> ApiError {
    ApiError::new(
        ErrorCode::MissingImage,
        "send an image file in the multipart field \"image\" or an image URL in \"url\"",
    )
}

fn index_unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::IndexUnavailable,
        "no index is loaded yet; build one with `indexer build` and retry",
    )
    .with_retry_after(5)
}
