//! [`Context`]: what a tool can do besides computing its result — log to the client, report
//! progress, notice cancellation, ask the client to sample a model, elicit input or list its
//! roots, and reach the session and the server's shared state.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use crate::auth::Identity;
use crate::content::Content;
use crate::jsonrpc::RequestId;
use crate::server::Server;
use crate::session::Session;

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
    inner: Arc<ContextInner>,
}

struct ContextInner {
    server: Server,
    session: Session,
    request_id: RequestId,
    progress_token: Option<Value>,
    /// Where messages related to this request go; `None`: the session's own stream.
    related: Option<Arc<RelatedStream>>,
    cancel: CancelToken,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("request_id", &self.inner.request_id)
            .field("session", &self.inner.session)
            .finish_non_exhaustive()
    }
}

/// A message a transport sends while answering one request: messages related to it (logs,
/// progress, requests to the client), then its response.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Related(String),
    Response(String),
}

/// The messages of one request that go on the request's own stream (Streamable HTTP answers a
/// POST with one). The bounded channel carrying them is made when the first one is sent: most
/// requests send none, and a channel per request showed in the profile.
pub(crate) struct RelatedStream {
    capacity: usize,
    channel: Mutex<Option<Channel>>,
}

struct Channel {
    sender: mpsc::Sender<Outgoing>,
    receiver: Option<mpsc::Receiver<Outgoing>>,
}

impl RelatedStream {
    pub(crate) fn new(capacity: usize) -> Arc<RelatedStream> {
        Arc::new(RelatedStream {
            capacity,
            channel: Mutex::new(None),
        })
    }

    /// The sending end, making the channel if there is none yet.
    pub(crate) fn sender(&self) -> mpsc::Sender<Outgoing> {
        let mut channel = self
            .channel
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let channel = channel.get_or_insert_with(|| {
            let (sender, receiver) = mpsc::channel(self.capacity);
            Channel {
                sender,
                receiver: Some(receiver),
            }
        });
        channel.sender.clone()
    }

    /// The receiving end, once; `None` if no channel was made (nothing was sent).
    pub(crate) fn take_receiver(&self) -> Option<mpsc::Receiver<Outgoing>> {
        self.channel
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
            .and_then(|channel| channel.receiver.take())
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
    ) -> Self {
        Context {
            inner: Arc::new(ContextInner {
                server,
                session,
                request_id,
                progress_token,
                related,
                cancel,
            }),
        }
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
            .map_or(crate::protocol::LATEST_VERSION, |n| n.protocol_version)
    }

    /// The client's `clientInfo` from `initialize` (`null` when stateless).
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

