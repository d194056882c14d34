//! Time as unix milliseconds from a swappable clock, plus the UTC calendar helpers quotas need.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub const SECOND_MS: i64 = 1_000;
pub const HOUR_MS: i64 = 3_600 * SECOND_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Where "now" comes from. Every time-dependent function takes one, so tests
/// can cross midnight UTC and the hour without sleeping.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch, UTC.
    fn now_ms(&self) -> i64;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    }
}

/// A clock that only moves when told to; shareable between threads.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(now_ms: i64) -> Self {
        Self(AtomicI64::new(now_ms))
    }

    pub fn set(&self, now_ms: i64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }

    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn advance_secs(&self, secs: i64) {
        self.advance_ms(secs * SECOND_MS);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The UTC day number (days since 1970-01-01) containing `ms`.
pub fn utc_day(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// The start of the UTC day containing `ms`.
pub fn day_start_ms(ms: i64) -> i64 {
    utc_day(ms) * DAY_MS
}

/// The next midnight UTC strictly after `ms`.
pub fn next_midnight_ms(ms: i64) -> i64 {
    day_start_ms(ms) + DAY_MS
}

/// Whole seconds from `now` until `later`, rounded up and at least 1, so a
/// client that waits exactly that long is not refused again.
pub fn secs_until(now_ms: i64, later_ms: i64) -> u64 {
    let ms = (later_ms - now_ms).max(1);
    u64::try_from(ms).unwrap_or(1).div_ceil(1_000)
}

/// `ms` as ISO 8601 in UTC with milliseconds, as JavaScript's `toISOString`.
pub fn iso8601(ms: i64) -> String {
    let (year, month, day) = civil_from_days(utc_day(ms));
    let in_day = ms.rem_euclid(DAY_MS);
    let (h, m) = (in_day / HOUR_MS, in_day % HOUR_MS / 60_000);
    let (s, milli) = (in_day % 60_000 / 1_000, in_day % 1_000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_798_761_599_999), "2026-12-31T23:59:59.999Z");
    }

    #[test]
    fn secs_until_rounds_up() {
        assert_eq!(secs_until(0, 1), 1);
        assert_eq!(secs_until(0, 1_000), 1);
        assert_eq!(secs_until(0, 1_001), 2);
        assert_eq!(secs_until(5, 0), 1);
    }

    #[test]
    fn midnight_is_next_day_start() {
        assert_eq!(next_midnight_ms(DAY_MS - 1), DAY_MS);
        assert_eq!(next_midnight_ms(DAY_MS), 2 * DAY_MS);
    }
}
