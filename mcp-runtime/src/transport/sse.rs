//! The HTTP+SSE transport (MCP 2024-11-05), as an actix-web service mountable at any path.
//!
//! ```text
//! GET  <prefix>/sse                        -> 200 text/event-stream
//!      event: endpoint
//!      data: <prefix>/messages/?session_id=<id>
//! POST <prefix>/messages/?session_id=<id>  -> 202; the JSON-RPC reply arrives on the stream
//!      event: message
//!      data: {"jsonrpc":"2.0","id":1,"result":{..}}
//! ```
//!
//! A session lives as long as its stream: when the client closes the connection, the session
//! ends and later POSTs get `404`. Actix notices a closed connection at once when the
//! `HttpServer` is built with `.h1_allow_half_closed(false)`; otherwise only at the stream's
//! next write (its next keep-alive at the latest).

use std::any::Any;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, Responder};
use actix_web_lab::sse::{self, Sse};
use futures_core::Stream;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::http::{body_error, refused, request_identity, HttpOptions};
use crate::dispatch::{serve_read, Rejected, Reply};
use crate::protocol::Eras;
use crate::server::Server;
use crate::session::{
    new_session_id, IdentityMismatch, Lookup, Outbound, Session, SessionRegistry, Transport,
};

const TRANSPORT: Transport = Transport {
    name: "sse",
    admitted: true,
    // A session lives exactly as long as its stream.
    idle_timeout: None,
};

/// The actix-web service returned by [`Server::sse_app`] and [`sse_app`](crate::sse_app).
///
/// Mount it with `App::service` or `Scope::service`; it adds the routes `/sse`, `/messages` and
/// `/messages/` under wherever it is mounted, and announces the right URIs to clients.
///
/// A session lives as long as its stream. Build the `HttpServer` with
/// `.h1_allow_half_closed(false)` so that a client closing its connection ends its session at
/// once: actix otherwise notices only at the stream's next write (a keep-alive at the latest),
/// and in between accepts POSTs whose replies have nowhere to go.
#[must_use = "an SseApp does nothing until it is mounted with App::service or Scope::service"]
#[derive(Clone)]
pub struct SseApp {
    server: Server,
    options: HttpOptions,
}

impl Server {
    /// The HTTP+SSE transport of this server, to mount in an actix-web app or scope.
    ///
    /// Call it inside the `HttpServer::new` factory (once per worker): every worker's service
    /// shares this server's sessions, so a POST finds its stream whichever worker holds it.
    pub fn sse_app(&self) -> SseApp {
        SseApp {
            server: self.clone(),
            options: HttpOptions::default(),
        }
    }
}

impl SseApp {
    /// Serves with these settings instead of the defaults.
    pub fn options(mut self, options: HttpOptions) -> Self {
        self.options = options;
        self
    }

    /// How many HTTP+SSE sessions of this server are open.
    pub fn session_count(&self) -> usize {
        self.server.sessions().count(Some(TRANSPORT.name))
    }
}

impl HttpServiceFactory for SseApp {
    fn register(self, config: &mut AppService) {
        let app = self.clone();
        web::resource("/sse")
            .route(web::get().to(move |req: HttpRequest| open_stream(app.clone(), req)))
            .register(config);
        // Two static resources, not the pattern set `["/messages", "/messages/"]`, which
        // actix-web would match with a regex on every request; and no method guard, which
        // costs an allocation per request: the handler checks the method.
        for path in ["/messages", "/messages/"] {
            let app = self.clone();
            web::resource(path)
                .app_data(web::PayloadConfig::new(self.options.max_body_bytes))
                .default_service(web::to(
                    move |req: HttpRequest,
                          query: web::Query<SessionQuery>,
                          body: Result<web::Bytes, actix_web::Error>| {
                        post_message(app.clone(), req, query.into_inner(), body)
                    },
                ))
                .register(config);
        }
    }
}

/// The sending end of a session's stream. Closing it drops the only sender, so the stream ends
/// and the client sees its connection finish.
struct SseOutbound {
    sender: Mutex<Option<mpsc::Sender<sse::Event>>>,
    /// Where the session is registered, to end it when its client stops reading. Weak: the
    /// registry holds the session, which holds this.
    registry: Weak<SessionRegistry>,
    id: String,
    capacity: usize,
}

