//! [`Context`]: the request a handler serves, and what it can do besides computing its result.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::input::Rounds;
use crate::protocol::wire::{LogMessage, Progress};
use crate::protocol::{outgoing_json, LogLevel, RequestId};
use crate::server::Server;
use crate::session::{CancelToken, Identity, Session};
use crate::tasks::TaskSlot;

use super::{Outgoing, RelatedStream};

/// The request a tool (or resource, or prompt) is serving, and the session it belongs to.
///
/// Declare a parameter of type `Context` and the runtime passes it in; it is not part of the
/// tool's input schema. Clones are cheap and refer to the same request.
///
/// ```
/// use mcp_runtime::{tool, Context};
///
/// /// Count to `n`, reporting progress.
/// #[tool]
/// async fn count(n: u32, ctx: Context) -> Result<String, String> {
///     for i in 1..=n {
///         if ctx.is_cancelled() {
///             return Err("cancelled".into());
///         }
///         ctx.report_progress(i as f64, Some(n as f64), None).await;
///     }
///     ctx.info(format!("counted to {n}")).await;
///     Ok(n.to_string())
/// }
/// ```
#[derive(Clone)]
pub struct Context {
    pub(super) inner: Arc<ContextInner>,
}

pub(super) struct ContextInner {
    pub(super) server: Server,
    pub(super) session: Session,
    request_id: RequestId,
    progress_token: Option<Value>,
    /// Where messages related to this request go; `None`: the session's own stream.
    related: Option<Arc<RelatedStream>>,
    cancel: CancelToken,
    /// The rounds of a multi-round-trip request (MCP 2026-07-28): where questions to the
    /// client are answered or recorded, instead of being sent as requests.
    pub(super) rounds: Option<Arc<Rounds>>,
    /// The task this call is, or may become (a tool that may run as a task): where its
    /// questions wait for answers and its progress and logs go.
    pub(super) task: Option<Arc<TaskSlot>>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("request_id", &self.inner.request_id)
            .field("session", &self.inner.session)
            .finish_non_exhaustive()
    }
}

impl Context {
    pub(crate) fn new(
        server: Server,
        session: Session,
        request_id: RequestId,
        progress_token: Option<Value>,
        related: Option<Arc<RelatedStream>>,
        cancel: CancelToken,
        rounds: Option<Arc<Rounds>>,
    ) -> Self {
        Context {
            inner: Arc::new(ContextInner {
                server,
                session,
                request_id,
                progress_token,
                related,
                cancel,
                rounds,
                task: None,
            }),
        }
    }

    /// This call's context as a task's: the same request, its own cancellation (a task
    /// outlives its request), and `slot` for its questions and status messages.
    pub(crate) fn for_task(&self, slot: Arc<TaskSlot>, cancel: CancelToken) -> Context {
        let inner = &self.inner;
        Context {
            inner: Arc::new(ContextInner {
                server: inner.server.clone(),
                session: inner.session.clone(),
                request_id: inner.request_id.clone(),
                progress_token: None,
                related: None,
                cancel,
                rounds: inner.rounds.clone(),
                task: Some(slot),
            }),
        }
    }

    pub(crate) fn task_slot(&self) -> Option<&Arc<TaskSlot>> {
        self.inner.task.as_ref()
    }

    /// The id of the task this call runs as, once it is one (MCP 2026-07-28's tasks
    /// extension: see [`tasks`](crate::tasks)); `None` for an ordinary call.
    pub fn task_id(&self) -> Option<&str> {
        self.inner.task.as_deref().and_then(TaskSlot::id)
    }

    pub(crate) fn rounds(&self) -> Option<&Arc<Rounds>> {
        self.inner.rounds.as_ref()
    }

    /// The id of the request being served.
    pub fn request_id(&self) -> &RequestId {
        &self.inner.request_id
    }

    /// The session's id (empty for transports without one).
    pub fn session_id(&self) -> &str {
        self.inner.session.id()
    }

    /// The protocol revision negotiated with the client.
    pub fn protocol_version(&self) -> &str {
        self.inner
            .session
            .negotiated()
            .map_or(crate::protocol::LATEST_HANDSHAKE_VERSION, |n| {
                n.protocol_version
            })
    }

    /// The client's `clientInfo`: from `initialize`, or from the request's `_meta` in MCP
    /// 2026-07-28 (`null` when the client sent none).
    pub fn client_info(&self) -> &Value {
        self.inner
            .session
            .negotiated()
            .map_or(&Value::Null, |n| &n.client_info)
    }

    /// The capabilities the client declared in `initialize` (`null` when stateless).
    pub fn client_capabilities(&self) -> &Value {
        self.inner
            .session
            .negotiated()
            .map_or(&Value::Null, |n| &n.client_capabilities)
    }

    /// Who sent the request, when the transport is guarded by
    /// [`BearerAuth`](crate::auth::BearerAuth).
    pub fn identity(&self) -> Option<Identity> {
        self.inner.session.identity()
    }

