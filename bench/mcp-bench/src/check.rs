//! The JSON-RPC messages the load generator sends, and the checks every reply must pass.

use serde::Deserialize;
use serde_json::Value;

use crate::sse;

/// The protocol revision asked for over HTTP+SSE (the transport of that revision).
pub const SSE_PROTOCOL_VERSION: &str = "2024-11-05";
/// The revision asked for over Streamable HTTP: one every server compared here speaks.
pub const STREAMABLE_PROTOCOL_VERSION: &str = "2025-06-18";
/// The modern era's revision: no `initialize`, every request names it in `params._meta` (and
/// in the `MCP-Protocol-Version` header).
pub const MODERN_PROTOCOL_VERSION: &str = "2026-07-28";

/// The `_meta` every request of the modern era carries: the revision, the client's
/// capabilities (none) and who the client is.
fn modern_meta() -> String {
    format!(
        r#"{{"io.modelcontextprotocol/protocolVersion":"{MODERN_PROTOCOL_VERSION}","io.modelcontextprotocol/clientCapabilities":{{}},"io.modelcontextprotocol/clientInfo":{{"name":"mcp-bench","version":"{}"}}}}"#,
        env!("CARGO_PKG_VERSION")
    )
}

/// `server/discover` (2026-07-28), which a client may send before anything else.
pub fn discover_body(id: u64) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"server/discover","params":{{"_meta":{}}}}}"#,
        modern_meta()
    )
}

/// [`call_body`] of the modern era: the same call, with the request's `_meta`.
pub fn modern_call_body(id: u64, a: i64, b: i64) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"add","arguments":{{"a":{a},"b":{b}}},"_meta":{}}}}}"#,
        modern_meta()
    )
}

pub fn initialize_body(id: u64, protocol_version: &str) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"initialize","params":{{"protocolVersion":"{protocol_version}","capabilities":{{}},"clientInfo":{{"name":"mcp-bench","version":"{}"}}}}}}"#,
        env!("CARGO_PKG_VERSION")
    )
}

pub const INITIALIZED_BODY: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

/// `tools/call` of `add` with two integers.
pub fn call_body(id: u64, a: i64, b: i64) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"add","arguments":{{"a":{a},"b":{b}}}}}}}"#
    )
}

#[derive(Deserialize)]
struct Reply {
    id: Option<Value>,
    result: Option<Value>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct CallResult {
    #[serde(default)]
    content: Vec<ContentItem>,
    #[serde(rename = "isError", default)]
    is_error: Option<bool>,
}

/// What every result of the modern era must carry besides its own members.
#[derive(Deserialize)]
struct ModernResult {
    #[serde(rename = "resultType")]
    result_type: Option<String>,
    #[serde(rename = "_meta")]
    meta: Option<ResultMeta>,
}

#[derive(Deserialize)]
struct ResultMeta {
    #[serde(rename = "io.modelcontextprotocol/serverInfo")]
    server_info: Option<Implementation>,
}

#[derive(Deserialize)]
struct Implementation {
    name: String,
    version: String,
}

#[derive(Deserialize)]
struct ContentItem {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
}

/// The id of a JSON-RPC message, when it is a non-negative integer.
pub fn message_id(message: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: Option<Value>,
    }
    serde_json::from_slice::<IdOnly>(message).ok()?.id?.as_u64()
}

/// The `result` of the response with id `id`, or why there is none.
fn result_of(message: &[u8], id: u64) -> Result<Value, String> {
    let reply: Reply = serde_json::from_slice(message)
        .map_err(|err| format!("reply is not JSON-RPC ({err}): {}", excerpt(message)))?;
    if reply.id.as_ref().and_then(Value::as_u64) != Some(id) {
        return Err(format!("reply id {:?}, expected {id}", reply.id));
    }
    if let Some(error) = reply.error {
        return Err(format!("error reply: {error}"));
    }
    reply
        .result
        .ok_or_else(|| format!("reply without result: {}", excerpt(message)))
}

/// Checks the reply to [`call_body`]: same id, no error, not `isError`, and the text of its
/// first content item is the sum.
pub fn check_call_reply(message: &[u8], id: u64, expected: i64) -> Result<(), String> {
    check_call_result(result_of(message, id)?, expected)
}

/// Checks the reply to [`modern_call_body`]: what [`check_call_reply`] checks, and that the
/// result is a complete one (`resultType`) naming the server (`_meta` serverInfo; when
/// `server_info` is [`ServerInfo::Optional`], only if it is there).
pub fn check_modern_call_reply(
    message: &[u8],
    id: u64,
    expected: i64,
    server_info: ServerInfo,
) -> Result<(), String> {
    let result = result_of(message, id)?;
    check_modern_result(&result, server_info)?;
    check_call_result(result, expected)
}

