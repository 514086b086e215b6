//! The session's own methods: `initialize` (what the server offers, what the client
//! declared), `logging/setLevel`, and the messages that are never answered: notifications and
//! the client's responses to the server's requests.

use serde_json::Value;

use super::Outcome;
use crate::prompt::has_completers;
use crate::protocol::wire::{
    decode, CancelledParams, Empty, Implementation, InitializeParams, InitializeResult,
    ListChanged, ResourcesCapability, ServerCapabilities, SetLevelParams,
};
use crate::protocol::{
    encode, negotiate_version, ClientResponse, ErrorObject, LogLevel, Notification, RequestId,
    INVALID_REQUEST,
};
use crate::server::Server;
use crate::session::{Negotiated, Session};

/// `initialize`: settles the revision and records what the client declared; each capability
/// is announced only when the server has something to offer there.
pub(super) fn initialize(server: &Server, session: &Session, params: Value) -> Outcome {
    let params: InitializeParams = decode("initialize", params)?;
    let protocol_version = negotiate_version(&params.protocol_version);
    let negotiated = Negotiated::new(protocol_version, params.client_info, params.capabilities);
    if !session.set_negotiated(negotiated) {
        return Err(ErrorObject::new(
            INVALID_REQUEST,
            "this session is already initialized: open a new session to initialize again",
        ));
    }
    let capabilities = capabilities(server, true);
    encode(&InitializeResult {
        protocol_version,
        capabilities,
        server_info: Implementation {
            name: server.name(),
            version: server.version(),
            title: server.title(),
        },
        instructions: server.instructions(),
    })
}

/// What the server offers, each capability only when it has something there. `list_changed`:
/// whether the client can hear of changes to the sets (a legacy session, which has a stream;
/// the modern era announces them on `subscriptions/listen`).
pub(super) fn capabilities(server: &Server, list_changed: bool) -> ServerCapabilities {
    let (tools, resources, prompts) = (
        server.tool_set(),
        server.resource_set(),
        server.prompt_set(),
    );
    let changes = || ListChanged { list_changed };
    ServerCapabilities {
        tools: (!tools.enabled().is_empty()).then(changes),
        resources: (!resources.is_empty()).then_some(ResourcesCapability {
            subscribe: list_changed,
            list_changed,
        }),
        prompts: (!prompts.is_empty()).then(changes),
        completions: (resources.has_completers() || has_completers(&prompts)).then_some(Empty {}),
        // Any tool may log through its Context, so the client may always ask for logs.
        logging: Some(Empty {}),
        extensions: extensions(server),
    }
}

/// The extensions served in both eras, by identifier: MCP Apps when a tool has an app, the
/// skills extension when there are skills.
fn extensions(server: &Server) -> Option<Value> {
    let mut extensions = serde_json::Map::new();
    let apps = server
        .tool_set()
        .enabled()
        .iter()
        .any(|tool| tool.listing().pointer("/_meta/ui/resourceUri").is_some());
    if apps {
        extensions.insert(crate::apps::EXTENSION.to_owned(), serde_json::json!({}));
    }
    if server.skill_catalog().is_some() {
        let skills = serde_json::json!({ "directoryRead": true });
        extensions.insert(crate::skills::EXTENSION.to_owned(), skills);
    }
    (!extensions.is_empty()).then_some(Value::Object(extensions))
}

/// `logging/setLevel`: the session hears log messages at this level or above.
pub(super) fn set_log_level(session: &Session, params: Value) -> Outcome {
    let SetLevelParams { level } = decode("logging/setLevel", params)?;
    let name = level.as_str().unwrap_or_default();
    let level = LogLevel::parse(name).ok_or_else(|| {
        ErrorObject::invalid_params(format!(
            "unknown log level {name:?}: use debug, info, notice, warning, error, critical, \
             alert or emergency"
        ))
    })?;
    session.set_log_level(level);
    encode(&Empty {})
}

/// A notification. `notifications/initialized` needs no action: requests are accepted as soon
/// as the `initialize` response is sent. Unknown notifications are ignored, as JSON-RPC says.
pub(super) fn notification(session: &Session, notification: Notification) {
    if notification.method != "notifications/cancelled" {
        return;
    }
    let Ok(CancelledParams { request_id }) = decode("notifications/cancelled", notification.params)
    else {
        return;
    };
    let id = match request_id {
        Value::String(id) => RequestId::String(id),
        Value::Number(n) => match n.as_i64() {
            Some(n) => RequestId::Number(n),
            None => return,
        },
        _ => return,
    };
    // An unknown or finished request is not an error: the race is expected.
    session.cancel_request(&id);
}

/// Hands a client's response to the server request awaiting it. The server numbers its
/// requests, so other ids, and responses to requests that timed out (or never existed), have
/// nobody to go to and are dropped.
pub(super) fn client_response(session: &Session, response: ClientResponse) {
    if let Some(RequestId::Number(id)) = response.id {
        session.deliver_reply(id, response.outcome);
    }
}
