//! One live connection to a server outside the process: the JSON-RPC peer (ids, requests
//! waiting for their response, the server's own requests and notifications) over one of
//! three transports. Streamable HTTP answers each POST with a body or a stream of its own;
//! HTTP+SSE answers on one long-lived GET stream; stdio speaks lines with a child process.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use super::events::EventReader;
use super::{CallEvent, Settings};
use crate::client::ClientError;
use crate::protocol::meta::{CLIENT_CAPABILITIES, CLIENT_INFO, PROTOCOL_VERSION};
use crate::protocol::{
    Message, Notification, RequestId, INTERNAL_ERROR, LATEST_HANDSHAKE_VERSION, METHOD_NOT_FOUND,
};

/// The error code of a request that never got an answer: the connection failed or ended, or
/// the time ran out. (`-32000`: the JSON-RPC range for implementation errors.)
pub(super) const UNREACHABLE: i64 = crate::protocol::SERVER_UNAVAILABLE;

/// The modern era's revision this client speaks.
const MODERN: &str = "2026-07-28";

/// How the server is reached.
enum Transport {
    /// Streamable HTTP: `session` in the handshake era, when the server gave one.
    Http {
        http: Arc<HttpClients>,
        url: String,
        session: Mutex<Option<String>>,
    },
    /// HTTP+SSE: messages are POSTed to the endpoint the stream named.
    Sse {
        http: Arc<HttpClients>,
        post_url: String,
    },
    /// A child process: one JSON message per line on its standard input and output.
    Stdio {
        lines: mpsc::Sender<String>,
        _child: tokio::process::Child,
    },
}

/// Which era the connection speaks.
#[derive(Debug, Clone)]
pub(super) enum Era {
    /// `server/discover` answered: every request carries this `_meta`.
    Modern { meta: Map<String, Value> },
    /// The `initialize` handshake.
    Handshake,
}

/// A request waiting for its response.
struct Pending {
    reply: oneshot::Sender<Result<Value, ClientError>>,
    /// Where its progress, logs and the server's questions go, when the caller listens.
    events: Option<mpsc::Sender<CallEvent>>,
}

pub(super) struct Link {
    transport: Transport,
    era: Era,
    /// The revision `initialize` agreed on.
    negotiated: std::sync::OnceLock<String>,
    /// The `initialize` (or `server/discover`) result.
    opening: std::sync::OnceLock<Value>,
    pending: Mutex<HashMap<i64, Pending>>,
    next_id: AtomicI64,
    closed: AtomicBool,
    settings: Arc<Settings>,
    /// Readers of streams the connection keeps open (aborted when it is dropped).
    readers: Mutex<Vec<tokio::task::AbortHandle>>,
}

impl Drop for Link {
    fn drop(&mut self) {
        for reader in self
            .readers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            reader.abort();
        }
        // A handshake-era session is ended, so the server need not wait for it to expire.
        if let Transport::Http { http, url, session } = &self.transport {
            let session = session.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let (Some(session), Ok(runtime)) = (session, tokio::runtime::Handle::try_current()) {
                let delete = http.get().delete(url).header("mcp-session-id", session);
                runtime.spawn(async move { drop(delete.send().await) });
            }
        }
    }
}

fn unreachable(message: impl Into<String>) -> ClientError {
    ClientError::new(UNREACHABLE, message)
}

impl Link {
    /// Connects over Streamable HTTP: probes the modern era with `server/discover` (when
    /// `modern` allows), falls back to the `initialize` handshake.
    pub(super) async fn http(url: &str, settings: Arc<Settings>) -> Result<Arc<Link>, ClientError> {
        let http = Arc::new(HttpClients::new(&settings)?);
        let transport = Transport::Http {
            http,
            url: url.to_owned(),
            session: Mutex::new(None),
        };
        if settings.probe_modern {
            let meta = modern_meta(&settings);
            let link = Link::new(transport, Era::Modern { meta }, settings.clone());
            match link.request("server/discover", json!({}), None).await {
                Ok(result) if supports_modern(&result) => {
                    let _ = link.opening.set(result);
                    let listening = tokio::spawn(listen(Arc::downgrade(&link)));
                    link.keep_reader(listening.abort_handle());
                    return Ok(link);
                }
                Ok(_) | Err(_) => {
                    // Not a server of the modern era (or not of this revision): the same
                    // connection settings, with the handshake.
                    let Transport::Http { http, url, .. } = &link.transport else {
                        unreachable!()
                    };
                    let transport = Transport::Http {
                        http: Arc::clone(http),
                        url: url.clone(),
                        session: Mutex::new(None),
                    };
                    let link = Link::new(transport, Era::Handshake, settings);
                    return link.handshake().await;
                }
            }
        }
        Link::new(transport, Era::Handshake, settings)
            .handshake()
            .await
    }

