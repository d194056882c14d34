//! Fixed-window rate limiter for sign-in and sign-up (keyed by `ip|route`)
//! and for failed searches (keyed by caller): in memory for a single
//! server, or in the database when several replicas must count as one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::clock::{Clock, SECOND_MS, secs_until};
use crate::db::{Db, Pool};
use crate::error::{Error, Result};
use crate::params;

/// Past this many keys, expired windows are swept on the next check.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    count: u32,
}

/// Where the windows are kept.
enum Windows {
    Memory(Mutex<HashMap<String, Window>>),
    /// The `rate_windows` table; `scope` keeps limiters apart in it. Keys
    /// are stored as an HMAC with the server secret: they hold client IP
    /// addresses, which the database never keeps.
    Shared {
        pool: Pool,
        scope: &'static str,
        mac: ring::hmac::Key,
    },
}

/// `max` requests per `window_ms` per key, as better-auth's limiter: the
/// window starts at a key's first request and is reset once it has passed.
/// With [`RateLimiter::shared`] the calls block on the database: call them
/// from `web::block`.
pub struct RateLimiter {
    max: u32,
    window_ms: i64,
    clock: Arc<dyn Clock>,
    windows: Windows,
}

impl RateLimiter {
    /// Windows kept in this process.
    pub fn new(max: u32, window_ms: i64, clock: Arc<dyn Clock>) -> Self {
        Self {
            max,
            window_ms,
            clock,
            windows: Windows::Memory(Mutex::new(HashMap::new())),
        }
    }

    /// Windows kept in the database of `pool`, shared by every process
    /// that uses it under the same `scope` and `secret`.
    pub fn shared(self, pool: Pool, scope: &'static str, secret: &[u8]) -> Self {
        let mac = crate::crypto::hmac_key(secret);
        Self {
            windows: Windows::Shared { pool, scope, mac },
            ..self
        }
    }

    /// better-auth's rule for sign-in and sign-up: 3 requests per 10 s.
    pub fn for_auth(clock: Arc<dyn Clock>) -> Self {
        Self::new(3, 10 * SECOND_MS, clock)
    }

    /// The key better-auth uses: client IP and request path.
    pub fn key(ip: &str, path: &str) -> String {
        format!("{ip}|{path}")
    }

    /// Refuses like `check` when `key` has used up its window, without
    /// counting a request: for limits on failures, which are counted
    /// (`check`) only once they happen.
    pub fn peek(&self, key: &str) -> Result<()> {
        let now = self.clock.now_ms();
        let window = match &self.windows {
            Windows::Memory(map) => lock(map).get(key).copied(),
            Windows::Shared { pool, scope, mac } => stored(&pool.get(), &scoped(mac, scope, key))?,
        };
        match window {
            Some(w) if self.is_open(w, now) && w.count >= self.max => Err(self.refusal(w, now)),
            _ => Ok(()),
        }
    }

    /// Counts one request for `key`; refuses with 429 `TOO_MANY_REQUESTS`
    /// whose `retry_after_secs` is the wait for `X-Retry-After`.
    pub fn check(&self, key: &str) -> Result<()> {
        let now = self.clock.now_ms();
        match &self.windows {
            Windows::Memory(map) => {
                let mut map = lock(map);
                if map.len() > SWEEP_ABOVE {
                    map.retain(|_, w| now - w.start < self.window_ms);
                }
                let old = map.get(key).copied();
                let new = self.count(old, now)?;
                map.insert(key.to_owned(), new);
                Ok(())
            }
            Windows::Shared { pool, scope, mac } => {
                let key = scoped(mac, scope, key);
                pool.get().write(|tx| {
                    let new = self.count(stored(tx, &key)?, now)?;
                    store(tx, &key, new, now - self.window_ms)
                })
            }
        }
    }

    /// The window after one more request, or the refusal.
    fn count(&self, old: Option<Window>, now: i64) -> Result<Window> {
        match old {
            Some(w) if self.is_open(w, now) && w.count >= self.max => Err(self.refusal(w, now)),
            Some(w) if self.is_open(w, now) => Ok(Window {
                count: w.count + 1,
                ..w
            }),
            _ => Ok(Window {
                start: now,
                count: 1,
            }),
        }
    }

    fn is_open(&self, w: Window, now: i64) -> bool {
        now - w.start < self.window_ms
    }

    fn refusal(&self, w: Window, now: i64) -> Error {
        Error::TooManyRequests {
            retry_after_secs: secs_until(now, w.start + self.window_ms),
        }
    }
}

fn lock(
    map: &Mutex<HashMap<String, Window>>,
) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
    map.lock().unwrap_or_else(|e| e.into_inner())
}

/// The stored form of `key`: base64url(HMAC-SHA256(secret, scope|key)).
fn scoped(mac: &ring::hmac::Key, scope: &str, key: &str) -> String {
    use base64::Engine;
    let tag = ring::hmac::sign(mac, format!("{scope}|{key}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref())
}

fn stored(db: &Db, key: &str) -> Result<Option<Window>> {
    let row = db.query_opt(
        "SELECT start, count FROM rate_windows WHERE key = ?1",
        params![key],
    )?;
    Ok(match row {
        Some(r) => Some(Window {
            start: r.get(0)?,
            count: r.get(1)?,
        }),
        None => None,
    })
}

/// Writes `key`'s window; a new window also sweeps the ones that ended
/// before `expired_before`.
fn store(tx: &Db, key: &str, w: Window, expired_before: i64) -> Result<()> {
    if w.count == 1 {
        tx.execute(
            "DELETE FROM rate_windows WHERE start < ?1",
            params![expired_before],
        )?;
    }
    tx.execute(
        "INSERT INTO rate_windows (key, start, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET start = excluded.start, count = excluded.count",
        params![key, w.start, w.count],
    )?;
    Ok(())
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("max", &self.max)
            .field("window_ms", &self.window_ms)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn fourth_request_in_ten_seconds_waits_for_the_window() {
        let clock = Arc::new(ManualClock::new(1_000_000));
        let limiter = RateLimiter::for_auth(clock.clone());
        let key = RateLimiter::key("1.2.3.4", "/api/auth/sign-in/email");
        for _ in 0..3 {
            limiter.check(&key).unwrap();
        }
        clock.advance_ms(2_500);
        let err = limiter.check(&key).unwrap_err();
        assert!(matches!(err, Error::TooManyRequests { .. }), "{err}");
        assert_eq!(err.retry_after_secs(), Some(8));
        limiter
            .check(&RateLimiter::key("5.6.7.8", "/api/auth/sign-in/email"))
            .unwrap();
        clock.advance_ms(7_500);
        limiter.check(&key).unwrap();
    }

    #[test]
    fn peek_refuses_a_used_up_window_without_counting() {
        let clock = Arc::new(ManualClock::new(1_000_000));
        let limiter = RateLimiter::new(2, 60 * SECOND_MS, clock.clone());
        for _ in 0..5 {
            limiter.peek("k").unwrap();
        }
        limiter.check("k").unwrap();
        limiter.peek("k").unwrap();
        limiter.check("k").unwrap();
        let err = limiter.peek("k").unwrap_err();
        assert_eq!(err.retry_after_secs(), Some(60));
        clock.advance_ms(60 * SECOND_MS);
        limiter.peek("k").unwrap();
    }
}
