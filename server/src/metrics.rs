//! What the server exposes to Prometheus at `GET /metrics`, on its own
//! listener (`--metrics-listen`) so that the public never reaches it:
//! searches by outcome, latency histograms (whole search, image decode,
//! index match, HTTP by route), the index (frames, age, loads and
//! refusals), request body bytes held, database errors and health, and
//! previews (served from the cache or cut, cut time, cache size).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::LazyLock;
use std::sync::atomic::AtomicU64;

/// Database faults answered as 500, counted where they become `ApiError`s
/// (which hold no state): one counter for the process.
pub static DATABASE_ERRORS: LazyLock<Counter> = LazyLock::new(Counter::default);

/// How a search ended.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: Outcome,
}

#[derive(
    Debug, Clone, Copy, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelValue,
)]
#[allow(non_camel_case_types)]
pub enum Outcome {
    /// Searched and answered (with or without matches).
    found,
    /// Quota, credits, rate limits, a busy server: not searched.
    refused,
    /// The caller's input: no image, a bad image or URL, a bad parameter.
    bad_input,
    /// The server's fault (500) or no index (503).
    error,
}

impl Outcome {
    /// The outcome of a search answered with `status`.
    pub fn of_status(status: u16) -> Outcome {
        match status {
            200..=299 => Outcome::found,
            402 | 429 => Outcome::refused,
            400..=499 => Outcome::bad_input,
            _ => Outcome::error,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The route pattern (`/api/apikeys/{id}`), never the raw path.
    pub route: String,
    /// `2xx`, `4xx`, `5xx`.
    pub status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PreviewLabels {
    /// `image` or `video`.
    pub kind: String,
    /// `cache` (already cut), `cut` (cut now), `failed`.
    pub source: String,
}

/// Every metric of one server.
pub struct Metrics {
    registry: Registry,
    pub searches: Family<OutcomeLabel, Counter>,
    pub search_seconds: Histogram,
    pub decode_seconds: Histogram,
    pub match_seconds: Histogram,
    pub http_seconds: Family<RouteLabels, Histogram>,
    index_loaded: Gauge,
    index_frames: Gauge,
    index_age_seconds: Gauge<f64, AtomicU64>,
    body_bytes: Gauge,
    database_ok: Gauge,
    pub previews: Family<PreviewLabels, Counter>,
    pub preview_cut_seconds: Histogram,
    preview_cache_bytes: Gauge,
    preview_cache_files: Gauge,
}

/// 1 ms to about 33 s, doubling.
fn latency_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Metrics {
    /// The metrics, with the index holder's counters registered beside
    /// them.
    pub fn new(index: &crate::index_holder::IndexHolder) -> Metrics {
        let mut registry = Registry::with_prefix("anime_search");
        let searches = Family::<OutcomeLabel, Counter>::default();
        let http_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_buckets as fn() -> Histogram,
        );
        let m = Metrics {
            searches,
            search_seconds: latency_buckets(),
            decode_seconds: latency_buckets(),
            match_seconds: latency_buckets(),
            http_seconds,
            index_loaded: Gauge::default(),
            index_frames: Gauge::default(),
            index_age_seconds: Gauge::default(),
            body_bytes: Gauge::default(),
            database_ok: Gauge::default(),
            previews: Family::default(),
            preview_cut_seconds: latency_buckets(),
            preview_cache_bytes: Gauge::default(),
            preview_cache_files: Gauge::default(),
            registry: Registry::default(),
        };
        let r = &mut registry;
        r.register("searches", "Searches by outcome", m.searches.clone());
        r.register(
            "search_seconds",
            "Whole searches (fetch, decode, match, record)",
            m.search_seconds.clone(),
        );
        r.register(
            "decode_seconds",
            "Image decoding of a search",
            m.decode_seconds.clone(),
        );
        r.register(
            "match_seconds",
            "Index matching of a search",
            m.match_seconds.clone(),
        );
        r.register(
            "http_request_seconds",
            "HTTP requests by route and status class",
            m.http_seconds.clone(),
        );
        r.register(
            "index_loaded",
            "1 when an index is being served",
            m.index_loaded.clone(),
        );
        r.register(
            "index_frames",
            "Frames in the index served",
            m.index_frames.clone(),
        );
        r.register(
            "index_age_seconds",
            "Seconds since the index served was built",
            m.index_age_seconds.clone(),
        );
        r.register(
            "index_loads",
            "Index files loaded (the first included)",
            index.loads.clone(),
        );
        r.register(
            "index_refusals",
            "Index files refused (invalid or written in place)",
            index.refusals.clone(),
        );
        r.register(
            "request_body_bytes",
            "Request body bytes held in memory now",
            m.body_bytes.clone(),
        );
        r.register(
            "database_errors",
            "Database faults answered as 500",
            DATABASE_ERRORS.clone(),
        );
        r.register(
            "database_ok",
            "1 when the database file is in order (see /api/health)",
            m.database_ok.clone(),
        );
        r.register(
            "previews",
            "Previews answered, by kind and source",
            m.previews.clone(),
        );
        r.register(
            "preview_cut_seconds",
            "ffmpeg cuts of previews",
            m.preview_cut_seconds.clone(),
        );
        r.register(
            "preview_cache_bytes",
            "Bytes in the preview cache",
            m.preview_cache_bytes.clone(),
        );
        r.register(
            "preview_cache_files",
            "Files in the preview cache",
            m.preview_cache_files.clone(),
        );
        Metrics { registry, ..m }
    }

    /// The text exposition, with the gauges read from `state` now.
    pub fn render(&self, state: &crate::AppState, now_ms: i64) -> String {
        let index = state.index.current();
        self.index_loaded.set(i64::from(index.is_some()));
        if let Some(index) = index {
            let h = index.header();
            self.index_frames.set(h.frame_count as i64);
            let age = (now_ms as f64 / 1000.0 - h.built_at as f64).max(0.0);
            self.index_age_seconds.set(age);
        }
        self.body_bytes.set(state.body_budget.held() as i64);
        self.database_ok
            .set(i64::from(state.store.problem().is_none()));
        if let Some(previews) = &state.previews {
            self.preview_cache_bytes
                .set(previews.cache.total_bytes() as i64);
            self.preview_cache_files.set(previews.cache.len() as i64);
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!("cannot encode the metrics: {e}");
        }
        out
    }
}

/// Seconds since `start`, for a histogram.
pub fn seconds_since(start: std::time::Instant) -> f64 {
    start.elapsed().as_secs_f64()
}
