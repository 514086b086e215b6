//! The network client (feature `remote`): [`Remote`] speaks to an MCP server outside the
//! process, over Streamable HTTP (the modern era when the server answers `server/discover`,
//! else the `initialize` handshake), HTTP+SSE, or a child process's standard input and output,
//! with the typed methods of the in-process [`Client`](super::Client).
//!
//! One `Remote` holds one connection (HTTP keeps a pool of keep-alive sockets under it) and
//! runs any number of requests at once over it. When the connection ends (the server
//! restarted, its session expired, the child process exited), the next request opens a new
//! one; a request refused because the session was gone is sent again on the new one.

mod events;
mod link;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::{broadcast, mpsc, oneshot, Mutex};

use self::link::{Era, Link, UNREACHABLE};
use super::ClientError;
use crate::protocol::Notification;
use crate::tool::{header_params, CallToolResult, HeaderParam};

/// Where a server is, and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Upstream {
    /// Streamable HTTP at this URL.
    StreamableHttp(String),
    /// HTTP+SSE: the URL of the event stream.
    Sse(String),
    /// A program started as a child process, spoken to over its standard input and output.
    Stdio {
        /// The program.
        program: String,
        /// Its arguments.
        args: Vec<String>,
    },
}

impl Upstream {
    /// Reads an upstream as a user writes it: an `http://` or `https://` URL is Streamable
    /// HTTP, unless its path ends in `/sse` (HTTP+SSE, the old transport's usual endpoint);
    /// anything else is a command line (split on whitespace) for a stdio server.
    ///
    /// ```
    /// use mcp_runtime::client::Upstream;
    ///
    /// assert_eq!(Upstream::parse("http://127.0.0.1:8000/mcp"),
    ///            Upstream::StreamableHttp("http://127.0.0.1:8000/mcp".into()));
    /// assert_eq!(Upstream::parse("http://127.0.0.1:9000/sse"),
    ///            Upstream::Sse("http://127.0.0.1:9000/sse".into()));
    /// assert_eq!(Upstream::parse("npx -y @modelcontextprotocol/server-everything"),
    ///            Upstream::Stdio { program: "npx".into(),
    ///                              args: vec!["-y".into(), "@modelcontextprotocol/server-everything".into()] });
    /// ```
    pub fn parse(spec: &str) -> Upstream {
        let spec = spec.trim();
        if spec.starts_with("http://") || spec.starts_with("https://") {
            let path = spec.split(['?', '#']).next().unwrap_or(spec);
            if path.trim_end_matches('/').ends_with("/sse") {
                return Upstream::Sse(spec.to_owned());
            }
            return Upstream::StreamableHttp(spec.to_owned());
        }
        let mut words = spec.split_whitespace().map(str::to_owned);
        Upstream::Stdio {
            program: words.next().unwrap_or_default(),
            args: words.collect(),
        }
    }
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Upstream::StreamableHttp(url) => write!(f, "{url} (Streamable HTTP)"),
            Upstream::Sse(url) => write!(f, "{url} (HTTP+SSE)"),
            Upstream::Stdio { program, args } => {
                write!(f, "`{program} {}` (stdio)", args.join(" "))
            }
        }
    }
}

/// What a server sends about one request while it runs, for the caller of
/// [`Remote::request_streaming`] to pass on (a proxy hands them to its own client).
#[derive(Debug)]
#[non_exhaustive]
pub enum CallEvent {
    /// `notifications/progress` params (the token is the one this client sent).
    Progress(Value),
    /// `notifications/message` params.
    Log(Value),
    /// A question to the client (`sampling/createMessage`, `elicitation/create`, `roots/list`):
    /// answer it through `reply`.
    Request {
        /// The method.
        method: String,
        /// Its params.
        params: Value,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<Value, ClientError>>,
    },
}

type RequestHandler = Arc<dyn Fn(Value) -> Result<Value, ClientError> + Send + Sync>;

