//! Who is calling: the identity a request is charged to and its searches
//! are logged under. The HTTP extractor lives in `http::extract`; this type
//! knows nothing about HTTP so the store can use it.

use ring::hmac;
use std::net::IpAddr;

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No session, no key: known only by a keyed hash of the client IP.
    Guest { ip_hash: IpHash },
    /// A signed-in user, by session cookie or API key.
    User { user_id: String, via: Via },
}

impl Caller {
    /// A key naming this caller in the in-memory limiters: the user, or
    /// the guest's address hash (never the address).
    pub fn limiter_key(&self) -> String {
        match self {
            Caller::Guest { ip_hash } => {
                let hex: String = ip_hash.0[..16].iter().map(|b| format!("{b:02x}")).collect();
                format!("guest:{hex}")
            }
            Caller::User { user_id, .. } => format!("user:{user_id}"),
        }
    }
}

/// How a signed-in caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    ApiKey,
}

/// HMAC-SHA256(server secret, IP): stable for one IP, useless without the
/// secret, so the database never holds an address.
#[derive(Clone, PartialEq, Eq)]
pub struct IpHash(pub [u8; 32]);

impl std::fmt::Debug for IpHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IpHash({:02x}{:02x}..)", self.0[0], self.0[1])
    }
}

/// Hashes client addresses with the server secret.
#[derive(Clone)]
pub struct IpHasher {
    key: hmac::Key,
}

impl IpHasher {
    pub fn new(secret: &[u8]) -> Self {
        IpHasher {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    /// IPv4-mapped IPv6 addresses hash as their IPv4 form, so one client
    /// has one hash whichever socket family it came in on. An IPv6 address
    /// hashes as its /64: one subscriber gets a whole /64 and could
    /// otherwise take a fresh address, and a fresh guest quota, at will.
    pub fn hash(&self, ip: IpAddr) -> IpHash {
        let ip = match ip.to_canonical() {
            IpAddr::V6(v6) => IpAddr::V6((v6.to_bits() & (u128::MAX << 64)).into()),
            v4 => v4,
        };
        let text = ip.to_string();
        let tag = hmac::sign(&self.key, text.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        IpHash(out)
    }
}
