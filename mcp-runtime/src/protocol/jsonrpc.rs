//! JSON-RPC 2.0 messages: decoding what a client sent, encoding what the server answers.
//!
//! Decoding is strict and its errors say what was wrong, because a client author reads them.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// Invalid JSON was received.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON sent is not a valid JSON-RPC request.
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist or is not available.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters.
pub const INVALID_PARAMS: i64 = -32602;
/// Internal JSON-RPC error.
pub const INTERNAL_ERROR: i64 = -32603;
/// The server cannot take the request now (it is shutting down).
pub const SERVER_UNAVAILABLE: i64 = -32000;
/// MCP up to 2025-11-25: no resource has the URI asked for (`resources/read`); `data` carries
/// the `uri`. From 2026-07-28 the same error is answered with [`INVALID_PARAMS`].
pub const RESOURCE_NOT_FOUND: i64 = -32002;
/// MCP 2026-07-28: an HTTP header (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`,
/// `Mcp-Param-*`) is missing or disagrees with the body.
pub const HEADER_MISMATCH: i64 = -32020;
/// MCP 2026-07-28: the request needs a client capability the request did not declare;
/// `data.requiredCapabilities` names it.
pub const MISSING_REQUIRED_CLIENT_CAPABILITY: i64 = -32021;
/// MCP 2026-07-28: the request's revision is not one the server speaks; `data` holds
/// `supported` and `requested`.
pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;

/// The id of a request: MCP allows strings and integers (never `null`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequestId {
    /// An integer id.
    Number(i64),
    /// A string id.
    String(String),
}

impl RequestId {
    fn from_value(value: &Value) -> Option<RequestId> {
        match value {
            Value::String(s) => Some(RequestId::String(s.clone())),
            Value::Number(n) => n.as_i64().map(RequestId::Number),
            _ => None,
        }
    }
}

impl Serialize for RequestId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RequestId::Number(n) => serializer.serialize_i64(*n),
            RequestId::String(s) => serializer.serialize_str(s),
        }
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => write!(f, "{s:?}"),
        }
    }
}

/// One decoded message from a client.
#[derive(Debug, Clone)]
pub enum Message {
    /// A request: the client awaits a response with the same id.
    Request(Request),
    /// A notification: no response is sent.
    Notification(Notification),
    /// A response to a request the server sent to the client.
    Response(ClientResponse),
}

/// A client's answer to a request the server sent it (sampling, elicitation, roots).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientResponse {
    /// The id of the server's request; `None` when the client sent one the server cannot
    /// have used (`null`, a fraction).
    pub id: Option<RequestId>,
    /// The result, or the error the client answered with.
    pub outcome: Result<Value, ErrorObject>,
}

/// A JSON-RPC request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The id the response must carry.
    pub id: RequestId,
    /// The method name, for example `tools/call`.
    pub method: String,
    /// The parameters (`null` when absent).
    pub params: Value,
}

/// A JSON-RPC notification.
#[derive(Debug, Clone)]
pub struct Notification {
    /// The method name, for example `notifications/initialized`.
    pub method: String,
    /// The parameters (`null` when absent).
    pub params: Value,
}

/// Why a message could not be decoded.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// [`PARSE_ERROR`] for bytes that are not JSON, [`INVALID_REQUEST`] otherwise.
    pub code: i64,
    /// What was wrong, in words a client author can act on.
    pub message: String,
    /// The request id, when one could be recovered, so the error can be answered.
    pub id: Option<RequestId>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    fn invalid(message: impl Into<String>, id: Option<RequestId>) -> Self {
        DecodeError {
            code: INVALID_REQUEST,
            message: message.into(),
            id,
        }
    }

    /// The JSON-RPC error response that answers this decoding failure.
    pub fn to_response(&self) -> Response {
        Response::error(
            self.id.clone(),
            ErrorObject::new(self.code, self.message.clone()),
        )
    }
}

impl Message {
    /// Decodes one message from the bytes of a request body or a line of input.
    pub fn from_slice(bytes: &[u8]) -> Result<Message, DecodeError> {
        // A well-formed request or notification is decoded straight into its fields (no map for
        // the envelope: this saves about a twentieth of a `tools/call`'s instructions, see
        // BENCHMARKS.md); anything else takes the general path below, which says what is wrong.
        if let Some(message) = fast_path(bytes) {
            return Ok(message);
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|err| DecodeError {
            code: PARSE_ERROR,
            message: format!("invalid JSON: {err}"),
            id: None,
        })?;
        Message::from_value(value)
    }

