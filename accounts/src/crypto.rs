//! Small wrappers over ring: random strings, SHA-256 digests and HMAC keys.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, hmac};

use crate::error::{Error, Result};

pub(crate) const ALPHANUMERIC: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| Error::Random)?;
    Ok(out)
}

/// `len` characters drawn uniformly from `alphabet` (rejection sampling, so
/// no character is favoured by the modulo).
pub(crate) fn random_string(alphabet: &[u8], len: usize) -> Result<String> {
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for byte in random_bytes::<64>()? {
            if usize::from(byte) < limit && out.len() < len {
                out.push(char::from(alphabet[usize::from(byte) % alphabet.len()]));
            }
        }
    }
    Ok(out)
}

/// A new random id for a row (32 alphanumeric characters, as better-auth).
pub(crate) fn new_id() -> Result<String> {
    random_string(ALPHANUMERIC, 32)
}

/// base64url without padding of SHA-256(`data`): how tokens and keys are stored.
pub(crate) fn sha256_b64url(data: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, data.as_bytes()))
}

pub(crate) fn hmac_key(secret: &[u8]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_string_uses_only_the_alphabet() {
        let s = random_string(LETTERS, 200).unwrap();
        assert_eq!(s.len(), 200);
        assert!(s.bytes().all(|b| b.is_ascii_alphabetic()));
    }
}
