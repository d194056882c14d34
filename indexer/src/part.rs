//! Splitting one library's build over machines: `--part K/N` indexes the
//! K-th of N shares. A video's share depends on its relative path alone,
//! through a hash whose value is fixed forever (FNV-1a 64, spread by
//! MurmurHash3's finaliser, into N by jump consistent hashing), so shares
//! stay balanced and a video stays in its share as the library grows;
//! going from N to N+1 shares moves only a 1/(N+1) of the videos.

mod auto;

pub use auto::{AutoError, from_env};
use shared::index::Part;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// Share `k` (1-based) of `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    pub k: u32,
    pub n: u32,
}

/// What `--part` says: a share, or `auto` (from a job scheduler's
/// environment, see `from_env`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartArg {
    Share(Share),
    Auto,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("{0:?} is not K/N (e.g. 2/8, the 2nd of 8 shares) or auto")]
    Syntax(String),
    #[error("{k}/{n}: there must be at least one share")]
    NoShares { k: u32, n: u32 },
    #[error("{k}/{n}: K counts the shares from 1 to N")]
    OutOfRange { k: u32, n: u32 },
}

impl Share {
    pub fn new(k: u32, n: u32) -> Result<Share, ShareError> {
        if n == 0 {
            return Err(ShareError::NoShares { k, n });
        }
        if k == 0 || k > n {
            return Err(ShareError::OutOfRange { k, n });
        }
        Ok(Share { k, n })
    }

    /// True when the video at `rel_path` belongs to this share.
    pub fn holds(self, rel_path: &str) -> bool {
        share_of(rel_path, self.n) == self.k
    }

    /// What the part file's header records.
    pub fn part(self, library: u32) -> Part {
        Part {
            share: self.k,
            of: self.n,
            library,
        }
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl FromStr for Share {
    type Err = ShareError;

    fn from_str(s: &str) -> Result<Share, ShareError> {
        let syntax = || ShareError::Syntax(s.to_string());
        let (k, n) = s.trim().split_once('/').ok_or_else(syntax)?;
        let number = |x: &str| x.trim().parse::<u32>().map_err(|_| syntax());
        Share::new(number(k)?, number(n)?)
    }
}

impl FromStr for PartArg {
    type Err = ShareError;

    fn from_str(s: &str) -> Result<PartArg, ShareError> {
        match s.trim() {
            "auto" => Ok(PartArg::Auto),
            _ => s.parse().map(PartArg::Share),
        }
    }
}

/// The share (1-based) of `n` that the video at `rel_path` belongs to.
pub fn share_of(rel_path: &str, n: u32) -> u32 {
    jump(path_hash(rel_path), n.max(1)) + 1
}

/// The fixed 64-bit hash of a relative path (`/`-separated, UTF-8).
pub fn path_hash(rel_path: &str) -> u64 {
    fmix64(fnv1a(rel_path.as_bytes()))
}

/// Names the library a part was made from: a 32-bit hash of its folder's
/// canonical path. Every part of one index must be built from the same
/// path (mount the library at the same place on every machine).
pub fn library_fingerprint(root: &Path) -> std::io::Result<u32> {
    let real = std::fs::canonicalize(root)?;
    Ok(text_fingerprint(&real.to_string_lossy()))
}

/// The 32-bit fingerprint `library_fingerprint` takes of a path's text.
pub fn text_fingerprint(text: &str) -> u32 {
    (path_hash(text) >> 32) as u32
}

/// FNV-1a, 64 bits.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// MurmurHash3's 64-bit finaliser: FNV's low bits follow the last bytes
/// closely (episode numbers); this spreads every input bit over all 64.
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// Jump consistent hash (Lamping and Veach, 2014): a bucket in `0..n`,
/// balanced, and when `n` grows by one, only the keys that move to the new
/// bucket change.
fn jump(mut key: u64, n: u32) -> u32 {
    let (mut b, mut j) = (-1i64, 0i64);
    while j < n as i64 {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as u32
}

#[cfg(test)]
mod tests;
