//! Notices between replicas: what one replica announces (list changes, resource updates, any
//! [`Server::notify_all`](crate::Server::notify_all)) is published on Redis pub/sub, and every
//! other replica delivers it to its own clients. At most once, as pub/sub is: a notice sent
//! while a replica reconnects is lost to that replica (clients re-list on their next request
//! anyway).

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Redis;

/// Delivers a notice of another replica (`method`, `params`, and the notice's id, unique in
/// the deployment) to a server's own clients.
pub(crate) type Sink = Arc<dyn Fn(&str, &Value, &str) + Send + Sync>;

#[derive(Serialize, Deserialize)]
struct Notice<'a> {
    origin: &'a str,
    method: &'a str,
    params: Value,
    /// `{origin}:{n}`: a session shared by replicas records a notice it is sent once, whichever
    /// replicas send it.
    #[serde(default)]
    id: String,
}

impl Redis {
    /// Adds a server that hears the other replicas' notices.
    pub(crate) fn add_sink(&self, sink: Sink) {
        self.inner
            .sinks
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(sink);
    }

    /// Publishes a notice for the other replicas (in the background: a notification is never
    /// held up by Redis; outside a Tokio runtime it is not published); returns its id.
    pub(crate) fn publish(&self, method: &str, params: &Value) -> String {
        let n = self
            .inner
            .notices
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let notice = Notice {
            origin: &self.inner.origin,
            method,
            params: params.clone(),
            id: format!("{}:{n}", self.inner.origin),
        };
        let Ok(payload) = serde_json::to_string(&notice) else {
            return notice.id;
        };
        let mut connection = self.inner.connection.clone();
        let channel = self.key("notices");
        self.inner.runtime.spawn(async move {
            let sent: Result<i64, _> =
                redis::AsyncCommands::publish(&mut connection, channel, payload).await;
            if let Err(err) = sent {
                tracing::debug!(%err, "a notice for the other replicas was not published");
            }
        });
        notice.id
    }
}

/// Delivers the other replicas' notices to this process's servers, for as long as `redis`
/// lives.
pub(super) fn listen(redis: &Redis) {
    let weak = Arc::downgrade(&redis.inner);
    subscribe(
        &redis.inner.runtime,
        redis.inner.client.clone(),
        redis.key("notices"),
        None,
        move |payload| {
            let Some(inner) = weak.upgrade() else {
                return false;
            };
            if let Ok(notice) = serde_json::from_str::<Notice<'_>>(payload) {
                if notice.origin != inner.origin {
                    let sinks = inner
                        .sinks
                        .read()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .clone();
                    for sink in sinks {
                        sink(notice.method, &notice.params, &notice.id);
                    }
                }
            }
            true
        },
    );
}

/// Subscribes to `channel` in a task of its own, calling `on` with every message until it
/// returns `false`; reconnects (backing off up to 2 s) whenever Redis goes away. `ready` hears
/// when the first subscription is in place.
pub(crate) fn subscribe<F>(
    runtime: &tokio::runtime::Handle,
    client: redis::Client,
    channel: String,
    mut ready: Option<tokio::sync::oneshot::Sender<()>>,
    mut on: F,
) where
    F: FnMut(&str) -> bool + Send + 'static,
{
    runtime.spawn(async move {
        let mut pause = Duration::from_millis(100);
        loop {
            // Connecting never hangs: a Redis that does not answer is tried again.
            let connected = tokio::time::timeout(CONNECT_WITHIN, async {
                let mut pubsub = client.get_async_pubsub().await?;
                pubsub.subscribe(&channel).await?;
                Ok::<_, redis::RedisError>(pubsub)
            })
            .await;
            match connected {
                Ok(Ok(pubsub)) => {
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(());
                    }
                    pause = Duration::from_millis(100);
                    let (mut sink, mut messages) = pubsub.split();
                    let mut ping = tokio::time::interval(PING_EVERY);
                    ping.tick().await;
                    loop {
                        tokio::select! {
                            message = next(&mut messages) => {
                                let Some(message) = message else { break };
                                if let Ok(payload) = message.get_payload::<String>() {
                                    if !on(&payload) {
                                        return;
                                    }
                                }
                            }
                            // A connection gone half-open would otherwise stay silent for good.
                            _ = ping.tick() => {
                                let pong = tokio::time::timeout(
                                    CONNECT_WITHIN,
                                    sink.ping::<redis::Value>(),
                                )
                                .await;
                                if !matches!(pong, Ok(Ok(_))) {
                                    break;
                                }
                            }
                        }
                    }
                }
                Ok(Err(err)) => tracing::debug!(%channel, %err, "a subscription is reconnecting"),
                Err(_) => tracing::debug!(%channel, "a subscription is reconnecting (no answer)"),
            }
            // Nobody listens any more: stop trying.
            if !on("") {
                return;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    });
}

/// How long connecting (or a ping) may take before the subscription tries again.
const CONNECT_WITHIN: Duration = Duration::from_secs(3);

/// How often an idle subscription checks its connection.
const PING_EVERY: Duration = Duration::from_secs(10);

/// The next item of a stream.
async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}
