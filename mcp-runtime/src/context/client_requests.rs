//! What a [`Context`] can ask of the client: sampling its model, eliciting input from the
//! user, listing its roots; and why such a request can fail.

use std::any::TypeId;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Context;
use crate::content::{Content, Role};
use crate::input::Asked;
use crate::protocol::outgoing_json;
use crate::protocol::wire::{Cancelled, ElicitParams, ElicitResult, Empty};
use crate::session::Session;

impl Context {
    /// Sends a request to the client and waits for its result, for at most the server's
    /// [`client_request_timeout`](crate::ServerBuilder::client_request_timeout).
    ///
    /// In MCP 2026-07-28 the server sends no requests: `elicitation/create`,
    /// `sampling/createMessage` and `roots/list` become questions of a multi-round-trip
    /// request (see [`Context::keyed`]); any other method fails as undeliverable.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ClientRequestError> {
        let kind = match method {
            "elicitation/create" => "elicitation",
            "sampling/createMessage" => "sampling",
            "roots/list" => "roots",
            _ => "request",
        };
        self.request_with(None, kind, method, &params).await
    }

    /// Asks the client, under `key` when the handler chose one: in a modern request, through
    /// its rounds; otherwise as a request on the session's stream.
    pub(super) async fn request_with<P: Serialize + ?Sized>(
        &self,
        key: Option<&str>,
        kind: &str,
        method: &str,
        params: &P,
    ) -> Result<Value, ClientRequestError> {
        // In a task, or a request of MCP 2026-07-28, questions are not sent as requests: only
        // those the era knows can be asked.
        let asked_not_sent = self.task_slot().is_some() || self.rounds().is_some();
        let question = if asked_not_sent {
            if kind == "request" {
                return Err(ClientRequestError::Undeliverable {
                    method: method.to_owned(),
                });
            }
            serde_json::to_value(params).map_err(|err| ClientRequestError::Malformed {
                method: method.to_owned(),
                reason: format!("the request did not serialize: {err}"),
            })?
        } else {
            Value::Null
        };
        if let Some(task) = self.task_slot() {
            // The task waits for input until `tasks/update` brings the answer.
            return task.ask(key, kind, method, question).await.map_err(|_| {
                ClientRequestError::Undeliverable {
                    method: method.to_owned(),
                }
            });
        }
        if let Some(rounds) = self.rounds() {
            return match rounds.ask(key, kind, method, question) {
                Asked::Answer(answer) => Ok(answer),
                // Stopped here: the request is answered `input_required`, and runs again
                // with the answer.
                Asked::Pending => std::future::pending().await,
            };
        }
        let session = &self.inner.session;
        let (id, reply) = session.expect_reply();
        // Whatever ends this wait (reply, timeout, or the tool being dropped) forgets the id.
        let _pending = PendingReply { session, id };
        let undeliverable = || ClientRequestError::Undeliverable {
            method: method.to_owned(),
        };
        let message = outgoing_json(Some(id), method, params).map_err(|err| {
            ClientRequestError::Malformed {
                method: method.to_owned(),
                reason: format!("the request did not serialize: {err}"),
            }
        })?;
        if !self.send(message).await {
            return Err(undeliverable());
        }
        let timeout = self.inner.server.client_request_timeout();
        match tokio::time::timeout(timeout, reply).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(error))) => Err(ClientRequestError::Refused {
                method: method.to_owned(),
                code: error.code,
                message: error.message,
            }),
            Ok(Err(_)) => Err(undeliverable()),
            Err(_) => {
                let cancelled = Cancelled {
                    request_id: id,
                    reason: "timed out",
                };
                if let Ok(message) = outgoing_json(None, "notifications/cancelled", &cancelled) {
                    self.send(message).await;
                }
                Err(ClientRequestError::Timeout {
                    method: method.to_owned(),
                    after: timeout,
                })
            }
        }
    }

    pub(super) fn require_capability(
        &self,
        capability: &'static str,
    ) -> Result<(), ClientRequestError> {
        if self.client_capabilities().get(capability).is_some() {
            Ok(())
        } else {
            if let Some(rounds) = self.rounds() {
                // Should the handler fail for want of it, the client hears `-32021`.
                rounds.note_missing(capability);
            }
            Err(ClientRequestError::Unsupported { capability })
        }
    }

    /// Questions to the client under a key of the handler's choosing, for clients of MCP
    /// 2026-07-28, which answer them by key (`inputRequests`, `inputResponses`). Without one,
    /// a question's key is its kind and position (`elicitation-1`, `sampling-2`). In the
    /// handshake era keys play no part.
    ///
    /// ```
    /// use mcp_runtime::{context::Elicitation, tool, Context};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Name {
    ///     name: String,
    /// }
    ///
    /// /// Greets the user by name.
    /// #[tool]
    /// async fn greet(ctx: Context) -> String {
    ///     match ctx.keyed("user_name").elicit::<Name>("What is your name?").await {
    ///         Ok(Elicitation::Accept(Name { name })) => format!("Hello, {name}!"),
    ///         _ => "Hello, stranger!".into(),
    ///     }
    /// }
    /// ```
    pub fn keyed<'a>(&'a self, key: &'a str) -> Keyed<'a> {
        Keyed { context: self, key }
    }

    /// Asks the client to sample its language model (`sampling/createMessage`).
    pub async fn sample(
        &self,
        request: SamplingRequest,
    ) -> Result<SamplingResponse, ClientRequestError> {
        self.sample_as(None, request).await
    }

    async fn sample_as(
        &self,
        key: Option<&str>,
        request: SamplingRequest,
    ) -> Result<SamplingResponse, ClientRequestError> {
        const METHOD: &str = "sampling/createMessage";
        self.require_capability("sampling")?;
        let result = self.request_with(key, "sampling", METHOD, &request).await?;
        decode(METHOD, result)
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
        self.elicit_as(None, message).await
    }

    async fn elicit_as<T>(
        &self,
        key: Option<&str>,
        message: &str,
    ) -> Result<Elicitation<T>, ClientRequestError>
    where
        T: JsonSchema + DeserializeOwned + 'static,
    {
        let schema = elicitation_schema::<T>();
        match self.elicit_with(key, message, &schema).await? {
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
        self.elicit_with(None, message, &requested_schema).await
    }

    async fn elicit_with(
        &self,
        key: Option<&str>,
        message: &str,
        requested_schema: &Value,
    ) -> Result<Elicitation<Value>, ClientRequestError> {
        const METHOD: &str = "elicitation/create";
        self.require_capability("elicitation")?;
        let params = ElicitParams {
            message,
            requested_schema,
        };
        let result = self
            .request_with(key, "elicitation", METHOD, &params)
            .await?;
        elicitation_result(result)
    }

    /// Asks the client for its roots (`roots/list`): the directories or files it exposes.
    pub async fn list_roots(&self) -> Result<Vec<Root>, ClientRequestError> {
        self.list_roots_as(None).await
    }

    async fn list_roots_as(&self, key: Option<&str>) -> Result<Vec<Root>, ClientRequestError> {
        const METHOD: &str = "roots/list";
        self.require_capability("roots")?;
        let result = self.request_with(key, "roots", METHOD, &Empty {}).await?;
        let result: ListRootsResult = decode(METHOD, result)?;
        Ok(result.roots)
    }
}

