//! What resources, prompts and completion share when serving: the capabilities announced in
//! `initialize`, cursor pagination of their lists, and running handlers as isolated tasks.

use std::future::Future;

use serde_json::{json, Map, Value};

use crate::jsonrpc::ErrorObject;
use crate::server::Server;

impl Server {
    /// Adds `resources`, `prompts` and `completions` to the `initialize` capabilities, each only
    /// when the server has something to offer there.
    pub(crate) fn feature_capabilities(&self, capabilities: &mut Map<String, Value>) {
        let (resources, prompts) = (self.inner.resources.load(), self.inner.prompts.load());
        if !resources.is_empty() {
            capabilities.insert(
                "resources".to_owned(),
                json!({ "subscribe": true, "listChanged": true }),
            );
        }
        if !prompts.is_empty() {
            capabilities.insert("prompts".to_owned(), json!({ "listChanged": true }));
        }
        if resources.has_completers() || prompts.has_completers() {
            capabilities.insert("completions".to_owned(), json!({}));
        }
    }
}

/// One page of a list method's result: `{key: [..page..], "nextCursor": ..}`, with the
/// `page_size` of the server (all in one page without one). Cursors are opaque to clients.
pub(crate) fn page<'a>(
    method: &str,
    key: &str,
    items: impl ExactSizeIterator<Item = &'a Value>,
    params: &Value,
    page_size: Option<usize>,
) -> Result<Value, ErrorObject> {
    let len = items.len();
    let start = match params.get("cursor") {
        None | Some(Value::Null) => 0,
        Some(Value::String(cursor)) => match cursor.parse::<usize>() {
            Ok(start) if start <= len => start,
            _ => {
                return Err(ErrorObject::invalid_params(format!(
                    "invalid cursor {cursor:?}: pass the `nextCursor` of a previous `{method}`"
                )))
            }
        },
        Some(other) => {
            return Err(ErrorObject::invalid_params(format!(
                "`cursor` must be a string, got {other}"
            )))
        }
    };
    let end = match page_size {
        Some(size) => start.saturating_add(size).min(len),
        None => len,
    };
    let page: Vec<&Value> = items.skip(start).take(end - start).collect();
    let mut result = Map::new();
    result.insert(key.to_owned(), json!(page));
    if end < len {
        result.insert("nextCursor".to_owned(), Value::String(end.to_string()));
    }
    Ok(Value::Object(result))
}

/// The `params` of a request as an object, or the `-32602` error saying what `method` needs.
pub(crate) fn object_params(
    method: &str,
    needs: &str,
    params: Value,
) -> Result<Map<String, Value>, ErrorObject> {
    match params {
        Value::Object(params) => Ok(params),
        _ => Err(ErrorObject::invalid_params(format!(
            "`{method}` needs params with {needs}"
        ))),
    }
}

/// A string member of `params`, or the `-32602` error naming it.
pub(crate) fn string_param(
    method: &str,
    params: &mut Map<String, Value>,
    key: &str,
) -> Result<String, ErrorObject> {
    match params.remove(key) {
        Some(Value::String(value)) => Ok(value),
        _ => Err(ErrorObject::invalid_params(format!(
            "`{method}` needs a `{key}` string"
        ))),
    }
}

/// Runs a future as its own task, so that a panic in it is reported instead of taking the
/// connection down. `Err` says what happened to the task ("panicked: ..", "was cancelled ..").
/// Dropping the returned future (the request was cancelled, or timed out) aborts the task.
pub(crate) async fn isolate<T: Send + 'static>(
    future: impl Future<Output = T> + Send + 'static,
) -> Result<T, String> {
    struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut task = AbortOnDrop(tokio::spawn(future));
    (&mut task.0).await.map_err(|err| {
        if err.is_panic() {
            let payload = err.into_panic();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string panic payload".to_owned());
            tracing::warn!(panic = %message, "a handler panicked");
            format!("panicked: {message}")
        } else {
            "was cancelled before it finished".to_owned()
        }
    })
}

/// Runs a handler with [`isolate`]; a panic becomes a `-32603` error naming `what`.
pub(crate) async fn run_isolated<T: Send + 'static>(
    what: &str,
    future: impl Future<Output = Result<T, ErrorObject>> + Send + 'static,
) -> Result<T, ErrorObject> {
    isolate(future)
        .await
        .unwrap_or_else(|failure| Err(ErrorObject::internal(format!("{what} {failure}"))))
}

/// Runs a synchronous handler on the blocking thread pool, so it never stalls the async
/// workers. A panic is raised again in the calling task, which [`isolate`] reports.
#[doc(hidden)]
pub async fn run_sync<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(err) => match err.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            Err(_) => panic!("the blocking task was cancelled"),
        },
    }
}