    /// Fails unless the request's token grants `scope`: a tool that needs a permission calls
    /// this first and returns the error, which tells the model what is missing.
    pub fn require_scope(&self, scope: &str) -> Result<(), MissingScope> {
        match self.identity() {
            Some(identity) if identity.has_scope(scope) => Ok(()),
            identity => Err(MissingScope {
                scope: scope.to_owned(),
                authenticated: identity.is_some(),
            }),
        }
    }

    /// The server serving this request.
    pub fn server(&self) -> &Server {
        &self.inner.server
    }

    /// Shared state of type `T` given to [`ServerBuilder::state`](crate::ServerBuilder::state).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.inner.server.state::<T>()
    }

    /// `true` once the client cancelled this request (`notifications/cancelled`, or
    /// `tasks/cancel` for a task). A cancelled
    /// async tool is also dropped at its next `.await`; this lets long computations stop early.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled()
    }

    /// Completes when the client cancels this request.
    pub async fn cancelled(&self) {
        self.inner.cancel.cancelled().await
    }

    /// Whether this request has a stream of its own (Streamable HTTP), rather than the
    /// session's.
    pub(crate) fn has_own_stream(&self) -> bool {
        self.inner.related.is_some()
    }

    /// Sends a message related to this request: on the request's own stream when the transport
    /// has one (Streamable HTTP), else on the session's stream.
    pub(crate) async fn send(&self, message: String) -> bool {
        match &self.inner.related {
            Some(related) => {
                let sender = related.sender();
                sender.send(Outgoing::Related(message)).await.is_ok()
            }
            None => self.inner.session.send_outbound(message),
        }
    }

    /// Sends a notification related to this request.
    async fn notify<P: Serialize>(&self, method: &str, params: &P) {
        match outgoing_json(None, method, params) {
            Ok(message) => {
                self.send(message).await;
            }
            Err(err) => tracing::warn!(%method, %err, "a notification did not serialize"),
        }
    }

    /// Sends a log message to the client (`notifications/message`), unless the client asked
    /// (with `logging/setLevel`, or the request's `logLevel`) only for more severe ones, or
    /// (a 2026-07-28 request that named no level) for none.
    ///
    /// In a task, a message at `info` level or above becomes the task's status message instead.
    pub async fn log(&self, level: LogLevel, logger: Option<&str>, data: impl Serialize) {
        if let Some(task) = self.task_slot() {
            let request = task.request();
            if level >= LogLevel::Info {
                if let Ok(data) = serde_json::to_value(&data) {
                    let text = match &data {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    task.say(text).await;
                    // Before the call is a task, its request's client hears it as usual.
                    if let Some(request) = request {
                        Box::pin(request.log(level, logger, data)).await;
                    }
                }
            }
            return;
        }
        if !self.inner.session.hears(level) {
            return;
        }
        let message = LogMessage {
            level: level.as_str(),
            logger,
            data,
        };
        self.notify("notifications/message", &message).await;
    }

    /// Logs at `debug` level.
    pub async fn debug(&self, message: impl Into<String>) {
        self.log(LogLevel::Debug, None, message.into()).await
    }

    /// Logs at `info` level.
    pub async fn info(&self, message: impl Into<String>) {
        self.log(LogLevel::Info, None, message.into()).await
    }

    /// Logs at `warning` level.
    pub async fn warning(&self, message: impl Into<String>) {
        self.log(LogLevel::Warning, None, message.into()).await
    }

    /// Logs at `error` level.
    pub async fn error(&self, message: impl Into<String>) {
        self.log(LogLevel::Error, None, message.into()).await
    }

    /// Reports progress (`notifications/progress`) if the client asked for it by sending a
    /// progress token with the request; otherwise does nothing. In a task, it becomes the
    /// task's status message (`message`, or else `progress/total`).
    pub async fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        if let Some(task) = self.task_slot() {
            let text = match (message, total) {
                (Some(message), _) => message.to_owned(),
                (None, Some(total)) => format!("{progress}/{total}"),
                (None, None) => progress.to_string(),
            };
            task.say(text).await;
            // Before the call is a task, its request's client hears of it as usual.
            if let Some(request) = task.request() {
                Box::pin(request.report_progress(progress, total, message)).await;
            }
            return;
        }
        let Some(progress_token) = &self.inner.progress_token else {
            return;
        };
        let progress = Progress {
            progress_token,
            progress,
            total,
            message,
        };
        self.notify("notifications/progress", &progress).await;
    }
}

/// A tool needed a scope the request's token does not grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingScope {
    scope: String,
    authenticated: bool,
}

impl fmt::Display for MissingScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.authenticated {
            write!(
                f,
                "this tool needs the `{}` scope, which the access token does not grant",
                self.scope
            )
        } else {
            write!(
                f,
                "this tool needs the `{}` scope, but the request is not authenticated",
                self.scope
            )
        }
    }
}

impl std::error::Error for MissingScope {}
