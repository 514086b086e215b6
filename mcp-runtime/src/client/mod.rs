//! An in-process MCP client: test your tools the way a real client calls them, without
//! sockets, subprocesses or HTTP.
//!
//! [`Client::connect`] performs the `initialize` handshake with a [`Server`] in the same
//! process; the client then lists and calls tools through the same dispatcher every transport
//! uses, so a test sees exactly what Claude or the MCP Inspector would: the listed schemas,
//! argument validation, error results, structured output and protocol errors.
//!
//! ```
//! use mcp_runtime::client::Client;
//! use mcp_runtime::{protocol, tool, Server};
//! use serde_json::json;
//!
//! /// Divide one number by another.
//! #[tool]
//! fn divide(dividend: f64, divisor: f64) -> Result<f64, String> {
//!     if divisor == 0.0 {
//!         return Err("cannot divide by zero".to_owned());
//!     }
//!     Ok(dividend / divisor)
//! }
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() {
//!     let server = Server::builder().build().unwrap();
//!     let client = Client::connect(&server).await;
//!
//!     let tools = client.list_tools().await.unwrap();
//!     assert_eq!(tools[0]["name"], "divide");
//!
//!     let result = client.call_tool("divide", json!({"dividend": 6, "divisor": 4})).await.unwrap();
//!     assert_eq!(result.text(), "1.5");
//!
//!     // A tool that fails returns a result flagged `is_error`, which the model reads...
//!     let result = client.call_tool("divide", json!({"dividend": 1, "divisor": 0})).await.unwrap();
//!     assert!(result.is_error);
//!     assert_eq!(result.text(), "cannot divide by zero");
//!
//!     // ...while a request the server cannot serve is a protocol error.
//!     let error = client.call_tool("modulo", json!({})).await.unwrap_err();
//!     assert_eq!(error.code, protocol::INVALID_PARAMS);
//! }
//! ```
//!
//! With [`ClientBuilder::protocol_version`]`("2026-07-28")` the client speaks the modern era
//! instead: no handshake (it sends `server/discover`), every request carries its `_meta`, and
//! a request answered `input_required` is retried with the answers of the
//! [`on_request`](ClientBuilder::on_request) handlers until it completes, so one test checks
//! a tool in either era.
//!
//! The client needs a tokio runtime (a current-thread one is enough), like the server.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, Mutex};

use crate::protocol::{
    ErrorObject, Message, Notification, Request, RequestId, INTERNAL_ERROR,
    LATEST_HANDSHAKE_VERSION,
};
use crate::server::Server;
use crate::session::{new_session_id, Outbound, Registration, Session, Transport, WeakSession};
use crate::tool::CallToolResult;

const TRANSPORT: Transport = Transport {
    name: "in-process",
    admitted: false,
    idle_timeout: None,
};

/// A client connected to a [`Server`] in the same process; see the [module](self) docs.
///
/// Its methods take `&self`, so one client can run several requests at once (join their
/// futures, or share it in an `Arc` between tasks): the server runs them concurrently, as it
/// does for any client. Dropping the client ends its session.
pub struct Client {
    server: Server,
    session: Session,
    next_id: AtomicI64,
    initialize_result: Value,
    /// In the modern era: the revision and the `_meta` every request carries.
    modern: Option<Modern>,
    handlers: Arc<HashMap<String, RequestHandler>>,
    notifications: Mutex<mpsc::Receiver<Notification>>,
    _registration: Registration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.server.name())
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects to `server` with the newest protocol revision: sends `initialize`, then
    /// `notifications/initialized`. Use [`Client::builder`] to choose the revision, the
    /// `clientInfo` or the capabilities.
    ///
    /// # Panics
    ///
    /// If the server rejects `initialize`, which a server of this crate never does for the
    /// requests this client sends; use [`ClientBuilder::connect`] to get the error instead.
    pub async fn connect(server: &Server) -> Client {
        match Client::builder().connect(server).await {
            Ok(client) => client,
            Err(err) => panic!("the server rejected `initialize`: {err}"),
        }
    }

    /// Configures a client before connecting.
    ///
    /// ```
    /// # use mcp_runtime::{client::Client, Server};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let server = Server::builder().build().unwrap();
    /// let client = Client::builder()
    ///     .protocol_version("2025-03-26")
    ///     .client_info("my-tests", "1.0.0")
    ///     .connect(&server)
    ///     .await
    ///     .unwrap();
    /// assert_eq!(client.protocol_version(), "2025-03-26");
    /// # }
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The protocol revision the server answered with (in the modern era: the one every
    /// request names).
    pub fn protocol_version(&self) -> &str {
        match &self.modern {
            Some(modern) => &modern.version,
            None => self.initialize_result["protocolVersion"]
                .as_str()
                .unwrap_or_default(),
        }
    }

    /// The server's whole `initialize` result: `protocolVersion`, `capabilities`,
    /// `serverInfo` and `instructions`; in the modern era, its `server/discover` result
    /// (`supportedVersions`, `capabilities`, `instructions`, `_meta`).
    pub fn initialize_result(&self) -> &Value {
        &self.initialize_result
    }

    /// The server's `serverInfo` (`name`, `version`, and `title` when it has one).
    pub fn server_info(&self) -> &Value {
        match self.modern {
            Some(_) => &self.initialize_result["_meta"][crate::protocol::meta::SERVER_INFO],
            None => &self.initialize_result["serverInfo"],
        }
    }

    /// The server's instructions for the model, if it has any.
    pub fn instructions(&self) -> Option<&str> {
        self.initialize_result["instructions"].as_str()
    }

    /// The server-side session of this client (its id, what `initialize` settled).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Sends `ping`.
    ///
    /// # Errors
    ///
    /// The server's error response, if it sends one.
    pub async fn ping(&self) -> Result<(), ClientError> {
        self.request("ping", Value::Null).await.map(drop)
    }

    /// Lists every tool, following `nextCursor` across pages: each tool as the server
    /// describes it (`name`, `description`, `inputSchema`, `outputSchema`, `annotations`...).
    ///
    /// # Errors
    ///
    /// The server's error response to any page, or a result that is not a page of tools.
    pub async fn list_tools(&self) -> Result<Vec<Value>, ClientError> {
        let mut tools = Vec::new();
        let mut seen_cursors = HashSet::new();
        let mut cursor: Option<String> = None;
        loop {
            let params = match &cursor {
                Some(cursor) => json!({ "cursor": cursor }),
                None => Value::Null,
            };
            let mut page = self.request("tools/list", params).await?;
            match page.get_mut("tools").map(Value::take) {
                Some(Value::Array(page_tools)) => tools.extend(page_tools),
                _ => {
                    return Err(ClientError::invalid_response(format!(
                        "`tools/list` returned no `tools` array: {page}"
                    )))
                }
            }
            cursor = match page.get("nextCursor") {
                None | Some(Value::Null) => return Ok(tools),
                Some(Value::String(next)) if seen_cursors.insert(next.clone()) => {
                    Some(next.clone())
                }
                Some(other) => {
                    return Err(ClientError::invalid_response(format!(
                        "`tools/list` returned the cursor {other} again, or one that is not \
                         a string: the pages would never end"
                    )))
                }
            };
        }
    }

    /// Calls a tool with `arguments` (a JSON object, or `null` for none).
    ///
    /// A tool that fails is *not* an `Err`: as in MCP, its result comes back with `is_error`
    /// set and the reason in its text, for the model to read. `Err` means the server refused
    /// the request itself; an unknown tool, for example, is a `-32602` error.
    ///
    /// # Errors
    ///
    /// The server's error response, or a result that is not a tool result.
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Value,
    ) -> Result<CallToolResult, ClientError> {
        let mut params = Map::new();
        params.insert("name".to_owned(), Value::String(name.to_owned()));
        if !arguments.is_null() {
            params.insert("arguments".to_owned(), arguments);
        }
        let mut result = self.request("tools/call", Value::Object(params)).await?;
        if result["resultType"] == "task" {
            result = self.follow_task(&result).await?;
        }
        serde_json::from_value(result).map_err(|err| {
            ClientError::invalid_response(format!(
                "`tools/call` returned something that is not a tool result: {err}"
            ))
        })
    }

    /// Follows a task (MCP's tasks extension) to its end, as a client of the extension does:
    /// polls `tasks/get`, answers its questions with the [`on_request`](ClientBuilder::on_request)
    /// handlers through `tasks/update`, and returns its result; a failed or cancelled task is
    /// an error. In process, it polls every few milliseconds rather than every `pollIntervalMs`.
    async fn follow_task(&self, created: &Value) -> Result<Value, ClientError> {
        let id = created["taskId"].as_str().ok_or_else(|| {
            ClientError::invalid_response(format!("a task without a `taskId`: {created}"))
        })?;
        let poll = std::time::Duration::from_millis(
            created["pollIntervalMs"].as_u64().unwrap_or(1000).min(5),
        );
        let mut answered = HashSet::new();
        loop {
            let task = self.request("tasks/get", json!({ "taskId": id })).await?;
            match task["status"].as_str().unwrap_or_default() {
                "completed" => return Ok(task["result"].clone()),
                "failed" => {
                    let code = task["error"]["code"].as_i64().unwrap_or(INTERNAL_ERROR);
                    let message = task["error"]["message"]
                        .as_str()
                        .unwrap_or("the task failed");
                    return Err(ClientError::new(code, message));
                }
                "cancelled" => {
                    let why = task["statusMessage"].as_str().unwrap_or("cancelled");
                    return Err(ClientError::new(
                        INTERNAL_ERROR,
                        format!("the task {id} was cancelled: {why}"),
                    ));
                }
                "input_required" => {
                    let mut responses = Map::new();
                    if let Some(Value::Object(requests)) = task.get("inputRequests") {
                        for (key, request) in requests {
                            if answered.insert(key.clone()) {
                                responses.insert(key.clone(), self.answer(key, request)?);
                            }
                        }
                    }
                    if !responses.is_empty() {
                        let update = json!({ "taskId": id, "inputResponses": responses });
                        self.request("tasks/update", update).await?;
                        continue;
                    }
                }
                _ => {}
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// The answer of this client's handler to a question of the server (`{method, params}`).
    fn answer(&self, key: &str, request: &Value) -> Result<Value, ClientError> {
        let method = request["method"].as_str().unwrap_or_default();
        match self.handlers.get(method) {
            Some(handler) => handler(request["params"].clone()),
            None => Err(ClientError::new(
                crate::protocol::METHOD_NOT_FOUND,
                format!(
                    "the server asked `{method}` (under {key:?}) and this client has no \
                     handler for it: add one with ClientBuilder::on_request"
                ),
            )),
        }
    }

    /// Sends any request and returns its result.
    ///
    /// # Errors
    ///
    /// The server's error response.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        match &self.modern {
            Some(modern) => self.modern_request(modern, method, params).await,
            None => self.send_request(&self.session, method, params).await,
        }
    }

    /// A request of the modern era: with `_meta`, and retried with the handlers' answers
    /// while the server answers `input_required`.
    async fn modern_request(
        &self,
        modern: &Modern,
        method: &str,
        params: Value,
    ) -> Result<Value, ClientError> {
        let mut params = with_meta(params, |meta| {
            for (key, value) in &modern.meta {
                meta.entry(key.clone()).or_insert_with(|| value.clone());
            }
        });
        for _round in 0..MAX_ROUNDS {
            let result = self
                .send_request_with(method, Value::Object(params.clone()), |request| {
                    crate::dispatch::modern_session_on(&self.session, request)
                })
                .await?;
            if result["resultType"] != "input_required" {
                return Ok(result);
            }
            let mut responses = Map::new();
            if let Some(Value::Object(requests)) = result.get("inputRequests") {
                for (key, request) in requests {
                    responses.insert(key.clone(), self.answer(key, request)?);
                }
            }
            params.insert("inputResponses".to_owned(), Value::Object(responses));
            match result.get("requestState") {
                Some(state) => params.insert("requestState".to_owned(), state.clone()),
                None => params.remove("requestState"),
            };
        }
        Err(ClientError::invalid_response(format!(
            "`{method}` still asked for input after {MAX_ROUNDS} rounds"
        )))
    }

    async fn send_request(
        &self,
        session: &Session,
        method: &str,
        params: Value,
    ) -> Result<Value, ClientError> {
        self.send_request_with(method, params, |_| Ok(session.clone()))
            .await
    }

    /// Sends a request on the session `session_for` gives it.
    async fn send_request_with(
        &self,
        method: &str,
        params: Value,
        session_for: impl FnOnce(&mut Request) -> Result<Session, ErrorObject>,
    ) -> Result<Value, ClientError> {
        let id = RequestId::Number(self.next_id.fetch_add(1, Ordering::Relaxed));
        let mut request = Request {
            id: id.clone(),
            method: method.to_owned(),
            params,
        };
        let session = session_for(&mut request)?;
        let response = self
            .server
            .handle_message(&session, Message::Request(request))
            .await
            .ok_or_else(|| {
                ClientError::invalid_response(format!(
                    "the server sent no response to `{method}` (id {id}): it was cancelled"
                ))
            })?;
        if response.id.as_ref() != Some(&id) {
            return Err(ClientError::invalid_response(format!(
                "the server answered `{method}` (id {id}) with the id {:?}",
                response.id
            )));
        }
        response.result_value().map_err(ClientError::from)
    }

    /// Sends a notification (no response is expected), such as `notifications/cancelled`.
    pub async fn notify(&self, method: &str, params: Value) {
        let notification = Notification {
            method: method.to_owned(),
            params,
        };
        self.server
            .handle_message(&self.session, Message::Notification(notification))
            .await;
    }

    /// Waits for the next notification the server sends this client, such as those of
    /// [`Server::notify_all`]. It waits as long as it takes: bound it with
    /// `tokio::time::timeout` in tests.
    ///
    /// Notifications are kept in order, up to the capacity set with
    /// [`ClientBuilder::notification_capacity`]; beyond that the server's sends fail.
    pub async fn next_notification(&self) -> Notification {
        let mut receiver = self.notifications.lock().await;
        receiver
            .recv()
            .await
            .expect("the client's own session keeps its notification channel open")
    }

    /// The notifications received and not yet read, oldest first, without waiting for more.
    ///
    /// While a [`next_notification`](Self::next_notification) call is waiting, the next
    /// notification goes to it and this returns nothing.
    pub fn notifications(&self) -> Vec<Notification> {
        let Ok(mut receiver) = self.notifications.try_lock() else {
            return Vec::new();
        };
        let mut received = Vec::new();
        while let Ok(notification) = receiver.try_recv() {
            received.push(notification);
        }
        received
    }
}

/// How many times a modern request is retried with answers before the client gives up.
const MAX_ROUNDS: usize = 16;

/// What a modern-era client sends with every request.
struct Modern {
    version: String,
    /// The `_meta` members: revision, capabilities, client info (and log level).
    meta: Map<String, Value>,
}

/// Answers one kind of request the server sends the client.
type RequestHandler = Arc<dyn Fn(Value) -> Result<Value, ClientError> + Send + Sync>;

/// Configures a [`Client`]; see [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    protocol_version: String,
    client_info: Value,
    capabilities: Value,
    notification_capacity: usize,
    handlers: HashMap<String, RequestHandler>,
    log_level: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut handled: Vec<&String> = self.handlers.keys().collect();
        handled.sort();
        f.debug_struct("ClientBuilder")
            .field("protocol_version", &self.protocol_version)
            .field("client_info", &self.client_info)
            .field("capabilities", &self.capabilities)
            .field("notification_capacity", &self.notification_capacity)
            .field("handles", &handled)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            protocol_version: LATEST_HANDSHAKE_VERSION.to_owned(),
            client_info: json!({ "name": "mcp-runtime-client", "version": env!("CARGO_PKG_VERSION") }),
            capabilities: json!({}),
            notification_capacity: 256,
            handlers: HashMap::new(),
            log_level: None,
        }
    }
}

