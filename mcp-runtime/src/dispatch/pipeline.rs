//! The incoming-message pipeline every transport calls: decode what one read carried (a
//! message, or a JSON-RPC batch where the session's revision has them), handle notices at
//! once, accept requests (counted as running from that moment), and run them.
//!
//! Transports that answer requests with messages of their own (HTTP+SSE, stdio) hand a whole
//! read to [`serve_read`]; Streamable HTTP, which answers each POST with a body or a stream of
//! its own, uses the steps: [`Incoming::decode`], [`Server::receive`] and [`Accepted::run`].

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

use super::handshake;
use crate::context::RelatedStream;
use crate::protocol::meta::{is_modern_request, ModernMeta};
use crate::protocol::Eras;
use crate::protocol::{
    batch_elements, batch_json, has_batches, DecodeError, ErrorObject, Message, Request, RequestId,
    Response, INVALID_REQUEST, LAST_VERSION_WITH_BATCHES,
};
use crate::server::{RequestGuard, Server};
use crate::session::Session;
use crate::task::run_or_spawn;

/// What one read of a transport carried: one message, or a JSON-RPC batch of them.
pub(crate) enum Incoming {
    Message(Message),
    Batch(Vec<Value>),
}

impl Incoming {
    /// Decodes a request body or a line of input.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Incoming, DecodeError> {
        match batch_elements(bytes) {
            Some(elements) => Ok(Incoming::Batch(elements)),
            None => Message::from_slice(bytes).map(Incoming::Message),
        }
    }
}

/// A request a session accepted: counted as running until it has answered.
pub(crate) struct Accepted {
    server: Server,
    session: Session,
    request: Request,
    counted: RequestGuard,
}

impl Accepted {
    /// `true` for `initialize`, which opens a session.
    pub(crate) fn is_initialize(&self) -> bool {
        self.request.method == "initialize"
    }

    /// Runs the request: its response, or `None` when the client cancelled it. What it sends
    /// on the way goes to `related` (the request's own stream, in Streamable HTTP), else to the
    /// session's stream.
    pub(crate) async fn run(self, related: Option<Arc<RelatedStream>>) -> Option<Response> {
        let Accepted {
            server,
            session,
            request,
            counted,
        } = self;
        server
            .run_request(&session, request, related, counted)
            .await
    }
}

impl Server {
    /// Takes one message of a session: a notification or a client's response is handled at
    /// once, with no future (so a transport's handler does not carry the dispatcher's state
    /// machine); a request is accepted, for the transport to run.
    pub(crate) fn receive(&self, session: &Session, message: Message) -> Option<Accepted> {
        match message {
            Message::Request(request) => Some(Accepted {
                server: self.clone(),
                session: session.clone(),
                request,
                counted: self.count_request(),
            }),
            Message::Notification(notification) => {
                let middleware = self.middleware();
                if !middleware.is_empty() {
                    let identity = session.identity();
                    for hook in middleware {
                        hook.on_notification(
                            &notification.method,
                            &notification.params,
                            identity.as_ref(),
                        );
                    }
                }
                handshake::notification(session, notification);
                None
            }
            Message::Response(response) => {
                handshake::client_response(session, response);
                None
            }
        }
    }

