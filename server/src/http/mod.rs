//! The HTTP layer: application state, routing, and the middleware that
//! turns every error (extractor, routing, handler) into the one JSON body.
//! Handlers are thin; the work is in `store`, `fetch` and `shared`.

mod access_log;
mod apikeys;
mod auth;
pub mod body_budget;
mod body_deadline;
mod confirm;
pub mod cookie;
mod credits;
mod extract;
mod form;
mod health;
pub mod listener;
mod lists;
mod metrics;
mod params;
pub mod preview;
mod refusals;
mod search;
mod search_input;
mod site;
mod tracemoe;

pub use extract::{MaybeSession, SessionUser, client_ip};
pub use metrics::create_metrics_app;

use crate::caller::IpHasher;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::{ApiError, ErrorCode};
use crate::fetch::Fetcher;
use crate::index_holder::IndexHolder;
use crate::store::quota::QuotaPolicy;
use crate::store::{Store, StoreError};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, ResponseError, web};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Everything a handler needs, shared by all workers.
pub struct AppState {
    pub config: Config,
    pub index: Arc<IndexHolder>,
    pub store: Store,
    /// Keys cookie signatures (accounts) and the IP hashes.
    pub secret: Arc<[u8]>,
    pub hasher: IpHasher,
    pub fetcher: Fetcher,
    pub quota: QuotaPolicy,
    /// Searches decoding or scanning at once: one per core, so a burst
    /// queues instead of thrashing and the async workers stay free.
    pub search_slots: Semaphore,
    /// How many permits `search_slots` has (trace.moe's `/me` shows it).
    pub search_concurrency: usize,
    pub decode_limits: shared::DecodeLimits,
    /// Request body bytes held in memory by all requests together.
    pub body_budget: Arc<body_budget::BodyBudget>,
    /// Now, for quotas, sessions and the search log (manual in tests).
    pub clock: Arc<dyn Clock>,
    pub passwords: accounts::PasswordPolicy,
    /// Sign-in and sign-up attempts per IP and path. Shared through the
    /// database on PostgreSQL (replicas count as one), in memory on SQLite;
    /// blocking either way: call it in `web::block`.
    pub auth_limiter: Arc<accounts::RateLimiter>,
    /// Searches that failed after costly work (a URL that could not be
    /// fetched, an image that could not be decoded), per caller; kept like
    /// `auth_limiter`.
    pub failed_searches: Arc<accounts::RateLimiter>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// With `--library`: preview cutting, its cache and its URL keys.
    pub previews: Option<Arc<crate::preview::Previews>>,
}

impl AppState {
    /// Opens the database (migrating it), settles the secret and maps the
    /// index if it is there. `clock` is the system clock in `main`.
    pub fn open(config: &Config, clock: Arc<dyn Clock>) -> Result<AppState, StoreError> {
        let store = Store::open(&config.database, config.workers + 2)?;
        let secret = crate::store::load_or_create_secret(&store.get(), config.secret.as_deref())?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let index = Arc::new(IndexHolder::open(&config.index, config.index_prefetch));
        let previews = open_previews(config, &secret)?;
        let auth_limiter = accounts::RateLimiter::for_auth(clock.clone());
        let auth_limiter = limiter(&store, "auth", &secret, auth_limiter);
        let failed_searches = search::failure_limiter(clock.clone());
        let failed_searches = limiter(&store, "failed", &secret, failed_searches);
        Ok(AppState {
            previews,
            metrics: Arc::new(crate::metrics::Metrics::new(&index)),
            index,
            store,
            hasher: IpHasher::new(&secret),
            secret: secret.into(),
            fetcher: Fetcher::new(config.allow_loopback_urls),
            quota: QuotaPolicy {
                guest_daily_limit: config.guest_daily_limit,
            },
            search_slots: Semaphore::new(cores),
            search_concurrency: cores,
            decode_limits: shared::DecodeLimits::default(),
            body_budget: body_budget::BodyBudget::new(config.body_memory_bytes),
            passwords: accounts::PasswordPolicy::with_iterations(config.pbkdf2_iterations),
            auth_limiter,
            failed_searches,
            clock,
            config: config.clone(),
        })
    }
}

/// A limiter in memory for the one process of an SQLite database, or in
/// the database when it is PostgreSQL, which replicas share.
fn limiter(
    store: &Store,
    scope: &'static str,
    secret: &[u8],
    limiter: accounts::RateLimiter,
) -> Arc<accounts::RateLimiter> {
    Arc::new(match store.target().engine() {
        accounts::db::Engine::Sqlite => limiter,
        accounts::db::Engine::Postgres => limiter.shared(store.pool().clone(), scope, secret),
    })
}