/// What every connection of a [`Remote`] is opened with.
pub(crate) struct Settings {
    client_info: Value,
    capabilities: Value,
    timeout: Duration,
    connect_timeout: Duration,
    probe_modern: bool,
    handlers: HashMap<String, RequestHandler>,
    notifications: broadcast::Sender<Notification>,
    headers: Vec<(String, String)>,
    /// The parameters each tool mirrors in `Mcp-Param-*` headers (MCP 2026-07-28), learned
    /// from `tools/list` (an empty list for a tool with none): a modern call of such a tool
    /// must carry them.
    tool_headers: std::sync::Mutex<HashMap<String, Arc<[HeaderParam]>>>,
}

impl Settings {
    /// Remembers the header parameters of the tools in a `tools/list` page.
    fn learn_tools(&self, tools: &[Value]) {
        let mut known = self.tool_headers.lock().unwrap_or_else(|p| p.into_inner());
        for tool in tools {
            let Some(name) = tool["name"].as_str() else {
                continue;
            };
            let params = header_params(&tool["inputSchema"]).unwrap_or_default();
            known.insert(name.to_owned(), params.into());
        }
    }

    /// Whether a `tools/list` told of the tool a `tools/call` with these params names.
    fn knows_tool(&self, params: &Value) -> bool {
        let known = self.tool_headers.lock().unwrap_or_else(|p| p.into_inner());
        params["name"]
            .as_str()
            .is_some_and(|name| known.contains_key(name))
    }

    /// The `Mcp-Param-*` headers of a `tools/call` with these params.
    pub(super) fn param_headers(&self, params: &Value) -> Vec<(String, String)> {
        let (Some(name), Some(arguments)) =
            (params["name"].as_str(), params["arguments"].as_object())
        else {
            return Vec::new();
        };
        let known = self.tool_headers.lock().unwrap_or_else(|p| p.into_inner());
        let Some(header_params) = known.get(name) else {
            return Vec::new();
        };
        header_params
            .iter()
            .filter_map(|param| {
                let value = param.value_in(arguments)?;
                Some((format!("mcp-param-{}", param.name), value))
            })
            .collect()
    }
}

/// Configures a [`Remote`]; see [`Remote::builder`].
pub struct RemoteBuilder {
    client_info: Value,
    capabilities: Value,
    timeout: Duration,
    connect_timeout: Duration,
    probe_modern: bool,
    handlers: HashMap<String, RequestHandler>,
    headers: Vec<(String, String)>,
}

impl fmt::Debug for RemoteBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteBuilder")
            .field("client_info", &self.client_info)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Default for RemoteBuilder {
    fn default() -> Self {
        RemoteBuilder {
            client_info: json!({"name": "mcp-runtime", "version": env!("CARGO_PKG_VERSION")}),
            capabilities: json!({}),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            probe_modern: true,
            handlers: HashMap::new(),
            headers: Vec::new(),
        }
    }
}

impl RemoteBuilder {
    /// The `clientInfo` sent to the server.
    pub fn client_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.client_info = json!({"name": name.into(), "version": version.into()});
        self
    }

    /// The capabilities declared to the server (default: none).
    pub fn capabilities(mut self, capabilities: Value) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// How long a request may wait for its answer before it is cancelled (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// A header sent with every HTTP request (both HTTP transports), such as
    /// `Authorization` for a server behind a bearer-token guard; see also
    /// [`bearer_token`](Self::bearer_token).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// `Authorization: Bearer <token>` on every HTTP request.
    pub fn bearer_token(self, token: impl fmt::Display) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    /// How long opening a connection may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Over Streamable HTTP, whether to try the modern era (`server/discover`) before the
    /// handshake (default `true`); `false` speaks the handshake era only.
    pub fn modern(mut self, probe: bool) -> Self {
        self.probe_modern = probe;
        self
    }

    /// Answers a request of the server made outside [`Remote::request_streaming`] (or inside
    /// a modern `input_required` round) with `handler`, as the in-process client's
    /// [`on_request`](crate::client::ClientBuilder::on_request) does.
    pub fn on_request<F>(mut self, method: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Value) -> Result<Value, ClientError> + Send + Sync + 'static,
    {
        self.handlers.insert(method.into(), Arc::new(handler));
        self
    }

    /// Connects: the returned client has its first connection open.
    ///
    /// # Errors
    ///
    /// The server cannot be reached, or refused the handshake.
    pub async fn connect(self, upstream: Upstream) -> Result<Remote, ClientError> {
        let (notifications, _) = broadcast::channel(256);
        let settings = Arc::new(Settings {
            client_info: self.client_info,
            capabilities: self.capabilities,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            probe_modern: self.probe_modern,
            handlers: self.handlers,
            notifications,
            headers: self.headers,
            tool_headers: std::sync::Mutex::default(),
        });
        let link = open(&upstream, &settings).await?;
        let listener = settings.notifications.subscribe();
        Ok(Remote {
            inner: Arc::new(Inner {
                upstream,
                settings,
                link: Mutex::new(link),
                listener: Mutex::new(listener),
            }),
        })
    }
}

