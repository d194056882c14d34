//! The access log: one line per request, with neither the client's address
//! (like the database, the log keeps none) nor any secret a query string
//! carries (`?key=`, `?api_key=`, ...).

use actix_web::dev::ServiceRequest;
use actix_web::middleware::Logger;

/// Query parameters whose values never reach the log.
const SECRET_PARAMETERS: &[&str] = &["key", "api_key", "apikey", "token", "secret", "password"];

pub fn logger() -> Logger {
    Logger::new("\"%{request}xi\" %s %b %Dms").custom_request_replace("request", request_line)
}

/// Method, path and the redacted query.
fn request_line(req: &ServiceRequest) -> String {
    let query = redacted(req.query_string());
    format!("{} {}{query}", req.method(), req.path())
}

/// `?` and the query with every secret parameter's value replaced, or
/// nothing for an empty query.
pub fn redacted(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            let decoded = percent_decoded_lowercase(name);
            match SECRET_PARAMETERS.contains(&decoded.as_str()) {
                true => format!("{name}=REDACTED"),
                false => pair.to_string(),
            }
        })
        .collect();
    format!("?{}", parts.join("&"))
}

/// A parameter name as the server reads it (`%6Bey` is `key`).
fn percent_decoded_lowercase(name: &str) -> String {
    let bytes: Vec<u8> = url::form_urlencoded::parse(name.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned().into_bytes())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn secrets_are_redacted_and_the_rest_kept() {
        assert_eq!(redacted(""), "");
        assert_eq!(
            redacted("url=https%3A%2F%2Fa.example%2Fx.jpg&key=ak_secret"),
            "?url=https%3A%2F%2Fa.example%2Fx.jpg&key=REDACTED"
        );
        assert_eq!(
            redacted("API_KEY=s1&%6Bey=s2&anilistInfo&token"),
            "?API_KEY=REDACTED&%6Bey=REDACTED&anilistInfo&token=REDACTED"
        );
    }
}
