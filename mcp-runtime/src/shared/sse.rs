//! HTTP+SSE sessions across replicas: a session's stream is held by the replica that opened
//! it (its owner); a POST for it that lands on another replica is forwarded to the owner, which
//! handles it exactly as a POST of its own (the reply goes on the stream). A client's answer to
//! a request of the server (sampling, elicitation, roots) is a POST too, so it reaches the
//! replica that waits for it.
//!
//! | key / channel (under the prefix) | holds |
//! |---|---|
//! | `sse:{id}` | the session's owner (a replica) and identity, while its stream is open (24 h at most) |
//! | channel `replica:{origin}` | what other replicas forward to this one, and their answers |
//!
//! A forward is answered by the owner itself, once it has taken the message (or found the
//! session gone, or of another identity): the POST gets `202` only then, `404` for a session no
//! replica holds, `403` for another identity's, and `503` (retry) when the owner does not
//! answer in time. Forwards are handled in the order they arrive, one after the other (each
//! request still runs on its own once it has to wait).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use foldhash::HashMap as FastMap;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use super::{Redis, Unavailable};
use crate::session::Identity;

/// How long a session's record lives at most.
const SESSION_TTL: Duration = Duration::from_secs(24 * 3600);

/// How long a forwarding replica waits for the owner's answer before answering `503`.
const ANSWER_WITHIN: Duration = Duration::from_secs(3);

/// How many forwards may wait to be handled on a replica; beyond, new ones are refused (`503`).
const QUEUE: usize = 1024;

/// Handles a POST another replica forwarded (session id, the POST's identity, body): what
/// became of it.
pub(crate) type ForwardSink = Arc<
    dyn Fn(String, Option<Identity>, Vec<u8>) -> futures_core::future::BoxFuture<'static, Forwarded>
        + Send
        + Sync,
>;

#[derive(Serialize, Deserialize)]
struct Record {
    owner: String,
    subject: Option<String>,
}

/// An identity, as it travels between replicas.
#[derive(Serialize, Deserialize)]
struct WireIdentity {
    subject: String,
    scopes: Vec<String>,
    claims: Value,
}

/// What travels on a replica's channel.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Message {
    /// A POST for a session of the receiving replica.
    Forward {
        session: String,
        identity: Option<WireIdentity>,
        body: String,
        /// Where to answer, and under which number.
        reply_to: String,
        nonce: u64,
    },
    /// What became of a forward of the receiving replica.
    Answer { nonce: u64, outcome: Forwarded },
}

/// What became of a POST for a session of another replica.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "message", rename_all = "snake_case")]
pub(crate) enum Forwarded {
    /// The owner has it.
    Delivered,
    /// No replica holds such a session (it ended, its replica is gone, or it never existed).
    Unknown,
    /// It belongs to another identity.
    Forbidden,
    /// The owner refused it, saying why (a batch its session does not take).
    Refused(String),
}

/// The forwards of this replica waiting for their answer, by number.
#[derive(Default)]
pub(crate) struct Awaiting {
    next: AtomicU64,
    waiting: Mutex<FastMap<u64, oneshot::Sender<Forwarded>>>,
}

impl Awaiting {
    fn lock(&self) -> std::sync::MutexGuard<'_, FastMap<u64, oneshot::Sender<Forwarded>>> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// An identity as a shared record keeps it (JSON).
pub(crate) fn wire_identity(identity: &Identity) -> String {
    let wire = WireIdentity {
        subject: identity.subject().to_owned(),
        scopes: identity.scopes().to_vec(),
        claims: identity.claims().clone(),
    };
    serde_json::to_string(&wire).expect("an identity serializes")
}

/// The identity a shared record keeps.
pub(crate) fn parse_identity(text: &str) -> Option<Identity> {
    let wire: WireIdentity = serde_json::from_str(text).ok()?;
    Some(
        Identity::new(wire.subject)
            .with_scopes(wire.scopes)
            .with_claims(wire.claims),
    )
}

impl Redis {
    pub(crate) fn unavailable(&self, err: &redis::RedisError) -> Unavailable {
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
        let mut connection = self.inner.connection.clone();
        let key = self.key(&format!("sse:{id}"));
        self.inner.runtime.spawn(async move {
            let _: Result<(), _> = connection.del(key).await;
        });
    }