async fn open(upstream: &Upstream, settings: &Arc<Settings>) -> Result<Arc<Link>, ClientError> {
    let settings = Arc::clone(settings);
    match upstream {
        Upstream::StreamableHttp(url) => Link::http(url, settings).await,
        Upstream::Sse(url) => Link::sse(url, settings).await,
        Upstream::Stdio { program, args } => Link::stdio(program, args, settings).await,
    }
}

/// A client of an MCP server outside the process (feature `remote`): over Streamable HTTP (the
/// modern era when the server answers `server/discover`, else the `initialize` handshake),
/// HTTP+SSE, or a child process's standard input and output, with the typed methods of the
/// in-process [`Client`](super::Client).
///
/// One `Remote` holds one connection (HTTP keeps a pool of keep-alive sockets under it) and
/// runs any number of requests at once over it. When the connection ends (the server
/// restarted, its session expired, the child process exited), the next request opens a new
/// one; a request refused because the session was gone is sent again on the new one.
///
/// Cheap to clone: clones share the connection.
///
/// ```no_run
/// use mcp_runtime::client::{Remote, Upstream};
///
/// # async fn run() -> Result<(), mcp_runtime::client::ClientError> {
/// let remote = Remote::connect(Upstream::parse("http://127.0.0.1:8000/mcp")).await?;
/// let tools = remote.list_tools().await?;
/// let sum = remote.call_tool("add", serde_json::json!({"a": 1, "b": 2})).await?;
/// assert_eq!(sum.text(), "3");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Remote {
    inner: Arc<Inner>,
}

struct Inner {
    upstream: Upstream,
    settings: Arc<Settings>,
    link: Mutex<Arc<Link>>,
    listener: Mutex<broadcast::Receiver<Notification>>,
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote")
            .field("upstream", &self.inner.upstream)
            .finish_non_exhaustive()
    }
}

/// How many times a modern request is retried with answers before the client gives up.
const MAX_ROUNDS: usize = 16;

impl Remote {
    /// Connects with the default settings.
    ///
    /// # Errors
    ///
    /// The server cannot be reached, or refused the handshake.
    pub async fn connect(upstream: Upstream) -> Result<Remote, ClientError> {
        Remote::builder().connect(upstream).await
    }

    /// Configures a client before connecting.
    pub fn builder() -> RemoteBuilder {
        RemoteBuilder::default()
    }

    /// Where the server is.
    pub fn upstream(&self) -> &Upstream {
        &self.inner.upstream
    }

    /// The connection in use, or a new one when it ended.
    async fn link(&self) -> Result<Arc<Link>, ClientError> {
        let mut link = self.inner.link.lock().await;
        if link.is_closed() {
            *link = open(&self.inner.upstream, &self.inner.settings).await?;
            tracing::info!(upstream = %self.inner.upstream, "reconnected to the MCP server");
            // Whatever the catalogue was, it may have changed while the server was away.
            let _ = self.inner.settings.notifications.send(Notification {
                method: "notifications/tools/list_changed".to_owned(),
                params: Value::Null,
            });
        }
        Ok(Arc::clone(&link))
    }

