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

/// How many tasks one listen stream may follow (each is looked up when it opens).
const MAX_TASK_IDS: usize = 1000;

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
    let agreed = agree(server, session, notifications).await?;
    // Registered before the acknowledgment is sent: a change in between is sent after it.
    let connection = session.connection_id();
    let registration = server.listeners().register(&agreed, connection);
    let ack = tagged(id, Some(&agreed), None);
    if !send(context, "notifications/subscriptions/acknowledged", &ack).await {
        return ended(server, id);
    }
    registration.send_tasks_now(&agreed.task_ids);
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
                Notice::Task(task) => {
                    if send_task(server, context, id, task).await {
                        continue;
                    }
                    ("", None)
                }
            };
            if !method.is_empty() && send(context, method, &tagged(id, None, uri)).await {
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
///
/// Tasks need the tasks extension declared (`-32021` otherwise); only the caller's own are
/// agreed to.
async fn agree(
    server: &Server,
    session: &Session,
    asked: SubscriptionFilter,
) -> Result<SubscriptionFilter, ErrorObject> {
    let mut task_ids = Vec::new();
    if !asked.task_ids.is_empty() {
        let declared = session
            .negotiated()
            .is_some_and(|negotiated| crate::tasks::declared(&negotiated.client_capabilities));
        if !declared {
            return Err(crate::tasks::missing_extension(
                "listening for task notifications (`taskIds`)",
            ));
        }
        if asked.task_ids.len() > MAX_TASK_IDS {
            return Err(ErrorObject::invalid_params(format!(
                "a listen stream follows at most {MAX_TASK_IDS} tasks: open another for the rest"
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for task in asked.task_ids {
            if seen.insert(task.clone())
                && crate::tasks::own_task(server, session, &task).await.is_ok()
            {
                task_ids.push(task);
            }
        }
    }
    let resources = server.resource_set();
    let mut uris = asked.resource_subscriptions;
    // What the caller may not see is not there for it to hear of.
    let identity = session.identity();
    let visible = |item: crate::middleware::Item<'_>| server.is_visible(item, identity.as_ref());
    uris.retain(|uri| resources.serves_visible(uri, &visible));
    uris.sort_unstable();
    uris.dedup();
    Ok(SubscriptionFilter {
        tools_list_changed: asked.tools_list_changed && !server.tool_set().enabled().is_empty(),
        prompts_list_changed: asked.prompts_list_changed && !server.prompt_set().is_empty(),
        resources_list_changed: asked.resources_list_changed && !resources.is_empty(),
        resource_subscriptions: uris,
        task_ids,
    })
}

/// Sends a task's state as it is now (`notifications/tasks`, the task with `_meta` naming
/// the subscription); `true` when sent, or when there is nothing to send (it expired).
async fn send_task(server: &Server, context: &Context, id: &RequestId, task: &str) -> bool {
    #[derive(Serialize)]
    struct TaskNotice<'a, T: Serialize> {
        #[serde(rename = "_meta")]
        meta: SubscriptionMeta<'a>,
        #[serde(flatten)]
        task: T,
    }
    let record = match server.tasks().store().get(task).await {
        Ok(Some(record)) => record,
        Ok(None) => return true,
        Err(err) => {
            tracing::warn!(%task, %err, "a task's change could not be read to announce it");
            return true;
        }
    };
    let notice = TaskNotice {
        meta: SubscriptionMeta {
            subscription_id: id,
        },
        task: record.detailed(),
    };
    send(context, "notifications/tasks", &notice).await
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
