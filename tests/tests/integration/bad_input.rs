//! Bad input, table-driven: every row is one message a client might send wrong, over one
//! transport (an HTTP+SSE POST, a Streamable HTTP POST, a stdio line), with the HTTP status and
//! the JSON-RPC answer it must get. The rows of a transport all run in one session, each followed
//! by a `ping` whose answer must be the next message (nothing unexpected came back), and a normal
//! `tools/call` must still work in that session at the end.

use std::fmt;

use actix_web::{web, App};
use mcp_runtime::transport::HttpOptions;
use mcp_runtime::Server;
use mcp_tests::support::{request_with, serving, SseClient, TestServer, WAIT};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

/// The body (and line) limit of the server under test.
const LIMIT: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    /// `POST /messages/?session_id=..` of `sse_app()`; answers arrive on the session's stream.
    Sse,
    /// `POST /mcp` of `streamable_http_app()`; answers are the response body.
    Http,
    /// One line of `Stdio::serve_io`; answers are lines.
    Stdio,
}
use Transport::{Http, Sse, Stdio};

/// Which session an HTTP row addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// The transport's initialized session.
    Session,
    /// No session at all (no `session_id`, no `Mcp-Session-Id`).
    NoSession,
    /// A session id the server never issued.
    UnknownSession,
}