    /// The revision spoken on the current connection.
    pub async fn protocol_version(&self) -> Result<String, ClientError> {
        Ok(self.link().await?.version().to_owned())
    }

    /// Whether the current connection speaks the modern era (2026-07-28).
    pub async fn is_modern(&self) -> Result<bool, ClientError> {
        Ok(matches!(self.link().await?.era(), Era::Modern { .. }))
    }

    /// The `initialize` result (or, in the modern era, the `server/discover` result) of the
    /// current connection.
    pub async fn opening(&self) -> Result<Value, ClientError> {
        Ok(self.link().await?.opening().clone())
    }

    /// Sends `ping`.
    ///
    /// # Errors
    ///
    /// The server's error, or the connection failed.
    pub async fn ping(&self) -> Result<(), ClientError> {
        self.request("ping", Value::Null).await.map(drop)
    }

    /// Lists every tool, following `nextCursor` across pages.
    ///
    /// # Errors
    ///
    /// The server's error, the connection failed, or a result that is not a page of tools.
    pub async fn list_tools(&self) -> Result<Vec<Value>, ClientError> {
        self.list_all("tools/list", "tools").await
    }

    /// Lists every item of a listing method (`tools/list`, `prompts/list`, ...), following
    /// `nextCursor` across pages; `key` names the result's array.
    ///
    /// # Errors
    ///
    /// The server's error, the connection failed, or a result without the array.
    pub async fn list_all(&self, method: &str, key: &str) -> Result<Vec<Value>, ClientError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        // A server answering the same cursor forever would loop: bounded.
        for _page in 0..10_000 {
            let params = match &cursor {
                Some(cursor) => json!({ "cursor": cursor }),
                None => json!({}),
            };
            let mut page = self.request(method, params).await?;
            match page.get_mut(key).map(Value::take) {
                Some(Value::Array(page_items)) => {
                    if method == "tools/list" {
                        self.inner.settings.learn_tools(&page_items);
                    }
                    items.extend(page_items)
                }
                _ => {
                    return Err(ClientError::new(
                        crate::protocol::INTERNAL_ERROR,
                        format!("`{method}` returned no `{key}` array"),
                    ))
                }
            }
            cursor = page["nextCursor"].as_str().map(str::to_owned);
            if cursor.is_none() {
                return Ok(items);
            }
        }
        Err(ClientError::new(
            crate::protocol::INTERNAL_ERROR,
            format!("`{method}` kept returning pages"),
        ))
    }

    /// Calls a tool; as with the in-process client, a tool's failure is an `Ok` result with
    /// `is_error` set, and `Err` a refused request.
    ///
    /// # Errors
    ///
    /// The server's error, the connection failed, or a result that is not a tool result.
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Value,
    ) -> Result<CallToolResult, ClientError> {
        let params = json!({ "name": name, "arguments": arguments });
        let result = self.request("tools/call", params).await?;
        serde_json::from_value(result).map_err(|err| {
            ClientError::new(
                crate::protocol::INTERNAL_ERROR,
                format!("`tools/call` returned something that is not a tool result: {err}"),
            )
        })
    }

    /// Sends any request and returns its result. Questions of the server go to the
    /// [`on_request`](RemoteBuilder::on_request) handlers.
    ///
    /// # Errors
    ///
    /// The server's error, or the connection failed.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        self.request_with(method, params, None).await
    }

    /// Sends a request whose progress, logs and questions to the client are handed to
    /// `events` while it runs (what a proxy forwards to its own client). In the modern era, an
    /// `input_required` answer is turned into [`CallEvent::Request`]s and the request retried
    /// with the answers, so the caller sees one request in both eras.
    ///
    /// # Errors
    ///
    /// The server's error, or the connection failed.
    pub async fn request_streaming(
        &self,
        method: &str,
        params: Value,
        events: mpsc::Sender<CallEvent>,
    ) -> Result<Value, ClientError> {
        self.request_with(method, params, Some(events)).await
    }

    async fn request_with(
        &self,
        method: &str,
        params: Value,
        events: Option<mpsc::Sender<CallEvent>>,
    ) -> Result<Value, ClientError> {
        let link = self.link().await?;
        let first = link.request(method, params.clone(), events.clone()).await;
        // A session the server forgot never ran the request: send it again on a new one.
        let (link, result) = match first {
            Err(error) if error.code == UNREACHABLE && link.is_closed() => {
                let link = self.link().await?;
                let again = link.request(method, params.clone(), events.clone()).await;
                (link, again)
            }
            other => (link, other),
        };
        // A tool whose `Mcp-Param-*` headers were not known yet (never listed): learn them
        // from `tools/list`, and send the call again.
        let (link, result) = match result {
            Err(error)
                if error.code == crate::protocol::HEADER_MISMATCH
                    && method == "tools/call"
                    && !self.inner.settings.knows_tool(&params) =>
            {
                // Boxed: listing is itself a request.
                Box::pin(self.list_tools()).await?;
                let again = link.request(method, params.clone(), events.clone()).await;
                (link, again)
            }
            other => (link, other),
        };
        let mut result = result?;
        let Era::Modern { .. } = link.era() else {
            return Ok(result);
        };
        let mut params = match params {
            Value::Object(params) => params,
            _ => Map::new(),
        };
        for _round in 0..MAX_ROUNDS {
            if result["resultType"] != "input_required" {
                return Ok(result);
            }
            let mut answers = Map::new();
            if let Some(Value::Object(requests)) = result.get("inputRequests") {
                for (key, request) in requests {
                    let question = request["method"].as_str().unwrap_or_default();
                    let answer = self
                        .answer(question, request["params"].clone(), events.as_ref())
                        .await?;
                    answers.insert(key.clone(), answer);
                }
            }
            params.insert("inputResponses".to_owned(), Value::Object(answers));
            match result.get("requestState") {
                Some(state) => params.insert("requestState".to_owned(), state.clone()),
                None => params.remove("requestState"),
            };
            result = link
                .request(method, Value::Object(params.clone()), events.clone())
                .await?;
        }
        Err(ClientError::new(
            crate::protocol::INTERNAL_ERROR,
            format!("`{method}` still asked for input after {MAX_ROUNDS} rounds"),
        ))
    }

    /// Answers one input request of a modern round: through the caller's events when it
    /// listens, else the handlers.
    async fn answer(
        &self,
        method: &str,
        params: Value,
        events: Option<&mpsc::Sender<CallEvent>>,
    ) -> Result<Value, ClientError> {
        if let Some(events) = events {
            let (reply, answer) = oneshot::channel();
            let question = CallEvent::Request {
                method: method.to_owned(),
                params,
                reply,
            };
            if events.send(question).await.is_ok() {
                if let Ok(answer) = answer.await {
                    return answer;
                }
            }
            return Err(ClientError::new(
                crate::protocol::INTERNAL_ERROR,
                format!("the server asked `{method}` and it was left unanswered"),
            ));
        }
        match self.inner.settings.handlers.get(method) {
            Some(handler) => handler(params),
            None => Err(ClientError::new(
                crate::protocol::METHOD_NOT_FOUND,
                format!(
                    "the server asked `{method}` and this client has no handler for it: add \
                     one with RemoteBuilder::on_request"
                ),
            )),
        }
    }

    /// Sends a notification.
    ///
    /// # Errors
    ///
    /// The connection failed.
    pub async fn notify(&self, method: &str, params: Value) -> Result<(), ClientError> {
        self.link().await?.notify(method, params).await
    }

    /// Waits for the next notification of the server that belongs to no request (list
    /// changes, resource updates, logs outside a call). Up to 256 wait to be read; older
    /// ones are dropped when a reader falls that far behind.
    pub async fn next_notification(&self) -> Notification {
        let mut listener = self.inner.listener.lock().await;
        loop {
            match listener.recv().await {
                Ok(notification) => return notification,
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            }
        }
    }

    /// A new listener of the notifications that belong to no request.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.inner.settings.notifications.subscribe()
    }
}
