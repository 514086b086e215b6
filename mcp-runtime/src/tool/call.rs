//! The `tools/*` methods: `tools/list`, a page at a time, and `tools/call`, isolated (a panic
//! or a call outliving the server's `tool_timeout` becomes an error result the model reads).

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{CallToolResult, Tools};
use crate::context::Context;
use crate::protocol::wire::{decode, not_an_object, page, CallToolParams, ListParams};
use crate::protocol::{encode, ErrorObject};
use crate::task::{isolate, poll_once};

/// `tools/list`: the enabled tools, sorted by name.
pub(crate) fn list(
    tools: &Tools,
    params: Value,
    page_size: Option<usize>,
    visible: impl Fn(&super::Tool) -> bool,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "tools/list";
    let ListParams { cursor } = decode(METHOD, params)?;
    let listings = tools
        .enabled()
        .iter()
        .filter(|tool| visible(tool))
        .map(|tool| tool.listing())
        .collect::<Vec<_>>();
    page(METHOD, "tools", listings.into_iter(), cursor, page_size)
}

/// `tools/call`. An unknown tool is a protocol error; anything wrong with the arguments is
/// the tool's error result, for the model to read and correct.
pub(crate) async fn call(
    tools: &Tools,
    params: Value,
    context: Context,
    timeout: Option<Duration>,
    visible: impl Fn(&super::Tool) -> bool,
) -> Result<Box<RawValue>, ErrorObject> {
    let CallToolParams { name, arguments } = decode("tools/call", params)?;
    tracing::Span::current().record("tool", name.as_str());
    // A tool the caller may not see is unknown to it: the same error, word for word.
    let Some(tool) = tools.get(&name).filter(|tool| visible(tool)) else {
        return Err(ErrorObject::invalid_params(format!(
            "unknown tool `{name}`: call `tools/list` to see the available tools"
        )));
    };
    // A question the tool could not ask (MCP 2026-07-28) makes its failure the client's to fix.
    let rounds = context.rounds().cloned();
    let result = match arguments {
        Value::Object(arguments) => run_isolated(tool.call(arguments, context), timeout).await,
        Value::Null => run_isolated(tool.call(Map::new(), context), timeout).await,
        other => CallToolResult::error(format!(
            "invalid arguments for tool `{name}`: `arguments` must be an object, got {}",
            not_an_object(&other).unwrap_or("an object")
        )),
    };
    if let Some(capability) = rounds.and_then(|rounds| rounds.missing_capability()) {
        if result.is_error {
            return Err(crate::input::missing_capability(capability));
        }
    }
    encode(&result)
}

/// Runs a tool call isolated: a panic, or a call outliving `timeout` (which is then stopped),
/// becomes an error result the model can read.
async fn run_isolated(
    call: impl Future<Output = CallToolResult>,
    timeout: Option<Duration>,
) -> CallToolResult {
    let mut call = std::pin::pin!(isolate(call));
    let outcome = match timeout {
        Some(limit) => {
            // Most calls finish in their first poll; only one that waits gets a timer (a
            // timer costs an allocation and a registration). The deadline still counts from
            // the start.
            let deadline = tokio::time::Instant::now() + limit;
            match poll_once(call.as_mut()).await {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => match tokio::time::timeout_at(deadline, call).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        tracing::warn!(?limit, "tool call timed out and was stopped");
                        return CallToolResult::error(format!(
                            "the tool did not finish within {limit:?} and was stopped \
                             (ServerBuilder::tool_timeout sets the limit)"
                        ));
                    }
                },
            }
        }
        None => call.await,
    };
    outcome.unwrap_or_else(|failure| CallToolResult::error(format!("the tool {failure}")))
}
