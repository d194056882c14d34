//! Previews of a match: a JPEG still of the matched frame and a short
//! muted H.264 clip of the scene around it, cut from the library's video
//! on demand by the `ffmpeg` program, kept in a size-capped cache, and
//! reached only through signed, expiring URLs that name the video by an
//! id (a hash of its path in the library), never by a path.
//!
//! Why the `ffmpeg` program rather than ffmpeg-next in the server: a
//! damaged or hostile video that crashes or hangs a decoder takes down one
//! child process, which a deadline kills, not the server; seeking,
//! scaling and x264 encoding are one well-known command line; the process
//! start costs a few milliseconds against the tens to hundreds a cut
//! takes (see `docs/BENCHMARKS.md`).

mod cache;
mod cut;
mod sign;

pub use cache::Cache;
pub use cut::{Cut, scene};
pub use sign::{Kind, SignError, Signed, Size};

use ring::digest;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Everything previews need, when the server has `--library`.
pub struct Previews {
    pub library: PathBuf,
    pub cache: Cache,
    /// Cuts running at once; a request waits up to `queue_wait` for one,
    /// then gets 503.
    pub slots: Semaphore,
    pub queue_wait: Duration,
    /// How long a preview URL stays valid.
    pub ttl: Duration,
    pub ffmpeg: PathBuf,
    key: ring::hmac::Key,
}

impl Previews {
    pub fn new(
        library: PathBuf,
        cache: Cache,
        ttl: Duration,
        ffmpeg: PathBuf,
        secret: &[u8],
    ) -> Previews {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Previews {
            library,
            cache,
            slots: Semaphore::new(cores),
            queue_wait: Duration::from_secs(10),
            ttl,
            ffmpeg,
            key: sign::key(secret),
        }
    }

    /// The signed URL path and query of a preview of `video_path` at
    /// `at_ms`, valid until `now + ttl`.
    pub fn path_for(&self, kind: Kind, video_path: &str, at_ms: u32, now_s: u64) -> String {
        let signed = Signed {
            kind,
            video: video_id(video_path),
            at_ms,
            size: Size::M,
            expires: now_s + self.ttl.as_secs(),
        };
        signed.path(&self.key)
    }

    /// Checks a request's signature and expiry.
    pub fn verify(&self, signed: &Signed, sig: &str, now_s: u64) -> Result<(), SignError> {
        signed.verify(&self.key, sig, now_s)
    }
}

/// A video's id in preview URLs: the first 16 hex digits of the SHA-256
/// of its path in the library. Stable across index rebuilds; says
/// nothing of the path.
pub fn video_id(video_path: &str) -> String {
    let d = digest::digest(&digest::SHA256, video_path.as_bytes());
    d.as_ref()[..8].iter().map(|b| format!("{b:02x}")).collect()
}
