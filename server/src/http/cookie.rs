//! The session cookie as better-auth writes it (attributes in its order),
//! and the middleware that checks the Origin of cookie-authenticated
//! requests and re-sends a cookie whose session slid forward.

use super::AppState;
use crate::error::{ApiError, ErrorCode};
use accounts::cookie::COOKIE_MAX_AGE_SECS;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};

/// A `Set-Cookie` value the response should carry (a refreshed session).
#[derive(Debug, Clone)]
pub struct RefreshCookie(pub String);

/// The cookie name: `__Secure-` prefixed when served over https.
pub fn name(state: &AppState) -> &'static str {
    if state.config.secure_cookies {
        accounts::SECURE_COOKIE_NAME
    } else {
        accounts::COOKIE_NAME
    }
}

/// `Set-Cookie` for a session; without `remember` a browser-session
/// cookie (no `Max-Age`).
pub fn session_cookie(state: &AppState, token: &str, remember: bool) -> String {
    let value = accounts::encoded_cookie_value(&state.secret, token);
    let max_age = remember.then_some(COOKIE_MAX_AGE_SECS);
    format_cookie(state, &value, max_age)
}

/// `Set-Cookie` that makes the browser drop the session cookie.
pub fn expired_cookie(state: &AppState) -> String {
    format_cookie(state, "", Some(0))
}

fn format_cookie(state: &AppState, value: &str, max_age: Option<u64>) -> String {
    let mut out = format!("{}={value}; ", name(state));
    if let Some(age) = max_age {
        out.push_str(&format!("Max-Age={age}; "));
    }
    out.push_str("Path=/; HttpOnly; ");
    if state.config.secure_cookies {
        out.push_str("Secure; ");
    }
    out.push_str("SameSite=Lax");
    out
}

/// Middleware: refuses a cookie-carrying unsafe request from an untrusted
/// origin before any handler runs, and adds a refreshed session cookie.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.trusted_origins.clone())
        .unwrap_or_default();
    if let Err(e) = check_origin(req.request(), &trusted) {
        return Ok(req.error_response(e).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    let refresh = res.request().extensions_mut().remove::<RefreshCookie>();
    // A handler that set a cookie itself (sign-in, sign-out) knows better.
    if let Some(RefreshCookie(cookie)) = refresh
        && !res.headers().contains_key(header::SET_COOKIE)
    {
        let value = header::HeaderValue::from_str(&cookie).map_err(ApiError::internal)?;
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(res.map_into_left_body())
}

/// better-auth's CSRF rule: an unsafe method with a `Cookie` header needs
/// an `Origin` (or `Referer`) among the trusted origins.
pub fn check_origin(req: &HttpRequest, trusted: &[String]) -> Result<(), ApiError> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || !req.headers().contains_key(header::COOKIE) {
        return Ok(());
    }
    let origin = request_origin(req)
        .ok_or_else(|| ApiError::new(ErrorCode::MissingOrNullOrigin, "Missing or null Origin"))?;
    if same_origin(req, &origin)
        || trusted
            .iter()
            .any(|pattern| origin_matches(pattern, &origin))
    {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::InvalidOrigin, "Invalid origin"))
    }
}

/// The server's own pages: the browser's `Origin` names the host it sent
/// the request to (`Host`). A page of another site cannot make a browser
/// send its own origin with this host, so this is the same-origin check.
fn same_origin(req: &HttpRequest, origin: &str) -> bool {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, host)| host);
    matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
}

/// `Origin`, else the origin of `Referer`; `None` when absent or "null".
fn request_origin(req: &HttpRequest) -> Option<String> {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let raw = match header(header::ORIGIN) {
        Some(o) => o.trim().to_string(),
        None => header(header::REFERER)?.trim().to_string(),
    };
    if raw.is_empty() || raw == "null" {
        return None;
    }
    match url::Url::parse(&raw) {
        Ok(u) if u.has_host() => Some(u.origin().ascii_serialization()),
        _ => Some(raw.to_ascii_lowercase()),
    }
}

/// Exact match, or a pattern where `*` stands for any run of characters.
pub fn origin_matches(pattern: &str, origin: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == origin;
    };
    let Some(mut tail) = origin.strip_prefix(head) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('*').collect();
    let (last, middle) = parts.split_last().expect("split yields one part");
    for part in middle {
        match tail.find(part) {
            Some(i) => tail = &tail[i + part.len()..],
            None => return false,
        }
    }
    tail.ends_with(last)
}

/// better-auth refuses a sign-in or sign-up that a cross-site link or
/// form navigated to (login CSRF).
pub fn refuse_cross_site_navigation(req: &HttpRequest) -> Result<(), ApiError> {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let cross_site = header("sec-fetch-site") == Some("cross-site");
    if cross_site && header("sec-fetch-mode") == Some("navigate") {
        return Err(ApiError::new(
            ErrorCode::CrossSiteNavigationLoginBlocked,
            "Cross-site navigation login blocked",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::origin_matches;

    #[test]
    fn wildcards_match_any_run() {
        assert!(origin_matches("https://a.io", "https://a.io"));
        assert!(!origin_matches("https://a.io", "https://a.io.evil"));
        assert!(origin_matches("https://*.a.io", "https://x.y.a.io"));
        assert!(!origin_matches("https://*.a.io", "https://a.io.evil"));
        assert!(!origin_matches("https://*.a.io", "http://x.a.io"));
        assert!(origin_matches("*", "https://anything"));
    }
}