    /// Decodes one message from a parsed JSON value.
    pub fn from_value(value: Value) -> Result<Message, DecodeError> {
        let fields = match value {
            Value::Object(_) => Fields::deserialize(value).map_err(|err| {
                DecodeError::invalid(format!("not a JSON-RPC message: {err}"), None)
            })?,
            Value::Array(elements) if elements.is_empty() => {
                return Err(DecodeError::invalid(
                    "an empty JSON-RPC batch: a batch must hold at least one message",
                    None,
                ))
            }
            // Transports take batches apart before decoding their messages (where the session
            // has them); an array here is a batch where none is taken, or one inside a batch.
            Value::Array(_) => {
                return Err(DecodeError::invalid(
                    "JSON-RPC batches are not supported here: send one message per request",
                    None,
                ))
            }
            other => {
                return Err(DecodeError::invalid(
                    format!(
                        "a JSON-RPC message must be a JSON object, got {}",
                        type_name(&other)
                    ),
                    None,
                ))
            }
        };
        fields.into_message()
    }
}

/// The members of a message, as sent: the general decoding path, which says what is wrong.
#[derive(Deserialize)]
struct Fields {
    #[serde(default, deserialize_with = "present")]
    jsonrpc: Option<Value>,
    /// `Some(Value::Null)` for `"id": null`, which is not an absent id.
    #[serde(default, deserialize_with = "present")]
    id: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    method: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    params: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    result: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    error: Option<Value>,
}

/// A member that is there, even as `null`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl Fields {
    fn into_message(self) -> Result<Message, DecodeError> {
        let id = match &self.id {
            None => None,
            Some(value) => match RequestId::from_value(value) {
                Some(id) => Some(id),
                None => {
                    // A number that is not an i64 (a fraction, or out of range) says which.
                    let shown = match value {
                        Value::Number(n) => format!(
                            "a number ({n}; integer ids must fit in a signed 64-bit integer)"
                        ),
                        other => type_name(other).to_owned(),
                    };
                    return Err(DecodeError::invalid(
                        format!("`id` must be a string or an integer, got {shown}"),
                        None,
                    ));
                }
            },
        };
        match &self.jsonrpc {
            Some(Value::String(v)) if v == "2.0" => {}
            Some(other) => {
                return Err(DecodeError::invalid(
                    format!("`jsonrpc` must be \"2.0\", got {other}"),
                    id,
                ))
            }
            None => {
                return Err(DecodeError::invalid(
                    "missing `jsonrpc`: it must be \"2.0\"",
                    id,
                ))
            }
        }
        let method = match self.method {
            Some(Value::String(method)) => method,
            Some(other) => {
                return Err(DecodeError::invalid(
                    format!("`method` must be a string, got {}", type_name(&other)),
                    id,
                ))
            }
            None if self.result.is_some() || self.error.is_some() => {
                let outcome = match (self.result, self.error) {
                    (Some(result), _) => Ok(result),
                    (None, Some(error)) => Err(ErrorObject::from_client(error)),
                    (None, None) => unreachable!("one of them is there"),
                };
                return Ok(Message::Response(ClientResponse { id, outcome }));
            }
            None => return Err(DecodeError::invalid("missing `method`", id)),
        };
        let params = match self.params {
            None | Some(Value::Null) => Value::Null,
            Some(params @ (Value::Object(_) | Value::Array(_))) => params,
            Some(other) => {
                return Err(DecodeError::invalid(
                    format!("`params` must be an object, got {}", type_name(&other)),
                    id,
                ))
            }
        };
        Ok(match id {
            Some(id) => Message::Request(Request { id, method, params }),
            None => Message::Notification(Notification { method, params }),
        })
    }
}

/// The envelope of a request or notification, decoded without building a map for it.
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    jsonrpc: Option<std::borrow::Cow<'a, str>>,
    /// Not an `Option`: that would read `"id": null` as no id.
    #[serde(default)]
    id: FastId,
    #[serde(borrow)]
    method: Option<std::borrow::Cow<'a, str>>,
    params: Option<Value>,
}

/// An id as the fast path accepts it; `Invalid` (null, a fraction, an object..) sends the
/// message down the general path, whose error message names the problem.
#[derive(Default)]
enum FastId {
    /// No `id`: a notification.
    #[default]
    Absent,
    Valid(RequestId),
    Invalid,
}

