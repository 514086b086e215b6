//! The dispatcher: turns one decoded JSON-RPC message into its response.
//!
//! It knows nothing about HTTP or any transport. A transport decodes messages, calls
//! [`Server::handle_message`] (concurrently, for concurrent requests) and carries the response
//! back; SSE, Streamable HTTP and stdio all share this code.

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use tracing::Instrument;

use crate::context::{CancelToken, Context, LogLevel, RelatedStream};
use crate::features::{isolate, poll_once};
use crate::jsonrpc::{encode, ErrorObject, Message, Notification, Request, RequestId, Response};
use crate::lifecycle::RequestGuard;
use crate::protocol::negotiate_version;
use crate::server::Server;
use crate::session::{Negotiated, RequestRefused, Session};

impl Server {
    /// Handles one message of a session; returns the response to send, if any.
    ///
    /// Requests get a response unless the client cancelled them (`notifications/cancelled`);
    /// notifications and client responses never do. Messages a request produces on the way
    /// (logs, progress, requests to the client) go to the session's own stream.
    pub async fn handle_message(&self, session: &Session, message: Message) -> Option<Response> {
        self.handle_message_with(session, message, None, None).await
    }

    /// Like [`handle_message`](Self::handle_message), with the messages a request produces on
    /// the way sent to `related` (the request's own stream, in Streamable HTTP), and the
    /// request counted as running by `counted` when the transport started counting it on
    /// acceptance (before handing it to a task of its own).
    pub(crate) async fn handle_message_with(
        &self,
        session: &Session,
        message: Message,
        related: Option<Arc<RelatedStream>>,
        counted: Option<RequestGuard>,
    ) -> Option<Response> {
        match message {
            Message::Request(request) => self.run_request(session, request, related, counted).await,
            other => {
                self.handle_notice(session, other);
                None
            }
        }
    }

    /// Whether `session` takes JSON-RPC batches: only after `initialize` (which a batch must
    /// not carry), and only at revisions up to 2025-03-26, which require servers to accept
    /// them (2025-06-18 removed them). `Err` is the `-32600` to answer the batch with.
    pub(crate) fn batch_allowed(&self, session: &Session) -> Result<(), ErrorObject> {
        let version = session.negotiated().map(|n| n.protocol_version);
        match version {
            Some(version) if crate::protocol::has_batches(version) => Ok(()),
            Some(version) => Err(ErrorObject::new(
                crate::jsonrpc::INVALID_REQUEST,
                format!(
                    "JSON-RPC batches are not supported in protocol revision {version} (they \
                     ended with {}): send one message per request",
                    crate::protocol::LAST_VERSION_WITH_BATCHES
                ),
            )),
            None => Err(ErrorObject::new(
                crate::jsonrpc::INVALID_REQUEST,
                "JSON-RPC batches are not supported before `initialize`, which must be sent \
                 alone: initialize the session first",
            )),
        }
    }

    /// Handles a JSON-RPC batch that [`batch_allowed`](Self::batch_allowed) admitted: every
    /// element as a message of its own, the requests concurrently. Returns the responses of
    /// its requests and the errors for elements that are not messages, in the batch's order
    /// (empty when it held only notifications and responses).
    pub(crate) async fn handle_batch(
        &self,
        session: &Session,
        elements: Vec<Value>,
    ) -> Vec<Response> {
        enum Answer {
            Now(Response),
            Later(tokio::task::JoinHandle<Option<Response>>, RequestId),
        }
        let limit = self.inner.max_requests_per_session;
        let mut requests = 0;
        let mut answers = Vec::with_capacity(elements.len());
        for element in elements {
            match Message::from_value(element) {
                Err(error) => answers.push(Answer::Now(error.to_response())),
                // The session's limit on running requests bounds a batch too, even in a
                // session made for one stateless POST (which counts no requests).
                Ok(Message::Request(request)) if requests == limit => {
                    answers.push(Answer::Now(Response::error(
                        Some(request.id),
                        ErrorObject::new(
                            crate::jsonrpc::INVALID_REQUEST,
                            format!(
                                "a batch may hold at most {limit} requests \
                                 (ServerBuilder::max_requests_per_session): send the rest in \
                                 another"
                            ),
                        ),
                    )));
                }
                Ok(Message::Request(request)) if request.method == "initialize" => {
                    answers.push(Answer::Now(Response::error(
                        Some(request.id),
                        ErrorObject::new(
                            crate::jsonrpc::INVALID_REQUEST,
                            "`initialize` must not be part of a JSON-RPC batch: send it alone",
                        ),
                    )));
                }
                Ok(Message::Request(request)) => {
                    requests += 1;
                    let (server, session, id) = (self.clone(), session.clone(), request.id.clone());
                    let task = tokio::spawn(async move {
                        let message = Message::Request(request);
                        server
                            .handle_message_with(&session, message, None, None)
                            .await
                    });
                    answers.push(Answer::Later(task, id));
                }
                Ok(other) => self.handle_notice(session, other),
            }
        }
        let mut responses = Vec::with_capacity(answers.len());
        for answer in answers {
            match answer {
                Answer::Now(response) => responses.push(response),
                Answer::Later(task, id) => match task.await {
                    Ok(Some(response)) => responses.push(response),
                    // Cancelled by the client: nothing to answer.
                    Ok(None) => {}
                    Err(_) => responses.push(Response::error(
                        Some(id),
                        ErrorObject::internal("the request panicked outside its handler"),
                    )),
                },
            }
        }
        responses
    }

