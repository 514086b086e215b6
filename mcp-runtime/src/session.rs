//! The protocol state of one client connection, whatever transport carries it.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde_json::Value;
use tokio::sync::oneshot;

use crate::auth::Identity;
use crate::context::{CancelToken, LogLevel};
use crate::jsonrpc::{ErrorObject, RequestId};
use crate::protocol::negotiate_version;
use foldhash::HashMap as FastMap;

/// How a transport delivers messages the server starts on its own (not responses): `false` when
/// the client cannot take one now (no open stream, or its queue is full).
pub(crate) type Outbound = Box<dyn Fn(String) -> bool + Send + Sync>;

/// What a client answered to a request the server sent it.
pub(crate) type ClientReply = Result<Value, ErrorObject>;

/// One client's session: what the `initialize` handshake settled, and the requests in flight
/// in both directions.
///
/// Transports create one per connection (an SSE stream, an HTTP session, a stdio process) and
/// hand it to [`Server::handle_message`](crate::Server::handle_message) with every message.
/// Clones share one state.
#[derive(Clone, Default)]
pub struct Session {
    inner: Arc<SessionInner>,
}

#[derive(Default)]
struct SessionInner {
    id: String,
    negotiated: OnceLock<Negotiated>,
    outbound: Option<Outbound>,
    /// The lowest level of log message the client wants (`logging/setLevel`).
    log_level: AtomicU8,
    /// Requests the client sent that are still running, so `notifications/cancelled` can stop
    /// them.
    in_flight: Mutex<FastMap<RequestId, CancelToken>>,
    /// Requests the server sent that await the client's response, by id.
    pending: Mutex<HashMap<i64, oneshot::Sender<ClientReply>>>,
    next_request_id: AtomicI64,
    /// The session serves one request and ends (stateless Streamable HTTP): no client can
    /// cancel that request or send another alongside it, so it is not registered in
    /// `in_flight`.
    single_request: bool,
    /// Who the session belongs to, when the transport authenticates requests.
    identity: Mutex<Option<Identity>>,
    /// Resource URIs the client subscribed to (`resources/subscribe`).
    subscriptions: Mutex<HashSet<String>>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.inner.id)
            .field("negotiated", &self.inner.negotiated.get())
            .finish_non_exhaustive()
    }
}