/// Whether a modern result must name its server. The revision says a server SHOULD put
/// `_meta["io.modelcontextprotocol/serverInfo"]` on every result (schema.ts,
/// `ResultMetaObject`), not MUST; a server that leaves it out still has it checked where it
/// is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerInfo {
    Required,
    Optional,
}

impl ServerInfo {
    pub fn parse(value: &str) -> Result<ServerInfo, String> {
        match value {
            "required" => Ok(ServerInfo::Required),
            "optional" => Ok(ServerInfo::Optional),
            other => Err(format!("--server-info {other:?}: required or optional")),
        }
    }
}

/// `resultType: "complete"` (a MUST of 2026-07-28) and
/// `_meta["io.modelcontextprotocol/serverInfo"]` with a name and a version (a SHOULD).
fn check_modern_result(result: &Value, server_info: ServerInfo) -> Result<(), String> {
    let modern = ModernResult::deserialize(result)
        .map_err(|err| format!("not a 2026-07-28 result ({err}): {result}"))?;
    match modern.result_type.as_deref() {
        Some("complete") => {}
        other => return Err(format!("resultType {other:?}, expected \"complete\"")),
    }
    match modern.meta.and_then(|meta| meta.server_info) {
        Some(info) if !info.name.is_empty() && !info.version.is_empty() => Ok(()),
        None if server_info == ServerInfo::Optional => Ok(()),
        _ => Err(format!(
            "result without _meta[\"io.modelcontextprotocol/serverInfo\"]: {result}"
        )),
    }
}

/// Checks a `server/discover` reply: a complete result naming the server, whose
/// `supportedVersions` include [`MODERN_PROTOCOL_VERSION`] and which has `capabilities`.
pub fn check_discover_reply(
    message: &[u8],
    id: u64,
    server_info: ServerInfo,
) -> Result<(), String> {
    let result = result_of(message, id)?;
    check_modern_result(&result, server_info)?;
    let supported = result
        .get("supportedVersions")
        .and_then(Value::as_array)
        .is_some_and(|versions| {
            versions
                .iter()
                .any(|v| v.as_str() == Some(MODERN_PROTOCOL_VERSION))
        });
    if !supported {
        return Err(format!(
            "server/discover: supportedVersions lacks {MODERN_PROTOCOL_VERSION}: {result}"
        ));
    }
    if !result.get("capabilities").is_some_and(Value::is_object) {
        return Err(format!("server/discover without capabilities: {result}"));
    }
    Ok(())
}

fn check_call_result(result: Value, expected: i64) -> Result<(), String> {
    let result: CallResult =
        serde_json::from_value(result).map_err(|err| format!("not a CallToolResult: {err}"))?;
    if result.is_error == Some(true) {
        return Err(format!(
            "isError result: {:?}",
            result.content.first().and_then(|c| c.text.as_deref())
        ));
    }
    match result.content.first() {
        Some(ContentItem {
            kind,
            text: Some(text),
        }) if kind == "text" => match text.trim().parse::<i64>() {
            Ok(sum) if sum == expected => Ok(()),
            _ => Err(format!("add answered {text:?}, expected {expected}")),
        },
        _ => Err("the result has no text content".to_owned()),
    }
}

/// Checks an `initialize` reply; returns the protocol version the server chose.
pub fn check_initialize_reply(message: &[u8], id: u64) -> Result<String, String> {
    let result = result_of(message, id)?;
    result
        .get("protocolVersion")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("initialize result without protocolVersion: {result}"))
}