impl<'de> serde::Deserialize<'de> for FastId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FastId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON-RPC id")
            }
            fn visit_i64<E>(self, n: i64) -> Result<FastId, E> {
                Ok(FastId::Valid(RequestId::Number(n)))
            }
            fn visit_u64<E>(self, n: u64) -> Result<FastId, E> {
                Ok(i64::try_from(n)
                    .map_or(FastId::Invalid, |n| FastId::Valid(RequestId::Number(n))))
            }
            fn visit_str<E>(self, s: &str) -> Result<FastId, E> {
                Ok(FastId::Valid(RequestId::String(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<FastId, E> {
                Ok(FastId::Valid(RequestId::String(s)))
            }
            // Any other JSON type is not an error here, just not for the fast path.
            fn visit_unit<E>(self) -> Result<FastId, E> {
                Ok(FastId::Invalid)
            }
            fn visit_bool<E>(self, _: bool) -> Result<FastId, E> {
                Ok(FastId::Invalid)
            }
            fn visit_f64<E>(self, _: f64) -> Result<FastId, E> {
                Ok(FastId::Invalid)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<FastId, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(FastId::Invalid)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FastId, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(FastId::Invalid)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The message, when `bytes` are a valid request or notification; `None` for everything else
/// (responses, invalid messages, duplicate keys), which the general path decodes.
fn fast_path(bytes: &[u8]) -> Option<Message> {
    let envelope: Envelope = serde_json::from_slice(bytes).ok()?;
    if envelope.jsonrpc.as_deref() != Some("2.0") {
        return None;
    }
    let method = envelope.method?.into_owned();
    let params = match envelope.params {
        None => Value::Null,
        Some(params @ (Value::Object(_) | Value::Array(_))) => params,
        Some(_) => return None,
    };
    Some(match envelope.id {
        FastId::Absent => Message::Notification(Notification { method, params }),
        FastId::Valid(id) => Message::Request(Request { id, method, params }),
        FastId::Invalid => return None,
    })
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorObject {
    /// One of the codes in this module, or an application code.
    pub code: i64,
    /// A sentence that says what went wrong and, where possible, how to fix it.
    pub message: String,
    /// Optional structured detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ErrorObject {
    /// An error with a code and a message.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ErrorObject {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// `-32602 Invalid params`.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        ErrorObject::new(INVALID_PARAMS, message)
    }

    /// `-32601 Method not found`.
    pub fn method_not_found(method: &str) -> Self {
        ErrorObject::new(METHOD_NOT_FOUND, format!("method `{method}` not found"))
    }

    /// `-32603 Internal error`.
    pub fn internal(message: impl Into<String>) -> Self {
        ErrorObject::new(INTERNAL_ERROR, message)
    }

    /// The `error` a client answered with, read leniently: what it holds is only passed on to
    /// the tool that asked, so a missing or mistyped member gets a placeholder.
    fn from_client(error: Value) -> Self {
        #[derive(Deserialize)]
        struct Lenient {
            code: Option<Value>,
            message: Option<Value>,
            data: Option<Value>,
        }
        let Lenient {
            code,
            message,
            data,
        } = Lenient::deserialize(error).unwrap_or(Lenient {
            code: None,
            message: None,
            data: None,
        });
        ErrorObject {
            code: code
                .and_then(|code| code.as_i64())
                .unwrap_or(INTERNAL_ERROR),
            message: match message {
                Some(Value::String(message)) => message,
                _ => "no message".to_owned(),
            },
            data,
        }
    }
}

impl fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ErrorObject {}

/// A JSON-RPC response: a result or an error for one request.
///
/// A result is held already encoded: the dispatcher writes a tool's result (or a listing) as
/// JSON once, straight from its Rust types, and [`to_json`](Self::to_json) copies that text
/// into the response. Read it with [`result_value`](Self::result_value), or
/// `serde_json::from_str(raw.get())` into a type of your own.
#[derive(Debug, Clone)]
pub struct Response {
    /// The id of the request answered; `None` only for errors about undecodable messages.
    pub id: Option<RequestId>,
    /// The outcome: the result as JSON text, or the error.
    pub outcome: Result<Box<RawValue>, ErrorObject>,
}

impl PartialEq for Response {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && match (&self.outcome, &other.outcome) {
                (Ok(a), Ok(b)) => a.get() == b.get(),
                (Err(a), Err(b)) => a == b,
                _ => false,
            }
    }
}

impl Response {
    /// A successful response.
    pub fn result(id: RequestId, result: Value) -> Self {
        Response {
            id: Some(id),
            outcome: Ok(encode(&result).expect("a JSON value always serializes")),
        }
    }

    /// An error response.
    pub fn error(id: Option<RequestId>, error: ErrorObject) -> Self {
        Response {
            id,
            outcome: Err(error),
        }
    }

    /// The result as a JSON value (decoded from its text), or the error.
    pub fn result_value(&self) -> Result<Value, ErrorObject> {
        match &self.outcome {
            Ok(raw) => serde_json::from_str(raw.get()).map_err(|err| {
                ErrorObject::internal(format!("the result is not valid JSON: {err}"))
            }),
            Err(error) => Err(error.clone()),
        }
    }

    /// The response as JSON text, serialized straight from the result (no intermediate copy).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a JSON-RPC response always serializes")
    }

    /// The response as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a JSON-RPC response always serializes")
    }
}

/// Encodes a result as JSON text, once; `Err` (a `-32603`) only for types whose `Serialize`
/// fails, such as maps with non-string keys.
pub(crate) fn encode<T: Serialize + ?Sized>(result: &T) -> Result<Box<RawValue>, ErrorObject> {
    serde_json::value::to_raw_value(result)
        .map_err(|err| ErrorObject::internal(format!("the result did not serialize: {err}")))
}

impl Serialize for Response {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("jsonrpc", "2.0")?;
        map.serialize_entry("id", &self.id)?;
        match &self.outcome {
            Ok(result) => map.serialize_entry("result", result)?,
            Err(error) => map.serialize_entry("error", error)?,
        }
        map.end()
    }
}

/// The elements of a JSON-RPC batch, when `bytes` is a non-empty JSON array; `None` for
/// anything else (a single message, or what [`Message::from_slice`] reports as invalid).
pub(crate) fn batch_elements(bytes: &[u8]) -> Option<Vec<Value>> {
    if bytes.trim_ascii_start().first() != Some(&b'[') {
        return None;
    }
    serde_json::from_slice::<Vec<Value>>(bytes)
        .ok()
        .filter(|elements| !elements.is_empty())
}

/// The answer to a batch: its responses as one JSON array.
pub(crate) fn batch_json(responses: &[Response]) -> String {
    serde_json::to_string(responses).expect("JSON-RPC responses always serialize")
}

/// A message the server starts (a notification, or a request to the client when `id` is
/// given), as JSON text; `Err` only when `params` do not serialize (a user's type that refuses).
pub(crate) fn outgoing_json<P: Serialize + ?Sized>(
    id: Option<i64>,
    method: &str,
    params: &P,
) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct Outgoing<'a, P: ?Sized> {
        jsonrpc: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<i64>,
        method: &'a str,
        params: &'a P,
    }
    serde_json::to_string(&Outgoing {
        jsonrpc: "2.0",
        id,
        method,
        params,
    })
}

