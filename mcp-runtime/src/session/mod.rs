//! Sessions: the protocol state of one client connection, whatever transport carries it, and
//! the one registry that holds every open session of a server.

mod cancel;
mod identity;
mod registry;

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use foldhash::HashMap as FastMap;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::oneshot;

use crate::protocol::{outgoing_json, ErrorObject, LogLevel, RequestId};

pub(crate) use cancel::CancelToken;
pub use identity::Identity;
pub(crate) use registry::{Lookup, Registration, SessionRegistry, Transport};

/// How a transport reaches a client outside any request: notifications, requests to the
/// client, and (over HTTP+SSE, which has no other way) responses.
pub(crate) trait Outbound: Send + Sync + 'static {
    /// Queues a message; `false` when the client cannot take one now (no open stream, or its
    /// queue is full).
    fn send(&self, message: String) -> bool;

    /// Ends the stream to the client: its session is closing.
    fn close(&self) {}

    /// Whether a stream to the client is open now: an idle session without one may expire.
    fn is_open(&self) -> bool {
        true
    }

    /// Sends a notification meant for every session; `notice` is the replicas' id for it, by
    /// which a session they share records it once however many replicas send it.
    fn send_notice(&self, message: String, _notice: Option<&str>) -> bool {
        self.send(message)
    }

    /// Sends the message numbered `id` of the session's shared event history (replicas
    /// sharing Redis), if this transport's stream of generation `generation` is still open.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    fn deliver_event(&self, _generation: u64, _id: u64, _message: String) {}

    /// The transport's own type, for the transport that made it.
    fn as_any(&self) -> &dyn Any;
}

/// A change to a session that replicas share.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
pub(crate) enum SessionChange {
    LogLevel(u8),
    Subscribe(String),
    Unsubscribe(String),
}

/// What a session shared by the replicas of a deployment hands to the others: a cancellation
/// or a client's answer whose request runs on another replica.
pub(crate) trait Remote: Send + Sync + 'static {
    /// Cancels the request `id` of session `session` wherever it runs.
    fn cancel(&self, session: &str, id: &RequestId);
    /// Hands a client's response to the server request `id`, wherever it waits.
    fn reply(&self, session: &str, id: i64, reply: ClientReply);
}

/// What a client answered to a request the server sent it.
pub(crate) type ClientReply = Result<Value, ErrorObject>;

/// One client's session: what the `initialize` handshake settled, and the requests in flight
/// in both directions.
///
/// Transports create one per connection (an SSE stream, an HTTP session, a stdio process) and
/// hand it to [`Server::handle_message`](crate::Server::handle_message) with every message.
/// Clones share one state.
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    id: String,
    negotiated: OnceLock<Negotiated>,
    outbound: Option<Box<dyn Outbound>>,
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
    /// When the client last sent something, in milliseconds (see [`millis_since_start`]).
    last_seen_ms: AtomicU64,
    /// The connection's session, for a modern request that arrived on one (stdio): its
    /// running requests are the connection's, so the connection can cancel and limit them.
    parent: Option<Session>,
    /// The other replicas, for a session they share.
    remote: Option<Arc<dyn Remote>>,
    /// What changed in the session (log level, subscriptions) since the transport last shared
    /// it with the other replicas, in order: kept only for a shared session.
    changes: Mutex<Vec<SessionChange>>,
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
#[non_exhaustive]
pub struct Negotiated {
    /// The protocol revision both sides speak.
    pub protocol_version: &'static str,
    /// The client's `clientInfo` (name, version, ...).
    pub client_info: Value,
    /// The client's declared capabilities.
    pub client_capabilities: Value,
}

impl Negotiated {
    /// `true` for a revision of the modern era (2026-07-28): stateless, no handshake.
    pub fn is_modern(&self) -> bool {
        crate::protocol::is_modern(self.protocol_version)
    }

    pub(crate) fn new(
        protocol_version: &'static str,
        client_info: Value,
        client_capabilities: Value,
    ) -> Self {
        Negotiated {
            protocol_version,
            client_info,
            client_capabilities,
        }
    }
}

/// A session that does not keep its session alive: what a session's own outbound may hold.
#[derive(Clone)]
pub(crate) struct WeakSession(Weak<SessionInner>);

impl WeakSession {
    pub(crate) fn upgrade(&self) -> Option<Session> {
        self.0.upgrade().map(|inner| Session { inner })
    }
}

/// The outbound of a modern request's session on a connection: the connection's own.
struct Forward(Session);