    /// Handles a notification or a client's response, neither of which is answered: at once,
    /// with no future (so a transport's handler does not carry the dispatcher's state machine).
    /// Transports hand requests to `handle_message_with` instead; one passed here is ignored.
    pub(crate) fn handle_notice(&self, session: &Session, message: Message) {
        match message {
            Message::Notification(notification) => self.handle_notification(session, notification),
            Message::Response(response) => deliver_client_response(session, response),
            Message::Request(request) => {
                debug_assert!(false, "request `{}` passed as a notice", request.method);
            }
        }
    }

    /// Runs a request until it answers or the client cancels it (then nothing is answered),
    /// inside a `mcp.request` tracing span (method, id, session, tool; never argument values).
    async fn run_request(
        &self,
        session: &Session,
        request: Request,
        related: Option<Arc<RelatedStream>>,
        counted: Option<RequestGuard>,
    ) -> Option<Response> {
        let span = tracing::info_span!(
            "mcp.request",
            method = %request.method,
            id = %request.id,
            session = %session.id(),
            tool = tracing::field::Empty,
        );
        let started = Instant::now();
        let response = self
            .run_request_in_span(session, request, related, counted)
            .instrument(span.clone())
            .await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
        span.in_scope(|| match &response {
            None => tracing::debug!(elapsed_ms, "cancelled by the client: no response sent"),
            Some(Response { outcome: Ok(_), .. }) => tracing::debug!(elapsed_ms, "answered"),
            Some(Response {
                outcome: Err(error),
                ..
            }) => {
                tracing::debug!(elapsed_ms, code = error.code, "answered with an error")
            }
        });
        response
    }

    async fn run_request_in_span(
        &self,
        session: &Session,
        request: Request,
        related: Option<Arc<RelatedStream>>,
        counted: Option<RequestGuard>,
    ) -> Option<Response> {
        let id = request.id.clone();
        if self.is_shutting_down() {
            return Some(Response::error(
                Some(id),
                ErrorObject::new(
                    crate::jsonrpc::SERVER_UNAVAILABLE,
                    "the server is shutting down and takes no new requests",
                ),
            ));
        }
        let _counted = counted.unwrap_or_else(|| self.count_request());
        let token = CancelToken::default();
        if request.method != "initialize" {
            let limit = self.inner.max_requests_per_session;
            if let Err(refused) = session.start_request(&id, token.clone(), limit) {
                let message = match refused {
                    RequestRefused::DuplicateId => format!(
                        "a request with id {id} is already running in this session: use a new id"
                    ),
                    RequestRefused::TooMany => format!(
                        "this session already runs {limit} requests: wait for some to finish \
                         (ServerBuilder::max_requests_per_session sets the limit)"
                    ),
                };
                return Some(Response::error(
                    Some(id),
                    ErrorObject::new(crate::jsonrpc::INVALID_REQUEST, message),
                ));
            }
        }
        let progress_token = request
            .params
            .get("_meta")
            .and_then(|meta| meta.get("progressToken"))
            .cloned();
        let context = Context::new(
            self.clone(),
            session.clone(),
            id.clone(),
            progress_token,
            related,
            token.clone(),
        );
        // Most requests answer in their first poll: only one that waits also waits for its
        // cancellation (registering that wait showed in the profile). Biased towards the
        // cancellation: a request cancelled as it completes gets no response.
        let mut handling = std::pin::pin!(self.handle_request(session, request, context));
        let response = match poll_once(handling.as_mut()).await {
            Poll::Ready(response) => (!token.is_cancelled()).then_some(response),
            Poll::Pending => tokio::select! {
                biased;
                () = token.cancelled() => None,
                response = handling => Some(response),
            },
        };
        session.finish_request(&id);
        response
    }

