//! The Streamable HTTP transport (MCP 2025-03-26 to 2025-11-25), as an actix-web service
//! serving one endpoint wherever it is mounted.
//!
//! ```text
//! POST <endpoint>    one JSON-RPC message; a request is answered with a JSON body (or an SSE
//!                    stream), a notification or response with 202
//! GET  <endpoint>    the session's stream of server-initiated messages (resumable)
//! DELETE <endpoint>  ends the session
//! ```

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header::{self, HeaderName};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, Responder};
use actix_web_lab::sse::{self, Sse};
use futures_core::Stream;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::context::{Outgoing, RelatedStream};
use crate::features::{poll_first, FirstPoll};
use crate::jsonrpc::{batch_elements, batch_json, ErrorObject, Message, Response, INVALID_REQUEST};
use crate::protocol::SUPPORTED_VERSIONS;
use crate::server::Server;
use crate::session::{new_session_id, IdentityMismatch, Session};
use crate::transport::http::{accepts, body_error};
use foldhash::HashMap as FastMap;

// Header names as `HeaderName`s: a `&str` name would be parsed again at every look-up.
const SESSION_HEADER: HeaderName = HeaderName::from_static("mcp-session-id");
const VERSION_HEADER: HeaderName = HeaderName::from_static("mcp-protocol-version");
const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");
/// The revision to assume when a request has no `MCP-Protocol-Version` header.
const DEFAULT_HEADER_VERSION: &str = "2025-03-26";

/// The actix-web service returned by [`Server::streamable_http_app`] and
/// [`streamable_http_app`](crate::streamable_http_app).
///
/// Mount it in a scope named after the endpoint, for example
/// `web::scope("/mcp").service(server.streamable_http_app())`: it answers at `/mcp` and `/mcp/`.
#[must_use = "a StreamableHttpApp does nothing until it is mounted with App::service or Scope::service"]
#[derive(Clone)]
pub struct StreamableHttpApp {
    server: Server,
    stateless: bool,
    sse_responses: bool,
}

impl Server {
    /// The Streamable HTTP transport of this server, to mount in an actix-web scope.
    ///
    /// Call it inside the `HttpServer::new` factory; every worker shares this server's sessions.
    pub fn streamable_http_app(&self) -> StreamableHttpApp {
        StreamableHttpApp {
            server: self.clone(),
            stateless: false,
            sse_responses: false,
        }
    }

    /// How many Streamable HTTP sessions are open.
    pub fn streamable_http_session_count(&self) -> usize {
        self.inner.http_sessions.lock().len()
    }
}

impl StreamableHttpApp {
    /// Serves without sessions: no `Mcp-Session-Id`, no GET stream, plain JSON responses. Any
    /// replica behind a load balancer can answer any request.
    pub fn stateless(mut self, stateless: bool) -> Self {
        self.stateless = stateless;
        self
    }

    /// Answers every request with an SSE stream instead of a JSON body (for clients that want
    /// one); by default a request is answered with JSON.
    pub fn sse_responses(mut self, sse_responses: bool) -> Self {
        self.sse_responses = sse_responses;
        self
    }
}

impl HttpServiceFactory for StreamableHttpApp {
    fn register(self, config: &mut AppService) {
        // Two static resources, not one with the pattern set `["", "/"]`: actix-web matches a
        // pattern set with a regex on every request, a static path with a comparison.
        for path in ["", "/"] {
            self.resource(path).register(config);
        }
    }
}

impl StreamableHttpApp {
    /// One handler for every method, which dispatches on the method itself: routes with method
    /// guards cost a boxed service call and, in actix-web, an allocation per guard checked.
    fn resource(&self, path: &str) -> actix_web::Resource {
        let app = self.clone();
        web::resource(path)
            .app_data(web::PayloadConfig::new(self.server.inner.max_body_bytes))
            .default_service(web::to(
                move |req: HttpRequest, body: Result<web::Bytes, actix_web::Error>| {
                    handle(app.clone(), req, body)
                },
            ))
    }
}

async fn handle(
    app: StreamableHttpApp,
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    match *req.method() {
        Method::POST => post_message(app, req, body).await,
        // Rarer, and with larger futures: boxed, so that a POST's future stays small.
        Method::GET => Box::pin(open_stream(app, req)).await,
        Method::DELETE => Box::pin(end_session(app, req)).await,
        _ => HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, POST, DELETE"))
            .json(error_body(None, INVALID_REQUEST, "use POST, GET or DELETE")),
    }
}

/// The Streamable HTTP sessions of one server.
#[derive(Default)]
pub(crate) struct HttpSessions {
    map: Mutex<FastMap<String, Arc<HttpSession>>>,
}