impl Outbound for Forward {
    fn send(&self, message: String) -> bool {
        self.0.send_outbound(message)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `log_level` of a session that wants no log messages.
const NO_LOGS: u8 = u8::MAX;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is one map operation: a poisoned lock holds no broken state.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Session {
    /// A new session with a transport-chosen id (empty when the transport has none), whose
    /// client cannot be reached outside a request.
    pub fn new(id: impl Into<String>) -> Self {
        Session::build(id.into(), None, false)
    }

    /// A session whose server-initiated messages go to `outbound`.
    pub(crate) fn with_outbound(id: impl Into<String>, outbound: impl Outbound) -> Self {
        Session::build(id.into(), Some(Box::new(outbound)), false)
    }

    /// A session shared by the replicas of a deployment: its requests to the client are
    /// numbered from `first_request_id` (unique to this replica), and what this replica cannot
    /// do itself goes to `remote`.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn shared(
        id: impl Into<String>,
        outbound: impl Outbound,
        remote: Arc<dyn Remote>,
        first_request_id: i64,
    ) -> Self {
        let mut inner = SessionInner::new(id.into(), Some(Box::new(outbound)), false);
        inner.remote = Some(remote);
        inner.next_request_id = AtomicI64::new(first_request_id);
        Session {
            inner: Arc::new(inner),
        }
    }

    /// A session whose outbound refers back to the session (weakly), to answer on it.
    pub(crate) fn with_outbound_cyclic<O: Outbound>(
        id: impl Into<String>,
        outbound: impl FnOnce(WeakSession) -> O,
    ) -> Self {
        let id = id.into();
        let inner = Arc::new_cyclic(|weak| {
            let outbound: Box<dyn Outbound> = Box::new(outbound(WeakSession(weak.clone())));
            SessionInner::new(id, Some(outbound), false)
        });
        Session { inner }
    }

    /// The session of one modern-era request (2026-07-28): what the request's `_meta` declared
    /// stands in for a handshake; it hears logs only at or above the level it named. What the
    /// request sends on the way goes to `outbound` when the transport has no stream of the
    /// request's own (stdio).
    pub(crate) fn modern(
        protocol_version: &'static str,
        meta: crate::protocol::meta::ModernMeta,
        outbound: Option<Box<dyn Outbound>>,
    ) -> Self {
        let session = Session::build(String::new(), outbound, true);
        session.adopt_meta(protocol_version, meta);
        session
    }

    /// The session of one modern-era request that arrived on a connection with a session of
    /// its own (stdio): what it sends on the way goes out on the connection, which can cancel
    /// it (`notifications/cancelled`) and counts it among its running requests.
    pub(crate) fn modern_on(
        connection: &Session,
        protocol_version: &'static str,
        meta: crate::protocol::meta::ModernMeta,
    ) -> Self {
        let mut inner = SessionInner::new(
            String::new(),
            Some(Box::new(Forward(connection.clone()))),
            false,
        );
        inner.parent = Some(connection.clone());
        // The request comes from whoever owns the connection (a stdio process's user).
        inner.identity = Mutex::new(connection.identity());
        let session = Session {
            inner: Arc::new(inner),
        };
        session.adopt_meta(protocol_version, meta);
        session
    }

    fn adopt_meta(&self, protocol_version: &'static str, meta: crate::protocol::meta::ModernMeta) {
        let session = self;
        let level = meta.log_level.map_or(NO_LOGS, |level| level as u8);
        session.inner.log_level.store(level, Ordering::Relaxed);
        session.set_negotiated(Negotiated::new(
            protocol_version,
            meta.client_info,
            meta.client_capabilities,
        ));
    }

    /// A session for one stateless request: there is no handshake, so it counts as initialized
    /// at the revision the request names.
    pub(crate) fn stateless(protocol_version: &str) -> Self {
        let session = Session::build(String::new(), None, true);
        session.set_negotiated(Negotiated::new(
            crate::protocol::negotiate_version(protocol_version),
            Value::Null,
            Value::Null,
        ));
        session
    }

    fn build(id: String, outbound: Option<Box<dyn Outbound>>, single_request: bool) -> Self {
        Session {
            inner: Arc::new(SessionInner::new(id, outbound, single_request)),
        }
    }

    /// Sends a notification to this session's client, outside any request; returns `false`
    /// when it could not be delivered (the transport has no stream open for it, or is full).
    pub fn notify(&self, method: &str, params: Value) -> bool {
        self.notify_with(method, &params)
    }

    /// [`notify`](Self::notify) with typed params.
    pub(crate) fn notify_with<P: Serialize + ?Sized>(&self, method: &str, params: &P) -> bool {
        match outgoing_json(None, method, params) {
            Ok(message) => self.send_outbound(message),
            Err(err) => {
                tracing::warn!(%method, %err, "a notification did not serialize and was not sent");
                false
            }
        }
    }

    /// Sends a notification meant for every session (see [`Outbound::send_notice`]).
    pub(crate) fn send_notice(&self, message: String, notice: Option<&str>) -> bool {
        match &self.inner.outbound {
            Some(outbound) => outbound.send_notice(message, notice),
            None => false,
        }
    }

    /// Sends a message on the session's own stream.
    pub(crate) fn send_outbound(&self, message: String) -> bool {
        match &self.inner.outbound {
            Some(outbound) => outbound.send(message),
            None => false,
        }
    }

    /// The transport's outbound, as the type it made it with.
    pub(crate) fn outbound<T: Outbound>(&self) -> Option<&T> {
        self.inner
            .outbound
            .as_deref()
            .and_then(|outbound| outbound.as_any().downcast_ref())
    }

    /// Ends the session: running requests are cancelled and the client's stream ends.
    pub(crate) fn close(&self) {
        self.cancel_all();
        if let Some(outbound) = &self.inner.outbound {
            outbound.close();
        }
    }

    /// Ends the client's stream on this replica, leaving the session and its requests be.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn close_stream(&self) {
        if let Some(outbound) = &self.inner.outbound {
            outbound.close();
        }
    }

