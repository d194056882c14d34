//! `GET /api/preview/image` and `/api/preview/video`: a signed preview URL
//! answered from the cache, or cut on demand (one cut per core at once; a
//! request waits up to 10 s for its turn, then gets 503 with
//! `Retry-After`), sent with `ETag`,
//! `Cache-Control` and `Range` support; a clip also says which span of
//! the video it shows (`X-Preview-From`, `X-Preview-To`, seconds). Also
//! the preview links that search answers carry.

use super::AppState;
use crate::error::{ApiError, ErrorCode};
use crate::preview::{Cut, Kind, SignError, Signed, Size, scene, video_id};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use shared::SearchHit;

/// Seconds a client told "busy" waits.
const BUSY_RETRY_SECS: u64 = 2;

/// A preview URL's query. A name given twice counts the last time: a
/// trace.moe client picks the size by appending `&size=l` to the URL it
/// was given. `mute` is accepted and ignored (clips have no sound).
#[derive(Debug)]
pub struct PreviewQuery {
    v: String,
    t: String,
    size: Option<String>,
    exp: String,
    sig: String,
}

impl PreviewQuery {
    fn parse(query: &str) -> Result<PreviewQuery, ApiError> {
        let bad = |why: String| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("bad preview URL: {why}"),
            )
        };
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|e| bad(e.to_string()))?;
        let last = |name: &str| {
            pairs
                .iter()
                .rfind(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let required = |name: &str| last(name).ok_or_else(|| bad(format!("`{name}` is missing")));
        Ok(PreviewQuery {
            v: required("v")?,
            t: required("t")?,
            size: last("size"),
            exp: required("exp")?,
            sig: required("sig")?,
        })
    }
}

/// The `image` and `video` URLs of a hit, absolute; `None` without
/// `--library`.
pub fn links(state: &AppState, req: &HttpRequest, hit: &SearchHit) -> Option<(String, String)> {
    let previews = state.previews.as_ref()?;
    let base = match &state.config.base_url {
        Some(base) => base.clone(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    };
    let now_s = (state.clock.now_ms() / 1000) as u64;
    let at_ms = (hit.at * 1000.0).round() as u32;
    let url = |kind| {
        format!(
            "{base}{}",
            previews.path_for(kind, &hit.video_path, at_ms, now_s)
        )
    };
    Some((url(Kind::Image), url(Kind::Video)))
}

pub async fn preview(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let query = PreviewQuery::parse(req.query_string())?;
    let kind = match kind.as_str() {
        "image" => Kind::Image,
        "video" => Kind::Video,
        other => {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!("no such preview kind: {other}"),
            ));
        }
    };
    let previews = state.previews.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::PreviewsOff,
            "previews are off: the server runs without --library",
        )
    })?;
    let signed = parse(kind, &query)?;
    let now_s = (state.clock.now_ms() / 1000) as u64;
    previews
        .verify(&signed, &query.sig, now_s)
        .map_err(sign_error)?;
    let index = state.index.current().ok_or_else(|| {
        ApiError::new(ErrorCode::IndexUnavailable, "no index is loaded yet").with_retry_after(5)
    })?;
    let (position, video) = index
        .videos()
        .iter()
        .enumerate()
        .find(|(_, v)| video_id(v.path.as_str()) == signed.video)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::VideoNotFound,
                "no video with this id in the index (it was removed since the search)",
            )
        })?;
    let name = cache_name(&signed, video);
    let (from_ms, to_ms) = scene(&index, position, signed.at_ms);
    let count = |source: &str| {
        let labels = crate::metrics::PreviewLabels {
            kind: kind.name().into(),
            source: source.into(),
        };
        state.metrics.previews.get_or_create(&labels).inc();
    };
    let path = match previews.cache.get(&name) {
        Some(path) => {
            count("cache");
            path
        }
        None => {
            let busy = || {
                ApiError::new(
                    ErrorCode::PreviewBusy,
                    "the server is cutting as many previews as it can; retry in a moment",
                )
                .with_retry_after(BUSY_RETRY_SECS)
            };
            let _slot = tokio::time::timeout(previews.queue_wait, previews.slots.acquire())
                .await
                .map_err(|_| busy())?
                .map_err(|_| busy())?;
            let file = previews.library.join(video.path.as_str());
            if let Err(e) = std::fs::File::open(&file) {
                tracing::warn!("preview of {}: {e}", file.display());
                return Err(ApiError::new(
                    ErrorCode::VideoNotFound,
                    "the video of this preview cannot be read from the library",
                ));
            }
            let cut = Cut {
                kind,
                video: file,
                at_ms: signed.at_ms,
                from_ms,
                to_ms,
                size: signed.size,
            };
            drop(index);
            let partial = previews.cache.partial_path(&name);
            let started = std::time::Instant::now();
            let cut_result = cut.run(&previews.ffmpeg, &partial).await;
            let seconds = crate::metrics::seconds_since(started);
            state.metrics.preview_cut_seconds.observe(seconds);
            if let Err(e) = cut_result {
                count("failed");
                let _ = std::fs::remove_file(&partial);
                tracing::error!("preview: {e}");
                return Err(ApiError::new(
                    ErrorCode::PreviewFailed,
                    "the preview could not be cut; see the server log",
                ));
            }
            count("cut");
            previews
                .cache
                .insert(&name, &partial)
                .map_err(ApiError::internal)?
        }
    };
    let mut response = send(&req, &path, kind).await?;
    if kind == Kind::Video {
        let seconds = |ms: u32| format!("{:.3}", ms as f64 / 1000.0);
        let headers = response.headers_mut();
        for (name, ms) in [("x-preview-from", from_ms), ("x-preview-to", to_ms)] {
            if let Ok(value) = header::HeaderValue::from_str(&seconds(ms)) {
                headers.insert(header::HeaderName::from_static(name), value);
            }
        }
    }
    Ok(response)
}