    /// `true` once the client cancelled this request (`notifications/cancelled`). A cancelled
    /// async tool is also dropped at its next `.await`; this lets long computations stop early.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled()
    }

    /// Completes when the client cancels this request.
    pub async fn cancelled(&self) {
        self.inner.cancel.cancelled().await
    }

    /// Reads one of this server's own resources (static or from a template), as a client's
    /// `resources/read` would; an unknown URI is a `-32002` error.
    pub async fn read_resource(
        &self,
        uri: &str,
    ) -> Result<Vec<crate::ResourceContents>, crate::jsonrpc::ErrorObject> {
        let resources = self.inner.server.inner.resources.load();
        self.inner
            .server
            .read_contents(&resources, uri.to_owned(), self.clone())
            .await
    }

    /// Sends a message related to this request: on the request's own stream when the transport
    /// has one (Streamable HTTP), else on the session's stream.
    async fn send(&self, message: String) -> bool {
        match &self.inner.related {
            Some(related) => {
                let sender = related.sender();
                sender.send(Outgoing::Related(message)).await.is_ok()
            }
            None => self.inner.session.send_outbound(message),
        }
    }

    /// Sends a log message to the client (`notifications/message`), unless the client asked
    /// (with `logging/setLevel`) only for more severe ones.
    pub async fn log(&self, level: LogLevel, logger: Option<&str>, data: impl Serialize) {
        if level < self.inner.session.log_level() {
            return;
        }
        let mut params = json!({ "level": level.as_str(), "data": data });
        if let Some(logger) = logger {
            params["logger"] = Value::String(logger.to_owned());
        }
        self.send(crate::jsonrpc::notification_json(
            "notifications/message",
            params,
        ))
        .await;
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
    /// progress token with the request; otherwise does nothing.
    pub async fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = &self.inner.progress_token else {
            return;
        };
        let mut params = json!({ "progressToken": token, "progress": progress });
        if let Some(total) = total {
            params["total"] = json!(total);
        }
        if let Some(message) = message {
            params["message"] = json!(message);
        }
        self.send(crate::jsonrpc::notification_json(
            "notifications/progress",
            params,
        ))
        .await;
    }

    /// Sends a request to the client and waits for its result, for at most the server's
    /// [`client_request_timeout`](crate::ServerBuilder::client_request_timeout).
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ClientRequestError> {
        let session = &self.inner.session;
        let (id, reply) = session.expect_reply();
        // Whatever ends this wait (reply, timeout, or the tool being dropped) forgets the id.
        let _pending = PendingReply { session, id };
        let message = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        if !self.send(message.to_string()).await {
            return Err(ClientRequestError::Undeliverable {
                method: method.to_owned(),
            });
        }
        let timeout = self.inner.server.inner.client_request_timeout;
        match tokio::time::timeout(timeout, reply).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(error))) => Err(ClientRequestError::Refused {
                method: method.to_owned(),
                code: error.code,
                message: error.message,
            }),
            Ok(Err(_)) => Err(ClientRequestError::Undeliverable {
                method: method.to_owned(),
            }),
            Err(_) => {
                let params = json!({ "requestId": id, "reason": "timed out" });
                self.send(crate::jsonrpc::notification_json(
                    "notifications/cancelled",
                    params,
                ))
                .await;
                Err(ClientRequestError::Timeout {
                    method: method.to_owned(),
                    after: timeout,
                })
            }
        }
    }

    fn require_capability(&self, capability: &'static str) -> Result<(), ClientRequestError> {
        if self.client_capabilities().get(capability).is_some() {
            Ok(())
        } else {
            Err(ClientRequestError::Unsupported { capability })
        }
    }

    /// Asks the client to sample its language model (`sampling/createMessage`).
    pub async fn sample(
        &self,
        request: SamplingRequest,
    ) -> Result<SamplingResponse, ClientRequestError> {
        self.require_capability("sampling")?;
        let params = serde_json::to_value(&request).expect("sampling requests serialize");
        let result = self.request("sampling/createMessage", params).await?;
        decode("sampling/createMessage", result)
    }

    /// Asks the user, through the client, to fill in a form shaped like `T`
    /// (`elicitation/create`, form mode). `T` must be a flat struct of strings, numbers,
    /// booleans and enums, as the specification requires; `#[serde(default)]` values become
    /// the form's defaults. A unit enum is a single choice (`enum`), or, when its variants have
    /// titles (`#[schemars(title = "..")]` or a doc comment), a titled one (`oneOf` of `const`
    /// and `title`); a `Vec` of one is a multiple choice (`items.enum`, or `items.anyOf`).
    pub async fn elicit<T>(&self, message: &str) -> Result<Elicitation<T>, ClientRequestError>
    where
        T: JsonSchema + DeserializeOwned + 'static,
    {
        let schema = elicitation_schema::<T>();
        match self.elicit_with_schema(message, (*schema).clone()).await? {
            Elicitation::Accept(content) => {
                decode("elicitation/create", content).map(Elicitation::Accept)
            }
            Elicitation::Decline => Ok(Elicitation::Decline),
            Elicitation::Cancel => Ok(Elicitation::Cancel),
        }
    }

    /// Like [`elicit`](Self::elicit), with a hand-written `requestedSchema`.
    pub async fn elicit_with_schema(
        &self,
        message: &str,
        requested_schema: Value,
    ) -> Result<Elicitation<Value>, ClientRequestError> {
        self.require_capability("elicitation")?;
        let params = json!({ "message": message, "requestedSchema": requested_schema });
        let result = self.request("elicitation/create", params).await?;
        match result.get("action").and_then(Value::as_str) {
            Some("accept") => Ok(Elicitation::Accept(
                result.get("content").cloned().unwrap_or(json!({})),
            )),
            Some("decline") => Ok(Elicitation::Decline),
            Some("cancel") => Ok(Elicitation::Cancel),
            _ => Err(ClientRequestError::Malformed {
                method: "elicitation/create".to_owned(),
                reason: format!("`action` must be accept, decline or cancel: {result}"),
            }),
        }
    }

    /// Asks the client for its roots (`roots/list`): the directories or files it exposes.
    pub async fn list_roots(&self) -> Result<Vec<Root>, ClientRequestError> {
        self.require_capability("roots")?;
        let result = self.request("roots/list", json!({})).await?;
        let roots = result.get("roots").cloned().unwrap_or(Value::Null);
        decode("roots/list", roots)
    }
}

