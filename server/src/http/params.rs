//! Parsing of query-string and form parameters into checked values, each
//! failure naming the parameter and the accepted values.

use crate::error::{ApiError, ErrorCode};

/// `true`/`false` (also `1`/`0`, any case); absent: `default`.
pub fn boolean(name: &str, raw: Option<&str>, default: bool) -> Result<bool, ApiError> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::new(
            ErrorCode::InvalidParameter,
            format!("{name} must be true or false, not {raw:?}"),
        )),
    }
}

/// An integer in `min..=max`; absent: `default`.
pub fn integer(
    code: ErrorCode,
    name: &str,
    raw: Option<&str>,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<u64, ApiError> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(ApiError::new(
            code,
            format!(
                "{name} must be an integer from {} to {}, not {raw:?}",
                range.start(),
                range.end()
            ),
        )),
    }
}
