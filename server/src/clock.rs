//! Wall-clock helpers: unix milliseconds, UTC days, and the ISO 8601 form
//! the API prints timestamps in.

use std::time::{SystemTime, UNIX_EPOCH};

pub const DAY_MS: i64 = 86_400_000;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Days since the epoch of the UTC day `ms` falls in.
pub fn utc_day(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// Whole seconds from `ms` to the next UTC midnight, at least 1.
pub fn seconds_to_midnight(ms: i64) -> u64 {
    let next = (utc_day(ms) + 1) * DAY_MS;
    ((next - ms + 999) / 1000).max(1) as u64
}

/// `2024-05-01T12:34:56.789Z`.
pub fn iso8601(ms: i64) -> String {
    let (days, rem) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    let (y, m, d) = civil_from_days(days);
    let (h, min) = (rem / 3_600_000, rem / 60_000 % 60);
    let (s, milli) = (rem / 1000 % 60, rem % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Proleptic Gregorian date of a day count (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso8601(1_735_689_599_999), "2024-12-31T23:59:59.999Z");
    }

    #[test]
    fn counts_seconds_to_midnight() {
        assert_eq!(seconds_to_midnight(0), 86_400);
        assert_eq!(seconds_to_midnight(DAY_MS - 1), 1);
        assert_eq!(seconds_to_midnight(DAY_MS - 1500), 2);
    }
}