impl HttpSessions {
    /// Removes the sessions idle for longer than `timeout`. Run whenever a session is about to
    /// start (before the session limit is checked), so the table never holds more than the
    /// sessions of the last idle period and expired ones never cause a `503`.
    pub(crate) fn sweep_expired(&self, timeout: Duration) {
        self.lock()
            .retain(|_, session| !session.is_expired(timeout));
    }

    /// Ends every session (the server is shutting down): running requests are cancelled and
    /// open streams end.
    pub(crate) fn close_all(&self) {
        let sessions: Vec<Arc<HttpSession>> = self.lock().drain().map(|(_, http)| http).collect();
        for http in sessions {
            http.session.cancel_all();
            lock(&http.stream).sender = None;
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, FastMap<String, Arc<HttpSession>>> {
        // Each operation is one HashMap call, so a poisoned lock holds no half-done update.
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(crate) struct HttpSession {
    pub(crate) session: Session,
    stream: Arc<Mutex<ServerStream>>,
    /// When the last request came, in milliseconds (see [`millis_since_start`]): an atomic,
    /// since every request sets it.
    last_seen_ms: AtomicU64,
}

/// The GET stream of a session and the recent history it can be resumed from.
struct ServerStream {
    sender: Option<mpsc::Sender<sse::Event>>,
    /// Counts the streams opened, so a closing stream only clears its own sender.
    generation: u64,
    last_id: u64,
    history: VecDeque<(u64, String)>,
    history_limit: usize,
}

impl ServerStream {
    /// Records a server-initiated message and sends it if a stream is open; a stream that cannot
    /// keep up is closed, and its client resumes from the history with `Last-Event-ID`.
    fn push(&mut self, message: String) -> bool {
        self.last_id += 1;
        let event = sse::Data::new(message.clone())
            .event("message")
            .id(self.last_id.to_string());
        if self.history.len() == self.history_limit {
            self.history.pop_front();
        }
        self.history.push_back((self.last_id, message));
        match &self.sender {
            Some(sender) => {
                let sent = sender.try_send(sse::Event::Data(event)).is_ok();
                if !sent {
                    self.sender = None;
                }
                sent
            }
            None => false,
        }
    }
}

impl HttpSession {
    fn new(id: String, history_limit: usize) -> Arc<HttpSession> {
        let stream = Arc::new(Mutex::new(ServerStream {
            sender: None,
            generation: 0,
            last_id: 0,
            history: VecDeque::new(),
            history_limit,
        }));
        let outbound = Arc::clone(&stream);
        let session =
            Session::with_outbound(id, Box::new(move |message| lock(&outbound).push(message)));
        Arc::new(HttpSession {
            session,
            stream,
            last_seen_ms: AtomicU64::new(millis_since_start()),
        })
    }

    fn touch(&self) {
        self.last_seen_ms
            .store(millis_since_start(), Ordering::Relaxed);
    }

    /// Idle: no request for `timeout` and no open stream.
    fn is_expired(&self, timeout: Duration) -> bool {
        let idle_ms =
            millis_since_start().saturating_sub(self.last_seen_ms.load(Ordering::Relaxed));
        let idle = u128::from(idle_ms) > timeout.as_millis();
        idle && lock(&self.stream)
            .sender
            .as_ref()
            .is_none_or(|sender| sender.is_closed())
    }
}

/// The clock of `last_seen_ms`: milliseconds since the first session of the process.
fn millis_since_start() -> u64 {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    let elapsed = STARTED.get_or_init(Instant::now).elapsed();
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A JSON-RPC error object as an HTTP body.
fn error_body(id: Option<crate::jsonrpc::RequestId>, code: i64, message: &str) -> Response {
    Response::error(id, ErrorObject::new(code, message))
}

fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(error_body(None, INVALID_REQUEST, message))
}

/// `405` for GET and DELETE on a stateless endpoint, which has no session or stream.
fn stateless_rejection(what: &str) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "POST"))
        .json(error_body(
            None,
            INVALID_REQUEST,
            &format!("this endpoint is stateless: {what}"),
        ))
}

/// An error response, boxed so that `Result`s carrying one stay small.
fn rejection(status: StatusCode, message: &str) -> Box<HttpResponse> {
    Box::new(error(status, message))
}

fn header_str(req: &HttpRequest, name: HeaderName) -> Option<&str> {
    req.headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// Checks shared by every method: Host/Origin, then the protocol-version header.
fn check_request(app: &StreamableHttpApp, req: &HttpRequest) -> Result<(), Box<HttpResponse>> {
    if let Err(reason) = app.server.inner.host_policy.check(req) {
        return Err(rejection(
            StatusCode::FORBIDDEN,
            &format!("Forbidden: {reason}"),
        ));
    }
    if let Some(version) = req.headers().get(VERSION_HEADER) {
        let version = version.to_str().unwrap_or("");
        if !SUPPORTED_VERSIONS.contains(&version) {
            return Err(rejection(
                StatusCode::BAD_REQUEST,
                &format!(
                    "unsupported MCP-Protocol-Version `{version}`; this server speaks {}",
                    SUPPORTED_VERSIONS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Finds the session a request names, or the response that explains why it cannot.
fn find_session(server: &Server, req: &HttpRequest) -> Result<Arc<HttpSession>, Box<HttpResponse>> {
    let Some(id) = header_str(req, SESSION_HEADER) else {
        return Err(rejection(
            StatusCode::BAD_REQUEST,
            "missing Mcp-Session-Id header: send the id the server returned with `initialize`",
        ));
    };
    let inner = &server.inner;
    let mut sessions = inner.http_sessions.lock();
    match sessions.get(id) {
        Some(session) if session.is_expired(inner.session_idle_timeout) => {
            sessions.remove(id);
        }
        Some(session) => {
            if session
                .session
                .bind_identity(crate::auth::request_identity(req))
                .is_err()
            {
                return Err(rejection(StatusCode::FORBIDDEN, IdentityMismatch::MESSAGE));
            }
            session.touch();
            return Ok(Arc::clone(session));
        }
        None => {}
    }
    Err(rejection(
        StatusCode::NOT_FOUND,
        "unknown or expired session: send `initialize` again to start a new one",
    ))
}

fn insert_session(server: &Server, session: Arc<HttpSession>) {
    let mut sessions = server.inner.http_sessions.lock();
    sessions.insert(session.session.id().to_owned(), session);
}

async fn post_message(
    app: StreamableHttpApp,
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    if let Err(response) = check_request(&app, &req) {
        return *response;
    }
    let body = match body {
        Ok(body) => body,
        Err(err) => {
            let (status, message) = body_error(&err, app.server.inner.max_body_bytes);
            return error(status, &message);
        }
    };
    if !accepts(&req, &["application/json", "text/event-stream"]) {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable: the Accept header must list both application/json and text/event-stream",
        );
    }
    let is_json = header_str(&req, header::CONTENT_TYPE)
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: send the JSON-RPC message with Content-Type: application/json",
        );
    }
    if let Some(elements) = batch_elements(&body) {
        return post_batch(&app, &req, elements).await;
    }
    let message = match Message::from_slice(&body) {
        Ok(message) => message,
        Err(err) => return HttpResponse::BadRequest().json(err.to_response()),
    };
    let server = &app.server;
    let is_initialize = matches!(&message, Message::Request(r) if r.method == "initialize");

    let (session, new_session) = if app.stateless {
        let session = if is_initialize {
            let session = Session::new("");
            let _ = session.bind_identity(crate::auth::request_identity(&req));
            session
        } else {
            stateless_session(&req)
        };
        (SessionRef::Owned(session), false)
    } else if is_initialize {
        if let Err(refusal) = server.admit_session() {
            return refusal.into_json_response();
        }
        let session = HttpSession::new(new_session_id(), server.inner.stream_history);
        let _ = session
            .session
            .bind_identity(crate::auth::request_identity(&req));
        (SessionRef::Http(session), true)
    } else {
        match find_session(server, &req) {
            Ok(session) => (SessionRef::Http(session), false),
            Err(response) => return *response,
        }
    };

    let Message::Request(_) = &message else {
        server.handle_notice(session.session(), message);
        return HttpResponse::Accepted().finish();
    };

    // A request that has to wait runs as its own task: a client that disconnects does not
    // cancel it (MCP says only `notifications/cancelled` does). Messages it sends on the way
    // travel through a bounded channel, made when the first is sent.
    let related = RelatedStream::new(server.inner.outbound_capacity);
    let task_related = Arc::clone(&related);
    let task_server = server.clone();
    let task_session = session.clone();
    let counted = server.count_request();
    let task = async move {
        let session = task_session.session();
        let response = task_server
            .handle_message_with(session, message, Some(task_related), Some(counted))
            .await?;
        // A failed `initialize` leaves no session behind.
        if let (true, Ok(_), SessionRef::Http(http)) =
            (new_session, &response.outcome, &task_session)
        {
            insert_session(&task_server, Arc::clone(http));
        }
        Some(response.to_json())
    };
    let stream = match poll_first(task).await {
        FirstPoll::Finished(answer) => {
            let Some(json) = answer.flatten() else {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the request ended without a response",
                );
            };
            // What the request sent on the way is queued already, and comes first.
            match related.take_receiver() {
                None => RequestStream::answered(json),
                Some(receiver) => RequestStream::finished(receiver, json),
            }
        }
        FirstPoll::Waiting(task) => {
            let sender = related.sender();
            let mut receiver = related
                .take_receiver()
                .expect("the transport alone takes the receiver");
            // The channel closes when the request ends (its `Context` holds the rest).
            drop(related);
            tokio::spawn(async move {
                if let Some(Some(json)) = task.await {
                    let _ = sender.send(Outgoing::Response(json)).await;
                }
            });
            let Some(first) = receiver.recv().await else {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the request ended without a response",
                );
            };
            RequestStream::live(first, receiver)
        }
    };

    let mut response = if new_session {
        let mut builder = HttpResponse::Ok();
        builder.insert_header((SESSION_HEADER, session.session().id().to_owned()));
        builder
    } else {
        HttpResponse::Ok()
    };
    // A request that only answers gets a plain JSON body (the cheapest for both sides); one
    // that sends messages on the way (logs, progress, requests to the client) gets an SSE
    // stream carrying them and then its response.
    let stream = match stream.only_response() {
        Ok(json) if !app.sse_responses => {
            return response.content_type("application/json").body(json);
        }
        Ok(json) => RequestStream::answered(json),
        Err(stream) => stream,
    };
    // `identity` also keeps a compression middleware (`actix_web::middleware::Compress`) from
    // holding events back in its compressor, as `Sse`'s own responder does for GET streams.
    response
        .content_type("text/event-stream")
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .body(Sse::from_stream(stream))
}

/// The session of one stateless request: initialized at the revision its
/// `MCP-Protocol-Version` header names, owned by whoever authenticated it.
fn stateless_session(req: &HttpRequest) -> Session {
    let version = header_str(req, VERSION_HEADER).unwrap_or(DEFAULT_HEADER_VERSION);
    let session = Session::stateless(version);
    let _ = session.bind_identity(crate::auth::request_identity(req));
    session
}

/// A POST carrying a JSON-RPC batch (revisions up to 2025-03-26): answered with one JSON array
/// of the responses once every request in it has answered, or `202` when it held none.
async fn post_batch(
    app: &StreamableHttpApp,
    req: &HttpRequest,
    elements: Vec<Value>,
) -> HttpResponse {
    let server = &app.server;
    let session = if app.stateless {
        stateless_session(req)
    } else {
        match find_session(server, req) {
            Ok(http) => http.session.clone(),
            Err(response) => return *response,
        }
    };
    if let Err(error) = server.batch_allowed(&session) {
        return HttpResponse::BadRequest().json(Response::error(None, error));
    }
    let responses = server.handle_batch(&session, elements).await;
    if responses.is_empty() {
        return HttpResponse::Accepted().finish();
    }
    HttpResponse::Ok()
        .content_type("application/json")
        .body(batch_json(&responses))
}

/// The session a POST runs in: a stored one, or one made for this request alone (stateless).
#[derive(Clone)]
enum SessionRef {
    Http(Arc<HttpSession>),
    Owned(Session),
}

impl SessionRef {
    fn session(&self) -> &Session {
        match self {
            SessionRef::Http(http) => &http.session,
            SessionRef::Owned(session) => session,
        }
    }
}

/// The SSE stream answering one POST: its messages, the response last.
struct RequestStream {
    first: Option<Outgoing>,
    receiver: Option<mpsc::Receiver<Outgoing>>,
    /// The response, when the request finished before the stream began: it follows the
    /// messages queued in `receiver`.
    last: Option<String>,
    /// The response was sent: the stream ends, even if a tool kept its `Context` alive.
    answered: bool,
}

impl RequestStream {
    /// A request that finished having sent nothing else.
    fn answered(response: String) -> Self {
        RequestStream {
            first: Some(Outgoing::Response(response)),
            receiver: None,
            last: None,
            answered: false,
        }
    }

    /// A request that finished, with what it sent on the way queued in `receiver`.
    fn finished(receiver: mpsc::Receiver<Outgoing>, response: String) -> Self {
        RequestStream {
            first: None,
            receiver: Some(receiver),
            last: Some(response),
            answered: false,
        }
    }

    /// A request still running, which has sent `first`.
    fn live(first: Outgoing, receiver: mpsc::Receiver<Outgoing>) -> Self {
        RequestStream {
            first: Some(first),
            receiver: Some(receiver),
            last: None,
            answered: false,
        }
    }

    /// The response, when it is the only message: it can go as a plain JSON body.
    fn only_response(self) -> Result<String, Self> {
        match self {
            RequestStream {
                first: Some(Outgoing::Response(json)),
                ..
            } => Ok(json),
            stream => Err(stream),
        }
    }

    fn next_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Outgoing>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(first));
        }
        let Some(receiver) = &mut self.receiver else {
            return Poll::Ready(None);
        };
        if self.last.is_some() {
            // Everything queued was sent before the response: drain it, then the response.
            return Poll::Ready(match receiver.try_recv() {
                Ok(message) => Some(message),
                Err(_) => self.last.take().map(Outgoing::Response),
            });
        }
        receiver.poll_recv(cx)
    }
}

