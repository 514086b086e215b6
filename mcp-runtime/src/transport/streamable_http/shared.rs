//! Stateful sessions shared by the replicas of a deployment (feature `redis`; see
//! [`shared`](crate::shared)): any replica finds a session another one started, from its record
//! in Redis; a request there revalidates this replica's view of it and keeps it from
//! expiring, deployment-wide.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::stream::HttpStream;
use super::{header_str, rejection, StreamableHttpApp, SESSION_HEADER};
use crate::protocol::{negotiate_version, ErrorObject, Response, SERVER_UNAVAILABLE};
use crate::session::{new_session_id, IdentityMismatch, Negotiated, Session};
use crate::shared::{SessionRecord, SharedSessions, Unavailable};
use crate::transport::http::{refused, request_identity};

/// The shared sessions of a stateful app whose server has a Redis.
pub(super) fn of(app: &StreamableHttpApp) -> Option<&Arc<SharedSessions>> {
    app.server.shared_sessions().filter(|_| !app.stateless)
}

/// A new shared session, for an `initialize`.
pub(super) fn new_session(app: &StreamableHttpApp, shared: &Arc<SharedSessions>) -> Session {
    let id = new_session_id();
    let stream = HttpStream::shared(app.stream_history, Arc::clone(shared), id.clone());
    Session::shared(id, stream, shared.remote(), shared.first_request_id())
}

/// `503` with `Retry-After`: Redis is away for now.
pub(super) fn unavailable(unavailable: &Unavailable) -> Box<HttpResponse> {
    let body = Response::error(
        None,
        ErrorObject::new(SERVER_UNAVAILABLE, unavailable.0.clone()),
    );
    Box::new(refused("application/json", body.to_json()))
}

/// Admits a new session if the deployment has room (`max_sessions` counts every replica's).
pub(super) async fn admit(
    app: &StreamableHttpApp,
    shared: &SharedSessions,
    session: &Session,
) -> Result<(), Box<HttpResponse>> {
    let limit = app.server.max_sessions();
    match shared.admit(session.id(), limit).await {
        Ok(true) => Ok(()),
        Ok(false) => {
            tracing::warn!(
                limit,
                "refusing a new session: the deployment's session limit is reached"
            );
            let refusal = crate::server::SessionRefusal::TooMany { limit };
            let body = Response::error(
                None,
                ErrorObject::new(SERVER_UNAVAILABLE, refusal.message()),
            );
            Err(Box::new(refused("application/json", body.to_json())))
        }
        Err(err) => Err(unavailable(&err)),
    }
}

/// Records a session whose `initialize` succeeded here; `Err` (and the session is gone again)
/// when Redis cannot take it.
pub(super) async fn create(
    app: &StreamableHttpApp,
    shared: &SharedSessions,
    session: &Session,
) -> Result<(), Box<HttpResponse>> {
    let created = shared
        .create(session, app.session_idle_timeout, app.stream_history)
        .await;
    created.map_err(|err| {
        app.server.sessions().remove(session.id());
        unavailable(&err)
    })
}

/// The session a request names, from this replica's view of it or from Redis.
pub(super) async fn find(
    app: &StreamableHttpApp,
    shared: &Arc<SharedSessions>,
    req: &HttpRequest,
) -> Result<Session, Box<HttpResponse>> {
    let Some(id) = header_str(req, SESSION_HEADER) else {
        return Err(rejection(
            StatusCode::BAD_REQUEST,
            "missing Mcp-Session-Id header: send the id the server returned with `initialize`",
        ));
    };
    let gone = || {
        rejection(
            StatusCode::NOT_FOUND,
            "unknown or expired session: send `initialize` again to start a new one",
        )
    };
    let revision = shared
        .touch(id)
        .await
        .map_err(|err| unavailable(&err))?
        .ok_or_else(gone)?;
    let session = match shared.view(id) {
        Some((session, seen)) if seen == revision => session,
        known => {
            let record = shared
                .fetch(id)
                .await
                .map_err(|err| unavailable(&err))?
                .ok_or_else(gone)?;
            match known {
                Some((session, _)) => {
                    shared.refresh_view(&session, record);
                    session
                }
                None => view_of(app, shared, id, record),
            }
        }
    };
    session.touch();
    let forbidden = || rejection(StatusCode::FORBIDDEN, IdentityMismatch::MESSAGE);
    let identity = request_identity(req);
    // A session started without an identity belongs to the first one seen on any replica:
    // claimed in Redis before this replica's view is bound to it.
    if let (None, Some(identity)) = (session.identity(), &identity) {
        match shared.claim_identity(id, identity).await {
            Ok(true) => {}
            Ok(false) => return Err(forbidden()),
            Err(err) => return Err(unavailable(&err)),
        }
    }
    if session.bind_identity(identity).is_err() {
        return Err(forbidden());
    }
    Ok(session)
}

/// This replica's view of a session another one started.
fn view_of(
    app: &StreamableHttpApp,
    shared: &Arc<SharedSessions>,
    id: &str,
    record: SessionRecord,
) -> Session {
    let stream = HttpStream::shared(app.stream_history, Arc::clone(shared), id.to_owned());
    let session = Session::shared(id, stream, shared.remote(), shared.first_request_id());
    session.set_negotiated(Negotiated::new(
        negotiate_version(&record.protocol_version),
        record.client_info,
        record.client_capabilities,
    ));
    let _ = session.bind_identity(record.identity);
    session.set_log_level_code(record.log_level);
    session.set_subscriptions(record.subscriptions);
    shared.keep_view(session, record.revision, app.session_idle_timeout)
}

/// How often a replica holding a session's stream keeps its record from expiring.
pub(super) fn refresh_every(app: &StreamableHttpApp) -> Duration {
    (app.session_idle_timeout / 3).clamp(Duration::from_millis(500), Duration::from_secs(60))
}
