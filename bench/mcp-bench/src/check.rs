//! The JSON-RPC messages the load generator sends, and the checks every reply must pass.

use serde::Deserialize;
use serde_json::Value;

use crate::sse;

/// The protocol revision asked for over HTTP+SSE (the transport of that revision).
pub const SSE_PROTOCOL_VERSION: &str = "2024-11-05";
/// The revision asked for over Streamable HTTP: one every server compared here speaks.
pub const STREAMABLE_PROTOCOL_VERSION: &str = "2025-06-18";

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
    let result: CallResult = serde_json::from_value(result_of(message, id)?)
        .map_err(|err| format!("not a CallToolResult: {err}"))?;
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
