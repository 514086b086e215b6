//! The modern era (MCP 2026-07-28) in the dispatcher: `server/discover`, the methods the era
//! removed, and what every result of the era carries (`resultType`, `_meta.serverInfo`, and
//! on cacheable results `ttlMs` and `cacheScope`). The methods both eras share run the same
//! code; only their answers are dressed here.

use serde_json::value::RawValue;

use super::handshake::capabilities;
use super::Outcome;
use crate::protocol::meta::modern_error_code;
use crate::protocol::wire::DiscoverResult;
use crate::protocol::{encode, ErrorObject, METHOD_NOT_FOUND, MODERN_VERSIONS};
use crate::server::Server;

/// What a method of the modern era is, before it runs.
pub(super) enum ModernMethod {
    /// `server/discover`, answered here.
    Discover,
    /// A method the era removed (or this server does not serve in it): `-32601`.
    Removed(&'static str),
    /// A method both eras share.
    Shared,
}

impl ModernMethod {
    pub(super) fn of(method: &str) -> ModernMethod {
        match method {
            "server/discover" => ModernMethod::Discover,
            "initialize" => ModernMethod::Removed(
                "MCP 2026-07-28 has no handshake: send `server/discover`, or leave out the \
                 `_meta` protocol version to initialize a session of an earlier revision",
            ),
            "ping" => ModernMethod::Removed("MCP 2026-07-28 has no `ping`"),
            "logging/setLevel" => ModernMethod::Removed(
                "MCP 2026-07-28 sets the log level of each request in its `_meta` \
                 (`io.modelcontextprotocol/logLevel`)",
            ),
            "resources/subscribe" | "resources/unsubscribe" | "subscriptions/listen" => {
                ModernMethod::Removed(
                    "this server does not take subscriptions from MCP 2026-07-28 clients yet: \
                     read the resource again, or initialize a session of an earlier revision \
                     to subscribe",
                )
            }
            _ => ModernMethod::Shared,
        }
    }
}

/// `-32601` for a method the modern era does not have, saying what to do instead.
pub(super) fn removed(method: &str, why: &str) -> ErrorObject {
    ErrorObject::new(
        METHOD_NOT_FOUND,
        format!("method `{method}` not found: {why}"),
    )
}

/// `server/discover`: the revisions and capabilities of this server.
pub(super) fn discover(server: &Server) -> Outcome {
    encode(&DiscoverResult {
        supported_versions: MODERN_VERSIONS,
        // Changes to the sets reach modern clients on `subscriptions/listen`, which this
        // server does not serve yet: it announces none.
        capabilities: capabilities(server, false),
        instructions: server.instructions(),
    })
}

/// Dresses an answer of the modern era: a result begins with `resultType`, `_meta` (and the
/// caching hints, on cacheable methods); an error gets the era's code.
pub(super) fn dress(server: &Server, method: &str, outcome: Outcome) -> Outcome {
    let members = server.modern_members();
    match outcome {
        Ok(result) => {
            let leading = match method {
                "server/discover"
                | "tools/list"
                | "prompts/list"
                | "resources/list"
                | "resources/templates/list" => &members.list,
                "resources/read" => &members.read,
                _ => &members.result,
            };
            Ok(prepend_members(&result, leading))
        }
        Err(mut error) => {
            error.code = modern_error_code(error.code);
            Err(error)
        }
    }
}

/// `{"a":1}` with `members` written first: `{<members>,"a":1}`. The results of the shared
/// methods have none of these members of their own (no `_meta`, no `resultType`).
fn prepend_members(result: &RawValue, members: &str) -> Box<RawValue> {
    let text = result.get();
    let rest = text.strip_prefix('{').unwrap_or(text);
    let mut dressed = String::with_capacity(text.len() + members.len() + 2);
    dressed.push('{');
    dressed.push_str(members);
    if !rest.trim_start().starts_with('}') {
        dressed.push(',');
    }
    dressed.push_str(rest);
    RawValue::from_string(dressed).expect("a result object with members prepended is JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_go_first_in_empty_and_full_objects() {
        let empty = RawValue::from_string("{}".into()).unwrap();
        assert_eq!(prepend_members(&empty, "\"a\":1").get(), "{\"a\":1}");
        let full = RawValue::from_string("{\"b\":[2]}".into()).unwrap();
        assert_eq!(
            prepend_members(&full, "\"a\":1").get(),
            "{\"a\":1,\"b\":[2]}"
        );
    }
}
