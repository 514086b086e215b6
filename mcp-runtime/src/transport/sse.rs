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

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, Responder};
use actix_web_lab::sse::{self, Sse};
use futures_core::Stream;
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::jsonrpc::{batch_elements, batch_json, Message};
use crate::server::Server;
use crate::session::{new_session_id, IdentityMismatch, Session};
use crate::transport::http::body_error;
use foldhash::HashMap as FastMap;

/// The actix-web service returned by [`Server::sse_app`] and [`sse_app`](crate::sse_app).
///
/// Mount it with `App::service` or `Scope::service`; it adds the routes `/sse`, `/messages` and
/// `/messages/` under wherever it is mounted, and announces the right URIs to clients.
#[must_use = "an SseApp does nothing until it is mounted with App::service or Scope::service"]
#[derive(Clone)]
pub struct SseApp {
    server: Server,
}

impl Server {
    /// The HTTP+SSE transport of this server, to mount in an actix-web app or scope.
    ///
    /// Call it inside the `HttpServer::new` factory (once per worker): every worker's service
    /// shares this server's sessions, so a POST finds its stream whichever worker holds it.
    pub fn sse_app(&self) -> SseApp {
        SseApp {
            server: self.clone(),
        }
    }
}

impl HttpServiceFactory for SseApp {
    fn register(self, config: &mut AppService) {
        let server = self.server.clone();
        web::resource("/sse")
            .route(web::get().to(move |req: HttpRequest| open_stream(server.clone(), req)))
            .register(config);
        // Two static resources, not the pattern set `["/messages", "/messages/"]`, which
        // actix-web would match with a regex on every request; and no method guard, which
        // costs an allocation per request: the handler checks the method.
        for path in ["/messages", "/messages/"] {
            let server = self.server.clone();
            web::resource(path)
                .app_data(web::PayloadConfig::new(server.inner.max_body_bytes))
                .default_service(web::to(
                    move |req: HttpRequest,
                          query: web::Query<SessionQuery>,
                          body: Result<web::Bytes, actix_web::Error>| {
                        let server = server.clone();
                        async move {
                            if req.method() != Method::POST {
                                return HttpResponse::MethodNotAllowed()
                                    .insert_header((header::ALLOW, "POST"))
                                    .body("send messages with POST");
                            }
                            post_message(server, req, query.into_inner(), body).await
                        }
                    },
                ))
                .register(config);
        }
    }
}

/// The sessions of one server's SSE transport.
#[derive(Default)]
pub(crate) struct SseSessions {
    map: Mutex<FastMap<String, SseSession>>,
}

#[derive(Clone)]
struct SseSession {
    session: Session,
    outbound: Arc<OutboundSlot>,
}

/// The sending end of a session's stream. Closing it drops the only sender, so the stream ends
/// and the client sees its connection finish.
struct OutboundSlot(Mutex<Option<mpsc::Sender<sse::Event>>>);

/// Why an event could not be queued.
enum Unsent {
    /// The client stopped reading: its queue is full.
    Full,
    /// The session is closed.
    Closed,
}

impl OutboundSlot {
    fn try_send(&self, event: sse::Event) -> Result<(), Unsent> {
        let slot = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match slot.as_ref().map(|sender| sender.try_send(event)) {
            Some(Ok(())) => Ok(()),
            Some(Err(mpsc::error::TrySendError::Full(_))) => Err(Unsent::Full),
            Some(Err(mpsc::error::TrySendError::Closed(_))) | None => Err(Unsent::Closed),
        }
    }

    fn close(&self) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
    }
}

impl SseSessions {
    fn insert(&self, id: String, session: SseSession) {
        self.lock().insert(id, session);
    }

    fn get(&self, id: &str) -> Option<SseSession> {
        self.lock().get(id).cloned()
    }

    /// Every open session.
    pub(crate) fn sessions(&self) -> Vec<Session> {
        self.lock()
            .values()
            .map(|entry| entry.session.clone())
            .collect()
    }

    fn remove(&self, id: &str) -> Option<SseSession> {
        self.lock().remove(id)
    }

    /// Ends a session: its stream finishes and later POSTs get `404`.
    fn close(&self, id: &str) {
        if let Some(entry) = self.remove(id) {
            entry.session.cancel_all();
            entry.outbound.close();
        }
    }

    /// Ends every session (the server is shutting down).
    pub(crate) fn close_all(&self) {
        let ids: Vec<String> = self.lock().keys().cloned().collect();
        for id in ids {
            self.close(&id);
        }
    }

