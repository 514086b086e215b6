//! POST: one JSON-RPC message (or, up to 2025-03-26, a batch). A request is answered with a
//! JSON body when it only answers, or with an SSE stream carrying what it sends on the way
//! and then its response; anything else with `202`.

use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use actix_web_lab::sse::Sse;
use serde_json::Value;

use super::modern;
use super::request_stream::RequestStream;
use super::stream::HttpStream;
use super::{
    check_handshake_version, check_request, error, header_str, locate, StreamableHttpApp,
    DEFAULT_HEADER_VERSION, SESSION_HEADER, VERSION_HEADER,
};
use crate::context::{Answer, Outgoing, RelatedStream};
use crate::dispatch::{Accepted, Incoming};
use crate::protocol::{batch_json, Message, Response};
use crate::session::{new_session_id, Session};
use crate::task::{poll_first, AbortOnDrop, FirstPoll};
use crate::transport::http::{accepts, body_error, refused, request_identity};

pub(super) async fn post(
    app: StreamableHttpApp,
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    let body = match check(&app, &req, body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let message = match Incoming::decode(&body) {
        Ok(Incoming::Message(message)) => message,
        Ok(Incoming::Batch(elements)) => return Box::pin(post_batch(&app, &req, elements)).await,
        Err(err) => return HttpResponse::BadRequest().json(err.to_response()),
    };
    if modern::is_modern_post(&app, &req, &message) {
        return modern::post(&app, &req, message).await;
    }
    // Serving both eras, a POST that reaches here names no revision or a handshake one: its
    // header needs no other check (looking it up again showed in the profile).
    if app.server.eras() != crate::protocol::Eras::Both {
        if let Err(response) = check_handshake_version(&app, &req) {
            return *response;
        }
    }
    let (session, opens) = match session_for(&app, &req, &message).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let Some(accepted) = app.server.receive(&session, message) else {
        return HttpResponse::Accepted().finish();
    };
    // A new session is registered once its `initialize` has succeeded.
    let registers = opens.then(|| session.clone());
    let stream = match answer(&app, accepted, registers, false).await {
        Ok(stream) => stream,
        Err(response) => return response,
    };
    #[cfg(feature = "redis")]
    if let Err(response) = share(&app, &session, opens).await {
        return *response;
    }
    let mut response = HttpResponse::Ok();
    if opens {
        response.insert_header((SESSION_HEADER, session.id().to_owned()));
    }
    respond(&app, response, stream, always_ok)
}

/// Checks the request's headers and reads its body, or answers why not.
fn check(
    app: &StreamableHttpApp,
    req: &HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<web::Bytes, Box<HttpResponse>> {
    check_request(app, req)?;
    let body = body.map_err(|err| {
        let (status, message) = body_error(&err, app.options.max_body_bytes);
        Box::new(error(status, &message))
    })?;
    if !accepts(req, &["application/json", "text/event-stream"]) {
        return Err(Box::new(error(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable: the Accept header must list both application/json and text/event-stream",
        )));
    }
    let is_json = header_str(req, header::CONTENT_TYPE)
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(Box::new(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: send the JSON-RPC message with Content-Type: application/json",
        )));
    }
    Ok(body)
}

/// What a request of a session shared by replicas changed, shared before it is answered: a
/// new session's record, a new log level or subscription.
#[cfg(feature = "redis")]
async fn share(
    app: &StreamableHttpApp,
    session: &Session,
    opens: bool,
) -> Result<(), Box<HttpResponse>> {
    let Some(shared) = super::shared::of(app) else {
        return Ok(());
    };
    if opens && session.negotiated().is_some() {
        session.take_changes();
        return super::shared::create(app, shared, session).await;
    }
    if let Err(err) = shared.share_changes(session).await {
        return Err(super::shared::unavailable(&err));
    }
    Ok(())
}

/// The session a message runs in, and whether it opens it (`initialize` in a stateful app):
/// a new one, a stored one, or (stateless) one made for this request alone.
async fn session_for(
    app: &StreamableHttpApp,
    req: &HttpRequest,
    message: &Message,
) -> Result<(Session, bool), Box<HttpResponse>> {
    let is_initialize = matches!(message, Message::Request(r) if r.method == "initialize");
    let session = match (app.stateless, is_initialize) {
        (true, true) => Session::new(""),
        (true, false) => stateless_session(req),
        (false, true) => {
            app.server.admit_session().map_err(|refusal| {
                let body = Response::error(None, refusal_error(refusal));
                Box::new(refused("application/json", body.to_json()))
            })?;
            new_session(app).await?
        }
        (false, false) => return locate(app, req).await.map(|session| (session, false)),
    };
    // `BearerAuth` (if any) verified this request: the session belongs to that identity.
    let _ = session.bind_identity(request_identity(req));
    Ok((session, is_initialize && !app.stateless))
}

/// A new stateful session, admitted by the whole deployment when replicas share one.
async fn new_session(app: &StreamableHttpApp) -> Result<Session, Box<HttpResponse>> {
    #[cfg(feature = "redis")]
    if let Some(shared) = super::shared::of(app) {
        let session = super::shared::new_session(app, shared);
        super::shared::admit(app, shared, &session).await?;
        return Ok(session);
    }
    Ok(Session::with_outbound(
        new_session_id(),
        HttpStream::new(app.stream_history),
    ))
}