fn parse(kind: Kind, q: &PreviewQuery) -> Result<Signed, ApiError> {
    let bad = |what: &str| {
        ApiError::new(
            ErrorCode::InvalidParameter,
            format!("bad preview URL: {what}"),
        )
    };
    let size = match q.size.as_deref() {
        None | Some("") => Size::M,
        Some(s) => Size::parse(s).ok_or_else(|| bad("size must be s, m or l"))?,
    };
    Ok(Signed {
        kind,
        video: q.v.clone(),
        at_ms: q.t.parse().map_err(|_| bad("t"))?,
        size,
        expires: q.exp.parse().map_err(|_| bad("exp"))?,
    })
}

fn sign_error(e: SignError) -> ApiError {
    match e {
        SignError::Forged => ApiError::new(
            ErrorCode::PreviewForbidden,
            "this preview URL was not signed by this server, or was altered",
        ),
        SignError::Expired => ApiError::new(
            ErrorCode::PreviewExpired,
            "this preview URL has expired; search again for a fresh one",
        ),
    }
}

/// The cached file's name: what is cut, and from which version of the
/// video file (a replaced file is cut again).
fn cache_name(s: &Signed, video: &shared::index::ArchivedVideo) -> String {
    let key = format!(
        "{}|{}|{}|{}|{}|{}",
        s.kind.name(),
        video.path.as_str(),
        video.size.to_native(),
        video.mtime_ns.to_native(),
        s.at_ms,
        s.size.name()
    );
    let d = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    let hex: String = d.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{hex}.{}", s.kind.extension())
}

async fn send(
    req: &HttpRequest,
    path: &std::path::Path,
    kind: Kind,
) -> Result<HttpResponse, ApiError> {
    let mime: actix_web::mime::Mime = match kind {
        Kind::Image => actix_web::mime::IMAGE_JPEG,
        Kind::Video => "video/mp4".parse().map_err(ApiError::internal)?,
    };
    let file = actix_files::NamedFile::open_async(path)
        .await
        .map_err(ApiError::internal)?
        .set_content_type(mime)
        .use_etag(true)
        .use_last_modified(true);
    let mut response = file.into_response(req);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}
