//! The protocol state of one client connection, whatever transport carries it.

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

use crate::protocol::negotiate_version;

/// How a transport delivers messages the server starts on its own (not responses): `false` when
/// the client cannot take one now (no open stream, or its queue is full).
pub(crate) type Outbound = Box<dyn Fn(String) -> bool + Send + Sync>;

/// One client's session: what the `initialize` handshake settled.
///
/// Transports create one per connection (an SSE stream, an HTTP session, a stdio process) and
/// hand it to [`Server::handle_message`](crate::Server::handle_message) with every message.
#[derive(Default)]
pub struct Session {
    id: String,
    negotiated: OnceLock<Negotiated>,
    outbound: Option<Outbound>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("negotiated", &self.negotiated.get())
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

impl Session {
    /// A new session with a transport-chosen id (empty when the transport has none).
    pub fn new(id: impl Into<String>) -> Self {
        Session {
            id: id.into(),
            negotiated: OnceLock::new(),
            outbound: None,
        }
    }

    /// A session whose server-initiated messages go to `outbound`.
    pub(crate) fn with_outbound(id: impl Into<String>, outbound: Outbound) -> Self {
        Session {
            id: id.into(),
            negotiated: OnceLock::new(),
            outbound: Some(outbound),
        }
    }

    /// A session for one stateless request: there is no handshake, so it counts as initialized
    /// at the revision the request's `MCP-Protocol-Version` header names.
    pub(crate) fn stateless(protocol_version: &str) -> Self {
        let session = Session::new("");
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
        match &self.outbound {
            Some(outbound) => outbound(crate::jsonrpc::notification_json(method, params)),
            None => false,
        }
    }

    /// The transport's id for this session.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What `initialize` settled, once it has run.
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.negotiated.get()
    }

    /// Records the handshake; `false` if the session was already initialized.
    pub(crate) fn set_negotiated(&self, negotiated: Negotiated) -> bool {
        self.negotiated.set(negotiated).is_ok()
    }
}

/// A fresh, unguessable session id: 128 bits from the operating system's CSPRNG, as hex.
pub(crate) fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