    /// How many SSE sessions are open.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FastMap<String, SseSession>> {
        // A panic while holding this lock cannot leave the map half-updated (each operation is
        // one HashMap call), so a poisoned lock is still safe to use.
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Server {
    /// How many HTTP+SSE sessions are currently open.
    pub fn sse_session_count(&self) -> usize {
        self.inner.sse_sessions.len()
    }
}

async fn open_stream(server: Server, req: HttpRequest) -> HttpResponse {
    if let Err(reason) = server.inner.host_policy.check(&req) {
        return plain(StatusCode::FORBIDDEN, format!("Forbidden: {reason}"));
    }
    if let Err(refusal) = server.admit_session() {
        return refusal.into_plain_response();
    }
    // The prefix is wherever this service was mounted: the request path minus our own "/sse".
    let prefix = req.path().strip_suffix("/sse").unwrap_or_default();
    let id = new_session_id();
    let (sender, receiver) = mpsc::channel(server.inner.outbound_capacity);
    let endpoint = format!("{prefix}/messages/?session_id={id}");
    sender
        .try_send(sse::Event::Data(sse::Data::new(endpoint).event("endpoint")))
        .expect("a new channel has room for the first event");
    let outbound = Arc::new(OutboundSlot(Mutex::new(Some(sender))));
    let notifications = Arc::clone(&outbound);
    let session = Session::with_outbound(
        id.clone(),
        Box::new(move |message| {
            let event = sse::Event::Data(sse::Data::new(message).event("message"));
            notifications.try_send(event).is_ok()
        }),
    );
    // `BearerAuth` (if any) verified this request: the session belongs to that identity.
    let _ = session.bind_identity(crate::auth::request_identity(&req));
    server
        .inner
        .sse_sessions
        .insert(id.clone(), SseSession { session, outbound });
    tracing::debug!(session = %id, "SSE session opened");
    let keep_alive = server.inner.sse_keep_alive;
    let stream = SessionStream {
        receiver,
        _guard: SessionGuard { server, id },
    };
    Sse::from_stream(stream)
        .with_keep_alive(keep_alive)
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
    server: Server,
    req: HttpRequest,
    query: SessionQuery,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    if let Err(reason) = server.inner.host_policy.check(&req) {
        return plain(StatusCode::FORBIDDEN, format!("Forbidden: {reason}"));
    }
    let body = match body {
        Ok(body) => body,
        Err(err) => {
            let (status, message) = body_error(&err, server.inner.max_body_bytes);
            return plain(status, message);
        }
    };
    let Some(id) = query.session_id.or(query.session_id_camel) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "missing session_id: POST to the URI announced by the `endpoint` event of the SSE stream"
                .to_owned(),
        );
    };
    let Some(sse_session) = server.inner.sse_sessions.get(&id) else {
        return plain(
            StatusCode::NOT_FOUND,
            format!("unknown session `{id}`: it has ended or never existed; open a new SSE stream"),
        );
    };
    if sse_session
        .session
        .bind_identity(crate::auth::request_identity(&req))
        .is_err()
    {
        return plain(StatusCode::FORBIDDEN, IdentityMismatch::MESSAGE.to_owned());
    }
    if let Some(elements) = batch_elements(&body) {
        if let Err(error) = server.batch_allowed(&sse_session.session) {
            return plain(StatusCode::BAD_REQUEST, error.message);
        }
        // Its requests run concurrently, as single ones do; the array of their responses goes
        // on the stream when the last has answered.
        tokio::spawn(async move {
            let SseSession { session, outbound } = sse_session;
            let responses = server.handle_batch(&session, elements).await;
            if !responses.is_empty() {
                send(&server, &id, &outbound, batch_json(&responses));
            }
        });
        return plain(StatusCode::ACCEPTED, "Accepted".to_owned());
    }
    let message = match Message::from_slice(&body) {
        Ok(message) => message,
        Err(err) => {
            // A client waiting on this id hears about it on the stream too.
            if err.id.is_some() {
                send(
                    &server,
                    &id,
                    &sse_session.outbound,
                    err.to_response().to_json(),
                );
            }
            return plain(StatusCode::BAD_REQUEST, format!("{err}"));
        }
    };
    match message {
        Message::Request(_) => {
            // Requests run concurrently: a slow tool never holds up a `ping`.
            let counted = server.count_request();
            crate::features::run_or_spawn(async move {
                let SseSession { session, outbound } = sse_session;
                let response = server.handle_message_with(&session, message, None, Some(counted));
                if let Some(response) = response.await {
                    send(&server, &id, &outbound, response.to_json());
                }
            })
            .await;
        }
        other => {
            server.handle_notice(&sse_session.session, other);
        }
    }
    plain(StatusCode::ACCEPTED, "Accepted".to_owned())
}

/// Queues a response (or a batch's array of them) on the session's stream. A client that
/// stopped reading (its queue is full) would make the server hold ever more for it, so its
/// session is closed instead.
fn send(server: &Server, id: &str, outbound: &OutboundSlot, json: String) {
    let event = sse::Event::Data(sse::Data::new(json).event("message"));
    match outbound.try_send(event) {
        Ok(()) => {}
        // The client has gone: there is nobody left to tell.
        Err(Unsent::Closed) => {}
        Err(Unsent::Full) => {
            tracing::warn!(
                session = %id,
                capacity = server.inner.outbound_capacity,
                "closing an SSE session whose client stopped reading its stream (queue full)"
            );
            server.inner.sse_sessions.close(id);
        }
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
    server: Server,
    id: String,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        // The client went away: what it asked for can no longer be answered.
        if let Some(entry) = self.server.inner.sse_sessions.remove(&self.id) {
            entry.session.cancel_all();
        }
        tracing::debug!(session = %self.id, "SSE session closed");
    }
}