    /// Handles a JSON-RPC batch: every element as a message of its own, the requests
    /// concurrently. Returns the responses of its requests and the errors for elements that
    /// are not messages, in the batch's order (empty when it held only notifications and
    /// responses); `Err` is the `-32600` answering the whole batch when the session takes none.
    pub(crate) async fn receive_batch(
        &self,
        session: &Session,
        elements: Vec<Value>,
    ) -> Result<Vec<Response>, ErrorObject> {
        batch_allowed(session)?;
        enum Answer {
            Now(Response),
            Later(tokio::task::JoinHandle<Option<Response>>, RequestId),
        }
        let limit = self.max_requests_per_session();
        let mut requests = 0;
        let mut answers = Vec::with_capacity(elements.len());
        for element in elements {
            let request = match Message::from_value(element) {
                Err(error) => {
                    answers.push(Answer::Now(error.to_response()));
                    continue;
                }
                Ok(Message::Request(request)) => request,
                Ok(notice) => {
                    self.receive(session, notice);
                    continue;
                }
            };
            // The session's limit on running requests bounds a batch too, even in a session
            // made for one stateless POST (which counts no requests).
            let refusal = if requests == limit {
                Some(format!(
                    "a batch may hold at most {limit} requests \
                     (ServerBuilder::max_requests_per_session): send the rest in another"
                ))
            } else if request.method == "initialize" {
                Some("`initialize` must not be part of a JSON-RPC batch: send it alone".into())
            } else {
                None
            };
            if let Some(message) = refusal {
                let error = ErrorObject::new(INVALID_REQUEST, message);
                answers.push(Answer::Now(Response::error(Some(request.id), error)));
                continue;
            }
            requests += 1;
            let id = request.id.clone();
            let (server, session) = (self.clone(), session.clone());
            let task = tokio::spawn(async move {
                server
                    .handle_message(&session, Message::Request(request))
                    .await
            });
            answers.push(Answer::Later(task, id));
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
        Ok(responses)
    }
}

/// Whether `session` takes JSON-RPC batches: only after `initialize` (which a batch must not
/// carry), and only at revisions up to 2025-03-26, which require servers to accept them
/// (2025-06-18 removed them). `Err` is the `-32600` to answer the batch with.
fn batch_allowed(session: &Session) -> Result<(), ErrorObject> {
    match session.negotiated().map(|n| n.protocol_version) {
        Some(version) if has_batches(version) => Ok(()),
        Some(version) => Err(ErrorObject::new(
            INVALID_REQUEST,
            format!(
                "JSON-RPC batches are not supported in protocol revision {version} (they ended \
                 with {LAST_VERSION_WITH_BATCHES}): send one message per request"
            ),
        )),
        None => Err(ErrorObject::new(
            INVALID_REQUEST,
            "JSON-RPC batches are not supported before `initialize`, which must be sent alone: \
             initialize the session first",
        )),
    }
}

/// The session of a modern-era request that arrived on `connection`: `-32602` when its
/// `_meta` lacks what the era requires, `-32022` for a revision this server does not speak.
pub(crate) fn modern_session_on(
    connection: &Session,
    request: &mut Request,
) -> Result<Session, ErrorObject> {
    let meta = ModernMeta::take(&request.method, &mut request.params)?;
    let version = meta.version()?;
    Ok(Session::modern_on(connection, version, meta))
}

/// Where a message transport sends a response (or a batch's array of them).
pub(crate) trait Reply: Send + 'static {
    fn send(self, json: String) -> impl Future<Output = ()> + Send;
}

/// Why a whole read was refused.
pub(crate) enum Rejected {
    /// It was not a message: answer with the error (it carries the id, when one was found).
    Undecodable(DecodeError),
    /// A batch the session does not take.
    Batch(ErrorObject),
}

/// Everything one read of a message transport carried (HTTP+SSE, stdio): notices are handled
/// at once; a request runs in the caller's task until it has to wait, then in a task of its
/// own (so a slow tool never holds up the next read), except `initialize`, which is answered
/// before this returns (a client may send its first requests without waiting for it); a batch
/// runs in a task of its own. Every response goes to `reply`. `eras`: which eras the transport
/// serves (HTTP+SSE belongs to the handshake era alone).
pub(crate) async fn serve_read<R: Reply>(
    server: &Server,
    session: &Session,
    bytes: &[u8],
    reply: R,
    eras: Eras,
) -> Result<(), Rejected> {
    let mut message = match Incoming::decode(bytes).map_err(Rejected::Undecodable)? {
        Incoming::Message(message) => message,
        Incoming::Batch(elements) => {
            batch_allowed(session).map_err(Rejected::Batch)?;
            let (server, session) = (server.clone(), session.clone());
            tokio::spawn(async move {
                if let Ok(responses) = server.receive_batch(&session, elements).await {
                    if !responses.is_empty() {
                        reply.send(batch_json(&responses)).await;
                    }
                }
            });
            return Ok(());
        }
    };
    // A request naming a revision of the modern era runs in a session of its own, made from
    // its `_meta`; it answers on this connection, which can cancel it.
    let modern;
    let session = match &mut message {
        Message::Request(request) if eras.serves_as_modern(is_modern_request(&request.params)) => {
            match modern_session_on(session, request) {
                Ok(made) => {
                    modern = made;
                    &modern
                }
                Err(error) => {
                    let refused = Response::error(Some(request.id.clone()), error);
                    reply.send(refused.to_json()).await;
                    return Ok(());
                }
            }
        }
        _ => session,
    };
    let Some(accepted) = server.receive(session, message) else {
        return Ok(());
    };
    let initialize = accepted.is_initialize();
    let answer = async move {
        if let Some(response) = accepted.run(None).await {
            reply.send(response.to_json()).await;
        }
    };
    if initialize {
        // Boxed: rare, and inline it would make every read's future as large as a request's.
        Box::pin(answer).await;
    } else {
        run_or_spawn(answer).await;
    }
    Ok(())
}