/// The JSON-RPC message with id `id` in an HTTP response body: the body itself when it is
/// JSON, or the matching `message` event when the server answered with an SSE stream.
pub fn response_message(content_type: &str, body: &[u8], id: u64) -> Result<Vec<u8>, String> {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if mime.eq_ignore_ascii_case("application/json") {
        return Ok(body.to_vec());
    }
    if mime.eq_ignore_ascii_case("text/event-stream") {
        return sse::events(body)
            .into_iter()
            .filter(|event| event.event == "message")
            .find(|event| message_id(event.data.as_bytes()) == Some(id))
            .map(|event| event.data.into_bytes())
            .ok_or_else(|| format!("the SSE response carries no reply with id {id}"));
    }
    Err(format!(
        "unexpected Content-Type {content_type:?}: {}",
        excerpt(body)
    ))
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_json_rpc() {
        let call: Value = serde_json::from_str(&call_body(7, -3, 10)).unwrap();
        assert_eq!(call["params"]["arguments"]["a"], -3);
        assert_eq!(call["id"], 7);
        let init: Value = serde_json::from_str(&initialize_body(0, "2025-06-18")).unwrap();
        assert_eq!(init["params"]["protocolVersion"], "2025-06-18");
        assert!(serde_json::from_str::<Value>(INITIALIZED_BODY).is_ok());
    }

    #[test]
    fn call_replies_are_checked() {
        let ok = br#"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"7"}],"structuredContent":{"result":7},"isError":false}}"#;
        assert_eq!(check_call_reply(ok, 3, 7), Ok(()));
        assert!(check_call_reply(ok, 4, 7).unwrap_err().contains("id"));
        assert!(check_call_reply(ok, 3, 8)
            .unwrap_err()
            .contains("expected 8"));
        let failed = br#"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"boom"}],"isError":true}}"#;
        assert!(check_call_reply(failed, 3, 7)
            .unwrap_err()
            .contains("isError"));
        let error = br#"{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"unknown tool"}}"#;
        assert!(check_call_reply(error, 3, 7)
            .unwrap_err()
            .contains("unknown tool"));
        assert!(check_call_reply(b"<html>", 3, 7).is_err());
        let init = br#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{}}}"#;
        assert_eq!(check_initialize_reply(init, 0).unwrap(), "2025-06-18");
    }

    #[test]
    fn modern_messages_and_replies() {
        let call: Value = serde_json::from_str(&modern_call_body(9, 2, 3)).unwrap();
        assert_eq!(call["params"]["arguments"]["b"], 3);
        let meta = &call["params"]["_meta"];
        assert_eq!(
            meta["io.modelcontextprotocol/protocolVersion"],
            "2026-07-28"
        );
        assert!(meta["io.modelcontextprotocol/clientCapabilities"].is_object());
        assert_eq!(
            meta["io.modelcontextprotocol/clientInfo"]["name"],
            "mcp-bench"
        );
        let discover: Value = serde_json::from_str(&discover_body(0)).unwrap();
        assert_eq!(discover["method"], "server/discover");

        let ok = br#"{"jsonrpc":"2.0","id":9,"result":{"resultType":"complete","content":[{"type":"text","text":"5"}],"isError":false,"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}}}"#;
        let required = ServerInfo::Required;
        assert_eq!(check_modern_call_reply(ok, 9, 5, required), Ok(()));
        assert!(check_modern_call_reply(ok, 9, 6, required).is_err());
        let legacy = br#"{"jsonrpc":"2.0","id":9,"result":{"content":[{"type":"text","text":"5"}],"isError":false}}"#;
        assert!(check_modern_call_reply(legacy, 9, 5, ServerInfo::Optional)
            .unwrap_err()
            .contains("resultType"));
        let anonymous = br#"{"jsonrpc":"2.0","id":9,"result":{"resultType":"complete","content":[{"type":"text","text":"5"}]}}"#;
        assert!(check_modern_call_reply(anonymous, 9, 5, required)
            .unwrap_err()
            .contains("serverInfo"));
        assert_eq!(
            check_modern_call_reply(anonymous, 9, 5, ServerInfo::Optional),
            Ok(())
        );
        let nameless = br#"{"jsonrpc":"2.0","id":9,"result":{"resultType":"complete","content":[{"type":"text","text":"5"}],"_meta":{"io.modelcontextprotocol/serverInfo":{"name":""}}}}"#;
        assert!(check_modern_call_reply(nameless, 9, 5, ServerInfo::Optional).is_err());
        let pending = br#"{"jsonrpc":"2.0","id":9,"result":{"resultType":"input_required","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}}}"#;
        assert!(check_modern_call_reply(pending, 9, 5, required).is_err());

        let discovered = br#"{"jsonrpc":"2.0","id":0,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":{"tools":{}},"ttlMs":0,"cacheScope":"public","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}}}"#;
        assert_eq!(check_discover_reply(discovered, 0, required), Ok(()));
        let old = br#"{"jsonrpc":"2.0","id":0,"result":{"resultType":"complete","supportedVersions":["2025-11-25"],"capabilities":{},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}}}"#;
        assert!(check_discover_reply(old, 0, required).is_err());
    }

    #[test]
    fn replies_in_json_or_sse_bodies() {
        let json = br#"{"jsonrpc":"2.0","id":1,"result":{}}"#;
        assert_eq!(
            response_message("application/json; charset=utf-8", json, 1).unwrap(),
            json.to_vec()
        );
        let stream = b"id: 0\ndata:\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
        assert_eq!(
            response_message("text/event-stream", stream, 1).unwrap(),
            json.to_vec()
        );
        assert!(response_message("text/event-stream", stream, 2).is_err());
        assert!(response_message("text/html", b"x", 1).is_err());
        assert_eq!(message_id(json), Some(1));
    }
}