/// What `initialize` settled.
#[derive(Debug, Clone)]
pub struct Negotiated {
    /// The protocol revision both sides speak.
    pub protocol_version: &'static str,
    /// The client's `clientInfo` (name, version, ...).
    pub client_info: Value,
    /// The client's declared capabilities.
    pub client_capabilities: Value,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is one map operation: a poisoned lock holds no broken state.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Session {
    /// A new session with a transport-chosen id (empty when the transport has none).
    pub fn new(id: impl Into<String>) -> Self {
        Session::build(id.into(), None)
    }

    /// A session whose server-initiated messages go to `outbound`.
    pub(crate) fn with_outbound(id: impl Into<String>, outbound: Outbound) -> Self {
        Session::build(id.into(), Some(outbound))
    }

    fn build(id: String, outbound: Option<Outbound>) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                id,
                outbound,
                log_level: AtomicU8::new(LogLevel::Debug as u8),
                next_request_id: AtomicI64::new(1),
                ..SessionInner::default()
            }),
        }
    }

    /// A session for one stateless request: there is no handshake, so it counts as initialized
    /// at the revision the request's `MCP-Protocol-Version` header names.
    pub(crate) fn stateless(protocol_version: &str) -> Self {
        let mut session = Session::build(String::new(), None);
        Arc::get_mut(&mut session.inner)
            .expect("a new session is not shared")
            .single_request = true;
        session.set_negotiated(Negotiated {
            protocol_version: negotiate_version(protocol_version),
            client_info: Value::Null,
            client_capabilities: Value::Null,
        });
        session
    }

    /// Sends a notification to this session's client, outside any request; returns `false`
    /// when it could not be delivered (the transport has no stream open for it, or is full).
    pub fn notify(&self, method: &str, params: Value) -> bool {
        self.send_outbound(crate::jsonrpc::notification_json(method, params))
    }

    /// Sends a message on the session's own stream.
    pub(crate) fn send_outbound(&self, message: String) -> bool {
        match &self.inner.outbound {
            Some(outbound) => outbound(message),
            None => false,
        }
    }

    /// The transport's id for this session.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// What `initialize` settled, once it has run.
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.inner.negotiated.get()
    }

    /// Records the handshake; `false` if the session was already initialized.
    pub(crate) fn set_negotiated(&self, negotiated: Negotiated) -> bool {
        self.inner.negotiated.set(negotiated).is_ok()
    }

    pub(crate) fn log_level(&self) -> LogLevel {
        LogLevel::from_u8(self.inner.log_level.load(Ordering::Relaxed))
    }

    pub(crate) fn set_log_level(&self, level: LogLevel) {
        self.inner.log_level.store(level as u8, Ordering::Relaxed);
    }

    /// Registers a running client request, unless one with this id is already running or the
    /// session already runs `limit` requests.
    pub(crate) fn start_request(
        &self,
        id: &RequestId,
        token: CancelToken,
        limit: usize,
    ) -> Result<(), RequestRefused> {
        if self.inner.single_request {
            return Ok(());
        }
        let mut in_flight = lock(&self.inner.in_flight);
        if in_flight.contains_key(id) {
            return Err(RequestRefused::DuplicateId);
        }
        if in_flight.len() >= limit {
            return Err(RequestRefused::TooMany);
        }
        in_flight.insert(id.clone(), token);
        Ok(())
    }

    /// Checks that a request comes from the session's owner, and keeps its latest identity
    /// (a refreshed token may carry other scopes). A session started without an identity is
    /// bound to the first one it sees; `Err` when the subjects differ.
    pub(crate) fn bind_identity(&self, identity: Option<Identity>) -> Result<(), IdentityMismatch> {
        let mut current = lock(&self.inner.identity);
        match (current.as_ref(), identity) {
            (Some(owner), Some(new)) if owner.subject() != new.subject() => Err(IdentityMismatch),
            (Some(_), None) => Err(IdentityMismatch),
            (_, Some(new)) => {
                *current = Some(new);
                Ok(())
            }
            (None, None) => Ok(()),
        }
    }

    /// Who the session belongs to, when requests are authenticated.
    pub fn identity(&self) -> Option<Identity> {
        lock(&self.inner.identity).clone()
    }

    /// Subscribes the client to updates of `uri`.
    pub(crate) fn subscribe(&self, uri: String) {
        lock(&self.inner.subscriptions).insert(uri);
    }

    /// Ends a subscription; `false` if there was none.
    pub(crate) fn unsubscribe(&self, uri: &str) -> bool {
        lock(&self.inner.subscriptions).remove(uri)
    }

    /// `true` when the client subscribed to `uri`.
    pub fn is_subscribed(&self, uri: &str) -> bool {
        lock(&self.inner.subscriptions).contains(uri)
    }

    /// Cancels every running client request (the session is closing).
    pub(crate) fn cancel_all(&self) {
        for (_, token) in lock(&self.inner.in_flight).drain() {
            token.cancel();
        }
    }

    pub(crate) fn finish_request(&self, id: &RequestId) {
        if self.inner.single_request {
            return;
        }
        lock(&self.inner.in_flight).remove(id);
    }

    /// Cancels a running client request; `false` if none has this id.
    pub(crate) fn cancel_request(&self, id: &RequestId) -> bool {
        match lock(&self.inner.in_flight).remove(id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Reserves an id for a server-to-client request and the receiver of its reply.
    pub(crate) fn expect_reply(&self) -> (i64, oneshot::Receiver<ClientReply>) {
        let id = self.inner.next_request_id.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = oneshot::channel();
        lock(&self.inner.pending).insert(id, sender);
        (id, receiver)
    }

    /// Forgets a server-to-client request (it timed out or was abandoned).
    pub(crate) fn forget_reply(&self, id: i64) {
        lock(&self.inner.pending).remove(&id);
    }

    /// Hands a client's response to the request that awaits it; `false` if none does.
    pub(crate) fn deliver_reply(&self, id: i64, reply: ClientReply) -> bool {
        match lock(&self.inner.pending).remove(&id) {
            Some(sender) => sender.send(reply).is_ok(),
            None => false,
        }
    }
}

/// A request's identity is not the session owner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdentityMismatch;

impl IdentityMismatch {
    pub(crate) const MESSAGE: &'static str =
        "Forbidden: this session belongs to another identity; initialize a session of your own";
}

/// Why a request was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestRefused {
    /// A request with the same id is still running.
    DuplicateId,
    /// The session already runs as many requests as it may.
    TooMany,
}

/// A fresh, unguessable session id: 128 bits from the operating system's CSPRNG, as hex.
pub(crate) fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