    /// Whether anything besides the caller holds this session now (a running request, a
    /// registry): a view of a shared session is not dropped while it is.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn is_in_use(&self) -> bool {
        Arc::strong_count(&self.inner) > 1
    }

    /// The transport's id for this session.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The id of the connection a modern request arrived on, when it has one of its own
    /// (stdio).
    pub(crate) fn connection_id(&self) -> Option<&str> {
        self.inner.parent.as_ref().map(Session::id)
    }

    /// What `initialize` settled, once it has run.
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.inner.negotiated.get()
    }

    /// Records the handshake; `false` if the session was already initialized.
    pub(crate) fn set_negotiated(&self, negotiated: Negotiated) -> bool {
        self.inner.negotiated.set(negotiated).is_ok()
    }

    /// `true` when the client wants log messages of `level`: at or above the level it set
    /// (`logging/setLevel`, or a modern request's `logLevel`); a modern request that named
    /// no level wants none.
    pub(crate) fn hears(&self, level: LogLevel) -> bool {
        match self.inner.log_level.load(Ordering::Relaxed) {
            NO_LOGS => false,
            least => level >= LogLevel::from_u8(least),
        }
    }

    pub(crate) fn set_log_level(&self, level: LogLevel) {
        self.inner.log_level.store(level as u8, Ordering::Relaxed);
        self.record_change(SessionChange::LogLevel(level as u8));
    }

    /// The log level as a number (`u8::MAX`: none), as replicas share it.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn log_level_code(&self) -> u8 {
        self.inner.log_level.load(Ordering::Relaxed)
    }

    /// Adopts the log level another replica set.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn set_log_level_code(&self, code: u8) {
        self.inner.log_level.store(code, Ordering::Relaxed);
    }

    fn record_change(&self, change: SessionChange) {
        if self.inner.remote.is_some() {
            lock(&self.inner.changes).push(change);
        }
    }

    /// What changed since this was last asked, in order (a shared session's transport then
    /// shares it).
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn take_changes(&self) -> Vec<SessionChange> {
        std::mem::take(&mut *lock(&self.inner.changes))
    }

    /// Puts back changes that could not be shared, before any made since.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn restore_changes(&self, mut changes: Vec<SessionChange>) {
        let mut pending = lock(&self.inner.changes);
        changes.append(&mut pending);
        *pending = changes;
    }

    /// Sends message `id` of the shared event history on this replica's stream, if open.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn deliver_event(&self, generation: u64, id: u64, message: String) {
        if let Some(outbound) = &self.inner.outbound {
            outbound.deliver_event(generation, id, message);
        }
    }

    /// Notes that the client sent something now (idle sessions expire).
    pub(crate) fn touch(&self) {
        self.inner
            .last_seen_ms
            .store(millis_since_start(), Ordering::Relaxed);
    }

    /// Idle for longer than `timeout`, with no open stream to the client.
    pub(crate) fn is_expired(&self, timeout: Duration) -> bool {
        let last_seen = self.inner.last_seen_ms.load(Ordering::Relaxed);
        let idle_ms = millis_since_start().saturating_sub(last_seen);
        u128::from(idle_ms) > timeout.as_millis()
            && !self.inner.outbound.as_ref().is_some_and(|o| o.is_open())
    }

    /// Registers a running client request, unless one with this id is already running or the
    /// session already runs `limit` requests.
    pub(crate) fn start_request(
        &self,
        id: &RequestId,
        token: CancelToken,
        limit: usize,
    ) -> Result<(), RequestRefused> {
        if let Some(parent) = &self.inner.parent {
            return parent.start_request(id, token, limit);
        }
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
        lock(&self.inner.subscriptions).insert(uri.clone());
        self.record_change(SessionChange::Subscribe(uri));
    }

    /// Ends a subscription; `false` if there was none.
    pub(crate) fn unsubscribe(&self, uri: &str) -> bool {
        self.record_change(SessionChange::Unsubscribe(uri.to_owned()));
        lock(&self.inner.subscriptions).remove(uri)
    }

    /// Adopts the subscriptions made on another replica.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn set_subscriptions(&self, uris: Vec<String>) {
        *lock(&self.inner.subscriptions) = uris.into_iter().collect();
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
        if let Some(parent) = &self.inner.parent {
            return parent.finish_request(id);
        }
        if self.inner.single_request {
            return;
        }
        lock(&self.inner.in_flight).remove(id);
    }

    /// Cancels a running client request (on another replica, when none runs here and the
    /// session is shared); `false` if none has this id here.
    pub(crate) fn cancel_request(&self, id: &RequestId) -> bool {
        let cancelled = self.cancel_here(id);
        if let (false, Some(remote)) = (cancelled, &self.inner.remote) {
            remote.cancel(self.id(), id);
        }
        cancelled
    }

    /// Cancels a client request running on this replica; `false` if none has this id.
    pub(crate) fn cancel_here(&self, id: &RequestId) -> bool {
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

    /// Hands a client's response to the request that awaits it (on another replica, when
    /// none waits here and the session is shared); `false` if none does here.
    pub(crate) fn deliver_reply(&self, id: i64, reply: ClientReply) -> bool {
        let waiting = lock(&self.inner.pending).remove(&id);
        match (waiting, &self.inner.remote) {
            (Some(sender), _) => sender.send(reply).is_ok(),
            (None, Some(remote)) => {
                remote.reply(self.id(), id, reply);
                false
            }
            (None, None) => false,
        }
    }

    /// Hands a response another replica received to the request waiting here, if one does.
    #[cfg_attr(not(all(feature = "redis", feature = "http")), allow(dead_code))]
    pub(crate) fn deliver_reply_here(&self, id: i64, reply: ClientReply) -> bool {
        match lock(&self.inner.pending).remove(&id) {
            Some(sender) => sender.send(reply).is_ok(),
            None => false,
        }
    }
}

