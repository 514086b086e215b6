//! A session's GET stream: the server-initiated messages of a Streamable HTTP session, with a
//! bounded history a client resumes from with `Last-Event-ID`; and DELETE, which ends the
//! session.

use std::any::Any;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Responder};
use actix_web_lab::sse::{self, Sse};
use futures_core::Stream;
use tokio::sync::mpsc;

use super::{
    check_handshake_version, check_request, error, header_str, locate, stateless_rejection,
    StreamableHttpApp, LAST_EVENT_ID,
};
use crate::session::{Outbound, Session};
use crate::transport::http::accepts;

/// The session's outbound: every server-initiated message is numbered and kept in the history,
/// and sent on the GET stream when one is open. For a session shared by replicas, the history
/// is in Redis, which numbers the messages and hands each to the replica holding the stream.
pub(super) struct HttpStream {
    state: Mutex<State>,
    #[cfg(feature = "redis")]
    // Weak: the shared sessions keep views of their sessions, which hold this.
    shared: Option<(std::sync::Weak<crate::shared::SharedSessions>, String)>,
}

struct State {
    sender: Option<mpsc::Sender<sse::Event>>,
    /// Counts the streams opened, so a closing stream only clears its own sender.
    generation: u64,
    last_id: u64,
    history: VecDeque<(u64, String)>,
    history_limit: usize,
}

impl HttpStream {
    pub(super) fn new(history_limit: usize) -> Self {
        HttpStream {
            state: Mutex::new(State {
                sender: None,
                generation: 0,
                last_id: 0,
                history: VecDeque::new(),
                history_limit,
            }),
            #[cfg(feature = "redis")]
            shared: None,
        }
    }

    /// The outbound of session `id`, shared by replicas.
    #[cfg(feature = "redis")]
    pub(super) fn shared(
        history_limit: usize,
        shared: std::sync::Arc<crate::shared::SharedSessions>,
        id: String,
    ) -> Self {
        HttpStream {
            shared: Some((std::sync::Arc::downgrade(&shared), id)),
            ..HttpStream::new(history_limit)
        }
    }