/// The questions of [`Context`] under a key of the handler's choosing: see [`Context::keyed`].
#[derive(Debug, Clone, Copy)]
pub struct Keyed<'a> {
    context: &'a Context,
    key: &'a str,
}

impl Keyed<'_> {
    /// [`Context::sample`], under this key.
    pub async fn sample(
        self,
        request: SamplingRequest,
    ) -> Result<SamplingResponse, ClientRequestError> {
        self.context.sample_as(Some(self.key), request).await
    }

    /// [`Context::elicit`], under this key.
    pub async fn elicit<T>(self, message: &str) -> Result<Elicitation<T>, ClientRequestError>
    where
        T: JsonSchema + DeserializeOwned + 'static,
    {
        self.context.elicit_as(Some(self.key), message).await
    }

    /// [`Context::elicit_with_schema`], under this key.
    pub async fn elicit_with_schema(
        self,
        message: &str,
        requested_schema: Value,
    ) -> Result<Elicitation<Value>, ClientRequestError> {
        self.context
            .elicit_with(Some(self.key), message, &requested_schema)
            .await
    }

    /// [`Context::list_roots`], under this key.
    pub async fn list_roots(self) -> Result<Vec<Root>, ClientRequestError> {
        self.context.list_roots_as(Some(self.key)).await
    }
}

/// What a client answers to `roots/list`.
#[derive(Deserialize)]
struct ListRootsResult {
    roots: Vec<Root>,
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

pub(super) fn decode<T: DeserializeOwned>(
    method: &str,
    value: Value,
) -> Result<T, ClientRequestError> {
    serde_json::from_value(value).map_err(|err| ClientRequestError::Malformed {
        method: method.to_owned(),
        reason: err.to_string(),
    })
}

/// What the client answered to `elicitation/create`, with the form's content as it came.
pub(super) fn elicitation_result(result: Value) -> Result<Elicitation<Value>, ClientRequestError> {
    const METHOD: &str = "elicitation/create";
    let result: ElicitResult = decode(METHOD, result)?;
    match result.action.as_str() {
        "accept" => Ok(Elicitation::Accept(
            result
                .content
                .unwrap_or_else(|| Value::Object(Default::default())),
        )),
        "decline" => Ok(Elicitation::Decline),
        "cancel" => Ok(Elicitation::Cancel),
        other => Err(ClientRequestError::Malformed {
            method: METHOD.to_owned(),
            reason: format!("`action` must be accept, decline or cancel, got {other:?}"),
        }),
    }
}

/// The elicitation schema of `T`, computed once per type.
pub(super) fn elicitation_schema<T: JsonSchema + 'static>() -> Arc<Value> {
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

/// A request to the client's language model (`sampling/createMessage`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
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

    /// A request continuing this conversation.
    pub fn conversation(messages: Vec<SamplingMessage>, max_tokens: u32) -> Self {
        SamplingRequest {
            messages,
            ..SamplingRequest::new("", max_tokens)
        }
    }

    /// Sets the system prompt.
    pub fn system_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.system_prompt = Some(prompt.into());
        self
    }

    /// Sets the sampling temperature.
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Sets the sequences that stop generation.
    pub fn stop_sequences<I, S>(mut self, sequences: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.stop_sequences = sequences.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the model preferences, as MCP defines them.
    pub fn model_preferences(mut self, preferences: Value) -> Self {
        self.model_preferences = Some(preferences);
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

/// The model's answer to a [`SamplingRequest`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct Root {
    /// A `file://` URI.
    pub uri: String,
    /// A human-readable name.
    #[serde(default)]
    pub name: Option<String>,
}