impl ClientBuilder {
    /// The protocol revision to ask for in `initialize`. Default: the newest with a handshake
    /// ([`LATEST_HANDSHAKE_VERSION`]). The server answers with the revision it chose; see
    /// [`Client::protocol_version`]. A revision of the modern era
    /// ([`MODERN_VERSIONS`](crate::protocol::MODERN_VERSIONS), `"2026-07-28"`) makes the
    /// client speak it: `server/discover` instead of `initialize`, `_meta` on every request,
    /// `input_required` answered by the [`on_request`](Self::on_request) handlers.
    pub fn protocol_version(mut self, version: impl Into<String>) -> Self {
        self.protocol_version = version.into();
        self
    }

    /// The `clientInfo` to send. Default: `mcp-runtime-client` and this runtime's version.
    pub fn client_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.client_info = json!({ "name": name.into(), "version": version.into() });
        self
    }

    /// The `capabilities` to declare. Default: none (`{}`). In MCP 2026-07-28,
    /// `{"extensions": {"io.modelcontextprotocol/tasks": {}}}` lets the server answer a call
    /// with a task, which [`Client::call_tool`] then follows to its end.
    pub fn capabilities(mut self, capabilities: Value) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// The least severe log messages a modern-era request wants (its `_meta` log level:
    /// `debug`, `info`, ... `emergency`). Default: none, so the server sends no log messages
    /// in that era. (A handshake-era client sets its level with `logging/setLevel`.)
    pub fn log_level(mut self, level: impl Into<String>) -> Self {
        self.log_level = Some(level.into());
        self
    }

    /// How many server notifications are kept until read. Default: 256.
    pub fn notification_capacity(mut self, notifications: usize) -> Self {
        self.notification_capacity = notifications.max(1);
        self
    }

    /// Answers the server's `method` requests (those a tool sends through its
    /// [`Context`](crate::Context): `sampling/createMessage`, `elicitation/create`,
    /// `roots/list`) with `handler`, given the request's params. Declare the matching
    /// capability with [`capabilities`](Self::capabilities) too: tools check it before asking.
    /// Requests without a handler are answered with a `-32601` error, so a tool never waits
    /// for an answer that will not come.
    ///
    /// ```
    /// use mcp_runtime::{client::Client, context::SamplingRequest, tool, Context, Server};
    /// use serde_json::json;
    ///
    /// /// Summarize a text with the client's model.
    /// #[tool]
    /// async fn summarize(text: String, ctx: Context) -> Result<String, String> {
    ///     let request = SamplingRequest::new(format!("Summarize: {text}"), 100);
    ///     let response = ctx.sample(request).await.map_err(|err| err.to_string())?;
    ///     Ok(response.text().unwrap_or_default().to_owned())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = Server::builder().build().unwrap();
    /// let client = Client::builder()
    ///     .capabilities(json!({"sampling": {}}))
    ///     .on_request("sampling/createMessage", |_params| {
    ///         Ok(json!({"role": "assistant", "model": "test",
    ///                   "content": {"type": "text", "text": "Short."}}))
    ///     })
    ///     .connect(&server)
    ///     .await
    ///     .unwrap();
    /// let result = client.call_tool("summarize", json!({"text": "A long story."})).await.unwrap();
    /// assert_eq!(result.text(), "Short.");
    /// # }
    /// ```
    pub fn on_request<F>(mut self, method: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Value) -> Result<Value, ClientError> + Send + Sync + 'static,
    {
        self.handlers.insert(method.into(), Arc::new(handler));
        self
    }

    /// Connects: sends `initialize`, then `notifications/initialized`.
    ///
    /// # Errors
    ///
    /// The server's error response to `initialize`.
    pub async fn connect(self, server: &Server) -> Result<Client, ClientError> {
        let (sender, receiver) = mpsc::channel(self.notification_capacity);
        let handlers = Arc::new(self.handlers);
        let outbound_handlers = Arc::clone(&handlers);
        let session = Session::with_outbound_cyclic(new_session_id(), |session| ClientOutbound {
            session,
            notifications: sender,
            handlers: outbound_handlers,
        });
        let registration = server.sessions().register(session.clone(), TRANSPORT);
        let modern = is_modern_revision(&self.protocol_version).then(|| {
            use crate::protocol::meta::{
                CLIENT_CAPABILITIES, CLIENT_INFO, LOG_LEVEL, PROTOCOL_VERSION,
            };
            let mut meta = Map::new();
            meta.insert(PROTOCOL_VERSION.into(), json!(self.protocol_version));
            meta.insert(CLIENT_CAPABILITIES.into(), self.capabilities.clone());
            meta.insert(CLIENT_INFO.into(), self.client_info.clone());
            if let Some(level) = &self.log_level {
                meta.insert(LOG_LEVEL.into(), json!(level));
            }
            Modern {
                version: self.protocol_version.clone(),
                meta,
            }
        });
        let mut client = Client {
            server: server.clone(),
            session,
            next_id: AtomicI64::new(0),
            initialize_result: Value::Null,
            modern,
            handlers,
            notifications: Mutex::new(receiver),
            _registration: registration,
        };
        if client.modern.is_some() {
            if server.eras() == crate::protocol::Eras::Legacy {
                return Err(ClientError::new(
                    crate::protocol::UNSUPPORTED_PROTOCOL_VERSION,
                    format!(
                        "this server serves only the handshake era (ServerBuilder::eras), not \
                         {}: connect with a revision up to {LATEST_HANDSHAKE_VERSION}",
                        self.protocol_version
                    ),
                ));
            }
            // No handshake: the probe a dual-era client sends, answered as any request.
            client.initialize_result = client.request("server/discover", Value::Null).await?;
            return Ok(client);
        }
        let params = json!({
            "protocolVersion": self.protocol_version,
            "capabilities": self.capabilities,
            "clientInfo": self.client_info,
        });
        client.initialize_result = client.request("initialize", params).await?;
        client
            .notify("notifications/initialized", Value::Null)
            .await;
        Ok(client)
    }
}

