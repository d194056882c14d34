//! Signed session cookie values, byte-compatible with better-auth's `token.signature`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;

use crate::crypto::hmac_key;

/// Cookie name over plain http.
pub const COOKIE_NAME: &str = "better-auth.session_token";
/// Cookie name when the server is configured for https (with `Secure`).
pub const SECURE_COOKIE_NAME: &str = "__Secure-better-auth.session_token";
/// `Max-Age` of a remembered session cookie: 7 days.
pub const COOKIE_MAX_AGE_SECS: u64 = 604_800;

/// `token + "." + base64(HMAC-SHA256(secret, token))` (standard alphabet,
/// padded, 44 characters), not yet URI-encoded.
pub fn sign_cookie(secret: &[u8], token: &str) -> String {
    let tag = hmac::sign(&hmac_key(secret), token.as_bytes());
    format!("{token}.{}", STANDARD.encode(tag.as_ref()))
}

/// The signed value URI-encoded as better-auth sends it (`+`, `/`, `=` escaped).
pub fn encoded_cookie_value(secret: &[u8], token: &str) -> String {
    sign_cookie(secret, token)
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// The token inside a cookie value if its signature is right (checked in
/// constant time); accepts the value raw or URI-encoded.
pub fn verify_cookie(secret: &[u8], value: &str) -> Option<String> {
    let value = uri_decode_signature_chars(value);
    let (token, signature) = value.rsplit_once('.')?;
    if token.is_empty() || signature.len() != 44 || !signature.ends_with('=') {
        return None;
    }
    let tag = STANDARD.decode(signature).ok()?;
    hmac::verify(&hmac_key(secret), token.as_bytes(), &tag).ok()?;
    Some(token.to_owned())
}

/// Undoes `encodeURIComponent` for the only escapes a signed value can hold.
fn uri_decode_signature_chars(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let escape = rest.get(pos..pos + 3).unwrap_or(&rest[pos..]);
        match escape.to_ascii_uppercase().as_str() {
            "%2B" => out.push('+'),
            "%2F" => out.push('/'),
            "%3D" => out.push('='),
            _ => out.push_str(escape),
        }
        rest = &rest[pos + escape.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"better-auth-secret-123456789012345";
    const TOKEN: &str = "Z1q8tfkz6XyLm0B3sPq9RcVw2aHnYe4u";

    #[test]
    fn signed_value_has_a_44_char_signature() {
        let value = sign_cookie(SECRET, TOKEN);
        let (token, sig) = value.split_once('.').unwrap();
        assert_eq!(token, TOKEN);
        assert_eq!(sig.len(), 44);
    }

    #[test]
    fn raw_and_encoded_values_verify() {
        let raw = sign_cookie(SECRET, TOKEN);
        let encoded = encoded_cookie_value(SECRET, TOKEN);
        assert_eq!(verify_cookie(SECRET, &raw).as_deref(), Some(TOKEN));
        assert_eq!(verify_cookie(SECRET, &encoded).as_deref(), Some(TOKEN));
        let lower = encoded
            .replace("%2B", "%2b")
            .replace("%2F", "%2f")
            .replace("%3D", "%3d");
        assert_eq!(verify_cookie(SECRET, &lower).as_deref(), Some(TOKEN));
    }

    #[test]
    fn tampering_is_rejected() {
        let value = sign_cookie(SECRET, TOKEN);
        let other = value.replacen('Z', "Y", 1);
        assert_eq!(verify_cookie(SECRET, &other), None);
        assert_eq!(verify_cookie(b"another secret", &value), None);
        assert_eq!(verify_cookie(SECRET, TOKEN), None);
        assert_eq!(verify_cookie(SECRET, "%"), None);
    }
}
