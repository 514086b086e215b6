//! Limits and faults: session and request limits, tool timeouts, a client that stops reading,
//! results that cannot be serialised, and graceful shutdown — each answered clearly, with other
//! sessions unaffected.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::{web, App};
use mcp_runtime::transport::HttpOptions;
use mcp_runtime::{tool, Json, Server};
use mcp_tests::support::{
    eventually, post_json, request_with, serving, SseClient, SseStream, TestServer,
};
use serde_json::json;

/// Sleeps for `ms` milliseconds.
#[tool]
async fn nap(ms: u64) -> &'static str {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    "rested"
}

/// Returns `kib` KiB of text.
#[tool]
fn big(kib: usize) -> String {
    "x".repeat(kib * 1024)
}

/// A map with tuple keys, which JSON cannot represent.
#[tool]
fn unserialisable() -> Json<HashMap<(i32, i32), i32>> {
    Json(HashMap::from([((1, 2), 3)]))
}

/// A builder serving this module's tools.
fn limits_tools() -> mcp_runtime::ServerBuilder {
    serving(&["big", "nap", "unserialisable"])
}

fn start(server: Server) -> TestServer {
    start_with(server, HttpOptions::new())
}

fn start_with(server: Server, options: HttpOptions) -> TestServer {
    TestServer::start(2, move || {
        App::new()
            .service(server.sse_app().options(options.clone()))
            .service(
                web::scope("/mcp").service(server.streamable_http_app().options(options.clone())),
            )
    })
}

const JSON_HEADERS: [(&str, &str); 2] = [
    ("Accept", "application/json, text/event-stream"),
    ("Content-Type", "application/json"),
];

fn initialize() -> Vec<u8> {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})
        .to_string()
        .into_bytes()
}

#[actix_web::test]
async fn sessions_beyond_the_limit_get_503_with_retry_after() {
    // A closed SSE stream is noticed at its next write: keep-alives make that quick here.
    let server = limits_tools().max_sessions(2).build().unwrap();
    let counter = server.clone();
    let app = start_with(
        server,
        HttpOptions::new().keep_alive(Duration::from_millis(100)),
    );
    let first = SseClient::connect(app.addr, "/sse").await;
    let _second = SseClient::connect(app.addr, "/sse").await;
    assert_eq!(counter.session_count(), 2);

    let refused = SseStream::open(app.addr, "/sse").await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("5"));
    let refused = request_with(app.addr, "POST", "/mcp", &JSON_HEADERS, &initialize()).await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("5"));
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("already has 2 sessions open"), "{message}");

    drop(first);
    eventually("the closed session frees its place", || {
        counter.session_count() == 1
    })
    .await;
    let admitted = request_with(app.addr, "POST", "/mcp", &JSON_HEADERS, &initialize()).await;
    assert_eq!(admitted.status, 200);
}

