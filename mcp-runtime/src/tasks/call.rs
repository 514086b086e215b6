//! A `tools/call` that may become a task: it runs in the request until it has to wait, and
//! only then becomes a task (so a call that finishes at once is answered as usual).

use std::sync::Arc;
use std::task::Poll;

use serde_json::{Map, Value};

use super::record::TaskRecord;
use super::run::TaskSlot;
use crate::context::Context;
use crate::protocol::ErrorObject;
use crate::server::Server;
use crate::session::CancelToken;
use crate::task::{isolate, poll_once};
use crate::tool::{CallToolResult, Tool};

/// How a call that may become a task went.
pub(crate) enum Called {
    /// It finished without waiting: its result.
    Finished(CallToolResult),
    /// It asked questions of the request (multi-round-trip input) before it became a task:
    /// the request is answered `input_required`.
    InputRequired,
    /// It became this task.
    Task(Box<TaskRecord>),
    /// It could not become a task (a limit, the store).
    Refused(ErrorObject),
}

/// Calls `tool` so that it becomes a task if it has to wait.
pub(crate) async fn call(
    server: &Server,
    tool: &Tool,
    arguments: Map<String, Value>,
    context: &Context,
) -> Called {
    let tasks = server.tasks();
    let slot = Arc::new(TaskSlot::new(tasks, context.clone()));
    // The task's own: cancelling the request that started it does not stop the task.
    let cancel = CancelToken::default();
    let in_task = context.for_task(Arc::clone(&slot), cancel.clone());
    let mut future = Box::pin(isolate(tool.call(arguments, in_task)));
    match poll_once(future.as_mut()).await {
        Poll::Ready(Ok(result)) => {
            // A question the tool could not ask makes its failure the client's to fix.
            let missing = context
                .rounds()
                .and_then(|rounds| rounds.missing_capability());
            match missing {
                Some(capability) if result.is_error => {
                    Called::Refused(crate::input::missing_capability(capability))
                }
                _ => Called::Finished(result),
            }
        }
        // A protocol error, as the same panic in the task would have made it (`failed`).
        Poll::Ready(Err(failure)) => {
            Called::Refused(ErrorObject::internal(format!("the tool {failure}")))
        }
        Poll::Pending
            if context
                .rounds()
                .is_some_and(|rounds| rounds.has_outstanding()) =>
        {
            Called::InputRequired
        }
        Poll::Pending => {
            let owner = context
                .identity()
                .map(|identity| identity.subject().to_owned());
            match tasks.start(slot, owner, tool.name(), cancel, future).await {
                Ok(record) => Called::Task(Box::new(record)),
                Err(error) => Called::Refused(error),
            }
        }
    }
}

/// The arguments of a `tools/call`, or the tool error a wrong shape gets.
pub(crate) fn arguments(
    name: &str,
    arguments: Value,
) -> Result<Map<String, Value>, CallToolResult> {
    match arguments {
        Value::Object(arguments) => Ok(arguments),
        Value::Null => Ok(Map::new()),
        other => Err(CallToolResult::error(format!(
            "invalid arguments for tool `{name}`: `arguments` must be an object, got {}",
            crate::protocol::wire::not_an_object(&other).unwrap_or("an object")
        ))),
    }
}