impl SessionInner {
    fn new(id: String, outbound: Option<Box<dyn Outbound>>, single_request: bool) -> Self {
        SessionInner {
            id,
            negotiated: OnceLock::new(),
            outbound,
            log_level: AtomicU8::new(LogLevel::Debug as u8),
            in_flight: Mutex::default(),
            pending: Mutex::default(),
            next_request_id: AtomicI64::new(1),
            single_request,
            identity: Mutex::default(),
            subscriptions: Mutex::default(),
            last_seen_ms: AtomicU64::new(millis_since_start()),
            parent: None,
            remote: None,
            changes: Mutex::default(),
        }
    }
}

/// The clock of `last_seen_ms`: milliseconds since the first session of the process. An
/// atomic integer, since every request sets it.
fn millis_since_start() -> u64 {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    let elapsed = STARTED.get_or_init(Instant::now).elapsed();
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_bind_once_and_refuse_others() {
        let session = Session::new("s");
        assert!(session.bind_identity(None).is_ok());
        assert!(session.bind_identity(Some(Identity::new("alice"))).is_ok());
        let refreshed = Identity::new("alice").with_scopes(["more"]);
        assert!(session.bind_identity(Some(refreshed)).is_ok());
        assert!(session.identity().unwrap().has_scope("more"));
        assert_eq!(
            session.bind_identity(Some(Identity::new("mallory"))),
            Err(IdentityMismatch)
        );
        assert_eq!(session.bind_identity(None), Err(IdentityMismatch));
    }

    #[test]
    fn requests_are_bounded_and_unique() {
        let session = Session::new("s");
        let id = RequestId::Number(1);
        assert!(session
            .start_request(&id, CancelToken::default(), 1)
            .is_ok());
        assert_eq!(
            session.start_request(&id, CancelToken::default(), 2),
            Err(RequestRefused::DuplicateId)
        );
        let other = RequestId::Number(2);
        assert_eq!(
            session.start_request(&other, CancelToken::default(), 1),
            Err(RequestRefused::TooMany)
        );
        session.finish_request(&id);
        assert!(session
            .start_request(&other, CancelToken::default(), 1)
            .is_ok());
    }

    #[test]
    fn a_session_without_an_open_stream_expires_when_idle() {
        let session = Session::new("s");
        assert!(!session.is_expired(Duration::from_secs(60)));
        assert!(
            session.is_expired(Duration::ZERO) || {
                std::thread::sleep(Duration::from_millis(2));
                session.is_expired(Duration::ZERO)
            }
        );
    }
}