fn refusal_error(refusal: crate::server::SessionRefusal) -> crate::protocol::ErrorObject {
    crate::protocol::ErrorObject::new(crate::protocol::SERVER_UNAVAILABLE, refusal.message())
}

/// The session of one stateless request: initialized at the revision its
/// `MCP-Protocol-Version` header names, owned by whoever authenticated it.
fn stateless_session(req: &HttpRequest) -> Session {
    let version = header_str(req, VERSION_HEADER).unwrap_or(DEFAULT_HEADER_VERSION);
    let session = Session::stateless(version);
    let _ = session.bind_identity(request_identity(req));
    session
}

/// Runs a request in this task until it has to wait, then in a task of its own. In the
/// handshake era a client that disconnects does not cancel it (only `notifications/cancelled`
/// does); with `cancel_on_close` (MCP 2026-07-28) closing the response stream stops it. What
/// it sends on the way travels through a bounded channel, made when the first is sent.
pub(super) async fn answer(
    app: &StreamableHttpApp,
    accepted: Accepted,
    registers: Option<Session>,
    cancel_on_close: bool,
) -> Result<RequestStream, HttpResponse> {
    let related = RelatedStream::new(app.options.outbound_queue);
    let (registry, transport) = (Arc::clone(app.server.sessions()), app.transport());
    let task_related = Arc::clone(&related);
    let task = async move {
        let response = accepted.run(Some(task_related)).await?;
        // A failed `initialize` leaves no session behind.
        if let (Some(session), Ok(_)) = (registers, &response.outcome) {
            registry.insert(session, transport);
        }
        Some(Answer::of(&response))
    };
    let ended = || {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request ended without a response",
        )
    };
    match poll_first(task).await {
        FirstPoll::Finished(answer) => {
            let answer = answer.flatten().ok_or_else(ended)?;
            // What the request sent on the way is queued already, and comes first.
            Ok(match related.take_receiver() {
                None => RequestStream::answered(answer),
                Some(receiver) => RequestStream::finished(receiver, answer),
            })
        }
        FirstPoll::Waiting(task) => {
            let sender = related.sender();
            let mut receiver = related
                .take_receiver()
                .expect("the transport alone takes the receiver");
            // The channel closes when the request ends (its `Context` holds the rest).
            drop(related);
            let spawned = tokio::spawn(async move {
                if let Some(Some(answer)) = task.await {
                    let _ = sender.send(Outgoing::Response(answer)).await;
                }
            });
            // Dropped with this future (the client went away before anything was sent) or
            // with the stream.
            let guard = cancel_on_close.then(|| AbortOnDrop::new(&spawned));
            let first = receiver.recv().await.ok_or_else(ended)?;
            if matches!(first, Outgoing::Response(_)) {
                if let Some(guard) = guard {
                    guard.forget();
                }
                return Ok(RequestStream::live(first, receiver, None));
            }
            Ok(RequestStream::live(first, receiver, guard))
        }
    }
}

/// A request that only answers gets a plain JSON body (the cheapest for both sides) with the
/// status `status_of` gives its error code; one that sends messages on the way (logs,
/// progress, requests to the client) gets an SSE stream carrying them and then its response.
pub(super) fn respond(
    app: &StreamableHttpApp,
    mut response: HttpResponseBuilder,
    stream: RequestStream,
    status_of: fn(Option<i64>) -> StatusCode,
) -> HttpResponse {
    let stream = match stream.only_response() {
        Ok(answer) if !app.sse_responses => {
            return response
                .status(status_of(answer.error_code))
                .content_type("application/json")
                .body(answer.json);
        }
        Ok(answer) => RequestStream::answered(answer),
        Err(stream) => stream,
    };
    // Keep-alive comments keep an idle stream (a `subscriptions/listen`, a slow tool) from
    // being cut by proxies that close quiet connections. `identity` also keeps a compression middleware (`actix_web::middleware::Compress`) from
    // holding events back in its compressor, as `Sse`'s own responder does for GET streams.
    response
        .content_type("text/event-stream")
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .body(Sse::from_stream(stream).with_keep_alive(app.options.keep_alive))
}

/// In the handshake era every answered request is `200`, errors included.
fn always_ok(_error_code: Option<i64>) -> StatusCode {
    StatusCode::OK
}

/// A POST carrying a JSON-RPC batch (revisions up to 2025-03-26): answered with one JSON array
/// of the responses once every request in it has answered, or `202` when it held none.
async fn post_batch(
    app: &StreamableHttpApp,
    req: &HttpRequest,
    elements: Vec<Value>,
) -> HttpResponse {
    if let Err(response) = check_handshake_version(app, req) {
        return *response;
    }
    let session = if app.stateless {
        stateless_session(req)
    } else {
        match locate(app, req).await {
            Ok(session) => session,
            Err(response) => return *response,
        }
    };
    let answered = app.server.receive_batch(&session, elements).await;
    #[cfg(feature = "redis")]
    if let Err(response) = share(app, &session, false).await {
        return *response;
    }
    match answered {
        Err(error) => HttpResponse::BadRequest().json(Response::error(None, error)),
        Ok(responses) if responses.is_empty() => HttpResponse::Accepted().finish(),
        Ok(responses) => HttpResponse::Ok()
            .content_type("application/json")
            .body(batch_json(&responses)),
    }
}
