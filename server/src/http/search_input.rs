//! Reads what a search request carries: an image file or a URL, and the
//! parameters, from a multipart form, a urlencoded form or a raw image
//! body, never holding more than the size cap in memory, nor more than
//! the server's body budget allows (see `body_budget`).

use super::body_budget::Reservation;
use crate::error::{ApiError, ErrorCode};
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::Deserialize;

/// Form fields other than the image are short.
const MAX_FIELD_BYTES: usize = 8 * 1024;
/// Multipart framing on top of the image.
const FRAMING_SLACK: u64 = 64 * 1024;

/// The parameters, from the query string or form fields.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawParams {
    pub url: Option<String>,
    pub cut_borders: Option<String>,
    pub anilist_id: Option<String>,
    pub limit: Option<String>,
}

/// What the request carried.
#[derive(Debug, Default)]
pub struct SearchInput {
    pub image: Option<Vec<u8>>,
    pub params: RawParams,
}

/// Reads the body into `SearchInput`, starting from the query parameters;
/// a form field overrides the query parameter of the same name. The bytes
/// kept are counted in `held` until the caller drops it.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    query: RawParams,
    max_image: usize,
    held: &mut Reservation,
) -> Result<SearchInput, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_image as u64 + FRAMING_SLACK) {
        return Err(too_large(max_image));
    }
    let mut input = SearchInput {
        image: None,
        params: query,
    };
    let mime = super::form::content_type(req);
    if mime.starts_with("multipart/form-data") {
        read_multipart(req, payload, &mut input, max_image, held).await?;
    } else if mime.starts_with("application/x-www-form-urlencoded") {
        let body = read_capped(payload, MAX_FIELD_BYTES, || field_too_long("form"), held).await?;
        let form: RawParams = serde_urlencoded::from_bytes(&body)
            .map_err(|e| ApiError::new(ErrorCode::InvalidBody, format!("bad form body: {e}")))?;
        merge(&mut input.params, form);
    } else {
        let body = read_capped(payload, max_image, || too_large(max_image), held).await?;
        input.image = (!body.is_empty()).then_some(body);
    }
    Ok(input)
}

/// Reads the fields of a multipart form. The whole body, framing and
/// fields the search does not use included, is capped at the image limit
/// plus `FRAMING_SLACK`, however it is chunked; unknown fields are read
/// and thrown away without being kept.
async fn read_multipart(
    req: &HttpRequest,
    payload: web::Payload,
    input: &mut SearchInput,
    max_image: usize,
    held: &mut Reservation,
) -> Result<(), ApiError> {
    check_boundary(req)?;
    let total = max_image as u64 + FRAMING_SLACK;
    let payload = CappedStream::new(payload, total);
    let mut form = Multipart::new(req.headers(), payload);
    while let Some(field) = form
        .try_next()
        .await
        .map_err(|e| bad_multipart(e, max_image))?
    {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "image" | "file" if input.image.is_none() => {
                let bytes = read_capped(field, max_image, || too_large(max_image), held).await?;
                input.image = (!bytes.is_empty()).then_some(bytes);
            }
            "url" | "cutBorders" | "anilistId" | "limit" => {
                let over = || field_too_long(&name);
                let text = utf8(
                    &name,
                    read_capped(field, MAX_FIELD_BYTES, over, held).await?,
                )?;
                set_param(&mut input.params, &name, text);
            }
            _ => skip(field).await.map_err(|e| bad_multipart(e, max_image))?,
        }
    }
    Ok(())
}

fn set_param(params: &mut RawParams, name: &str, value: String) {
    let slot = match name {
        "url" => &mut params.url,
        "cutBorders" => &mut params.cut_borders,
        "anilistId" => &mut params.anilist_id,
        _ => &mut params.limit,
    };
    *slot = Some(value);
}

/// Reads a field to its end, keeping nothing.
async fn skip(mut field: actix_multipart::Field) -> Result<(), actix_multipart::MultipartError> {
    while field.try_next().await?.is_some() {}
    Ok(())
}

/// A multipart body needs a boundary of 1 to 70 characters (RFC 2046);
/// actix-multipart panics on an empty one, so it is refused here first.
fn check_boundary(req: &HttpRequest) -> Result<(), ApiError> {
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<actix_web::mime::Mime>().ok())
        .and_then(|m| {
            m.get_param(actix_web::mime::BOUNDARY)
                .map(|b| b.as_str().len())
        });
    match boundary {
        Some(1..=70) => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::InvalidBody,
            "bad multipart body: the Content-Type needs a boundary of 1 to 70 characters",
        )),
    }
}

/// A body stream that fails once more than `cap` bytes have come through.
struct CappedStream<S> {
    inner: S,
    left: u64,
}

impl<S> CappedStream<S> {
    fn new(inner: S, cap: u64) -> Self {
        CappedStream { inner, left: cap }
    }
}

impl<S> Stream for CappedStream<S>
where
    S: Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    type Item = Result<web::Bytes, actix_web::error::PayloadError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        match std::pin::Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => match self.left.checked_sub(chunk.len() as u64) {
                Some(left) => {
                    self.left = left;
                    Poll::Ready(Some(Ok(chunk)))
                }
                None => Poll::Ready(Some(Err(actix_web::error::PayloadError::Overflow))),
            },
            other => other,
        }
    }
}

fn merge(into: &mut RawParams, from: RawParams) {
    into.url = from.url.or(into.url.take());
    into.cut_borders = from.cut_borders.or(into.cut_borders.take());
    into.anilist_id = from.anilist_id.or(into.anilist_id.take());
    into.limit = from.limit.or(into.limit.take());
}

/// Collects a stream of chunks, failing with `over()` past `cap` bytes;
/// every byte kept is first taken from `held`.
pub(crate) async fn read_capped<S, E>(
    stream: S,
    cap: usize,
    over: impl Fn() -> ApiError,
    held: &mut Reservation,
) -> Result<Vec<u8>, ApiError>
where
    S: Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut stream = stream;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidBody,
                format!("cannot read the request body: {e}"),
            )
        })?;
        if out.len() + chunk.len() > cap {
            return Err(over());
        }
        held.grow(chunk.len())?;
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(bytes).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidBody,
            format!("form field {name} is not UTF-8"),
        )
    })
}

pub(crate) fn too_large(max: usize) -> ApiError {
    ApiError::new(
        ErrorCode::ImageTooLarge,
        format!("the image is larger than {}", human_size(max)),
    )
}

/// `25 MB`, or `100 KB` below a megabyte.
fn human_size(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes / MB)
    } else {
        format!("{} KB", bytes / 1024)
    }
}

fn field_too_long(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidBody,
        format!("form field {name} is longer than {MAX_FIELD_BYTES} bytes"),
    )
}

fn bad_multipart(e: actix_multipart::MultipartError, max_image: usize) -> ApiError {
    use actix_multipart::MultipartError;
    use actix_web::error::PayloadError;
    match e {
        MultipartError::Payload(PayloadError::Overflow) => too_large(max_image),
        e => ApiError::new(ErrorCode::InvalidBody, format!("bad multipart body: {e}")),
    }
}