/// What must come back as JSON-RPC (on the SSE stream, in the HTTP body, as a stdio line).
#[derive(Clone, Debug)]
enum Expect {
    /// No JSON-RPC message at all.
    Nothing,
    /// No JSON-RPC message; the (plain-text) HTTP body contains this.
    Body(&'static str),
    /// An error response: its id, its code, and a piece of its message.
    Error(Value, i64, &'static str),
    /// A successful response with this id.
    Ok(Value),
    /// A successful `tools/call` response with this id whose result is an `isError` result
    /// whose text contains this.
    ToolError(Value, &'static str),
}
use Expect::{Body, Error, Nothing, ToolError};

struct Row {
    transport: Transport,
    what: &'static str,
    input: Vec<u8>,
    target: Target,
    /// The HTTP status (unused for stdio).
    status: u16,
    expect: Expect,
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = String::from_utf8_lossy(&self.input[..self.input.len().min(120)]).into_owned();
        write!(
            f,
            "{:?} row `{}` (input {shown:?}",
            self.transport, self.what
        )?;
        if self.input.len() > 120 {
            write!(f, ".. {} bytes", self.input.len())?;
        }
        write!(f, ")")
    }
}

fn row(
    transport: Transport,
    what: &'static str,
    input: impl Into<Vec<u8>>,
    status: u16,
    expect: Expect,
) -> Row {
    Row {
        transport,
        what,
        input: input.into(),
        target: Target::Session,
        status,
        expect,
    }
}

/// The same input on all three transports: `sse` and `http` are the HTTP statuses, `expect`
/// what comes back everywhere. Over HTTP+SSE an undecodable message is answered `400` with the
/// reason as text, and on the stream too when its id could be recovered.
fn all(
    what: &'static str,
    input: impl Into<Vec<u8>>,
    sse: u16,
    http: u16,
    expect: Expect,
) -> [Row; 3] {
    let input = input.into();
    [
        row(Sse, what, input.clone(), sse, expect.clone()),
        row(Http, what, input.clone(), http, expect.clone()),
        row(Stdio, what, input, 0, expect),
    ]
}

/// A request that decodes and is answered: 202 over SSE, 200 over Streamable HTTP.
fn answered(what: &'static str, input: impl Into<Vec<u8>>, expect: Expect) -> [Row; 3] {
    all(what, input, 202, 200, expect)
}

/// A message that does not decode: 400 over both HTTP transports.
fn undecodable(what: &'static str, input: impl Into<Vec<u8>>, expect: Expect) -> [Row; 3] {
    all(what, input, 400, 400, expect)
}

/// A notification or a client response: 202, and no answer.
fn silent(what: &'static str, input: impl Into<Vec<u8>>) -> [Row; 3] {
    all(what, input, 202, 202, Nothing)
}

fn text(message: Value) -> Vec<u8> {
    message.to_string().into_bytes()
}

fn call(id: Value, arguments: Value) -> Vec<u8> {
    text(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": "add", "arguments": arguments}}))
}

/// `{"jsonrpc":"2.0","id":<id>,"method":"ping"}` with the id spelled as given.
fn ping_with_id(id: &str) -> Vec<u8> {
    format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping"}}"#).into_bytes()
}

fn nested(open: &str, depth: usize) -> Vec<u8> {
    open.repeat(depth).into_bytes()
}

const NULL: Value = Value::Null;
const PARSE: i64 = -32700;
const INVALID: i64 = -32600;
const NO_METHOD: i64 = -32601;
const PARAMS: i64 = -32602;

fn table() -> Vec<Row> {
    let mut rows = Vec::new();
    let ok = |id: Value| Expect::Ok(id);

    // Not JSON at all, or not all of it.
    rows.extend(undecodable(
        "truncated JSON",
        br#"{"jsonrpc":"2.0","id":1,"method":"pi"#.to_vec(),
        Error(NULL, PARSE, "invalid JSON"),
    ));
    rows.extend(undecodable(
        "trailing garbage",
        br#"{"jsonrpc":"2.0","id":1,"method":"ping"} x"#.to_vec(),
        Error(NULL, PARSE, "invalid JSON"),
    ));
    rows.extend(undecodable(
        "not JSON",
        b"hello".to_vec(),
        Error(NULL, PARSE, "invalid JSON"),
    ));
    rows.extend(undecodable(
        "invalid UTF-8 in a string",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"\xff\xfe\"}}"
            .to_vec(),
        Error(NULL, PARSE, "invalid JSON"),
    ));
    rows.extend(undecodable(
        "invalid UTF-8 bytes",
        b"\xff\xfe\xfd\x80".to_vec(),
        Error(NULL, PARSE, "invalid JSON"),
    ));
    rows.extend(undecodable(
        "a lone UTF-16 surrogate escape",
        br#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\ud800"}}"#.to_vec(),
        Error(NULL, PARSE, "invalid JSON"),
    ));
    rows.extend(undecodable(
        "100,000 nested arrays",
        nested("[", 100_000),
        Error(NULL, PARSE, "recursion limit exceeded"),
    ));
    rows.extend(undecodable(
        "100,000 nested arrays, closed",
        [nested("[", 100_000), nested("]", 100_000)].concat(),
        Error(NULL, PARSE, "recursion limit exceeded"),
    ));
    rows.extend(undecodable(
        "40,000 nested objects in params",
        [
            br#"{"jsonrpc":"2.0","id":1,"method":"ping","params":"#.to_vec(),
            nested(r#"{"a":"#, 40_000),
        ]
        .concat(),
        Error(NULL, PARSE, "recursion limit exceeded"),
    ));
    rows.extend(undecodable(
        "a number beyond f64 (1e400)",
        br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1e400,"b":1}}}"#.to_vec(),
        Error(NULL, PARSE, "number out of range"),
    ));
    // The empty body is invalid JSON over HTTP; an empty line is skipped over stdio.
    rows.push(row(
        Sse,
        "empty body",
        b"".to_vec(),
        400,
        Body("invalid JSON"),
    ));
    rows.push(row(
        Http,
        "empty body",
        b"".to_vec(),
        400,
        Error(NULL, PARSE, "EOF"),
    ));
    rows.push(row(Stdio, "empty line", b"".to_vec(), 0, Nothing));
    rows.push(row(
        Sse,
        "blank body",
        b"  \t ".to_vec(),
        400,
        Body("invalid JSON"),
    ));
    rows.push(row(
        Http,
        "blank body",
        b"  \t ".to_vec(),
        400,
        Error(NULL, PARSE, "EOF"),
    ));
    rows.push(row(Stdio, "blank line", b"  \t ".to_vec(), 0, Nothing));

    // JSON, but not a JSON-RPC message.
    rows.extend(undecodable(
        "a batch array (the sessions here speak 2025-06-18 or later, which have no batches)",
        text(json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}])),
        Error(
            NULL,
            INVALID,
            "batches are not supported in protocol revision 2025-",
        ),
    ));
    rows.extend(undecodable(
        "an empty batch",
        b"[]".to_vec(),
        Error(NULL, INVALID, "an empty JSON-RPC batch"),
    ));
    for (what, input, got) in [
        ("a string message", &b"\"ping\""[..], "got a string"),
        ("a number message", b"42", "got a number"),
        ("a null message", b"null", "got null"),
        ("a boolean message", b"true", "got a boolean"),
    ] {
        rows.extend(undecodable(what, input.to_vec(), Error(NULL, INVALID, got)));
    }
    rows.extend(undecodable(
        "an empty object",
        b"{}".to_vec(),
        Error(NULL, INVALID, "missing `jsonrpc`"),
    ));
    rows.extend(undecodable(
        "wrong `jsonrpc` version",
        text(json!({"jsonrpc": "1.0", "id": "v1", "method": "ping"})),
        Error(json!("v1"), INVALID, "`jsonrpc` must be \"2.0\""),
    ));
    rows.extend(undecodable(
        "`jsonrpc` as a number",
        br#"{"jsonrpc":2.0,"id":"v2","method":"ping"}"#.to_vec(),
        Error(json!("v2"), INVALID, "`jsonrpc` must be \"2.0\", got 2.0"),
    ));
    rows.extend(undecodable(
        "missing `jsonrpc`",
        text(json!({"id": "v3", "method": "ping"})),
        Error(json!("v3"), INVALID, "missing `jsonrpc`"),
    ));
    rows.extend(undecodable(
        "missing `method`",
        text(json!({"jsonrpc": "2.0", "id": "m1"})),
        Error(json!("m1"), INVALID, "missing `method`"),
    ));
    rows.extend(undecodable(
        "`method` as a number",
        text(json!({"jsonrpc": "2.0", "id": "m2", "method": 7})),
        Error(json!("m2"), INVALID, "`method` must be a string"),
    ));
    rows.extend(undecodable(
        "`method` as null",
        text(json!({"jsonrpc": "2.0", "id": "m3", "method": null})),
        Error(json!("m3"), INVALID, "`method` must be a string"),
    ));

    // Ids of every JSON type: strings and integers are ids, nothing else is.
    for (what, id, answer) in [
        ("string id", "\"abc\"", json!("abc")),
        ("empty string id", "\"\"", json!("")),
        (
            "unicode string id",
            "\"\u{e9}\u{1f600}\"",
            json!("\u{e9}\u{1f600}"),
        ),
        ("zero id", "0", json!(0)),
        ("negative id", "-7", json!(-7)),
        ("largest i64 id", "9223372036854775807", json!(i64::MAX)),
        ("smallest i64 id", "-9223372036854775808", json!(i64::MIN)),
    ] {
        rows.extend(answered(what, ping_with_id(id), ok(answer)));
    }
    for (what, id, got) in [
        (
            "integer id beyond i64",
            "9223372036854775808",
            "got a number (9223372036854775808; integer ids must fit in a signed 64-bit integer)",
        ),
        (
            "integer id beyond u64",
            "123456789012345678901234567890",
            "got a number (1.2345678901234568e+29;",
        ),
        ("float id", "1.5", "got a number (1.5;"),
        ("integral float id", "1.0", "got a number (1.0;"),
        ("exponent id", "1e3", "got a number (1000.0;"),
        ("null id", "null", "got null"),
        ("boolean id", "true", "got a boolean"),
        ("array id", "[1]", "got an array"),
        ("object id", "{\"a\":1}", "got an object"),
    ] {
        rows.extend(undecodable(
            what,
            ping_with_id(id),
            Error(NULL, INVALID, got),
        ));
    }

    // `params` of the wrong type, or with the wrong contents.
    for (what, params) in [
        ("`params` as a string", json!("x")),
        ("`params` as a number", json!(5)),
        ("`params` as a boolean", json!(false)),
    ] {
        rows.extend(undecodable(
            what,
            text(json!({"jsonrpc": "2.0", "id": "p", "method": "tools/list", "params": params})),
            Error(json!("p"), INVALID, "`params` must be an object"),
        ));
    }
    rows.extend(answered(
        "`params` as an array for tools/call",
        text(json!({"jsonrpc": "2.0", "id": "p1", "method": "tools/call", "params": ["add", {}]})),
        Error(json!("p1"), PARAMS, "needs params with a `name`"),
    ));
    rows.extend(answered(
        "tools/call without a name",
        text(json!({"jsonrpc": "2.0", "id": "p2", "method": "tools/call", "params": {"arguments": {}}})),
        Error(json!("p2"), PARAMS, "needs a `name` string"),
    ));
    rows.extend(answered(
        "tools/call with a numeric name",
        text(json!({"jsonrpc": "2.0", "id": "p3", "method": "tools/call", "params": {"name": 5}})),
        Error(json!("p3"), PARAMS, "needs a `name` string"),
    ));
    rows.extend(answered(
        "tools/list with a numeric cursor",
        text(
            json!({"jsonrpc": "2.0", "id": "p4", "method": "tools/list", "params": {"cursor": 5}}),
        ),
        Error(json!("p4"), PARAMS, "`cursor` must be a string"),
    ));
    rows.extend(answered(
        "tools/list with a forged cursor",
        text(json!({"jsonrpc": "2.0", "id": "p5", "method": "tools/list", "params": {"cursor": "99999999999999999999999"}})),
        Error(json!("p5"), PARAMS, "invalid cursor"),
    ));
    rows.extend(answered(
        "logging/setLevel with an unknown level",
        text(json!({"jsonrpc": "2.0", "id": "p6", "method": "logging/setLevel", "params": {"level": 3}})),
        Error(json!("p6"), PARAMS, "unknown log level"),
    ));
    rows.extend(answered(
        "tools/list with an array for params",
        text(json!({"jsonrpc": "2.0", "id": "p7", "method": "tools/list", "params": []})),
        ok(json!("p7")),
    ));

    // Unknown methods and tools.
    for (what, method, needle) in [
        (
            "unknown method",
            "tools/nope",
            "method `tools/nope` not found",
        ),
        ("empty method", "", "method `` not found"),
        (
            "a resources method without resources",
            "resources/list",
            "resources/list",
        ),
        (
            "a prompts method without prompts",
            "prompts/get",
            "prompts/get",
        ),
        (
            "a notification's method as a request",
            "notifications/initialized",
            "not found",
        ),
    ] {
        rows.extend(answered(
            what,
            text(json!({"jsonrpc": "2.0", "id": "u", "method": method})),
            Error(json!("u"), NO_METHOD, needle),
        ));
    }
    rows.extend(answered(
        "unknown tool",
        text(json!({"jsonrpc": "2.0", "id": "t", "method": "tools/call", "params": {"name": "nope", "arguments": {}}})),
        Error(json!("t"), PARAMS, "unknown tool `nope`"),
    ));

    // Wrong arguments: an `isError` result naming each problem, not a protocol error.
    for (what, arguments, needle) in [
        (
            "a string for an i64",
            json!({"a": "two", "b": 1}),
            "argument `a` (got a string)",
        ),
        (
            "a float for an i64",
            json!({"a": 1.5, "b": 1}),
            "argument `a` (got a number)",
        ),
        (
            "10^30 for an i64",
            json!({"a": 1, "b": 1e30}),
            "argument `b` (got a number)",
        ),
        (
            "-2^63-1 for an i64",
            json!({"a": -9_223_372_036_854_775_809.0_f64, "b": 1}),
            "argument `a`",
        ),
        (
            "2^64 for an i64",
            json!({"a": 18_446_744_073_709_551_615_u64, "b": 1}),
            "argument `a`",
        ),
        (
            "a boolean for an i64",
            json!({"a": true, "b": 1}),
            "argument `a` (got a boolean)",
        ),
        (
            "null for an i64",
            json!({"a": null, "b": 1}),
            "argument `a` (got null)",
        ),
        (
            "an array for an i64",
            json!({"a": [1], "b": 1}),
            "argument `a` (got an array)",
        ),
        (
            "an object for an i64",
            json!({"a": {"n": 1}, "b": 1}),
            "argument `a` (got an object)",
        ),
        (
            "a missing argument",
            json!({"a": 1}),
            "missing required argument `b`",
        ),
        (
            "an unknown argument",
            json!({"a": 1, "b": 2, "c": 3}),
            "unknown argument `c`",
        ),
        (
            "every problem at once",
            json!({"a": "x", "c": 3}),
            "argument `a` (got a string)",
        ),
    ] {
        rows.extend(answered(
            what,
            call(json!(what), arguments),
            ToolError(json!(what), needle),
        ));
    }
    // Spelled out in the text: 10^30 is an integer literal, parsed as a float.
    rows.extend(answered(
        "10^30 written as an integer literal",
        br#"{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"name":"add","arguments":{"a":1000000000000000000000000000000,"b":1}}}"#.to_vec(),
        ToolError(json!("big"), "argument `a`"),
    ));
    rows.extend(answered(
        "100 nested arrays as an argument (under the recursion limit)",
        call(
            json!("deep"),
            json!({"a": serde_json::from_slice::<Value>(&[nested("[", 100), nested("]", 100)].concat()).unwrap(), "b": 1}),
        ),
        ToolError(json!("deep"), "argument `a` (got an array)"),
    ));
    for (what, arguments) in [
        ("`arguments` as an array", json!([1, 2])),
        ("`arguments` as a string", json!("a=1")),
        ("`arguments` as a number", json!(3)),
    ] {
        rows.extend(answered(
            what,
            call(json!(what), arguments),
            ToolError(json!(what), "`arguments` must be an object"),
        ));
    }
    rows.extend(answered(
        "`arguments` as null",
        call(json!("null-args"), Value::Null),
        ToolError(json!("null-args"), "missing required argument `a`"),
    ));

    // Notifications and client responses are never answered, whatever they hold.
    silent(
        "unknown notification",
        text(json!({"jsonrpc": "2.0", "method": "notifications/nope"})),
    )
    .into_iter()
    .for_each(|r| rows.push(r));
    rows.extend(silent(
        "cancellation of an unknown request",
        text(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "never-sent"}})),
    ));
    rows.extend(silent(
        "cancellation with an id of the wrong type",
        text(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": [1]}})),
    ));
    rows.extend(silent(
        "a response to nothing",
        text(json!({"jsonrpc": "2.0", "id": 424242, "result": {}})),
    ));
    rows.extend(silent(
        "an error response to nothing",
        text(json!({"jsonrpc": "2.0", "id": "x", "error": {"code": "not a number"}})),
    ));
    rows.extend(undecodable(
        "a notification with string params",
        text(json!({"jsonrpc": "2.0", "method": "notifications/initialized", "params": "x"})),
        Error(NULL, INVALID, "`params` must be an object"),
    ));

    // A second `initialize`: SSE and stdio sessions refuse it; over Streamable HTTP an
    // `initialize` always starts a new session (this one is untouched).
    let again = text(
        json!({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}),
    );
    rows.push(row(
        Sse,
        "initialize again",
        again.clone(),
        202,
        Error(json!("init"), INVALID, "already initialized"),
    ));
    rows.push(row(
        Stdio,
        "initialize again",
        again.clone(),
        0,
        Error(json!("init"), INVALID, "already initialized"),
    ));
    rows.push(row(
        Http,
        "initialize again (a new session)",
        again,
        200,
        ok(json!("init")),
    ));
    rows.extend(answered(
        "initialize without a protocolVersion",
        text(json!({"jsonrpc": "2.0", "id": "init2", "method": "initialize", "params": {}})),
        Error(json!("init2"), PARAMS, "needs a `protocolVersion`"),
    ));

    // Sessions and sizes.
    let ping = text(json!({"jsonrpc": "2.0", "id": "s", "method": "ping"}));
    for (transport, target, status, expect) in [
        (Sse, Target::UnknownSession, 404, Body("unknown session")),
        (Sse, Target::NoSession, 400, Body("missing session_id")),
        (
            Http,
            Target::UnknownSession,
            404,
            Error(NULL, INVALID, "unknown or expired session"),
        ),
        (
            Http,
            Target::NoSession,
            400,
            Error(NULL, INVALID, "missing Mcp-Session-Id"),
        ),
    ] {
        let what = match target {
            Target::UnknownSession => "unknown session",
            _ => "no session",
        };
        rows.push(Row {
            target,
            ..row(transport, what, ping.clone(), status, expect)
        });
    }
    let mut oversized = br#"{"jsonrpc":"2.0","id":"big","method":"ping","params":{"x":""#.to_vec();
    oversized.resize(LIMIT + 1024, b'x');
    oversized.extend_from_slice(br#""}}"#);
    let too_large = "message too large: a request body may hold at most 262144 bytes (HttpOptions::max_body_bytes)";
    rows.push(row(
        Sse,
        "oversized body",
        oversized.clone(),
        413,
        Body(too_large),
    ));
    rows.push(row(
        Http,
        "oversized body",
        oversized.clone(),
        413,
        Error(NULL, INVALID, too_large),
    ));
    rows.push(row(
        Stdio,
        "oversized line",
        oversized,
        0,
        Error(NULL, INVALID, "message too large"),
    ));
    let mut largest = br#"{"jsonrpc":"2.0","id":"large","method":"ping","params":{"x":""#.to_vec();
    largest.resize(LIMIT - 3, b'x');
    largest.extend_from_slice(br#""}}"#);
    rows.extend(answered(
        "a body of exactly the limit",
        largest,
        ok(json!("large")),
    ));
    rows
}

/// Checks one JSON-RPC message against what the row expects.
fn check(row: &Row, message: &Value) {
    assert_eq!(message["jsonrpc"], "2.0", "{row:?}: {message}");
    match &row.expect {
        Error(id, code, needle) => {
            assert_eq!(&message["id"], id, "{row:?}: {message}");
            assert_eq!(message["error"]["code"], *code, "{row:?}: {message}");
            let text = message["error"]["message"].as_str().unwrap_or_default();
            assert!(text.contains(needle), "{row:?}: {text:?} lacks {needle:?}");
        }
        Expect::Ok(id) => {
            assert_eq!(&message["id"], id, "{row:?}: {message}");
            assert!(message.get("result").is_some(), "{row:?}: {message}");
        }
        ToolError(id, needle) => {
            assert_eq!(&message["id"], id, "{row:?}: {message}");
            assert_eq!(message["result"]["isError"], true, "{row:?}: {message}");
            let text = message["result"]["content"][0]["text"]
                .as_str()
                .unwrap_or_default();
            assert!(text.contains(needle), "{row:?}: {text:?} lacks {needle:?}");
        }
        Nothing | Body(_) => panic!("{row:?}: expected no message, got {message}"),
    }
}

fn sum_of_two_and_three(result: &Value) {
    assert_eq!(result["result"]["content"][0]["text"], "5", "{result}");
    assert_ne!(result["result"]["isError"], true, "{result}");
}

fn start_http(server: &Server) -> TestServer {
    let server = server.clone();
    TestServer::start(2, move || {
        let options = HttpOptions::new().max_body_bytes(LIMIT);
        App::new()
            .service(server.sse_app().options(options.clone()))
            .service(web::scope("/mcp").service(server.streamable_http_app().options(options)))
    })
}

fn server() -> Server {
    serving(&["add"]).build().expect("valid server")
}

fn rows_of(transport: Transport) -> Vec<Row> {
    let rows: Vec<Row> = table()
        .into_iter()
        .filter(|row| row.transport == transport)
        .collect();
    assert!(rows.len() > 80, "{transport:?} has {} rows", rows.len());
    rows
}

#[actix_web::test]
async fn bad_input_over_http_sse_is_answered_and_the_session_keeps_serving() {
    let server = server();
    let app = start_http(&server);
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    for row in rows_of(Sse) {
        let path = match row.target {
            Target::Session => client.endpoint.clone(),
            Target::NoSession => "/messages/".to_owned(),
            Target::UnknownSession => {
                "/messages/?session_id=00000000000000000000000000000000".to_owned()
            }
        };
        let reply = request_with(
            app.addr,
            "POST",
            &path,
            &[("Content-Type", "application/json")],
            &row.input,
        )
        .await;
        assert_eq!(reply.status, row.status, "{row:?}: {reply:?}");
        match &row.expect {
            Nothing => {}
            Body(needle) => assert!(reply.body.contains(needle), "{row:?}: {reply:?}"),
            // Undecodable: the reason in the body, and on the stream when the id is known.
            Error(id, _, needle) if reply.status == 400 => {
                assert!(reply.body.contains(needle), "{row:?}: {reply:?}");
                if !id.is_null() {
                    check(&row, &client.receive().await);
                }
            }
            _ => check(&row, &client.receive().await),
        }
        // Nothing else came: the next message on the stream answers this ping.
        let pong = client.request("ping", json!({})).await;
        assert_eq!(pong["result"], json!({}), "after {row:?}: {pong}");
    }
    let sum = client
        .request(
            "tools/call",
            json!({"name": "add", "arguments": {"a": 2, "b": 3}}),
        )
        .await;
    sum_of_two_and_three(&sum);
    assert_eq!(server.sse_app().session_count(), 1);
}

#[actix_web::test]
async fn bad_input_over_streamable_http_is_answered_and_the_session_keeps_serving() {
    let server = server();
    let app = start_http(&server);
    let base = [
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
    ];
    let init = request_with(
        app.addr,
        "POST",
        "/mcp",
        &base,
        &text(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})),
    )
    .await;
    assert_eq!(init.status, 200, "{init:?}");
    let session = init
        .header("mcp-session-id")
        .expect("a session id")
        .to_owned();
    let in_session: Vec<(&str, &str)> = base
        .iter()
        .copied()
        .chain([
            ("Mcp-Session-Id", session.as_str()),
            ("MCP-Protocol-Version", "2025-11-25"),
        ])
        .collect();
    let post = |body: Vec<u8>, headers: Vec<(&'static str, String)>| async move {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        request_with(app.addr, "POST", "/mcp", &headers, &body).await
    };
    let owned = |headers: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect()
    };
    let initialized = post(
        text(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})),
        owned(&in_session),
    )
    .await;
    assert_eq!(initialized.status, 202);

    for row in rows_of(Http) {
        let headers = match row.target {
            Target::Session => owned(&in_session),
            Target::NoSession => owned(&base),
            Target::UnknownSession => {
                let mut headers = owned(&base);
                headers.push((
                    "Mcp-Session-Id",
                    "00000000000000000000000000000000".to_owned(),
                ));
                headers
            }
        };
        let reply = post(row.input.clone(), headers).await;
        assert_eq!(reply.status, row.status, "{row:?}: {reply:?}");
        match (&row.expect, reply.status) {
            (Nothing, _) => assert!(
                reply.status != 202 || reply.body.is_empty(),
                "{row:?}: {reply:?}"
            ),
            (Body(needle), _) => assert!(reply.body.contains(needle), "{row:?}: {reply:?}"),
            _ => {
                let content_type = reply.header("content-type").unwrap_or_default();
                assert!(
                    content_type.starts_with("application/json"),
                    "{row:?}: {reply:?}"
                );
                check(&row, &reply.json());
            }
        }
    }
    let sum = post(
        text(
            json!({"jsonrpc": "2.0", "id": "sum", "method": "tools/call",
            "params": {"name": "add", "arguments": {"a": 2, "b": 3}}}),
        ),
        owned(&in_session),
    )
    .await;
    assert_eq!(sum.status, 200, "{sum:?}");
    sum_of_two_and_three(&sum.json());
}