    async fn handle_request(
        &self,
        session: &Session,
        request: Request,
        context: Context,
    ) -> Response {
        let Request { id, method, params } = request;
        // Results are encoded once, into JSON text; the hot methods (`tools/call` and the
        // listings) straight from their Rust types, the others through a `Value`.
        let outcome = match method.as_str() {
            "initialize" => self.initialize(session, params).and_then(encoded),
            "ping" => encoded(json!({})),
            _ if session.negotiated().is_none() => Err(ErrorObject::new(
                crate::jsonrpc::INVALID_REQUEST,
                format!("`{method}` was sent before `initialize`: initialize the session first"),
            )),
            "tools/list" => self.list_tools(&params),
            "tools/call" => self.call_tool(params, context).await,
            "resources/list" => self.list_resources(&params),
            "resources/templates/list" => self.list_resource_templates(&params),
            "resources/read" => self.read_resource(params, context).await.and_then(encoded),
            "resources/subscribe" => self.subscribe(session, params).and_then(encoded),
            "resources/unsubscribe" => self.unsubscribe(session, params).and_then(encoded),
            "prompts/list" => self.list_prompts(&params),
            "prompts/get" => self.get_prompt(params, context).await.and_then(encoded),
            "completion/complete" => self.complete(params, context).await.and_then(encoded),
            "logging/setLevel" => set_log_level(session, &params).and_then(encoded),
            _ => Err(ErrorObject::method_not_found(&method)),
        };
        Response {
            id: Some(id),
            outcome,
        }
    }

    fn handle_notification(&self, session: &Session, notification: Notification) {
        // `notifications/initialized` needs no action: requests are accepted as soon as the
        // `initialize` response is sent. Unknown notifications are ignored, as JSON-RPC says.
        if notification.method == "notifications/cancelled" {
            let id = notification
                .params
                .get("requestId")
                .and_then(|id| match id {
                    Value::String(s) => Some(RequestId::String(s.clone())),
                    Value::Number(n) => n.as_i64().map(RequestId::Number),
                    _ => None,
                });
            // An unknown or finished request is not an error: the race is expected.
            if let Some(id) = id {
                session.cancel_request(&id);
            }
        }
    }