/// Removes a pending server-to-client request however its wait ends.
struct PendingReply<'a> {
    session: &'a Session,
    id: i64,
}

impl Drop for PendingReply<'_> {
    fn drop(&mut self) {
        self.session.forget_reply(self.id);
    }
}

fn decode<T: DeserializeOwned>(method: &str, value: Value) -> Result<T, ClientRequestError> {
    serde_json::from_value(value).map_err(|err| ClientRequestError::Malformed {
        method: method.to_owned(),
        reason: err.to_string(),
    })
}

/// The elicitation schema of `T`, computed once per type.
fn elicitation_schema<T: JsonSchema + 'static>() -> Arc<Value> {
    static CACHE: OnceLock<Mutex<HashMap<TypeId, Arc<Value>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Arc::clone(
        cache
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(crate::schema::elicitation_schema::<T>())),
    )
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

/// Why a request to the client failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientRequestError {
    /// The client did not declare the capability the request needs.
    Unsupported {
        /// `sampling`, `elicitation` or `roots`.
        capability: &'static str,
    },
    /// No stream to the client is open to carry the request.
    Undeliverable {
        /// The request's method.
        method: String,
    },
    /// The client did not answer in time; the request was cancelled.
    Timeout {
        /// The request's method.
        method: String,
        /// How long the server waited.
        after: Duration,
    },
    /// The client answered with an error.
    Refused {
        /// The request's method.
        method: String,
        /// The JSON-RPC error code.
        code: i64,
        /// The client's message.
        message: String,
    },
    /// The client's answer did not have the expected shape.
    Malformed {
        /// The request's method.
        method: String,
        /// What was wrong.
        reason: String,
    },
}

impl fmt::Display for ClientRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientRequestError::Unsupported { capability } => write!(
                f,
                "the client does not support {capability} (it did not declare the `{capability}` capability)"
            ),
            ClientRequestError::Undeliverable { method } => write!(
                f,
                "`{method}` could not be sent: the client has no open stream for server requests"
            ),
            ClientRequestError::Timeout { method, after } => write!(
                f,
                "the client did not answer `{method}` within {after:?}; the request was cancelled"
            ),
            ClientRequestError::Refused { method, code, message } => {
                write!(f, "the client refused `{method}` ({code}): {message}")
            }
            ClientRequestError::Malformed { method, reason } => {
                write!(f, "the client's answer to `{method}` is malformed: {reason}")
            }
        }
    }
}

impl std::error::Error for ClientRequestError {}

/// The severity of a log message, as MCP (and syslog) orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum LogLevel {
    /// Detailed debugging information.
    Debug = 0,
    /// Normal operation.
    Info,
    /// Normal but significant.
    Notice,
    /// Warning conditions.
    Warning,
    /// Error conditions.
    Error,
    /// Critical conditions.
    Critical,
    /// Action must be taken immediately.
    Alert,
    /// The system is unusable.
    Emergency,
}

impl LogLevel {
    const ALL: [LogLevel; 8] = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Notice,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
        LogLevel::Alert,
        LogLevel::Emergency,
    ];

    /// The level's name on the wire.
    pub fn as_str(self) -> &'static str {
        [
            "debug",
            "info",
            "notice",
            "warning",
            "error",
            "critical",
            "alert",
            "emergency",
        ][self as usize]
    }

    /// The level with this wire name.
    pub fn parse(name: &str) -> Option<LogLevel> {
        LogLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == name)
    }

    pub(crate) fn from_u8(value: u8) -> LogLevel {
        LogLevel::ALL
            .get(value as usize)
            .copied()
            .unwrap_or(LogLevel::Debug)
    }
}

