//! Ordinary actix middleware around both transports, with the app of `examples/middleware.rs`
//! itself: CORS preflight and headers, a rate limit answering `429`, and `Compress`, which
//! compresses JSON answers but must never buffer an event stream (`/sse`, the Streamable HTTP GET
//! stream, a POST answered with SSE): events arrive one by one while the stream stays open.

#[allow(dead_code)]
#[path = "../../../examples/middleware.rs"]
mod example;

use std::sync::LazyLock;

use actix_web::web;
use mcp_runtime::{tool, Context, Server};
use mcp_tests::support::{post_json, request_with, serving, SseStream, TestServer};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

const ORIGIN: &str = "http://localhost:6274";

static GATE: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(0));

/// Logs "started", then waits until the test opens the gate.
#[tool]
async fn announce_then_wait(ctx: Context) -> &'static str {
    ctx.info("started").await;
    GATE.acquire().await.expect("never closed").forget();
    "done"
}

fn start(burst: u32, per_second: f64) -> (Server, TestServer) {
    let server = serving(&["echo", "countdown", "announce_then_wait"])
        .build()
        .expect("valid server");
    let limiter = web::Data::new(example::RateLimiter::new(burst, per_second));
    let app = {
        let server = server.clone();
        TestServer::start(2, move || example::app(&server, ORIGIN, limiter.clone()))
    };
    (server, app)
}

const ACCEPT_BOTH: (&str, &str) = ("Accept", "application/json, text/event-stream");
const JSON: (&str, &str) = ("Content-Type", "application/json");
const GZIP: (&str, &str) = ("Accept-Encoding", "gzip");

fn initialize(version: &str) -> Vec<u8> {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})
    .to_string()
    .into_bytes()
}

fn call(id: i64, name: &str, arguments: Value) -> Vec<u8> {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
        .to_string()
        .into_bytes()
}

/// Asserts an event stream was not compressed (`Compress` saw `Content-Encoding: identity`).
fn assert_identity(what: &str, headers: &[(String, String)]) {
    let encoding = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-encoding"))
        .map(|(_, value)| value.as_str());
    assert_eq!(encoding, Some("identity"), "{what}: {headers:?}");
}

#[actix_web::test]
async fn cors_preflight_and_headers_work_around_both_transports() {
    let (_server, app) = start(1000, 1000.0);
    for path in ["/mcp", "/sse", "/messages/?session_id=abc"] {
        let preflight = request_with(
            app.addr,
            "OPTIONS",
            path,
            &[
                ("Origin", ORIGIN),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "content-type, mcp-session-id",
                ),
            ],
            b"",
        )
        .await;
        assert_eq!(preflight.status, 204, "{path}: {preflight:?}");
        assert_eq!(
            preflight.header("access-control-allow-origin"),
            Some(ORIGIN)
        );
        let methods = preflight
            .header("access-control-allow-methods")
            .unwrap_or_default();
        assert!(
            methods.contains("POST") && methods.contains("GET") && methods.contains("DELETE"),
            "{path}: {preflight:?}"
        );
        let headers = preflight
            .header("access-control-allow-headers")
            .unwrap_or_default();
        assert!(
            headers.contains("Mcp-Session-Id") && headers.contains("MCP-Protocol-Version"),
            "{path}: {preflight:?}"
        );
    }
    let foreign = request_with(
        app.addr,
        "OPTIONS",
        "/mcp",
        &[
            ("Origin", "https://evil.example.com"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    )
    .await;
    assert_eq!(foreign.status, 403, "{foreign:?}");

    // The actual requests carry the CORS headers, and a browser may read the session id.
    let init = request_with(
        app.addr,
        "POST",
        "/mcp",
        &[ACCEPT_BOTH, JSON, ("Origin", ORIGIN)],
        &initialize("2025-06-18"),
    )
    .await;
    assert_eq!(init.status, 200, "{init:?}");
    assert_eq!(init.header("access-control-allow-origin"), Some(ORIGIN));
    assert!(
        init.header("access-control-expose-headers")
            .is_some_and(|exposed| exposed.contains("Mcp-Session-Id")),
        "{init:?}"
    );
    assert!(init.header("mcp-session-id").is_some());
    assert_eq!(init.json()["result"]["serverInfo"]["name"], _server.name());

    let mut stream = SseStream::open_with(app.addr, "/sse", &[("Origin", ORIGIN)]).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("access-control-allow-origin"), Some(ORIGIN));
    let endpoint = stream.next_event().await;
    assert_eq!(endpoint.event, "endpoint");
    let posted = request_with(
        app.addr,
        "POST",
        &endpoint.data,
        &[JSON, ("Origin", ORIGIN)],
        &initialize("2025-06-18"),
    )
    .await;
    assert_eq!(posted.status, 202, "{posted:?}");
    assert_eq!(posted.header("access-control-allow-origin"), Some(ORIGIN));
}

