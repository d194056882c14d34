//! Reads what a search request carries: an image file or a URL, and the
//! parameters, from a multipart form, a urlencoded form or a raw image
//! body, never holding more than the size cap in memory.

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
/// a form field overrides the query parameter of the same name.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    query: RawParams,
    max_image: usize,
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
        read_multipart(req, payload, &mut input, max_image).await?;
    } else if mime.starts_with("application/x-www-form-urlencoded") {
        let body = read_capped(payload, MAX_FIELD_BYTES, || field_too_long("form")).await?;
        let form: RawParams = serde_urlencoded::from_bytes(&body)
            .map_err(|e| ApiError::new(ErrorCode::InvalidBody, format!("bad form body: {e}")))?;
        merge(&mut input.params, form);
    } else {
        let body = read_capped(payload, max_image, || too_large(max_image)).await?;
        input.image = (!body.is_empty()).then_some(body);
    }
    Ok(input)
}

async fn read_multipart(
    req: &HttpRequest,
    payload: web::Payload,
    input: &mut SearchInput,
    max_image: usize,
) -> Result<(), ApiError> {
    let mut form = Multipart::new(req.headers(), payload);
    while let Some(field) = form.try_next().await.map_err(bad_multipart)? {
        let name = field.name().unwrap_or("").to_string();
        let text = |f| read_capped(f, MAX_FIELD_BYTES, || field_too_long(&name));
        match name.as_str() {
            "image" | "file" if input.image.is_none() => {
                let bytes = read_capped(field, max_image, || too_large(max_image)).await?;
                input.image = (!bytes.is_empty()).then_some(bytes);
            }
            "url" => input.params.url = Some(utf8(&name, text(field).await?)?),
            "cutBorders" => input.params.cut_borders = Some(utf8(&name, text(field).await?)?),
            "anilistId" => input.params.anilist_id = Some(utf8(&name, text(field).await?)?),
            "limit" => input.params.limit = Some(utf8(&name, text(field).await?)?),
            _ => drop(read_capped(field, max_image, || too_large(max_image)).await?),
        }
    }
    Ok(())
}

fn merge(into: &mut RawParams, from: RawParams) {
    into.url = from.url.or(into.url.take());
    into.cut_borders = from.cut_borders.or(into.cut_borders.take());
    into.anilist_id = from.anilist_id.or(into.anilist_id.take());
    into.limit = from.limit.or(into.limit.take());
}

/// Collects a stream of chunks, failing with `over()` past `cap` bytes.
pub(crate) async fn read_capped<S, E>(
    stream: S,
    cap: usize,
    over: impl Fn() -> ApiError,
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
        format!("the image is larger than {} MB", max / (1024 * 1024)),
    )
}

fn field_too_long(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidBody,
        format!("form field {name} is longer than {MAX_FIELD_BYTES} bytes"),
    )
}

fn bad_multipart(e: actix_multipart::MultipartError) -> ApiError {
    ApiError::new(ErrorCode::InvalidBody, format!("bad multipart body: {e}"))
}