impl Outbound for SseOutbound {
    fn send(&self, message: String) -> bool {
        let event = sse::Event::Data(sse::Data::new(message).event("message"));
        let sent = match self.slot().as_ref() {
            Some(sender) => sender.try_send(event),
            None => return false,
        };
        match sent {
            Ok(()) => true,
            // The client has gone: its stream's guard ends the session.
            Err(mpsc::error::TrySendError::Closed(_)) => false,
            // A client that stopped reading would make the server hold ever more for it.
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(
                    session = %self.id,
                    capacity = self.capacity,
                    "closing an SSE session whose client stopped reading its stream (queue full)"
                );
                match self.registry.upgrade().and_then(|r| r.remove(&self.id)) {
                    Some(session) => session.close(),
                    None => self.close(),
                }
                false
            }
        }
    }

    fn close(&self) {
        self.slot().take();
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl SseOutbound {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<mpsc::Sender<sse::Event>>> {
        self.sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

async fn open_stream(app: SseApp, req: HttpRequest) -> HttpResponse {
    let server = &app.server;
    if let Err(reason) = app.options.host_policy.check(&req) {
        return plain(StatusCode::FORBIDDEN, format!("Forbidden: {reason}"));
    }
    if let Err(refusal) = server.admit_session() {
        return refused("text/plain; charset=utf-8", refusal.message());
    }
    // The prefix is wherever this service was mounted: the request path minus our own "/sse".
    let prefix = req.path().strip_suffix("/sse").unwrap_or_default();
    let id = new_session_id();
    let capacity = app.options.outbound_queue;
    let (sender, receiver) = mpsc::channel(capacity);
    let endpoint = format!("{prefix}/messages/?session_id={id}");
    sender
        .try_send(sse::Event::Data(sse::Data::new(endpoint).event("endpoint")))
        .expect("a new channel has room for the first event");
    let session = Session::with_outbound(
        id.clone(),
        SseOutbound {
            sender: Mutex::new(Some(sender)),
            registry: Arc::downgrade(server.sessions()),
            id: id.clone(),
            capacity,
        },
    );
    // `BearerAuth` (if any) verified this request: the session belongs to that identity.
    let identity = request_identity(&req);
    let _ = session.bind_identity(identity.clone());
    // Replicas sharing Redis: the others learn that this one holds the stream (before the
    // client hears the endpoint, so that its first POST may land anywhere).
    #[cfg(feature = "redis")]
    if let Some(redis) = server.redis() {
        let subject = identity.as_ref().map(|identity| identity.subject());
        if let Err(unavailable) = redis.claim_sse(&id, subject).await {
            return refused("text/plain; charset=utf-8", unavailable.0);
        }
    }
    server.sessions().insert(session, TRANSPORT);
    tracing::debug!(session = %id, "SSE session opened");
    let stream = SessionStream {
        receiver,
        _guard: SessionGuard {
            registry: Arc::clone(server.sessions()),
            id,
            #[cfg(feature = "redis")]
            redis: server.redis().cloned(),
        },
    };
    Sse::from_stream(stream)
        .with_keep_alive(app.options.keep_alive)
        .customize()
        .insert_header(("X-Accel-Buffering", "no"))
        .respond_to(&req)
        .map_into_boxed_body()
}

/// The query of a POST: Python clients send `session_id`, TypeScript and Go ones `sessionId`.
#[derive(Deserialize)]
struct SessionQuery {
    session_id: Option<String>,
    #[serde(rename = "sessionId")]
    session_id_camel: Option<String>,
}

async fn post_message(
    app: SseApp,
    req: HttpRequest,
    query: SessionQuery,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    if req.method() != Method::POST {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "POST"))
            .body("send messages with POST");
    }
    if let Err(reason) = app.options.host_policy.check(&req) {
        return plain(StatusCode::FORBIDDEN, format!("Forbidden: {reason}"));
    }
    let body = match body {
        Ok(body) => body,
        Err(err) => {
            let (status, message) = body_error(&err, app.options.max_body_bytes);
            return plain(status, message);
        }
    };
    // Replicas sharing Redis: a session another replica holds gets the POST from there.
    #[cfg(feature = "redis")]
    if let Some(redis) = app.server.redis() {
        let id = query
            .session_id
            .as_ref()
            .or(query.session_id_camel.as_ref());
        if let Some(id) = id {
            if !matches!(
                app.server.sessions().lookup(TRANSPORT.name, id),
                Lookup::Found(_)
            ) {
                return forward(redis, &req, id, &body).await;
            }
        }
    }
    let session = match find_session(&app, &req, query) {
        Ok(session) => session,
        Err(response) => return *response,
    };
    // HTTP+SSE is of the handshake era: a request's `_meta` makes it no modern one here.
    let reply = StreamReply(session.clone());
    match serve_read(&app.server, &session, &body, reply, Eras::Legacy).await {
        Ok(()) => plain(StatusCode::ACCEPTED, "Accepted".to_owned()),
        Err(Rejected::Undecodable(err)) => {
            // A client waiting on this id hears about it on the stream too.
            if err.id.is_some() {
                session.send_outbound(err.to_response().to_json());
            }
            plain(StatusCode::BAD_REQUEST, err.to_string())
        }
        Err(Rejected::Batch(error)) => plain(StatusCode::BAD_REQUEST, error.message),
    }
}

/// The session a POST names, or the response that explains why it cannot be served.
fn find_session(
    app: &SseApp,
    req: &HttpRequest,
    query: SessionQuery,
) -> Result<Session, Box<HttpResponse>> {
    let refuse = |status, message: String| Err(Box::new(plain(status, message)));
    let Some(id) = query.session_id.or(query.session_id_camel) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "missing session_id: POST to the URI announced by the `endpoint` event of the SSE \
             stream"
                .to_owned(),
        );
    };
    let Lookup::Found(session) = app.server.sessions().lookup(TRANSPORT.name, &id) else {
        return refuse(
            StatusCode::NOT_FOUND,
            format!("unknown session `{id}`: it has ended or never existed; open a new SSE stream"),
        );
    };
    if session.bind_identity(request_identity(req)).is_err() {
        return refuse(StatusCode::FORBIDDEN, IdentityMismatch::MESSAGE.to_owned());
    }
    Ok(session)
}