/// Previews when the server has `--library`: the cache folder is made
/// here, so a bad `--preview-cache` stops the start, not the first search.
fn open_previews(
    config: &Config,
    secret: &[u8],
) -> Result<Option<Arc<crate::preview::Previews>>, StoreError> {
    let Some(library) = &config.library else {
        return Ok(None);
    };
    let cache = crate::preview::Cache::open(&config.preview_cache, config.preview_cache_bytes)
        .map_err(|source| StoreError::CreateDir {
            path: config.preview_cache.clone(),
            source,
        })?;
    Ok(Some(Arc::new(crate::preview::Previews::new(
        library.clone(),
        cache,
        config.preview_ttl,
        config.ffmpeg.clone(),
        secret,
    ))))
}

/// The application with its real routes and middleware; `main` and the
/// tests both build it here.
pub fn create_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("bad query string: {e}"),
            )
            .into()
        }))
        .app_data(
            web::JsonConfig::default()
                .limit(16 * 1024)
                .error_handler(|e, _| {
                    ApiError::new(ErrorCode::InvalidBody, format!("bad JSON body: {e}")).into()
                }),
        )
        .app_data(web::PathConfig::default().error_handler(|e, _| {
            ApiError::new(ErrorCode::InvalidParameter, format!("bad path: {e}")).into()
        }))
        .wrap(from_fn(cookie::guard))
        .wrap(from_fn(body_deadline::guard))
        .wrap(ErrorHandlers::new().default_handler(json_error_body))
        .wrap(from_fn(metrics::timer))
        .wrap(access_log::logger())
        .service(site_pages())
        .service(resource("/assets/{name}").route(web::get().to(site::asset)))
        .service(resource("/api/health").route(web::get().to(health::health)))
        .service(resource("/api/openapi.json").route(web::get().to(openapi)))
        .service(resource("/api/anime/search").route(web::post().to(search::search)))
        .service(
            resource("/api/anime/searches/{search_id}/confirm")
                .route(web::post().to(confirm::confirm)),
        )
        .service(resource("/api/anime/recent-searches").route(web::get().to(lists::recent)))
        .service(resource("/api/anime/rankings").route(web::get().to(lists::rankings)))
        .service(resource("/api/auth/sign-up/email").route(web::post().to(auth::sign_up)))
        .service(resource("/api/auth/sign-in/email").route(web::post().to(auth::sign_in)))
        .service(resource("/api/auth/sign-out").route(web::post().to(auth::sign_out)))
        .service(resource("/api/auth/get-session").route(web::get().to(auth::get_session)))
        .service(
            resource("/api/apikeys")
                .route(web::get().to(apikeys::list))
                .route(web::post().to(apikeys::create)),
        )
        .service(resource("/api/apikeys/{id}").route(web::delete().to(apikeys::revoke)))
        .service(resource("/api/user/anime-credits").route(web::get().to(credits::anime_credits)))
        .service(resource("/api/preview/{kind}").route(web::get().to(preview::preview)))
        .service(tracemoe::search_resource())
        .service(tracemoe::me_resource())
        .default_service(web::to(not_found))
}

/// Runs an accounts call on the blocking pool with a pooled connection and
/// the state's clock; its refusals become `ApiError`s through the table.
pub(crate) async fn accounts_db<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&accounts::Db, &dyn Clock) -> accounts::Result<T> + Send + 'static,
{
    let (store, clock) = (state.store.clone(), state.clock.clone());
    Ok(web::block(move || f(&store.get(), clock.as_ref())).await??)
}

/// The OpenAPI 3.1 document of both faces, kept by hand beside the
/// routes; `tests/integration/openapi.rs` fails when a route, a response
/// field or an error code is in one and not the other.
pub const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}

/// The site's page routes, one resource answering each with the page.
fn site_pages() -> actix_web::Resource {
    web::resource(site::PAGES.to_vec())
        .route(web::get().to(site::page))
        .default_service(web::to(method_not_allowed))
}

/// A resource that answers a wrong method with 405 in the JSON body.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

pub(crate) async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        ErrorCode::NotFound,
        format!("no such endpoint: {}", req.path()),
    )
    .error_response()
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), req.path()),
    )
    .error_response()
}

/// Any error response that is not already our JSON (an actix default, a
/// payload error) is rewritten into `{"code","message"}`.
fn json_error_body<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = ApiError::new(
        code_for_status(status, res.request().path()),
        status_message(&res),
    );
    let (req, _) = res.into_parts();
    let response: HttpResponse<BoxBody> = error.error_response();
    let res = ServiceResponse::new(req, response).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

fn status_message<B>(res: &ServiceResponse<B>) -> String {
    match res.response().error() {
        Some(e) => e.to_string(),
        None => res
            .status()
            .canonical_reason()
            .unwrap_or("error")
            .to_string(),
    }
}

/// The code for an error status produced outside our handlers. Only the
/// search takes images; elsewhere an oversized body is just that.
fn code_for_status(status: actix_web::http::StatusCode, path: &str) -> ErrorCode {
    match status.as_u16() {
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        413 if path.starts_with("/api/anime/search") => ErrorCode::ImageTooLarge,
        413 => ErrorCode::BodyTooLarge,
        400..=499 => ErrorCode::InvalidBody,
        _ => ErrorCode::InternalError,
    }
}
