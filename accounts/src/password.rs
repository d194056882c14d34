//! Password rules and PBKDF2-HMAC-SHA256 hashes stored as `pbkdf2-sha256$iter$salt$hash`.

use std::num::NonZeroU32;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use ring::pbkdf2;

use crate::crypto::random_bytes;
use crate::error::{Error, Result};

const ALGORITHM: &str = "pbkdf2-sha256";
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;

/// How passwords are checked and hashed. Production uses [`Default`];
/// tests lower `iterations` to stay fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// PBKDF2 rounds for new hashes (OWASP 2023: at least 600,000).
    pub iterations: NonZeroU32,
    pub min_len: usize,
    pub max_len: usize,
}

impl PasswordPolicy {
    pub const DEFAULT_ITERATIONS: u32 = 600_000;

    /// The default rules with another iteration count (0 is treated as 1).
    pub fn with_iterations(iterations: u32) -> Self {
        Self {
            iterations: NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN),
            ..Self::default()
        }
    }

    /// Length rules in characters, as better-auth (8..=128).
    pub fn validate(&self, password: &str) -> Result<()> {
        let len = password.chars().count();
        if len < self.min_len {
            return Err(Error::PasswordTooShort);
        }
        if len > self.max_len {
            return Err(Error::PasswordTooLong);
        }
        Ok(())
    }

    /// A new hash string with a fresh random salt.
    pub fn hash(&self, password: &str) -> Result<String> {
        let salt = random_bytes::<SALT_LEN>()?;
        let mut out = [0u8; HASH_LEN];
        pbkdf2::derive(ALGO, self.iterations, &salt, password.as_bytes(), &mut out);
        Ok(PasswordHash {
            iterations: self.iterations,
            salt: salt.to_vec(),
            hash: out.to_vec(),
        }
        .encode())
    }

    /// Spends as long as checking a real password, for unknown emails, so
    /// timing does not tell which emails have accounts.
    pub fn burn(&self, password: &str) {
        let dummy = PasswordHash {
            iterations: self.iterations,
            salt: vec![0; SALT_LEN],
            hash: vec![0; HASH_LEN],
        };
        let _ = dummy.verify(password);
    }

    /// True when a stored hash is weaker than this policy and should be redone.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        PasswordHash::parse(stored).is_ok_and(|h| h.iterations < self.iterations)
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            iterations: NonZeroU32::new(Self::DEFAULT_ITERATIONS).expect("non-zero"),
            min_len: 8,
            max_len: 128,
        }
    }
}

static ALGO: pbkdf2::Algorithm = pbkdf2::PBKDF2_HMAC_SHA256;

/// A parsed stored hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    pub iterations: NonZeroU32,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl PasswordHash {
    pub fn parse(stored: &str) -> Result<Self> {
        let corrupt = || Error::Corrupt("unreadable password hash".into());
        let mut parts = stored.split('$');
        if parts.next() != Some(ALGORITHM) {
            return Err(corrupt());
        }
        let iterations = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(corrupt)?;
        let mut b64 = || {
            let part = parts.next().ok_or_else(corrupt)?;
            STANDARD_NO_PAD.decode(part).map_err(|_| corrupt())
        };
        let (salt, hash) = (b64()?, b64()?);
        Ok(Self {
            iterations,
            salt,
            hash,
        })
    }

    pub fn encode(&self) -> String {
        format!(
            "{ALGORITHM}${}${}${}",
            self.iterations,
            STANDARD_NO_PAD.encode(&self.salt),
            STANDARD_NO_PAD.encode(&self.hash)
        )
    }

    /// Constant-time comparison (ring's `pbkdf2::verify`).
    pub fn verify(&self, password: &str) -> bool {
        pbkdf2::verify(
            ALGO,
            self.iterations,
            &self.salt,
            password.as_bytes(),
            &self.hash,
        )
        .is_ok()
    }
}

/// Checks `password` against a stored hash string.
pub fn verify_password(stored: &str, password: &str) -> Result<bool> {
    Ok(PasswordHash::parse(stored)?.verify(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trips_and_records_iterations() {
        let policy = PasswordPolicy::with_iterations(1_000);
        let stored = policy.hash("correct horse").unwrap();
        assert!(stored.starts_with("pbkdf2-sha256$1000$"));
        assert!(verify_password(&stored, "correct horse").unwrap());
        assert!(!verify_password(&stored, "wrong horse").unwrap());
        assert!(PasswordPolicy::default().needs_rehash(&stored));
        assert!(!policy.needs_rehash(&stored));
    }

    #[test]
    fn salts_differ_per_hash() {
        let policy = PasswordPolicy::with_iterations(1);
        assert_ne!(policy.hash("same").unwrap(), policy.hash("same").unwrap());
    }

    #[test]
    fn garbage_is_corrupt_not_a_match() {
        assert!(matches!(
            verify_password("md5$abc", "x"),
            Err(Error::Corrupt(_))
        ));
    }
}
