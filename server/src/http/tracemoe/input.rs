//! Reads the image of a trace.moe search request, in every form trace.moe
//! clients send it: a multipart field, a raw body of any content type
//! (`curl --data-binary` sends a JPEG as a urlencoded form), or a JSON or
//! form body whose `image` is base64 (a data URI prefix allowed).

use crate::error::{ApiError, ErrorCode};
use crate::http::body_budget::Reservation;
use crate::http::form::content_type;
use crate::http::search_input::{self, RawParams, read_capped, too_large};
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// JSON or form framing around a base64 image.
const FRAMING_SLACK: usize = 64 * 1024;

/// The image bytes, or `None` when the body carried none.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    max_image: usize,
    held: &mut Reservation,
) -> Result<Option<Vec<u8>>, ApiError> {
    let mime = content_type(req);
    if mime.starts_with("multipart/form-data") {
        let input = search_input::read(req, payload, RawParams::default(), max_image, held).await?;
        return Ok(input.image);
    }
    // A base64 image is 4/3 the size of its bytes.
    let cap = max_image / 3 * 4 + FRAMING_SLACK;
    if declared_length(req).is_some_and(|n| n > cap as u64) {
        return Err(too_large(max_image));
    }
    let body = read_capped(payload, cap, || too_large(max_image), held).await?;
    let image = if body.is_empty() {
        None
    } else if mime.starts_with("application/json") {
        json_image(&body)?
    } else if mime.starts_with("application/x-www-form-urlencoded") && body.starts_with(b"image=") {
        Some(form_image(&body)?)
    } else {
        Some(body)
    };
    match image {
        Some(bytes) if bytes.len() > max_image => Err(too_large(max_image)),
        other => Ok(other),
    }
}

fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// `{"image": BASE64}`; a `vector` (trace.moe's colour-layout search) has
/// no meaning for this engine's codes and is refused in words.
fn json_image(body: &[u8]) -> Result<Option<Vec<u8>>, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(ErrorCode::InvalidBody, format!("bad JSON body: {e}")))?;
    if value.get("vector").is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidBody,
            "search by colour-layout vector is not supported by this server; send the image",
        ));
    }
    match value.get("image") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => base64_image(text).map(Some),
        Some(_) => Err(ApiError::new(
            ErrorCode::InvalidBody,
            "\"image\" must be a base64 string",
        )),
    }
}

/// `image=BASE64` (trace.moe's first API).
fn form_image(body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|e| ApiError::new(ErrorCode::InvalidBody, format!("bad form body: {e}")))?;
    let image = pairs
        .into_iter()
        .find_map(|(name, value)| (name == "image").then_some(value))
        .unwrap_or_default();
    base64_image(&image)
}

/// Base64 in any of its common alphabets, with or without padding, after an
/// optional `data:image/...;base64,` prefix.
fn base64_image(text: &str) -> Result<Vec<u8>, ApiError> {
    let data = match text.split_once(',') {
        Some((prefix, data)) if prefix.starts_with("data:") => data,
        _ => text,
    };
    let clean: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(&clean).ok())
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidImage, "\"image\" is not valid base64"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_with_and_without_data_uri_and_padding() {
        let bytes = b"\xff\xd8\xff\xe0 a jpeg?";
        let plain = STANDARD.encode(bytes);
        assert_eq!(base64_image(&plain).unwrap(), bytes);
        let uri = format!("data:image/jpeg;base64,{plain}");
        assert_eq!(base64_image(&uri).unwrap(), bytes);
        let unpadded = STANDARD_NO_PAD.encode(bytes);
        assert_eq!(base64_image(&unpadded).unwrap(), bytes);
        assert_eq!(base64_image(&URL_SAFE.encode(bytes)).unwrap(), bytes);
        let err = base64_image("not base64 at all!").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidImage);
    }

    #[test]
    fn json_bodies_carry_an_image_or_nothing_and_vectors_are_refused() {
        let encoded = STANDARD.encode(b"abc");
        let body = format!(r#"{{"image": "{encoded}"}}"#);
        assert_eq!(json_image(body.as_bytes()).unwrap().unwrap(), b"abc");
        assert_eq!(json_image(b"{}").unwrap(), None);
        let err = json_image(br#"{"vector": [1, 2, 3]}"#).unwrap_err();
        assert!(err.message.contains("vector"), "{}", err.message);
        assert_eq!(json_image(b"{").unwrap_err().code, ErrorCode::InvalidBody);
    }

    #[test]
    fn old_form_bodies_are_base64() {
        let body = format!("image={}", STANDARD.encode(b"xyz").replace('=', "%3D"));
        assert_eq!(form_image(body.as_bytes()).unwrap(), b"xyz");
    }
}
