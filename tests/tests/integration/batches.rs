//! JSON-RPC batches, which protocol revisions up to 2025-03-26 require servers to accept and
//! 2025-06-18 removed: answered with one array over Streamable HTTP (stateful and stateless)
//! and HTTP+SSE; refused, with the reason, in sessions at later revisions.

use actix_web::{web, App};
use mcp_tests::support::{post_json, request_with, serving, SseClient, TestServer};
use serde_json::{json, Value};

// The `add` tool comes from `support`.

const ACCEPT_BOTH: (&str, &str) = ("Accept", "application/json, text/event-stream");
const JSON: (&str, &str) = ("Content-Type", "application/json");

/// Sessions run at most 8 requests at once, so at most 8 go in a batch.
const LIMIT: usize = 8;

fn start(stateless: bool) -> TestServer {
    let server = serving(&["add"])
        .max_requests_per_session(LIMIT)
        .build()
        .expect("valid server");
    TestServer::start(2, move || {
        App::new()
            .service(web::scope("/mcp").service(server.streamable_http_app().stateless(stateless)))
            .service(server.sse_app())
    })
}

/// A batch of every kind of element: two requests, a notification, an element that is no
/// message, and `initialize` (which must come alone).
fn mixed_batch() -> Value {
    json!([
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "id": "two", "method": "tools/call",
         "params": {"name": "add", "arguments": {"a": 40, "b": 2}}},
        {"jsonrpc": "2.0", "method": "notifications/progress",
         "params": {"progressToken": "x", "progress": 1}},
        {"id": 3, "method": "ping"},
        {"jsonrpc": "2.0", "id": 4, "method": "initialize", "params": {}},
    ])
}

/// The answer to `mixed_batch`: one response per request and per bad element, in order, and
/// nothing for the notification.
fn check_mixed_answer(answer: &Value) {
    let responses = answer
        .as_array()
        .unwrap_or_else(|| panic!("an array: {answer}"));
    assert_eq!(responses.len(), 4, "{answer:#}");
    assert_eq!(
        responses[0],
        json!({"jsonrpc": "2.0", "id": 1, "result": {}})
    );
    assert_eq!(responses[1]["id"], "two");
    assert_eq!(responses[1]["result"]["content"][0]["text"], "42");
    check_invalid(&responses[2], json!(3), "jsonrpc");
    check_invalid(
        &responses[3],
        json!(4),
        "`initialize` must not be part of a JSON-RPC batch",
    );
}

/// A `-32600` answer to the request `id`, whose message says `needle`.
fn check_invalid(response: &Value, id: Value, needle: &str) {
    assert_eq!(response["id"], id, "{response}");
    assert_eq!(response["error"]["code"], -32600, "{response}");
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{response}");
}

async fn post(
    app: &TestServer,
    headers: &[(&str, &str)],
    message: &Value,
) -> mcp_tests::support::Reply {
    request_with(
        app.addr,
        "POST",
        "/mcp",
        headers,
        message.to_string().as_bytes(),
    )
    .await
}

/// Initializes a Streamable HTTP session at `version`; returns its id.
async fn streamable_session(app: &TestServer, version: &str) -> String {
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {},
        "clientInfo": {"name": "batch-test", "version": "0"}}});
    let reply = post(app, &[ACCEPT_BOTH, JSON], &init).await;
    assert_eq!(
        reply.json()["result"]["protocolVersion"],
        version,
        "{reply:?}"
    );
    reply
        .header("mcp-session-id")
        .expect("a session")
        .to_owned()
}

#[actix_web::test]
async fn streamable_http_answers_a_batch_with_one_array() {
    let app = start(false);
    let session = streamable_session(&app, "2025-03-26").await;
    let headers = [
        ACCEPT_BOTH,
        JSON,
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-03-26"),
    ];
    let reply = post(&app, &headers, &mixed_batch()).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    check_mixed_answer(&reply.json());

    // Only notifications: nothing to answer.
    let notes = json!([{"jsonrpc": "2.0", "method": "notifications/initialized"}]);
    let reply = post(&app, &headers, &notes).await;
    assert_eq!((reply.status, reply.body.as_str()), (202, ""), "{reply:?}");
}

#[actix_web::test]
async fn stateless_streamable_http_takes_batches_at_2025_03_26_only() {
    let app = start(true);
    let old = [ACCEPT_BOTH, JSON, ("MCP-Protocol-Version", "2025-03-26")];
    let reply = post(&app, &old, &mixed_batch()).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    check_mixed_answer(&reply.json());

    let new = [ACCEPT_BOTH, JSON, ("MCP-Protocol-Version", "2025-06-18")];
    let reply = post(&app, &new, &mixed_batch()).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    let error = reply.json();
    assert_eq!(error["id"], Value::Null);
    assert_eq!(error["error"]["code"], -32600);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not supported in protocol revision 2025-06-18"),
        "{error}"
    );
}

#[actix_web::test]
async fn a_session_at_a_later_revision_refuses_batches_and_serves_on() {
    let app = start(false);
    let session = streamable_session(&app, "2025-11-25").await;
    let headers = [ACCEPT_BOTH, JSON, ("Mcp-Session-Id", session.as_str())];
    let reply = post(&app, &headers, &mixed_batch()).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply
        .body
        .contains("batches are not supported in protocol revision 2025-11-25"));
    let ping = post(
        &app,
        &headers,
        &json!({"jsonrpc": "2.0", "id": 9, "method": "ping"}),
    )
    .await;
    assert_eq!(ping.json()["result"], json!({}), "{ping:?}");
}

#[actix_web::test]
async fn http_sse_answers_a_batch_with_one_array_event() {
    let app = start(false);
    let mut client = SseClient::connect(app.addr, "/sse").await;
    let init = client
        .request(
            "initialize",
            json!({"protocolVersion": "2024-11-05", "capabilities": {},
                   "clientInfo": {"name": "batch-test", "version": "0"}}),
        )
        .await;
    assert_eq!(init["result"]["protocolVersion"], "2024-11-05");
    client.notify("notifications/initialized").await;

    let reply = post_json(app.addr, &client.endpoint, &mixed_batch()).await;
    assert_eq!(reply.status, 202, "{reply:?}");
    check_mixed_answer(&client.receive().await);
}

#[actix_web::test]
async fn a_batch_holds_at_most_the_session_limit_of_requests() {
    let app = start(true);
    let pings: Vec<Value> = (0..LIMIT + 2)
        .map(|id| json!({"jsonrpc": "2.0", "id": id, "method": "ping"}))
        .collect();
    let headers = [ACCEPT_BOTH, JSON, ("MCP-Protocol-Version", "2025-03-26")];
    let reply = post(&app, &headers, &Value::Array(pings)).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let answer = reply.json();
    let responses = answer.as_array().unwrap();
    assert_eq!(responses.len(), LIMIT + 2);
    for (id, response) in responses.iter().enumerate() {
        assert_eq!(response["id"], id);
        if id < LIMIT {
            assert_eq!(response["result"], json!({}), "{response}");
        } else {
            check_invalid(response, json!(id), "a batch may hold at most 8 requests");
        }
    }
}
