//! Time for the server: the injectable `accounts::Clock` (system clock in
//! `main`, a manual one in tests) and the UTC helpers quotas and JSON need.

use accounts::clock::secs_until;
pub use accounts::clock::{
    Clock, DAY_MS, ManualClock, SystemClock, iso8601, next_midnight_ms, utc_day,
};

/// Whole seconds from `ms` to the next UTC midnight, at least 1.
pub fn seconds_to_midnight(ms: i64) -> u64 {
    secs_until(ms, next_midnight_ms(ms))
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