impl Stream for RequestStream {
    type Item = Result<sse::Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.answered {
            return Poll::Ready(None);
        }
        self.next_message(cx).map(|message| {
            message.map(|message| {
                let json = match message {
                    Outgoing::Related(json) => json,
                    Outgoing::Response(json) => {
                        self.answered = true;
                        json
                    }
                };
                Ok(sse::Event::Data(sse::Data::new(json).event("message")))
            })
        })
    }
}

async fn open_stream(app: StreamableHttpApp, req: HttpRequest) -> HttpResponse {
    if let Err(response) = check_request(&app, &req) {
        return *response;
    }
    if app.stateless {
        return stateless_rejection("it has no GET stream");
    }
    if !accepts(&req, &["text/event-stream"]) {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable: the Accept header must list text/event-stream",
        );
    }
    let http = match find_session(&app.server, &req) {
        Ok(http) => http,
        Err(response) => return *response,
    };
    let resume_after = header_str(&req, LAST_EVENT_ID).and_then(|id| id.trim().parse::<u64>().ok());
    let inner = &app.server.inner;
    let (sender, receiver) = mpsc::channel(inner.outbound_capacity);
    let mut backlog = VecDeque::new();
    let generation = {
        let mut stream = lock(&http.stream);
        if stream
            .sender
            .as_ref()
            .is_some_and(|sender| !sender.is_closed())
        {
            return error(
                StatusCode::CONFLICT,
                "Conflict: this session already has an open GET stream; close it first",
            );
        }
        let primes = http
            .session
            .negotiated()
            .is_some_and(|n| n.protocol_version >= "2025-11-25");
        if primes {
            // The priming event gives the client an id to resume from before anything is sent.
            let id = stream.last_id.to_string();
            backlog.push_back(sse::Event::Data(sse::Data::new("").id(id)));
        }
        if let Some(after) = resume_after {
            for (id, message) in stream.history.iter().filter(|(id, _)| *id > after) {
                let data = sse::Data::new(message.clone())
                    .event("message")
                    .id(id.to_string());
                backlog.push_back(sse::Event::Data(data));
            }
        }
        stream.sender = Some(sender);
        stream.generation += 1;
        stream.generation
    };
    let events = ServerEvents {
        backlog,
        receiver,
        _guard: StreamGuard { http, generation },
    };
    Sse::from_stream(events)
        .with_keep_alive(inner.sse_keep_alive)
        .with_retry_duration(inner.sse_retry)
        .customize()
        .insert_header(("X-Accel-Buffering", "no"))
        .respond_to(&req)
        .map_into_boxed_body()
}

