//! Random identifiers and secrets from the system's CSPRNG.

use ring::rand::{SecureRandom, SystemRandom};

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buf)
        .expect("the system random source works");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// An opaque search id: 128 random bits.
pub fn search_id() -> String {
    random_hex(16)
}