    /// Connects over HTTP+SSE: opens the stream, waits for its `endpoint`, then shakes hands.
    pub(super) async fn sse(url: &str, settings: Arc<Settings>) -> Result<Arc<Link>, ClientError> {
        let http = Arc::new(HttpClients::new(&settings)?);
        let mut response = http
            .get()
            .get(url)
            .header("accept", "text/event-stream")
            .send()
            .await
            .map_err(|err| unreachable(format!("cannot open the SSE stream at {url}: {err}")))?;
        if !response.status().is_success() {
            return Err(unreachable(format!(
                "the SSE stream at {url} answered HTTP {}",
                response.status()
            )));
        }
        let mut reader = EventReader::default();
        let mut early = Vec::new();
        let endpoint = 'found: loop {
            let chunk = tokio::time::timeout(settings.connect_timeout, response.chunk())
                .await
                .map_err(|_| unreachable(format!("{url} sent no `endpoint` event in time")))?
                .map_err(|err| unreachable(format!("the SSE stream at {url} failed: {err}")))?
                .ok_or_else(|| unreachable(format!("the SSE stream at {url} ended at once")))?;
            for event in reader.push(&chunk).map_err(unreachable)? {
                if event.kind == "endpoint" {
                    break 'found event.data;
                }
                early.push(event);
            }
        };
        let post_url = reqwest::Url::parse(url)
            .and_then(|base| base.join(endpoint.trim()))
            .map_err(|err| unreachable(format!("the endpoint `{endpoint}` is no URL: {err}")))?;
        let transport = Transport::Sse {
            http,
            post_url: post_url.to_string(),
        };
        let link = Link::new(transport, Era::Handshake, settings);
        let weak = Arc::downgrade(&link);
        let task = tokio::spawn(read_stream(weak, response, reader));
        link.keep_reader(task.abort_handle());
        link.handshake().await
    }

    /// Starts `program` and speaks to it over its standard input and output.
    pub(super) async fn stdio(
        program: &str,
        args: &[String],
        settings: Arc<Settings>,
    ) -> Result<Arc<Link>, ClientError> {
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| unreachable(format!("cannot start `{program}`: {err}")))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(unreachable("the child process has no pipes"));
        };
        // Bounded: a server that stops reading holds its senders up instead of growing memory.
        let (lines, mut to_write) = mpsc::channel::<String>(256);
        let writer = tokio::spawn(async move {
            while let Some(line) = to_write.recv().await {
                let written = async {
                    stdin.write_all(line.as_bytes()).await?;
                    stdin.write_all(b"\n").await?;
                    stdin.flush().await
                };
                if written.await.is_err() {
                    break;
                }
            }
        });
        let transport = Transport::Stdio {
            lines,
            _child: child,
        };
        let link = Link::new(transport, Era::Handshake, settings);
        let weak = Arc::downgrade(&link);
        let reader = tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Some(link) = weak.upgrade() else { return };
                match serde_json::from_str::<Value>(&line) {
                    Ok(value) => link.receive(value, None).await,
                    Err(_) => {
                        tracing::debug!(%line, "a stdio server wrote a line that is not JSON")
                    }
                }
            }
            if let Some(link) = weak.upgrade() {
                link.close("the server process ended its output (it exited or crashed)");
            }
        });
        link.keep_reader(writer.abort_handle());
        link.keep_reader(reader.abort_handle());
        link.handshake().await
    }

    fn new(transport: Transport, era: Era, settings: Arc<Settings>) -> Arc<Link> {
        Arc::new(Link {
            transport,
            era,
            negotiated: std::sync::OnceLock::new(),
            opening: std::sync::OnceLock::new(),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicI64::new(1),
            closed: AtomicBool::new(false),
            settings,
            readers: Mutex::new(Vec::new()),
        })
    }

    fn keep_reader(&self, task: tokio::task::AbortHandle) {
        self.readers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(task);
    }

    /// `initialize`, then `notifications/initialized` (and the GET stream, over Streamable
    /// HTTP).
    async fn handshake(self: Arc<Self>) -> Result<Arc<Link>, ClientError> {
        let params = json!({
            "protocolVersion": LATEST_HANDSHAKE_VERSION,
            "capabilities": self.settings.capabilities,
            "clientInfo": self.settings.client_info,
        });
        let opening = tokio::time::timeout(
            self.settings.connect_timeout,
            self.request("initialize", params, None),
        )
        .await
        .map_err(|_| unreachable("the server did not answer `initialize` in time"))??;
        let version = opening["protocolVersion"]
            .as_str()
            .unwrap_or(LATEST_HANDSHAKE_VERSION)
            .to_owned();
        let _ = self.negotiated.set(version);
        let _ = self.opening.set(opening);
        let link = self;
        link.notify("notifications/initialized", Value::Null)
            .await?;
        if let Transport::Http { http, url, session } = &link.transport {
            let session = session.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(session) = session {
                let get = http
                    .get()
                    .get(url)
                    .header("accept", "text/event-stream")
                    .header("mcp-session-id", session)
                    .header("mcp-protocol-version", link.version());
                let weak = Arc::downgrade(&link);
                let task = tokio::spawn(async move {
                    // A server without a GET stream (405) sends everything on POST streams.
                    if let Ok(response) = get.send().await {
                        if response.status().is_success() {
                            read_stream(weak, response, EventReader::default()).await;
                        }
                    }
                });
                link.keep_reader(task.abort_handle());
            }
        }
        Ok(link)
    }

    /// The revision spoken.
    pub(super) fn version(&self) -> &str {
        match &self.era {
            Era::Modern { .. } => MODERN,
            Era::Handshake => self
                .negotiated
                .get()
                .map_or(LATEST_HANDSHAKE_VERSION, String::as_str),
        }
    }

    /// The `initialize` (or `server/discover`) result.
    pub(super) fn opening(&self) -> &Value {
        static NONE: Value = Value::Null;
        self.opening.get().unwrap_or(&NONE)
    }

    pub(super) fn era(&self) -> &Era {
        &self.era
    }

    /// Whether the connection ended (the next request needs a new one).
    pub(super) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Ends the connection: every request waiting is answered with `reason`.
    fn close(&self, reason: &str) {
        self.closed.store(true, Ordering::Release);
        let pending: Vec<Pending> = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .map(|(_, pending)| pending)
            .collect();
        for waiting in pending {
            let _ = waiting.reply.send(Err(unreachable(reason)));
        }
    }

    /// Sends one request and waits for its response (at most the settings' timeout). Its
    /// progress, logs and the server's questions go to `events` when given. Dropping the
    /// future cancels the request (`notifications/cancelled`).
    pub(super) async fn request(
        self: &Arc<Self>,
        method: &str,
        params: Value,
        events: Option<mpsc::Sender<CallEvent>>,
    ) -> Result<Value, ClientError> {
        if self.is_closed() {
            return Err(unreachable("the connection to the server ended"));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let params = self.dress(method, params, events.is_some().then_some(id));
        let name = params
            .get("name")
            .or_else(|| params.get("uri"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let (reply, answer) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(
                id,
                Pending {
                    reply,
                    events: events.clone(),
                },
            );
        let mut guard = Waiting {
            link: self,
            id,
            armed: true,
        };
        let params_headers = match (&self.era, method) {
            (Era::Modern { .. }, "tools/call") => self.settings.param_headers(&params),
            _ => Vec::new(),
        };
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let sent = async {
            match &self.transport {
                Transport::Http { .. } => {
                    let routing = Routing {
                        method,
                        name: name.as_deref(),
                        params: &params_headers,
                    };
                    self.post(body.to_string(), Some(routing), events.as_ref())
                        .await
                }
                _ => self.send_raw(body.to_string()).await,
            }
        };
        let timeout = self.settings.timeout;
        let outcome = tokio::time::timeout(timeout, async {
            sent.await?;
            answer
                .await
                .unwrap_or_else(|_| Err(unreachable("the connection ended before the answer")))
        })
        .await;
        match outcome {
            Ok(Err(error)) if error.code == UNREACHABLE => {
                // Nothing to cancel: the server is gone or never got it.
                guard.armed = false;
                self.forget(id);
                Err(error)
            }
            Ok(outcome) => {
                guard.armed = false;
                outcome
            }
            Err(_) => Err(unreachable(format!(
                "`{method}` got no answer within {timeout:?} (RemoteBuilder::timeout sets \
                 the limit); it was cancelled"
            ))),
        }
    }

    /// Sends a notification.
    pub(super) async fn notify(&self, method: &str, params: Value) -> Result<(), ClientError> {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        match &self.transport {
            Transport::Http { .. } => self.post(message.to_string(), None, None).await,
            _ => self.send_raw(message.to_string()).await,
        }
    }

    fn forget(&self, id: i64) -> Option<Pending> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id)
    }

    /// The params as this era sends them: `_meta` with the revision (modern era), and the
    /// progress token (the request's id) when the caller listens for progress.
    fn dress(&self, method: &str, params: Value, progress: Option<i64>) -> Value {
        let modern = match &self.era {
            Era::Modern { meta } => Some(meta),
            Era::Handshake => None,
        };
        if modern.is_none() && progress.is_none() {
            return params;
        }
        let params = crate::client::with_meta(params, |meta| {
            if let Some(modern) = modern {
                for (key, value) in modern {
                    meta.entry(key.clone()).or_insert_with(|| value.clone());
                }
                if method == "server/discover" {
                    meta.remove("progressToken");
                }
            }
            if let Some(token) = progress {
                meta.entry("progressToken").or_insert(json!(token));
            }
        });
        Value::Object(params)
    }

    /// POSTs one message over Streamable HTTP and reads what answers it: a JSON body or an
    /// event stream (until the request's response). `request`: its method and name (for the
    /// modern era's headers); `None` for a notification or response.
    async fn post(
        &self,
        body: String,
        request: Option<Routing<'_>>,
        events: Option<&mpsc::Sender<CallEvent>>,
    ) -> Result<(), ClientError> {
        let Transport::Http { http, url, session } = &self.transport else {
            return Err(unreachable("not a Streamable HTTP connection"));
        };
        let mut post = http
            .get()
            .post(url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", self.version());
        let session_id = session.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(session) = &session_id {
            post = post.header("mcp-session-id", session);
        }
        if let (Era::Modern { .. }, Some(routing)) = (&self.era, &request) {
            post = post.header("mcp-method", routing.method);
            if let Some(name) = routing.name {
                post = post.header("mcp-name", header_value(name));
            }
            for (header, value) in routing.params {
                post = post.header(header, header_value(value));
            }
        }
        let mut response = post
            .body(body)
            .send()
            .await
            .map_err(|err| unreachable(format!("cannot reach {url}: {err}")))?;
        let status = response.status();
        if let Some(id) = response.headers().get("mcp-session-id") {
            if let Ok(id) = id.to_str() {
                *session.lock().unwrap_or_else(|p| p.into_inner()) = Some(id.to_owned());
            }
        }
        if status == reqwest::StatusCode::NOT_FOUND && session_id.is_some() {
            // The session expired or the server restarted: a new connection is needed.
            self.close("the server no longer knows this session (HTTP 404)");
            return Err(unreachable(
                "the server no longer knows this session (HTTP 404)",
            ));
        }
        if status == reqwest::StatusCode::ACCEPTED || request.is_none() && status.is_success() {
            return Ok(());
        }
        let streamed = response
            .headers()
            .get("content-type")
            .and_then(|kind| kind.to_str().ok())
            .is_some_and(|kind| kind.starts_with("text/event-stream"));
        if streamed {
            let mut reader = EventReader::default();
            loop {
                let chunk = match response.chunk().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => return Ok(()),
                    Err(err) => {
                        return Err(unreachable(format!("the response stream failed: {err}")))
                    }
                };
                for event in reader.push(&chunk).map_err(unreachable)? {
                    if event.kind != "message" {
                        continue;
                    }
                    if let Ok(value) = serde_json::from_str::<Value>(&event.data) {
                        let answers = value.get("id").is_some() && value.get("method").is_none();
                        self.receive_on_stream(value, events).await;
                        if answers {
                            return Ok(());
                        }
                    }
                }
            }
        }
        let text = response
            .text()
            .await
            .map_err(|err| unreachable(format!("the response body failed: {err}")))?;
        match serde_json::from_str::<Value>(&text) {
            // A JSON-RPC answer, even under an error status (a modern error is HTTP 400).
            Ok(value) if value.get("jsonrpc").is_some() => {
                self.receive_on_stream(value, events).await;
                Ok(())
            }
            _ => Err(ClientError::new(
                INTERNAL_ERROR,
                format!("{url} answered HTTP {status} without a JSON-RPC message: {text:.200}"),
            )),
        }
    }

    /// A message read from a POST's response (boxed: answering the server's question POSTs
    /// again).
    async fn receive_on_stream(&self, value: Value, events: Option<&mpsc::Sender<CallEvent>>) {
        Box::pin(self.receive(value, events)).await;
    }

    /// Sends one message as it is: a line over stdio, a POST over HTTP+SSE.
    async fn send_raw(&self, message: String) -> Result<(), ClientError> {
        match &self.transport {
            Transport::Stdio { lines, .. } => lines
                .send(message)
                .await
                .map_err(|_| unreachable("the server process no longer reads its input")),
            Transport::Sse { http, post_url } => {
                let response = http
                    .get()
                    .post(post_url)
                    .header("content-type", "application/json")
                    .body(message)
                    .send()
                    .await
                    .map_err(|err| unreachable(format!("cannot reach {post_url}: {err}")))?;
                if response.status() == reqwest::StatusCode::NOT_FOUND {
                    self.close("the server no longer knows this SSE session (HTTP 404)");
                    return Err(unreachable("the server no longer knows this SSE session"));
                }
                if !response.status().is_success() {
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    return Err(ClientError::new(
                        INTERNAL_ERROR,
                        format!("{post_url} answered HTTP {status}: {text:.200}"),
                    ));
                }
                Ok(())
            }
            Transport::Http { .. } => self.post(message, None, None).await,
        }
    }

    /// Handles one message of the server. `stream`: the listener of the request whose
    /// response stream carried it, if any.
    async fn receive(&self, value: Value, stream: Option<&mpsc::Sender<CallEvent>>) {
        let message = match Message::from_value(value) {
            Ok(message) => message,
            Err(error) => {
                tracing::debug!(message = %error.message, "the server sent something that is not a message");
                return;
            }
        };
        match message {
            Message::Response(response) => {
                let Some(RequestId::Number(id)) = response.id else {
                    return;
                };
                if let Some(pending) = self.forget(id) {
                    let _ = pending
                        .reply
                        .send(response.outcome.map_err(ClientError::from));
                }
            }
            Message::Notification(notification) => self.notified(notification, stream).await,
            Message::Request(request) => {
                let reply = self.ask(&request.method, request.params, stream).await;
                let message = match reply {
                    Ok(result) => json!({"jsonrpc": "2.0", "id": request.id, "result": result}),
                    Err(error) => json!({"jsonrpc": "2.0", "id": request.id, "error": {
                        "code": error.code, "message": error.message,
                    }}),
                };
                if let Err(error) = self.send_raw(message.to_string()).await {
                    tracing::warn!(%error, "an answer to the server's request was not delivered");
                }
            }
        }
    }

    /// A notification: progress to its request's listener (by token), a log to the listener
    /// of the stream it came on; anything else to the client's notifications.
    async fn notified(&self, notification: Notification, stream: Option<&mpsc::Sender<CallEvent>>) {
        let listener = match notification.method.as_str() {
            "notifications/progress" => notification
                .params
                .get("progressToken")
                .and_then(Value::as_i64)
                .and_then(|token| {
                    let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
                    pending.get(&token).and_then(|p| p.events.clone())
                }),
            "notifications/message" => stream.cloned().or_else(|| self.only_listener()),
            _ => None,
        };
        match listener {
            Some(listener) => {
                let event = if notification.method == "notifications/progress" {
                    CallEvent::Progress(notification.params)
                } else {
                    CallEvent::Log(notification.params)
                };
                let _ = listener.send(event).await;
            }
            None => {
                let _ = self.settings.notifications.send(notification);
            }
        }
    }

    /// The listener of the one request in flight that has one: where a message that names no
    /// request goes over stdio and HTTP+SSE (which cannot say which request it belongs to).
    fn only_listener(&self) -> Option<mpsc::Sender<CallEvent>> {
        let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let mut listeners = pending.values().filter_map(|p| p.events.as_ref());
        let first = listeners.next()?;
        listeners.next().is_none().then(|| first.clone())
    }

    /// A request of the server (sampling, elicitation, roots, ping): answered by the
    /// listener of its request, else by the client's own handlers.
    async fn ask(
        &self,
        method: &str,
        params: Value,
        stream: Option<&mpsc::Sender<CallEvent>>,
    ) -> Result<Value, ClientError> {
        if method == "ping" {
            return Ok(json!({}));
        }
        if let Some(listener) = stream.cloned().or_else(|| self.only_listener()) {
            let (reply, answer) = oneshot::channel();
            let question = CallEvent::Request {
                method: method.to_owned(),
                params,
                reply,
            };
            if listener.send(question).await.is_ok() {
                return answer.await.unwrap_or_else(|_| {
                    Err(ClientError::new(
                        INTERNAL_ERROR,
                        "the request was dropped unanswered",
                    ))
                });
            }
            return Err(ClientError::new(
                INTERNAL_ERROR,
                "the caller stopped listening",
            ));
        }
        match self.settings.handlers.get(method) {
            Some(handler) => handler(params),
            None => Err(ClientError::new(
                METHOD_NOT_FOUND,
                format!("this client does not answer `{method}` outside a request"),
            )),
        }
    }
}

