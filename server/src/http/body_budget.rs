//! A cap on the request body bytes the whole server holds in memory at
//! once. Each body is capped on its own (the image limit), but hundreds of
//! uploads stalled just short of that cap would still add up to gigabytes;
//! past the global cap a new body is refused with 503 `SERVER_BUSY` and
//! `Retry-After`, and the bodies already in flight are unaffected.

use crate::error::{ApiError, ErrorCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Seconds a refused client is told to wait.
const RETRY_AFTER_SECS: u64 = 5;

/// Bytes of request bodies held now, against a cap.
#[derive(Debug)]
pub struct BodyBudget {
    held: AtomicUsize,
    cap: usize,
}

impl BodyBudget {
    pub fn new(cap: usize) -> Arc<BodyBudget> {
        Arc::new(BodyBudget {
            held: AtomicUsize::new(0),
            cap,
        })
    }

    /// Bytes held by all bodies now.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }

    /// An empty reservation that grows as a body arrives and gives its
    /// bytes back when dropped.
    pub fn reserve(self: &Arc<Self>) -> Reservation {
        Reservation {
            budget: Arc::clone(self),
            bytes: 0,
        }
    }
}

/// One request's share of the budget.
#[derive(Debug)]
pub struct Reservation {
    budget: Arc<BodyBudget>,
    bytes: usize,
}

impl Reservation {
    /// Takes `n` more bytes, or refuses when the server holds too much.
    pub fn grow(&mut self, n: usize) -> Result<(), ApiError> {
        let budget = &self.budget;
        let taken = budget
            .held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                held.checked_add(n).filter(|&total| total <= budget.cap)
            });
        match taken {
            Ok(_) => {
                self.bytes += n;
                Ok(())
            }
            Err(_) => Err(ApiError::new(
                ErrorCode::ServerBusy,
                "the server is receiving too many uploads at once; retry in a few seconds",
            )
            .with_retry_after(RETRY_AFTER_SECS)),
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.held.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_cap_and_frees_on_drop() {
        let budget = BodyBudget::new(100);
        let mut a = budget.reserve();
        a.grow(60).expect("fits");
        let mut b = budget.reserve();
        assert_eq!(b.grow(50).map_err(|e| e.code), Err(ErrorCode::ServerBusy));
        b.grow(40).expect("fits exactly");
        assert_eq!(budget.held(), 100);
        drop(a);
        assert_eq!(budget.held(), 40);
        b.grow(60).expect("room again");
        drop(b);
        assert_eq!(budget.held(), 0);
    }
}