/// A stdio client over in-memory pipes.
struct StdioClient {
    input: DuplexStream,
    output: tokio::io::Lines<BufReader<DuplexStream>>,
}

impl StdioClient {
    async fn write_line(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).await.expect("write");
        self.input.write_all(b"\n").await.expect("write");
    }

    async fn read(&mut self) -> Value {
        let line = tokio::time::timeout(WAIT, self.output.next_line())
            .await
            .expect("a line in time")
            .expect("read")
            .expect("the server keeps its output open");
        serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line:?}"))
    }
}

#[actix_web::test]
async fn bad_input_over_stdio_is_answered_and_the_session_keeps_serving() {
    let server = server();
    let (input, server_input) = tokio::io::duplex(1 << 20);
    let (server_output, output) = tokio::io::duplex(1 << 20);
    let serving = {
        let server = server.clone();
        tokio::spawn(async move {
            let stdio = server.stdio().max_line_bytes(LIMIT);
            stdio.serve_io(server_input, server_output).await
        })
    };
    let mut client = StdioClient {
        input,
        output: BufReader::new(output).lines(),
    };
    client
        .write_line(&text(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})))
        .await;
    assert_eq!(client.read().await["id"], 0);
    client
        .write_line(&text(
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        ))
        .await;

    for (n, row) in rows_of(Stdio).into_iter().enumerate() {
        client.write_line(&row.input).await;
        if !matches!(row.expect, Nothing) {
            check(&row, &client.read().await);
        }
        // Nothing else came: the next line answers this ping.
        let marker = format!("after-{n}");
        client
            .write_line(&text(
                json!({"jsonrpc": "2.0", "id": marker, "method": "ping"}),
            ))
            .await;
        let pong = client.read().await;
        assert_eq!(pong["id"], json!(marker), "after {row:?}: {pong}");
    }
    client
        .write_line(&text(
            json!({"jsonrpc": "2.0", "id": "sum", "method": "tools/call",
            "params": {"name": "add", "arguments": {"a": 2, "b": 3}}}),
        ))
        .await;
    sum_of_two_and_three(&client.read().await);

    drop(client.input);
    let served = tokio::time::timeout(WAIT, serving)
        .await
        .expect("serve_io returns once its input ends")
        .expect("no panic");
    served.expect("serve_io ends cleanly");
}
