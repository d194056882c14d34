//! Request bodies of the account routes: JSON or form-encoded (as
//! better-auth accepts both), read into named fields whose problems
//! answer 400 `VALIDATION_ERROR` naming the field.

use crate::error::{ApiError, ErrorCode};
use actix_web::HttpRequest;
use actix_web::http::header;
use serde_json::{Map, Value};

/// The request's `Content-Type`, lower-cased ("" when absent).
pub fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The fields of a body.
#[derive(Debug, Default)]
pub struct Fields(Map<String, Value>);

impl Fields {
    /// A JSON object, or an `application/x-www-form-urlencoded` form.
    pub fn parse(req: &HttpRequest, body: &[u8]) -> Result<Fields, ApiError> {
        if content_type(req).starts_with("application/x-www-form-urlencoded") {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|e| {
                ApiError::new(ErrorCode::InvalidBody, format!("bad form body: {e}"))
            })?;
            let map = pairs.into_iter().map(|(k, v)| (k, Value::String(v)));
            return Ok(Fields(map.collect()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Fields(map)),
            _ => Err(ApiError::new(
                ErrorCode::InvalidBody,
                "send a JSON object (Content-Type: application/json) or a urlencoded form",
            )),
        }
    }

    /// A required string field.
    pub fn string(&self, name: &str) -> Result<String, ApiError> {
        self.optional_string(name)?
            .ok_or_else(|| invalid(format!("{name} is required")))
    }

    /// A string field that may be absent or null.
    pub fn optional_string(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("{name} must be a string"))),
        }
    }

    /// A boolean field (`true`/`false`, also as form strings).
    pub fn boolean(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s == "true" => Ok(true),
            Some(Value::String(s)) if s == "false" => Ok(false),
            Some(_) => Err(invalid(format!("{name} must be a boolean"))),
        }
    }
}

fn invalid(what: String) -> ApiError {
    ApiError::new(
        ErrorCode::ValidationError,
        format!("Invalid body parameters: {what}"),
    )
}
