//! Per-client limits: requests in flight (a semaphore) and sustained rate (a token bucket).
//! Both refuse at once with 429 rather than queue: a client over its limit learns it
//! immediately and backs off, and a queue cannot grow without bound.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ApiError;

/// The limits of one client.
#[derive(Debug)]
pub struct ClientLimits {
    in_flight: Arc<Semaphore>,
    max_concurrency: usize,
    rate: Option<Mutex<TokenBucket>>,
}

/// Held while a request is in flight; dropping it frees the slot.
#[derive(Debug)]
pub struct Admission {
    _permit: OwnedSemaphorePermit,
}

impl ClientLimits {
    pub fn new(max_concurrency: usize, rate_per_second: Option<f64>, burst: Option<u32>) -> Self {
        ClientLimits {
            in_flight: Arc::new(Semaphore::new(max_concurrency)),
            max_concurrency,
            rate: rate_per_second.map(|rate| {
                let burst = burst.map_or_else(|| rate.ceil().max(1.0), f64::from);
                Mutex::new(TokenBucket::new(rate, burst, Instant::now()))
            }),
        }
    }

    /// Admits one request, or refuses it with 429 (`ERR_RATE_LIMITED`,
    /// `ERR_CONCURRENCY_LIMITED`). A request refused for concurrency does not use up rate.
    pub fn admit(&self, client: &str) -> Result<Admission, ApiError> {
        let permit = Arc::clone(&self.in_flight)
            .try_acquire_owned()
            .map_err(|_| {
                ApiError::too_many(
                    "ERR_CONCURRENCY_LIMITED",
                    format!(
                        "client {client:?} already has {} token requests in flight (its \
                         max_concurrency); wait for one to finish",
                        self.max_concurrency
                    ),
                )
            })?;
        if let Some(bucket) = &self.rate {
            // A poisoned lock only means another request panicked mid-update; the bucket's
            // numbers are still usable.
            let mut bucket = bucket
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if !bucket.take(Instant::now()) {
                return Err(ApiError::too_many(
                    "ERR_RATE_LIMITED",
                    format!(
                        "client {client:?} is over its rate of {} token requests per second \
                         (burst {}); retry later",
                        bucket.rate, bucket.capacity
                    ),
                ));
            }
        }
        Ok(Admission { _permit: permit })
    }
}

/// A token bucket: `capacity` tokens, refilled at `rate` per second; a request takes one.
#[derive(Debug)]
struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    fn new(rate: f64, capacity: f64, now: Instant) -> TokenBucket {
        TokenBucket {
            rate,
            capacity,
            tokens: capacity,
            updated: now,
        }
    }

    fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(2.0, 3.0, start);
        assert!(bucket.take(start) && bucket.take(start) && bucket.take(start));
        assert!(!bucket.take(start));
        // Half a second at 2/s refills one token, not more.
        let later = start + Duration::from_millis(500);
        assert!(bucket.take(later));
        assert!(!bucket.take(later));
        // A long pause refills up to the capacity only.
        let much_later = later + Duration::from_secs(60);
        assert!((0..3).all(|_| bucket.take(much_later)));
        assert!(!bucket.take(much_later));
    }

    #[test]
    fn concurrency_is_freed_when_the_admission_drops() {
        let limits = ClientLimits::new(2, None, None);
        let first = limits.admit("c").unwrap();
        let _second = limits.admit("c").unwrap();
        assert_eq!(
            limits.admit("c").unwrap_err().code,
            "ERR_CONCURRENCY_LIMITED"
        );
        drop(first);
        assert!(limits.admit("c").is_ok());
    }

    #[test]
    fn rate_refusals_are_429() {
        let limits = ClientLimits::new(10, Some(1.0), Some(2));
        assert!(limits.admit("c").is_ok() && limits.admit("c").is_ok());
        let error = limits.admit("c").unwrap_err();
        assert_eq!(error.status, 429);
        assert_eq!(error.code, "ERR_RATE_LIMITED");
    }
}