/// A request waiting for its answer: dropped before it came, it is cancelled.
struct Waiting<'a> {
    link: &'a Arc<Link>,
    id: i64,
    armed: bool,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        self.link.forget(self.id);
        // The modern era cancels by closing the request's stream, which dropping did.
        if let Era::Modern { .. } = self.link.era {
            if matches!(self.link.transport, Transport::Http { .. }) {
                return;
            }
        }
        let (link, id) = (Arc::clone(self.link), self.id);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let params = json!({"requestId": id, "reason": "cancelled by the caller"});
                let _ = link.notify("notifications/cancelled", params).await;
            });
        }
    }
}

/// Hears the list changes of a modern-era server, which sends them only on a
/// `subscriptions/listen` stream: one is kept open (and opened again when it ends) for as long
/// as the link lives; what it carries goes where the GET stream's messages go.
async fn listen(link: Weak<Link>) {
    loop {
        let request = {
            let Some(strong) = link.upgrade() else { return };
            let Transport::Http { http, url, .. } = &strong.transport else {
                return;
            };
            let id = strong.next_id.fetch_add(1, Ordering::Relaxed);
            let params = json!({"notifications": {
                "toolsListChanged": true, "promptsListChanged": true, "resourcesListChanged": true,
            }});
            let params = strong.dress("subscriptions/listen", params, None);
            let body = json!({"jsonrpc": "2.0", "id": id, "method": "subscriptions/listen", "params": params});
            http.get()
                .post(url)
                .header("content-type", "application/json")
                .header("accept", "application/json, text/event-stream")
                .header("mcp-protocol-version", MODERN)
                .header("mcp-method", "subscriptions/listen")
                .body(body.to_string())
        };
        match request.send().await {
            Ok(response) if response.status().is_success() => {
                read_stream(link.clone(), response, EventReader::default()).await;
            }
            // A server without listen streams: nothing to hear.
            Ok(_) => return,
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Reads a long-lived event stream (the GET stream of either HTTP transport) into the link,
/// until it ends; then the link is closed if it is HTTP+SSE (whose stream is the connection).
async fn read_stream(link: Weak<Link>, mut response: reqwest::Response, mut reader: EventReader) {
    let ended = loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break "the server ended its event stream",
            Err(_) => break "the server's event stream failed",
        };
        let Ok(events) = reader.push(&chunk) else {
            break "the server's event stream sent a line too long";
        };
        let Some(strong) = link.upgrade() else { return };
        for event in events {
            if event.kind != "message" {
                continue;
            }
            match serde_json::from_str::<Value>(&event.data) {
                Ok(value) => strong.receive(value, None).await,
                Err(_) => tracing::debug!("the server sent an event that is not JSON"),
            }
        }
    };
    if let Some(link) = link.upgrade() {
        if matches!(link.transport, Transport::Sse { .. }) {
            link.close(ended);
        }
    }
}

/// The HTTP clients of one link, one per thread that sends on it. A connection's I/O runs on
/// the runtime thread that opened it, so with one shared pool a call made on an actix worker
/// (each a single-threaded runtime) was carried by a connection living on another thread: two
/// cross-thread wake-ups per call, most of a proxied call's cost. Each thread's own client
/// keeps the call on the thread that made it. The MCP session is the link's, not a
/// connection's, so any of them may carry any message.
struct HttpClients {
    headers: reqwest::header::HeaderMap,
    connect_timeout: Duration,
    by_thread: Mutex<HashMap<std::thread::ThreadId, reqwest::Client>>,
}

impl HttpClients {
    /// Checks the settings' headers (the only thing that can fail) once.
    fn new(settings: &Settings) -> Result<HttpClients, ClientError> {
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &settings.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes());
            let value = reqwest::header::HeaderValue::from_str(value);
            match (name, value) {
                (Ok(name), Ok(value)) => {
                    headers.append(name, value);
                }
                _ => {
                    return Err(ClientError::new(
                        INTERNAL_ERROR,
                        "a header given to RemoteBuilder::header is not a valid HTTP header",
                    ))
                }
            }
        }
        let clients = HttpClients {
            headers,
            connect_timeout: settings.connect_timeout,
            by_thread: Mutex::new(HashMap::new()),
        };
        let first = clients.build()?;
        clients
            .by_thread
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(std::thread::current().id(), first);
        Ok(clients)
    }

    /// This thread's client (a cheap handle onto its pool of kept-alive connections).
    /// (The map holds one entry per thread that ever sent: the runtime's worker threads, a
    /// fixed number.)
    fn get(&self) -> reqwest::Client {
        let thread = std::thread::current().id();
        {
            let by_thread = self.by_thread.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(client) = by_thread.get(&thread) {
                return client.clone();
            }
        }
        // Built outside the lock: other threads' requests do not wait for it.
        let built = self.build();
        let mut by_thread = self.by_thread.lock().unwrap_or_else(|p| p.into_inner());
        match built {
            Ok(client) => by_thread.entry(thread).or_insert(client).clone(),
            // Built once already with the same settings; should it fail now, any will do.
            Err(_) => by_thread.values().next().cloned().unwrap_or_default(),
        }
    }

    fn build(&self) -> Result<reqwest::Client, ClientError> {
        reqwest::Client::builder()
            .default_headers(self.headers.clone())
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .build()
            .map_err(|err| ClientError::new(INTERNAL_ERROR, format!("no HTTP client: {err}")))
    }
}