/// Where the server's messages to this client go: notifications to the client's queue, and
/// requests to the handlers registered for them, answered on the spot.
struct ClientOutbound {
    /// The session this outbound belongs to: weak, so that it does not keep itself alive.
    session: WeakSession,
    notifications: mpsc::Sender<Notification>,
    handlers: Arc<HashMap<String, RequestHandler>>,
}

impl Outbound for ClientOutbound {
    fn send(&self, message: String) -> bool {
        match Message::from_slice(message.as_bytes()) {
            Ok(Message::Notification(notification)) => {
                self.notifications.try_send(notification).is_ok()
            }
            Ok(Message::Request(request)) => match self.session.upgrade() {
                Some(session) => answer(&session, &self.handlers, request),
                None => false,
            },
            _ => false,
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Answers a request the server sent, with the handler registered for its method.
fn answer(session: &Session, handlers: &HashMap<String, RequestHandler>, request: Request) -> bool {
    let outcome = match handlers.get(&request.method) {
        Some(handler) => handler(request.params).map_err(|error| ErrorObject {
            code: error.code,
            message: error.message,
            data: error.data,
        }),
        None => Err(ErrorObject::method_not_found(&request.method)),
    };
    // The server numbers its requests to a client; other ids are not its requests.
    match request.id {
        RequestId::Number(id) => session.deliver_reply(id, outcome),
        RequestId::String(_) => false,
    }
}

/// An error response from the server, or a response the client could not understand.
///
/// ```
/// # use mcp_runtime::{client::Client, protocol, Server};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # let server = Server::builder().build().unwrap();
/// let client = Client::connect(&server).await;
/// let error = client.request("resources/list", serde_json::Value::Null).await.unwrap_err();
/// assert_eq!(error.code, protocol::METHOD_NOT_FOUND);
/// assert_eq!(error.to_string(), "method `resources/list` not found (error -32601)");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ClientError {
    /// The JSON-RPC error code: one of the constants of [`protocol`](crate::protocol), or
    /// [`INTERNAL_ERROR`] when the server's response could not be understood.
    pub code: i64,
    /// What the server said went wrong.
    pub message: String,
    /// The error's `data`, if any.
    pub data: Option<Value>,
}

/// `params` as an object whose `_meta` (made if missing) `dress` has filled in: what both
/// clients do to the params of a modern-era request.
pub(crate) fn with_meta(
    params: Value,
    dress: impl FnOnce(&mut Map<String, Value>),
) -> Map<String, Value> {
    let mut params = match params {
        Value::Object(params) => params,
        _ => Map::new(),
    };
    let meta = params
        .entry("_meta")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(meta) = meta {
        dress(meta);
    }
    params
}

impl ClientError {
    /// An error with a code and a message, for [`ClientBuilder::on_request`] handlers to
    /// refuse a request.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ClientError {
            code,
            message: message.into(),
            data: None,
        }
    }

    fn invalid_response(message: String) -> Self {
        ClientError {
            code: INTERNAL_ERROR,
            message,
            data: None,
        }
    }
}

impl From<ErrorObject> for ClientError {
    fn from(error: ErrorObject) -> Self {
        ClientError {
            code: error.code,
            message: error.message,
            data: error.data,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (error {})", self.message, self.code)
    }
}

impl std::error::Error for ClientError {}

/// Whether a client asking for `version` speaks the modern era: a revision of it this
/// runtime knows (any other is asked for in `initialize`, and negotiated).
fn is_modern_revision(version: &str) -> bool {
    crate::protocol::MODERN_VERSIONS.contains(&version)
}

#[cfg(feature = "remote")]
mod remote;
#[cfg(feature = "remote")]
pub use remote::{CallEvent, Remote, RemoteBuilder, Upstream};