/// A POST for a session another replica holds: checked here (it must be a message), then
/// forwarded there; answered with what that replica made of it.
#[cfg(feature = "redis")]
async fn forward(
    redis: &crate::shared::Redis,
    req: &HttpRequest,
    id: &str,
    body: &[u8],
) -> HttpResponse {
    use crate::shared::Forwarded;
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(_) => return plain(StatusCode::BAD_REQUEST, "the body is not UTF-8 JSON".into()),
    };
    if let Err(err) = crate::dispatch::Incoming::decode(body) {
        return plain(StatusCode::BAD_REQUEST, err.to_string());
    }
    let identity = request_identity(req);
    match redis.forward_sse(id, identity.as_ref(), text).await {
        Ok(Forwarded::Delivered) => plain(StatusCode::ACCEPTED, "Accepted".to_owned()),
        Ok(Forwarded::Unknown) => plain(
            StatusCode::NOT_FOUND,
            format!("unknown session `{id}`: it has ended or never existed; open a new SSE stream"),
        ),
        Ok(Forwarded::Forbidden) => {
            plain(StatusCode::FORBIDDEN, IdentityMismatch::MESSAGE.to_owned())
        }
        Ok(Forwarded::Refused(message)) => plain(StatusCode::BAD_REQUEST, message),
        Err(unavailable) => refused("text/plain; charset=utf-8", unavailable.0),
    }
}

/// Handles a POST another replica forwarded for a session of this one, as a POST of its own
/// (with the identity that POST carried); says what became of it.
#[cfg(feature = "redis")]
pub(crate) async fn deliver_forwarded(
    server: &Server,
    id: &str,
    identity: Option<crate::session::Identity>,
    body: Vec<u8>,
) -> crate::shared::Forwarded {
    use crate::shared::Forwarded;
    let Lookup::Found(session) = server.sessions().lookup(TRANSPORT.name, id) else {
        // Its stream ended: its record goes too, should its removal have been lost.
        if let Some(redis) = server.redis() {
            redis.release_sse(id);
        }
        return Forwarded::Unknown;
    };
    if session.bind_identity(identity).is_err() {
        return Forwarded::Forbidden;
    }
    let reply = StreamReply(session.clone());
    match serve_read(server, &session, &body, reply, Eras::Legacy).await {
        Ok(()) => Forwarded::Delivered,
        Err(Rejected::Undecodable(err)) => {
            if err.id.is_some() {
                session.send_outbound(err.to_response().to_json());
            }
            Forwarded::Refused(err.to_string())
        }
        Err(Rejected::Batch(error)) => Forwarded::Refused(error.message),
    }
}

/// Responses go on the session's stream, the only way HTTP+SSE has to the client.
struct StreamReply(Session);

impl Reply for StreamReply {
    fn send(self, json: String) -> impl Future<Output = ()> + Send {
        self.0.send_outbound(json);
        std::future::ready(())
    }
}

fn plain(status: StatusCode, text: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(text)
}

/// The stream of one session's events; dropping it (the client went away) ends the session.
struct SessionStream {
    receiver: mpsc::Receiver<sse::Event>,
    _guard: SessionGuard,
}

impl Stream for SessionStream {
    type Item = Result<sse::Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.receiver.poll_recv(cx).map(|event| event.map(Ok))
    }
}

struct SessionGuard {
    registry: Arc<SessionRegistry>,
    id: String,
    #[cfg(feature = "redis")]
    redis: Option<crate::shared::Redis>,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.redis {
            redis.release_sse(&self.id);
        }
        // The client went away: what it asked for can no longer be answered.
        if let Some(session) = self.registry.remove(&self.id) {
            session.cancel_all();
        }
        tracing::debug!(session = %self.id, "SSE session closed");
    }
}