    fn initialize(&self, session: &Session, params: Value) -> Result<Value, ErrorObject> {
        let requested = params
            .get("protocolVersion")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ErrorObject::invalid_params(
                    "`initialize` needs a `protocolVersion` string in params",
                )
            })?;
        let protocol_version = negotiate_version(requested);
        let negotiated = Negotiated {
            protocol_version,
            client_info: params.get("clientInfo").cloned().unwrap_or(Value::Null),
            client_capabilities: params.get("capabilities").cloned().unwrap_or(Value::Null),
        };
        if !session.set_negotiated(negotiated) {
            return Err(ErrorObject::new(
                crate::jsonrpc::INVALID_REQUEST,
                "this session is already initialized: open a new session to initialize again",
            ));
        }
        let inner = &self.inner;
        let mut capabilities = Map::new();
        // Tools can be added, removed, enabled and disabled while the server runs.
        if !inner.tools.load().enabled().is_empty() {
            capabilities.insert("tools".to_owned(), json!({ "listChanged": true }));
        }
        self.feature_capabilities(&mut capabilities);
        // Any tool may log through its Context, so the client may always set a level.
        capabilities.insert("logging".to_owned(), json!({}));
        let mut server_info = Map::new();
        server_info.insert("name".to_owned(), inner.name.clone().into());
        server_info.insert("version".to_owned(), inner.version.clone().into());
        if let Some(title) = &inner.title {
            server_info.insert("title".to_owned(), title.clone().into());
        }
        let mut result = Map::new();
        result.insert("protocolVersion".to_owned(), protocol_version.into());
        result.insert("capabilities".to_owned(), Value::Object(capabilities));
        result.insert("serverInfo".to_owned(), Value::Object(server_info));
        if let Some(instructions) = &inner.instructions {
            result.insert("instructions".to_owned(), instructions.clone().into());
        }
        Ok(Value::Object(result))
    }

    fn list_tools(&self, params: &Value) -> Result<Box<RawValue>, ErrorObject> {
        let tools = self.inner.tools.load();
        let listings = tools.enabled().iter().map(|tool| tool.listing());
        crate::features::page(
            "tools/list",
            "tools",
            listings,
            params,
            self.inner.page_size,
        )
    }

    async fn call_tool(
        &self,
        params: Value,
        context: Context,
    ) -> Result<Box<RawValue>, ErrorObject> {
        let Value::Object(mut params) = params else {
            return Err(ErrorObject::invalid_params(
                "`tools/call` needs params with a `name` and `arguments`",
            ));
        };
        let name = match params.remove("name") {
            Some(Value::String(name)) => name,
            _ => {
                return Err(ErrorObject::invalid_params(
                    "`tools/call` needs a `name` string",
                ))
            }
        };
        tracing::Span::current().record("tool", name.as_str());
        let Some(tool) = self.tool(&name) else {
            return Err(ErrorObject::invalid_params(format!(
                "unknown tool `{name}`: call `tools/list` to see the available tools"
            )));
        };
        let result = match params.remove("arguments") {
            None | Some(Value::Null) => {
                run_isolated(tool.call(Map::new(), context), self.inner.tool_timeout).await
            }
            Some(Value::Object(arguments)) => {
                run_isolated(tool.call(arguments, context), self.inner.tool_timeout).await
            }
            Some(other) => crate::CallToolResult::error(format!(
                "invalid arguments for tool `{name}`: `arguments` must be an object, got {}",
                crate::jsonrpc::type_name(&other)
            )),
        };
        encode(&result)
    }
}

/// Encodes a result built as a `Value`.
fn encoded(result: Value) -> Result<Box<RawValue>, ErrorObject> {
    encode(&result)
}

/// Runs a tool call as an isolated task: a panic, or a call outliving `timeout` (which is then
/// stopped), becomes an error result the model can read.
async fn run_isolated(
    call: impl Future<Output = crate::CallToolResult>,
    timeout: Option<std::time::Duration>,
) -> crate::CallToolResult {
    let call = std::pin::pin!(isolate(call));
    let outcome = match timeout {
        Some(limit) => {
            // Most calls finish in their first poll; only one that waits gets a timer (a
            // timer costs an allocation and a registration). The deadline still counts from
            // the start.
            let deadline = tokio::time::Instant::now() + limit;
            let mut call = call;
            match poll_once(call.as_mut()).await {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => match tokio::time::timeout_at(deadline, call).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        tracing::warn!(?limit, "tool call timed out and was stopped");
                        return crate::CallToolResult::error(format!(
                            "the tool did not finish within {limit:?} and was stopped \
                             (ServerBuilder::tool_timeout sets the limit)"
                        ));
                    }
                },
            }
        }
        None => call.await,
    };
    outcome.unwrap_or_else(|failure| crate::CallToolResult::error(format!("the tool {failure}")))
}

fn set_log_level(session: &Session, params: &Value) -> Result<Value, ErrorObject> {
    let name = params
        .get("level")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let level = LogLevel::parse(name).ok_or_else(|| {
        ErrorObject::invalid_params(format!(
            "unknown log level {name:?}: use debug, info, notice, warning, error, critical, alert or emergency"
        ))
    })?;
    session.set_log_level(level);
    Ok(json!({}))
}

/// Hands a client's response to the server request awaiting it. Responses to requests that
/// timed out (or that never existed) have nobody to go to and are dropped.
fn deliver_client_response(session: &Session, response: Value) {
    let Some(id) = response.get("id").and_then(Value::as_i64) else {
        return;
    };
    let reply = match (response.get("result"), response.get("error")) {
        (Some(result), _) => Ok(result.clone()),
        (None, Some(error)) => Err(ErrorObject::new(
            error
                .get("code")
                .and_then(Value::as_i64)
                .unwrap_or(crate::jsonrpc::INTERNAL_ERROR),
            error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("no message")
                .to_owned(),
        )),
        (None, None) => return,
    };
    session.deliver_reply(id, reply);
}
