//! In-memory fixed-window rate limiter for sign-in and sign-up, keyed by `ip|path`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::clock::{Clock, SECOND_MS, secs_until};
use crate::error::{Error, Result};

/// Past this many keys, expired windows are swept on the next check.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    count: u32,
}

/// `max` requests per `window_ms` per key, as better-auth's limiter: the
/// window starts at a key's first request and is reset once it has passed.
pub struct RateLimiter {
    max: u32,
    window_ms: i64,
    clock: Arc<dyn Clock>,
    windows: Mutex<HashMap<String, Window>>,
}

impl RateLimiter {
    pub fn new(max: u32, window_ms: i64, clock: Arc<dyn Clock>) -> Self {
        Self {
            max,
            window_ms,
            clock,
            windows: Mutex::new(HashMap::new()),
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
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        match windows.get(key) {
            Some(w) if now - w.start < self.window_ms && w.count >= self.max => {
                Err(Error::TooManyRequests {
                    retry_after_secs: secs_until(now, w.start + self.window_ms),
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts one request for `key`; refuses with 429 `TOO_MANY_REQUESTS`
    /// whose `retry_after_secs` is the wait for `X-Retry-After`.
    pub fn check(&self, key: &str) -> Result<()> {
        let now = self.clock.now_ms();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, w| now - w.start < self.window_ms);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
            start: now,
            count: 0,
        });
        if now - window.start >= self.window_ms {
            *window = Window {
                start: now,
                count: 0,
            };
        }
        if window.count >= self.max {
            let wait = secs_until(now, window.start + self.window_ms);
            return Err(Error::TooManyRequests {
                retry_after_secs: wait,
            });
        }
        window.count += 1;
        Ok(())
    }
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