/// The `_meta` every modern request carries.
fn modern_meta(settings: &Settings) -> Map<String, Value> {
    let mut meta = Map::new();
    meta.insert(PROTOCOL_VERSION.to_owned(), json!(MODERN));
    meta.insert(
        CLIENT_CAPABILITIES.to_owned(),
        settings.capabilities.clone(),
    );
    meta.insert(CLIENT_INFO.to_owned(), settings.client_info.clone());
    meta
}

fn supports_modern(discovered: &Value) -> bool {
    discovered["supportedVersions"]
        .as_array()
        .is_some_and(|versions| versions.iter().any(|v| v == MODERN))
}

/// A value as a modern-era header carries it: as it is when it is visible ASCII without
/// surrounding spaces (and does not look encoded), else `=?base64?...?=`.
fn header_value(value: &str) -> String {
    let plain = value.bytes().all(|b| (0x20..0x7f).contains(&b))
        && value.trim() == value
        && !value.starts_with("=?base64?");
    if plain {
        value.to_owned()
    } else {
        format!(
            "=?base64?{}?=",
            crate::content::base64_encode(value.as_bytes())
        )
    }
}

/// What a modern-era request's headers mirror of its body: the method, the name (or URI)
/// it acts on, and a tool's `Mcp-Param-*` parameters.
struct Routing<'a> {
    method: &'a str,
    name: Option<&'a str>,
    params: &'a [(String, String)],
}
