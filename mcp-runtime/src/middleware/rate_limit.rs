//! [`RateLimit`]: a token bucket per identity.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use serde_json::json;

use super::{BoxFuture, Middleware, Next, Operation, Outcome};
use crate::protocol::ErrorObject;

/// The JSON-RPC error code of a request refused by [`RateLimit`] (in the range JSON-RPC leaves
/// to implementations); its `data` is `{"retryAfterMs": N}`.
pub const RATE_LIMITED: i64 = -32029;

/// Beyond this many callers tracked, full buckets (callers idle long enough to have every
/// token back) are forgotten, so the table stays bounded by the callers active recently.
const MAX_TRACKED: usize = 10_000;

/// A token bucket per caller: `burst` requests at once, refilled at `per_second`. A caller is
/// its identity's subject; requests without an identity (stdio, or HTTP without auth) share
/// one bucket. A refused request gets the error [`RATE_LIMITED`] with `retryAfterMs`, and no
/// other caller is slowed by it.
#[derive(Debug)]
pub struct RateLimit {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimit {
    /// `burst` requests at once per identity, refilled at `per_second` a second.
    ///
    /// # Panics
    ///
    /// When `burst` is 0 or `per_second` is not above 0 (every request would be refused).
    pub fn per_identity(burst: u32, per_second: f64) -> Self {
        assert!(
            burst > 0 && per_second > 0.0,
            "RateLimit needs a burst and a rate above 0"
        );
        RateLimit {
            burst: f64::from(burst),
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token of `caller`'s bucket; `Err` holds the milliseconds until one is back.
    fn take(&self, caller: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(caller) {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry(caller.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refilled = now.duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refilled).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Err((wait * 1e3).ceil() as u64)
        }
    }
}

impl Middleware for RateLimit {
    fn on_request<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        let caller = op.identity().map_or("", |who| who.subject());
        match self.take(caller) {
            Ok(()) => next.run(op),
            Err(retry_after_ms) => {
                let who = op
                    .identity()
                    .map_or("callers without an identity".to_owned(), |who| {
                        format!("`{}`", who.subject())
                    });
                let mut error = ErrorObject::new(
                    RATE_LIMITED,
                    format!("rate limit exceeded for {who}: retry in {retry_after_ms} ms"),
                );
                error.data = Some(json!({ "retryAfterMs": retry_after_ms }));
                Box::pin(async move { Err(error) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refuses_beyond_its_burst_and_only_its_own_caller() {
        let limit = RateLimit::per_identity(2, 0.001);
        assert!(limit.take("alice").is_ok() && limit.take("alice").is_ok());
        let wait = limit.take("alice").unwrap_err();
        assert!(wait > 900_000, "about 1000 s until a token is back: {wait}");
        assert!(
            limit.take("bob").is_ok(),
            "another caller has a bucket of its own"
        );
    }
}