#[actix_web::test]
async fn requests_beyond_the_per_session_limit_are_refused() {
    let server = limits_tools().max_requests_per_session(2).build().unwrap();
    let app = start(server);
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    let slow = [
        client
            .start_request(
                "tools/call",
                json!({"name": "nap", "arguments": {"ms": 60_000}}),
            )
            .await,
        client
            .start_request(
                "tools/call",
                json!({"name": "nap", "arguments": {"ms": 60_000}}),
            )
            .await,
    ];
    // The two naps may still be starting: retry until the limit is what answers.
    let refused = loop {
        let response = client.request("ping", json!({})).await;
        if response.get("error").is_some() {
            break response;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!(refused["error"]["code"], -32600);
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("already runs 2 requests"), "{message}");
    // Other sessions are unaffected.
    let mut other = SseClient::initialized(app.addr, "/sse").await;
    assert_eq!(
        other.call_tool("nap", json!({"ms": 1})).await["content"][0]["text"],
        "rested"
    );
    for id in slow {
        client.send(&json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": id}})).await;
    }
    eventually_pings(&mut client).await;
}

async fn eventually_pings(client: &mut SseClient) {
    for _ in 0..200 {
        if client
            .request("ping", json!({}))
            .await
            .get("result")
            .is_some()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the session never accepted requests again");
}

#[actix_web::test]
async fn a_tool_past_its_timeout_is_stopped_with_an_error_result() {
    let server = limits_tools()
        .tool_timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap();
    let app = start(server);
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    let result = client.call_tool("nap", json!({"ms": 60_000})).await;
    assert_eq!(result["isError"], true);
    assert_eq!(
        result["content"][0]["text"],
        "the tool did not finish within 100ms and was stopped (ServerBuilder::tool_timeout sets the limit)"
    );
    assert_eq!(
        client.call_tool("nap", json!({"ms": 1})).await["content"][0]["text"],
        "rested"
    );
}

#[actix_web::test]
async fn a_result_that_cannot_be_serialised_is_an_error_result() {
    let app = start(limits_tools().build().unwrap());
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    let result = client.call_tool("unserialisable", json!({})).await;
    assert_eq!(result["isError"], true);
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("the tool's result could not be serialized to JSON"),
        "{text}"
    );
}

#[actix_web::test]
async fn a_client_that_stops_reading_has_its_session_closed() {
    let server = limits_tools().build().unwrap();
    let counter = server.clone();
    let app = start_with(server, HttpOptions::new().outbound_queue(4));
    // Initialized, then never read again: responses pile up in the socket, then in the queue.
    let client = SseClient::initialized(app.addr, "/sse").await;
    let endpoint = client.endpoint.clone();
    let mut closed = false;
    for id in 0..2_000 {
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": "big", "arguments": {"kib": 256}}});
        let reply = post_json(app.addr, &endpoint, &call).await;
        if reply.status == 404 {
            closed = true;
            break;
        }
        assert_eq!(reply.status, 202);
    }
    assert!(closed, "the session was never closed");
    eventually("the session is gone", || {
        counter.sse_app().session_count() == 0
    })
    .await;
    // Other clients are served as usual.
    let mut other = SseClient::initialized(app.addr, "/sse").await;
    assert_eq!(
        other.call_tool("nap", json!({"ms": 1})).await["content"][0]["text"],
        "rested"
    );
    drop(client);
}

#[actix_web::test]
async fn shutdown_refuses_new_work_lets_running_calls_finish_and_ends_streams() {
    let server = limits_tools().build().unwrap();
    let handle = server.clone();
    let app = start(server);
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    let running = client
        .start_request(
            "tools/call",
            json!({"name": "nap", "arguments": {"ms": 300}}),
        )
        .await;

    let shutdown = {
        let handle = handle.clone();
        tokio::spawn(async move { handle.shutdown(Duration::from_secs(10)).await })
    };
    // The spawned shutdown must have begun before the next requests reach the server.
    eventually("shutdown has begun", || handle.is_shutting_down()).await;
    let refused = SseStream::open(app.addr, "/sse").await;
    assert_eq!(refused.status, 503);
    let refused = request_with(app.addr, "POST", "/mcp", &JSON_HEADERS, &initialize()).await;
    assert_eq!(refused.status, 503);
    let late = client.start_request("ping", json!({})).await;

    // The running call still answers; the late request is refused; then the stream ends.
    let mut answers = HashMap::new();
    for _ in 0..2 {
        let message = client.receive().await;
        answers.insert(message["id"].as_i64().unwrap(), message);
    }
    assert_eq!(answers[&running]["result"]["content"][0]["text"], "rested");
    assert_eq!(answers[&late]["error"]["code"], -32000);
    shutdown.await.unwrap();
    client.stream.wait_until_ended().await;
}

#[actix_web::test]
async fn shutdown_cancels_what_outlives_the_grace_period() {
    let server = limits_tools().build().unwrap();
    let handle = server.clone();
    let app = start(server);
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    client
        .start_request(
            "tools/call",
            json!({"name": "nap", "arguments": {"ms": 60_000}}),
        )
        .await;
    tokio::time::timeout(
        Duration::from_secs(5),
        handle.shutdown(Duration::from_millis(100)),
    )
    .await
    .expect("shutdown returns after its grace period");
    client.stream.wait_until_ended().await;
    assert_eq!(handle.session_count(), 0);
}
