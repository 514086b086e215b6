//! The protocol state of one client connection, whatever transport carries it.

use std::sync::OnceLock;

use serde_json::Value;

/// One client's session: what the `initialize` handshake settled.
///
/// Transports create one per connection (an SSE stream, an HTTP session, a stdio process) and
/// hand it to [`Server::handle_message`](crate::Server::handle_message) with every message.
#[derive(Debug, Default)]
pub struct Session {
    id: String,
    negotiated: OnceLock<Negotiated>,
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
