//! HTTP+SSE sessions across replicas: a session's stream is held by the replica that opened
//! it (its owner); a POST for it that lands on another replica is forwarded to the owner, which
//! handles it exactly as a POST of its own (the reply goes on the stream). A client's answer to
//! a request of the server (sampling, elicitation, roots) is a POST too, so it reaches the
//! replica that waits for it.
//!
//! | key / channel (under the prefix) | holds |
//! |---|---|
//! | `sse:{id}` | the session's owner (a replica) and identity, while its stream is open (24 h at most) |
//! | channel `replica:{owner}` | the POSTs forwarded to the owner |
//!
//! A forward is acknowledged only once the owner received it (pub/sub counts the receivers):
//! a POST for a session whose replica is gone gets 404, like an unknown session, never a `202`
//! for a message nobody will read.

use std::sync::Arc;
use std::time::Duration;

use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use super::Redis;

/// How long a session's record lives at most (a stream open longer is renewed by nothing: a
/// forward then finds no owner, and the client opens a new stream).
const SESSION_TTL: Duration = Duration::from_secs(24 * 3600);

/// Delivers a POST forwarded by another replica (session id, body) to a session of this one.
pub(crate) type ForwardSink = Arc<dyn Fn(&str, Vec<u8>) + Send + Sync>;

#[derive(Serialize, Deserialize)]
struct Record {
    owner: String,
    subject: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Forward {
    session: String,
    body: String,
}

/// What became of a POST for a session of another replica.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Forwarded {
    /// The owner has it.
    Delivered,
    /// No replica holds such a session (it ended, its replica is gone, or it never existed).
    Unknown,
    /// It belongs to another identity.
    Forbidden,
}

/// Redis could not be reached for a shared operation: what to answer `503` with.
#[derive(Debug)]
pub(crate) struct Unavailable(pub String);

impl Redis {
    fn unavailable(&self, err: &redis::RedisError) -> Unavailable {
        Unavailable(format!("Redis at {} is unavailable: {err}", self.inner.url))
    }

    /// Records that this replica holds the HTTP+SSE session `id`, of `subject`.
    pub(crate) async fn claim_sse(
        &self,
        id: &str,
        subject: Option<&str>,
    ) -> Result<(), Unavailable> {
        let record = Record {
            owner: self.inner.origin.clone(),
            subject: subject.map(str::to_owned),
        };
        let record = serde_json::to_string(&record).expect("a session record serializes");
        let mut connection = self.inner.connection.clone();
        let ttl = u64::try_from(SESSION_TTL.as_millis()).unwrap_or(u64::MAX);
        let set: Result<(), _> = connection
            .pset_ex(self.key(&format!("sse:{id}")), record, ttl)
            .await;
        set.map_err(|err| self.unavailable(&err))
    }

    /// Forgets the session `id` (its stream ended), in the background.
    pub(crate) fn release_sse(&self, id: &str) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut connection = self.inner.connection.clone();
        let key = self.key(&format!("sse:{id}"));
        runtime.spawn(async move {
            let _: Result<(), _> = connection.del(key).await;
        });
    }

    /// Forwards a POST for the session `id` to the replica that holds it.
    pub(crate) async fn forward_sse(
        &self,
        id: &str,
        subject: Option<&str>,
        body: &str,
    ) -> Result<Forwarded, Unavailable> {
        let mut connection = self.inner.connection.clone();
        let key = self.key(&format!("sse:{id}"));
        let record: Option<String> = connection
            .get(&key)
            .await
            .map_err(|err| self.unavailable(&err))?;
        let Some(record) = record.and_then(|text| serde_json::from_str::<Record>(&text).ok())
        else {
            return Ok(Forwarded::Unknown);
        };
        if record.subject.as_deref() != subject {
            return Ok(Forwarded::Forbidden);
        }
        let forward = Forward {
            session: id.to_owned(),
            body: body.to_owned(),
        };
        let payload = serde_json::to_string(&forward).expect("a forward serializes");
        let receivers: i64 = connection
            .publish(self.key(&format!("replica:{}", record.owner)), payload)
            .await
            .map_err(|err| self.unavailable(&err))?;
        if receivers == 0 {
            // Its replica is gone (or reconnecting to Redis: the record stays, for the next POST).
            return Ok(Forwarded::Unknown);
        }
        Ok(Forwarded::Delivered)
    }

    /// Adds what receives the POSTs other replicas forward to this one.
    pub(crate) fn add_forward_sink(&self, sink: ForwardSink) {
        self.inner
            .forwards
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(sink);
    }
}

/// Receives the POSTs forwarded to this replica, for as long as `redis` lives.
pub(super) fn listen(redis: &Redis, ready: tokio::sync::oneshot::Sender<()>) {
    let weak = Arc::downgrade(&redis.inner);
    let channel = redis.key(&format!("replica:{}", redis.inner.origin));
    super::subscribe(
        redis.inner.client.clone(),
        channel,
        Some(ready),
        move |payload| {
            let Some(inner) = weak.upgrade() else {
                return false;
            };
            if let Ok(forward) = serde_json::from_str::<Forward>(payload) {
                let sinks = inner
                    .forwards
                    .read()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .clone();
                for sink in sinks {
                    sink(&forward.session, forward.body.clone().into_bytes());
                }
            }
            true
        },
    );
}