#[actix_web::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    // Three requests at once, then one every ten seconds: the fourth in a row is refused.
    let (_server, app) = start(3, 0.1);
    for _ in 0..3 {
        let admitted = request_with(
            app.addr,
            "POST",
            "/mcp",
            &[ACCEPT_BOTH, JSON],
            &initialize("2025-06-18"),
        )
        .await;
        assert_eq!(admitted.status, 200, "{admitted:?}");
    }
    let refused = request_with(
        app.addr,
        "POST",
        "/mcp",
        &[ACCEPT_BOTH, JSON],
        &initialize("2025-06-18"),
    )
    .await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert_eq!(refused.header("retry-after"), Some("10"));
    assert!(refused.body.contains("Too Many Requests"), "{refused:?}");
    // Preflights are answered before the limit, and the SSE endpoint is limited too.
    let stream = SseStream::open(app.addr, "/sse").await;
    assert_eq!(stream.status, 429);
}

#[actix_web::test]
async fn compress_compresses_json_but_never_buffers_an_event_stream() {
    let (server, app) = start(1000, 1000.0);

    // A JSON answer is compressed for a client that accepts gzip: `Compress` is active.
    let compressed = request_with(
        app.addr,
        "POST",
        "/mcp",
        &[ACCEPT_BOTH, JSON, GZIP],
        &initialize("2025-06-18"),
    )
    .await;
    assert_eq!(compressed.status, 200, "{compressed:?}");
    assert_eq!(compressed.header("content-encoding"), Some("gzip"));
    let session = compressed
        .header("mcp-session-id")
        .expect("a session")
        .to_owned();
    let in_session = [
        ACCEPT_BOTH,
        JSON,
        GZIP,
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];

    // HTTP+SSE: the session's stream.
    let mut sse = SseStream::open_with(app.addr, "/sse", &[GZIP]).await;
    assert_eq!(sse.status, 200);
    assert_identity("GET /sse", &sse.headers);
    let endpoint = sse.next_event().await.data;
    let posted = request_with(
        app.addr,
        "POST",
        &endpoint,
        &[JSON, GZIP],
        &initialize("2025-06-18"),
    )
    .await;
    assert_eq!(posted.status, 202);
    assert_eq!(sse.next_event().await.event, "message");
    let posted = post_json(
        app.addr,
        &endpoint,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "announce_then_wait"}}),
    )
    .await;
    assert_eq!(posted.status, 202);
    // The log message arrives while the call is still waiting: nothing holds it back.
    let log: Value = serde_json::from_str(&sse.next_event().await.data).unwrap();
    assert_eq!(log["method"], "notifications/message", "{log}");
    assert_eq!(log["params"]["data"], "started");
    GATE.add_permits(1);
    let done: Value = serde_json::from_str(&sse.next_event().await.data).unwrap();
    assert_eq!(done["id"], 1, "{done}");
    assert_eq!(done["result"]["content"][0]["text"], "done");

    // Streamable HTTP: a POST answered with an event stream (the tool logs on the way).
    let mut answer = SseStream::send(
        app.addr,
        "POST",
        "/mcp",
        &in_session,
        Some(&call(2, "announce_then_wait", json!({}))),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("text/event-stream"));
    assert_identity("POST /mcp answered with SSE", &answer.headers);
    let log: Value = serde_json::from_str(&answer.next_event().await.data).unwrap();
    assert_eq!(log["params"]["data"], "started", "{log}");
    GATE.add_permits(1);
    let done: Value = serde_json::from_str(&answer.next_event().await.data).unwrap();
    assert_eq!(done["id"], 2, "{done}");
    answer.wait_until_ended().await;

    // Streamable HTTP: the session's GET stream, one notification at a time.
    let mut events = SseStream::open_with(
        app.addr,
        "/mcp",
        &[
            GZIP,
            ("Mcp-Session-Id", session.as_str()),
            ("MCP-Protocol-Version", "2025-06-18"),
        ],
    )
    .await;
    assert_eq!(events.status, 200, "{:?}", events.headers);
    assert_identity("GET /mcp", &events.headers);
    for n in 0..3 {
        mcp_tests::support::eventually("the GET stream is registered", || {
            server.notify_all("notifications/message", json!({"level": "info", "data": n})) > 0
        })
        .await;
        let event: Value = serde_json::from_str(&events.next_event().await.data).unwrap();
        assert_eq!(event["params"]["data"], n, "{event}");
    }
}

#[actix_web::test]
async fn the_example_tools_answer_through_the_middleware() {
    let (_server, app) = start(1000, 1000.0);
    let init = request_with(
        app.addr,
        "POST",
        "/mcp",
        &[ACCEPT_BOTH, JSON],
        &initialize("2025-06-18"),
    )
    .await;
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let headers = [
        ACCEPT_BOTH,
        JSON,
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-06-18"),
    ];
    let echo = request_with(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(echo.json()["result"]["content"][0]["text"], "hi");
    let mut countdown = SseStream::send(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        Some(&call(2, "countdown", json!({"from": 3, "interval_ms": 1}))),
    )
    .await;
    let mut seen = Vec::new();
    loop {
        let message: Value = serde_json::from_str(&countdown.next_event().await.data).unwrap();
        if message["id"] == 2 {
            assert_eq!(message["result"]["content"][0]["text"], "liftoff");
            break;
        }
        seen.push(message["params"]["data"].clone());
    }
    assert_eq!(seen, [json!("3"), json!("2"), json!("1")]);
}