/// The GET stream: replayed history first, then live messages.
struct ServerEvents {
    backlog: VecDeque<sse::Event>,
    receiver: mpsc::Receiver<sse::Event>,
    _guard: StreamGuard,
}

impl Stream for ServerEvents {
    type Item = Result<sse::Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(event) = self.backlog.pop_front() {
            return Poll::Ready(Some(Ok(event)));
        }
        self.receiver.poll_recv(cx).map(|event| event.map(Ok))
    }
}

/// Marks the session's stream closed when the client goes away (unless a newer one replaced it).
struct StreamGuard {
    http: Arc<HttpSession>,
    generation: u64,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut stream = lock(&self.http.stream);
        if stream.generation == self.generation {
            stream.sender = None;
        }
        self.http.touch();
    }
}

async fn end_session(app: StreamableHttpApp, req: HttpRequest) -> HttpResponse {
    if let Err(response) = check_request(&app, &req) {
        return *response;
    }
    if app.stateless {
        return stateless_rejection("there is no session to end");
    }
    match find_session(&app.server, &req) {
        Ok(http) => {
            app.server
                .inner
                .http_sessions
                .lock()
                .remove(http.session.id());
            // Closing the stream ends the client's GET request too.
            lock(&http.stream).sender = None;
            HttpResponse::Ok().finish()
        }
        Err(response) => *response,
    }
}