/// Lets a running request be cancelled and observed as cancelled.
#[derive(Clone, Default)]
pub(crate) struct CancelToken(Arc<CancelState>);

#[derive(Default)]
struct CancelState {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelToken {
    pub(crate) fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    pub(crate) async fn cancelled(&self) {
        let notified = self.0.notify.notified();
        tokio::pin!(notified);
        // Registered before the check, so a cancel between the two is not missed.
        notified.as_mut().enable();
        if self.is_cancelled() {
            return;
        }
        notified.await;
    }
}

/// A request to the client's language model (`sampling/createMessage`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SamplingRequest {
    /// The conversation so far.
    pub messages: Vec<SamplingMessage>,
    /// The most tokens the model may produce.
    pub max_tokens: u32,
    /// A system prompt the client may use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Sequences that stop generation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop_sequences: Vec<String>,
    /// Model preferences (hints, cost/speed/intelligence priorities), as MCP defines them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_preferences: Option<Value>,
}

impl SamplingRequest {
    /// One user message of text.
    pub fn new(prompt: impl Into<String>, max_tokens: u32) -> Self {
        SamplingRequest {
            messages: vec![SamplingMessage {
                role: Role::User,
                content: Content::text(prompt),
            }],
            max_tokens,
            system_prompt: None,
            temperature: None,
            stop_sequences: Vec::new(),
            model_preferences: None,
        }
    }

    /// Sets the system prompt.
    pub fn system_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.system_prompt = Some(prompt.into());
        self
    }
}

/// One message of a sampling conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SamplingMessage {
    /// Who said it.
    pub role: Role,
    /// What was said.
    pub content: Content,
}

/// The speaker of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The user.
    User,
    /// The model.
    Assistant,
}

/// The model's answer to a [`SamplingRequest`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SamplingResponse {
    /// Normally `assistant`.
    pub role: Role,
    /// The content block, as sent (`{"type": "text", "text": ...}` for text).
    pub content: Value,
    /// The model that answered.
    #[serde(default)]
    pub model: String,
    /// Why generation stopped.
    #[serde(default)]
    pub stop_reason: Option<String>,
}

impl SamplingResponse {
    /// The answer's text, when it is text.
    pub fn text(&self) -> Option<&str> {
        self.content.get("text").and_then(Value::as_str)
    }
}

/// What the user did with an elicitation form.
#[derive(Debug, Clone, PartialEq)]
pub enum Elicitation<T> {
    /// Submitted the form.
    Accept(T),
    /// Explicitly declined to.
    Decline,
    /// Dismissed it.
    Cancel,
}

/// A root the client exposes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Root {
    /// A `file://` URI.
    pub uri: String,
    /// A human-readable name.
    #[serde(default)]
    pub name: Option<String>,
}

/// Shared state values by type, given to the server builder.
#[derive(Clone, Default)]
pub(crate) struct StateMap(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StateMap({} values)", self.0.len())
    }
}

impl StateMap {
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        self.0.insert(TypeId::of::<T>(), Arc::new(value));
    }

    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.0
            .get(&TypeId::of::<T>())
            .and_then(|value| value.downcast_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_levels_parse_and_order() {
        for level in LogLevel::ALL {
            assert_eq!(LogLevel::parse(level.as_str()), Some(level));
            assert_eq!(LogLevel::from_u8(level as u8), level);
        }
        assert!(LogLevel::Debug < LogLevel::Warning && LogLevel::Warning < LogLevel::Emergency);
        assert_eq!(LogLevel::parse("verbose"), None);
    }

    #[tokio::test]
    async fn a_cancel_before_or_while_waiting_is_seen() {
        let token = CancelToken::default();
        token.cancel();
        token.cancelled().await;
        let token = CancelToken::default();
        let waiter = tokio::spawn({
            let token = token.clone();
            async move { token.cancelled().await }
        });
        tokio::task::yield_now().await;
        token.cancel();
        waiter.await.unwrap();
        assert!(token.is_cancelled());
    }
}