/// The JSON type of a value, for error messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_requests_notifications_and_responses() {
        let request = Message::from_slice(br#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#).unwrap();
        assert!(matches!(
            request,
            Message::Request(Request {
                id: RequestId::Number(7),
                ..
            })
        ));
        let string_id =
            Message::from_slice(br#"{"jsonrpc":"2.0","id":"a","method":"ping","params":{}}"#)
                .unwrap();
        assert!(
            matches!(string_id, Message::Request(Request { id: RequestId::String(ref s), .. }) if s == "a")
        );
        let note =
            Message::from_slice(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
                .unwrap();
        assert!(matches!(note, Message::Notification(_)));
        let response = Message::from_slice(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#).unwrap();
        match response {
            Message::Response(response) => {
                assert_eq!(response.id, Some(RequestId::Number(1)));
                assert_eq!(response.outcome, Ok(serde_json::json!({})));
            }
            other => panic!("expected a response, got {other:?}"),
        }
        let refused = Message::from_slice(
            br#"{"jsonrpc":"2.0","id":"x","error":{"code":"not a number","data":[1]}}"#,
        )
        .unwrap();
        match refused {
            Message::Response(response) => {
                assert_eq!(response.id, Some(RequestId::String("x".into())));
                let error = response.outcome.unwrap_err();
                assert_eq!(
                    (error.code, error.message.as_str()),
                    (INTERNAL_ERROR, "no message")
                );
                assert_eq!(error.data, Some(serde_json::json!([1])));
            }
            other => panic!("expected a response, got {other:?}"),
        }
    }

    #[test]
    fn rejects_malformed_messages_with_actionable_errors() {
        let cases: &[(&[u8], i64, &str, Option<RequestId>)] = &[
            (b"{\"jsonrpc\":", PARSE_ERROR, "invalid JSON", None),
            (b"[]", INVALID_REQUEST, "an empty JSON-RPC batch", None),
            (b"[[]]", INVALID_REQUEST, "batches are not supported", None),
            (
                b"3",
                INVALID_REQUEST,
                "must be a JSON object, got a number",
                None,
            ),
            (
                br#"{"jsonrpc":"1.0","id":1,"method":"x"}"#,
                INVALID_REQUEST,
                "`jsonrpc` must be \"2.0\"",
                Some(RequestId::Number(1)),
            ),
            (
                br#"{"id":1,"method":"x"}"#,
                INVALID_REQUEST,
                "missing `jsonrpc`",
                Some(RequestId::Number(1)),
            ),
            (
                br#"{"jsonrpc":"2.0","id":2}"#,
                INVALID_REQUEST,
                "missing `method`",
                Some(RequestId::Number(2)),
            ),
            (
                br#"{"jsonrpc":"2.0","id":null,"method":"x"}"#,
                INVALID_REQUEST,
                "`id` must be a string or an integer, got null",
                None,
            ),
            (
                br#"{"jsonrpc":"2.0","id":true,"method":"x"}"#,
                INVALID_REQUEST,
                "got a boolean",
                None,
            ),
            (
                br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
                INVALID_REQUEST,
                "got a number",
                None,
            ),
            (
                br#"{"jsonrpc":"2.0","id":3,"method":5}"#,
                INVALID_REQUEST,
                "`method` must be a string",
                Some(RequestId::Number(3)),
            ),
            (
                br#"{"jsonrpc":"2.0","id":4,"method":"x","params":"p"}"#,
                INVALID_REQUEST,
                "`params` must be an object",
                Some(RequestId::Number(4)),
            ),
        ];
        for (input, code, needle, id) in cases {
            let err = Message::from_slice(input).expect_err(std::str::from_utf8(input).unwrap());
            assert_eq!(err.code, *code, "{err}");
            assert!(
                err.message.contains(needle),
                "{:?} lacks {needle:?}",
                err.message
            );
            assert_eq!(&err.id, id);
        }
    }

    #[test]
    fn fast_path_decodes_exactly_what_the_general_path_does() {
        let general = |input: &[u8]| {
            Message::from_value(serde_json::from_slice(input).unwrap()).map(|m| format!("{m:?}"))
        };
        for valid in [
            &br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{"a":1}}}"#[..],
            br#"{"method":"ping","id":"x\"y","jsonrpc":"2.0","extra":[1,{"a":null}]}"#,
            br#"{"jsonrpc":"2.0","id":-3,"method":"p\u00e9","params":[1,2]}"#,
            br#"{"jsonrpc":"2.0","id":9223372036854775807,"method":"m","params":null}"#,
            br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        ] {
            let fast = fast_path(valid).map(|m| format!("{m:?}"));
            assert_eq!(fast, Some(general(valid).unwrap()), "{}", String::from_utf8_lossy(valid));
        }
        // Everything else is left to the general path, which explains the problem.
        for other in [
            &br#"{"jsonrpc":"2.0","id":null,"method":"m"}"#[..],
            br#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#,
            br#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"m"}"#,
            br#"{"jsonrpc":"2.0","id":{"method":"x"},"method":"m"}"#,
            br#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#,
            br#"{"jsonrpc":"2.0","id":true,"method":"m"}"#,
            br#"{"jsonrpc":"1.0","id":1,"method":"m"}"#,
            br#"{"id":1,"method":"m"}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":3}"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"m","params":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"m"}"#,
            br#"{"jsonrpc":"2.0","id":1,"result":{}}"#,
            br#"[{"jsonrpc":"2.0","id":1,"method":"m"}]"#,
            br#"{"jsonrpc":"2.0","id":1,"method":"m""#,
        ] {
            assert!(
                fast_path(other).is_none(),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn responses_serialize_per_spec() {
        let ok = Response::result(RequestId::String("x".into()), serde_json::json!({"a": 1}));
        assert_eq!(
            ok.to_value(),
            serde_json::json!({"jsonrpc":"2.0","id":"x","result":{"a":1}})
        );
        let err = Response::error(None, ErrorObject::method_not_found("nope"));
        assert_eq!(
            err.to_value(),
            serde_json::json!({"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"method `nope` not found"}})
        );
    }
}