    /// Forwards a POST for the session `id` to the replica that holds it, and waits for what
    /// that replica made of it.
    pub(crate) async fn forward_sse(
        &self,
        id: &str,
        identity: Option<&Identity>,
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
        // An early answer for a foreign identity; the owner checks the identity it bound too.
        let subject = identity.map(Identity::subject);
        if record.subject.is_some() && record.subject.as_deref() != subject {
            return Ok(Forwarded::Forbidden);
        }
        if record.owner == self.inner.origin {
            // Ours, yet not found here: it ended, and its record is going.
            return Ok(Forwarded::Unknown);
        }
        let awaiting = &self.inner.awaiting;
        let nonce = awaiting.next.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        awaiting.lock().insert(nonce, answer);
        let forward = Message::Forward {
            session: id.to_owned(),
            identity: identity.map(|identity| WireIdentity {
                subject: identity.subject().to_owned(),
                scopes: identity.scopes().to_vec(),
                claims: identity.claims().clone(),
            }),
            body: body.to_owned(),
            reply_to: self.inner.origin.clone(),
            nonce,
        };
        let payload = serde_json::to_string(&forward).expect("a forward serializes");
        let published: Result<i64, _> = connection
            .publish(self.key(&format!("replica:{}", record.owner)), payload)
            .await;
        let outcome = match published {
            Err(err) => Err(self.unavailable(&err)),
            // Nobody listens on the owner's channel: gone (its record goes too), or alive and
            // reconnecting to Redis (retry).
            Ok(0) => match self.is_alive(&record.owner).await {
                Ok(true) => Err(Unavailable(format!(
                    "the replica holding session `{id}` is reconnecting to Redis: try again"
                ))),
                _ => {
                    let _: Result<(), _> = connection.del(&key).await;
                    Ok(Forwarded::Unknown)
                }
            },
            Ok(_) => match tokio::time::timeout(ANSWER_WITHIN, answered).await {
                Ok(Ok(outcome)) => Ok(outcome),
                _ => Err(Unavailable(format!(
                    "the replica holding session `{id}` did not answer within {ANSWER_WITHIN:?}: \
                     try again"
                ))),
            },
        };
        awaiting.lock().remove(&nonce);
        outcome
    }

    /// Sets what handles the POSTs other replicas forward to this one (one server per
    /// process serves HTTP+SSE through a Redis; a later one replaces it).
    pub(crate) fn set_forward_sink(&self, sink: ForwardSink) {
        *self
            .inner
            .forward_sink
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(sink);
    }

    async fn answer(&self, reply_to: &str, nonce: u64, outcome: Forwarded) {
        let answer = Message::Answer { nonce, outcome };
        let payload = serde_json::to_string(&answer).expect("an answer serializes");
        let mut connection = self.inner.connection.clone();
        let sent: Result<i64, _> = connection
            .publish(self.key(&format!("replica:{reply_to}")), payload)
            .await;
        if let Err(err) = sent {
            tracing::debug!(%err, "the answer to a forwarded POST was not published");
        }
    }
}

/// Receives what is sent to this replica, for as long as `redis` lives: answers go to the
/// forwards waiting for them; forwards are queued (bounded) and handled in order.
pub(super) fn listen(redis: &Redis, ready: oneshot::Sender<()>) {
    let (queue, mut forwards) =
        mpsc::channel::<(String, Option<Identity>, String, String, u64)>(QUEUE);
    // Handles forwards one after the other, in arrival order.
    let weak = Arc::downgrade(&redis.inner);
    redis.inner.runtime.spawn(async move {
        while let Some((session, identity, body, reply_to, nonce)) = forwards.recv().await {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let redis = Redis { inner };
            let sink = redis
                .inner
                .forward_sink
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone();
            let outcome = match sink {
                Some(sink) => sink(session, identity, body.into_bytes()).await,
                None => Forwarded::Unknown,
            };
            redis.answer(&reply_to, nonce, outcome).await;
        }
    });
    let weak = Arc::downgrade(&redis.inner);
    let channel = redis.key(&format!("replica:{}", redis.inner.origin));
    let runtime = redis.inner.runtime.clone();
    super::subscribe(
        &runtime,
        redis.inner.client.clone(),
        channel,
        Some(ready),
        move |payload| {
            let Some(inner) = weak.upgrade() else {
                return false;
            };
            let sessions = || {
                inner
                    .session_events
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .as_ref()
                    .and_then(std::sync::Weak::upgrade)
            };
            if payload.is_empty() {
                // Disconnected: what was published meanwhile is lost to this replica.
                if let Some(sessions) = sessions() {
                    sessions.on_disconnect();
                }
                return true;
            }
            // Forwards and answers (written here, tag first) are the hot path: they are parsed
            // once; anything else is an event of a shared session (written by a Lua script).
            let forwarding = payload.starts_with(r#"{"kind":"forward""#)
                || payload.starts_with(r#"{"kind":"answer""#);
            if !forwarding {
                if let Ok(event) = serde_json::from_str::<super::sessions::Event>(payload) {
                    if let Some(sessions) = sessions() {
                        sessions.on_event(event);
                    }
                }
                return true;
            }
            match serde_json::from_str::<Message>(payload) {
                Ok(Message::Answer { nonce, outcome }) => {
                    if let Some(waiter) = inner.awaiting.lock().remove(&nonce) {
                        let _ = waiter.send(outcome);
                    }
                }
                Ok(Message::Forward {
                    session,
                    identity,
                    body,
                    reply_to,
                    nonce,
                }) => {
                    let identity = identity.map(|identity| {
                        Identity::new(identity.subject)
                            .with_scopes(identity.scopes)
                            .with_claims(identity.claims)
                    });
                    // A full queue: the forwarder hears nothing and answers `503` (retry).
                    let _ = queue.try_send((session, identity, body, reply_to, nonce));
                }
                Err(_) => {}
            }
            true
        },
    );
}
