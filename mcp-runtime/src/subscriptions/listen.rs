//! `subscriptions/listen`: acknowledges the filter it agrees to, then sends what the listener
//! hears until the client closes the stream (HTTP), cancels the request (stdio) or the
//! server ends it (at shutdown, or when a stdio client's input ends: `notifications/cancelled`
//! naming it, then a result).

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{Next, Notice};
use crate::context::Context;
use crate::protocol::wire::{
    decode, Implementation, ListenEnded, ListenEndedMeta, ListenParams, OnSubscription,
    SubscriptionFilter, SubscriptionMeta,
};
use crate::protocol::{encode, outgoing_json, ErrorObject, RequestId};
use crate::server::Server;
use crate::session::Session;

const METHOD: &str = "subscriptions/listen";

/// How long a listener waits for room on a full connection output (stdio) before it tries
/// again.
const FULL_OUTPUT_RETRY: std::time::Duration = std::time::Duration::from_millis(20);

/// Serves one `subscriptions/listen` request, whose id is the subscription's.
pub(crate) async fn listen(
    server: &Server,
    session: &Session,
    id: &RequestId,
    params: Value,
    context: &Context,
) -> Result<Box<RawValue>, ErrorObject> {
    let ListenParams { notifications } = decode(METHOD, params)?;
    let agreed = agree(server, notifications);
    // Registered before the acknowledgment is sent: a change in between is sent after it.
    let connection = session.connection_id();
    let registration = server.listeners().register(&agreed, connection);
    let ack = tagged(id, Some(&agreed), None);
    if !send(context, "notifications/subscriptions/acknowledged", &ack).await {
        return ended(server, id);
    }
    let reason = loop {
        let notices = match registration.next().await {
            Next::Send(notices) => notices,
            Next::End(reason) => break reason,
        };
        for (sent, notice) in notices.iter().enumerate() {
            let (method, uri) = match notice {
                Notice::ToolsChanged => ("notifications/tools/list_changed", None),
                Notice::PromptsChanged => ("notifications/prompts/list_changed", None),
                Notice::ResourcesChanged => ("notifications/resources/list_changed", None),
                Notice::Updated(uri) => ("notifications/resources/updated", Some(uri.as_str())),
            };
            if send(context, method, &tagged(id, None, uri)).await {
                continue;
            }
            // A stream of its own (HTTP) that refuses is gone: nobody reads the result. A
            // connection's output (stdio) refuses when its queue is full: what was not sent
            // waits, and goes out once there is room, unless the subscription ends first.
            if context.has_own_stream() || registration.is_ended() {
                return ended(server, id);
            }
            registration.put_back(&notices[sent..]);
            tokio::time::sleep(FULL_OUTPUT_RETRY).await;
            break;
        }
    };
    // The server ends the subscription: the cancellation rules of the revision ask for a
    // `notifications/cancelled` naming it, the subscription rules for a result.
    let cancelled = OnSubscription {
        request_id: Some(id),
        reason: Some(reason),
        ..tagged(id, None, None)
    };
    send(context, "notifications/cancelled", &cancelled).await;
    ended(server, id)
}

/// The params of a notification of the subscription `id`.
fn tagged<'a>(
    id: &'a RequestId,
    notifications: Option<&'a SubscriptionFilter>,
    uri: Option<&'a str>,
) -> OnSubscription<'a> {
    OnSubscription {
        meta: SubscriptionMeta {
            subscription_id: id,
        },
        notifications,
        uri,
        request_id: None,
        reason: None,
    }
}

/// What the server agrees to send of what the client asked for: what `server/discover`
/// announces (changes to the sets it has), and updates of the resources it serves; the rest
/// is left out of the acknowledgment.
fn agree(server: &Server, asked: SubscriptionFilter) -> SubscriptionFilter {
    let resources = server.resource_set();
    let mut uris = asked.resource_subscriptions;
    uris.retain(|uri| resources.serves(uri));
    uris.sort_unstable();
    uris.dedup();
    SubscriptionFilter {
        tools_list_changed: asked.tools_list_changed && !server.tool_set().enabled().is_empty(),
        prompts_list_changed: asked.prompts_list_changed && !server.prompt_set().is_empty(),
        resources_list_changed: asked.resources_list_changed && !resources.is_empty(),
        resource_subscriptions: uris,
    }
}

async fn send(context: &Context, method: &str, params: &impl Serialize) -> bool {
    match outgoing_json(None, method, params) {
        Ok(message) => context.send(message).await,
        Err(err) => {
            tracing::warn!(%method, %err, "a subscription notification did not serialize");
            false
        }
    }
}

/// The result that ends the subscription gracefully.
fn ended(server: &Server, id: &RequestId) -> Result<Box<RawValue>, ErrorObject> {
    encode(&ListenEnded {
        result_type: "complete",
        meta: ListenEndedMeta {
            server_info: Implementation {
                name: server.name(),
                version: server.version(),
                title: server.title(),
            },
            subscription_id: id,
        },
    })
}