    /// The shared sessions this session is one of, and its id, while they exist.
    #[cfg(feature = "redis")]
    fn shared_sessions(&self) -> Option<(std::sync::Arc<crate::shared::SharedSessions>, &str)> {
        let (shared, id) = self.shared.as_ref()?;
        Some((shared.upgrade()?, id.as_str()))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Outbound for HttpStream {
    /// Records a server-initiated message and sends it if a stream is open; a stream that
    /// cannot keep up is closed, and its client resumes from the history with `Last-Event-ID`.
    fn send(&self, message: String) -> bool {
        self.send_notice(message, None)
    }

    fn send_notice(&self, message: String, _notice: Option<&str>) -> bool {
        #[cfg(feature = "redis")]
        if let Some((shared, id)) = &self.shared {
            return shared
                .upgrade()
                .is_some_and(|shared| shared.append(id, message, _notice));
        }
        let mut state = self.state();
        state.last_id += 1;
        let event = sse::Data::new(message.clone())
            .event("message")
            .id(state.last_id.to_string());
        if state.history.len() == state.history_limit {
            state.history.pop_front();
        }
        let id = state.last_id;
        state.history.push_back((id, message));
        let Some(sender) = &state.sender else {
            return false;
        };
        let sent = sender.try_send(sse::Event::Data(event)).is_ok();
        if !sent {
            state.sender = None;
        }
        sent
    }

    fn close(&self) {
        self.state().sender = None;
    }

    fn deliver_event(&self, generation: u64, id: u64, message: String) {
        let mut state = self.state();
        if state.generation != generation {
            return;
        }
        let Some(sender) = &state.sender else {
            return;
        };
        let event = sse::Data::new(message).event("message").id(id.to_string());
        if sender.try_send(sse::Event::Data(event)).is_err() {
            // Too slow: its client resumes from the shared history with `Last-Event-ID`.
            state.sender = None;
        }
    }

    fn is_open(&self) -> bool {
        self.state()
            .sender
            .as_ref()
            .is_some_and(|sender| !sender.is_closed())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// GET: opens the session's stream (one at a time), replaying what the client missed.
pub(super) async fn open(app: StreamableHttpApp, req: HttpRequest) -> HttpResponse {
    if let Err(response) =
        check_request(&app, &req).and_then(|()| check_handshake_version(&app, &req))
    {
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
    let session = match locate(&app, &req).await {
        Ok(session) => session,
        Err(response) => return *response,
    };
    let outbound = session
        .outbound::<HttpStream>()
        .expect("Streamable HTTP sessions have a stream");
    let resume_after = header_str(&req, LAST_EVENT_ID).and_then(|id| id.trim().parse::<u64>().ok());
    // The priming event gives the client an id to resume from before anything is sent.
    let primes = session
        .negotiated()
        .is_some_and(|n| n.protocol_version >= "2025-11-25");
    let (sender, receiver) = mpsc::channel(app.options.outbound_queue);
    let mut backlog = VecDeque::new();
    let generation = {
        let mut state = outbound.state();
        if state.sender.as_ref().is_some_and(|s| !s.is_closed()) {
            return error(
                StatusCode::CONFLICT,
                "Conflict: this session already has an open GET stream; close it first",
            );
        }
        if primes {
            backlog.push_back(sse::Event::Data(
                sse::Data::new("").id(state.last_id.to_string()),
            ));
        }
        let missed = state
            .history
            .iter()
            .filter(|(id, _)| resume_after.is_some_and(|after| *id > after));
        for (id, message) in missed {
            let data = sse::Data::new(message.clone()).event("message");
            backlog.push_back(sse::Event::Data(data.id(id.to_string())));
        }
        state.sender = Some(sender);
        state.generation += 1;
        #[cfg(feature = "redis")]
        if let Some((shared, _)) = outbound.shared_sessions() {
            // Numbered for the whole process: Redis tells which stream an event is for.
            state.generation = shared.next_generation();
            backlog.clear();
        }
        state.generation
    };
    #[cfg(feature = "redis")]
    if let Some((shared, _)) = outbound.shared_sessions() {
        let opened = shared
            .open_stream(
                &session,
                generation,
                resume_after,
                app.transport(),
                super::shared::refresh_every(&app),
            )
            .await;
        let refused = match opened {
            Ok(crate::shared::Opened::Open { last, missed }) => {
                if primes {
                    backlog.push_back(sse::Event::Data(sse::Data::new("").id(last.to_string())));
                }
                for (id, message) in missed {
                    let data = sse::Data::new(message).event("message");
                    backlog.push_back(sse::Event::Data(data.id(id.to_string())));
                }
                None
            }
            Ok(crate::shared::Opened::Conflict) => Some(error(
                StatusCode::CONFLICT,
                "Conflict: this session already has an open GET stream; close it first",
            )),
            Ok(crate::shared::Opened::Gone) => Some(error(
                StatusCode::NOT_FOUND,
                "unknown or expired session: send `initialize` again to start a new one",
            )),
            Err(err) => Some(*super::shared::unavailable(&err)),
        };
        if let Some(response) = refused {
            let mut state = outbound.state();
            if state.generation == generation {
                state.sender = None;
            }
            return response;
        }
    }
    let events = ServerEvents {
        backlog,
        receiver,
        _guard: StreamGuard {
            session,
            generation,
        },
    };
    Sse::from_stream(events)
        .with_keep_alive(app.options.keep_alive)
        .with_retry_duration(app.retry)
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

/// Marks the session's stream closed when the client goes away (unless a newer one replaced
/// it); the session's idle time counts from then.
struct StreamGuard {
    session: Session,
    generation: u64,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        if let Some(outbound) = self.session.outbound::<HttpStream>() {
            let mut state = outbound.state();
            if state.generation == self.generation {
                state.sender = None;
            }
            drop(state);
            #[cfg(feature = "redis")]
            if let Some((shared, id)) = outbound.shared_sessions() {
                shared.close_stream(id, self.generation);
            }
        }
        self.session.touch();
    }
}

/// DELETE: ends the session; its GET stream ends too.
pub(super) async fn end(app: StreamableHttpApp, req: HttpRequest) -> HttpResponse {
    if let Err(response) =
        check_request(&app, &req).and_then(|()| check_handshake_version(&app, &req))
    {
        return *response;
    }
    if app.stateless {
        return stateless_rejection("there is no session to end");
    }
    match locate(&app, &req).await {
        #[cfg(feature = "redis")]
        Ok(session) if super::shared::of(&app).is_some() => {
            let shared = super::shared::of(&app).expect("checked");
            match shared.end(session.id()).await {
                Ok(true) => HttpResponse::Ok().finish(),
                Ok(false) => error(
                    StatusCode::NOT_FOUND,
                    "unknown or expired session: send `initialize` again to start a new one",
                ),
                Err(err) => *super::shared::unavailable(&err),
            }
        }
        Ok(session) => {
            app.server.sessions().remove(session.id());
            if let Some(outbound) = session.outbound::<HttpStream>() {
                outbound.close();
            }
            HttpResponse::Ok().finish()
        }
        Err(response) => *response,
    }
}
