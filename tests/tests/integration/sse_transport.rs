//! The HTTP+SSE transport over real sockets: mounting, the wire format, every error status,
//! sessions across workers, concurrency, isolation of failing tools and session clean-up.

use std::time::Duration;

use actix_web::{web, App};
use mcp_runtime::transport::{HttpOptions, SseApp};
use mcp_runtime::{tool, Server};
use mcp_tests::support::{
    eventually, post_json, request, serving, SseClient, SseStream, TestServer,
};
use serde_json::{json, Value};

/// Blocks its thread until `release_blocking` is called.
#[tool]
fn block_thread() -> &'static str {
    let (lock, ready) = &BLOCKED;
    let mut released = lock.lock().unwrap();
    while !*released {
        released = ready.wait(released).unwrap();
    }
    *released = false;
    "unblocked"
}

static BLOCKED: (std::sync::Mutex<bool>, std::sync::Condvar) =
    (std::sync::Mutex::new(false), std::sync::Condvar::new());

/// Panics.
#[tool]
async fn explode(message: String) -> String {
    panic!("{message}")
}

fn server() -> Server {
    serving(&[
        "add",
        "block_thread",
        "explode",
        "release",
        "wait_for_release",
    ])
    .name("socket-test")
    .build()
    .unwrap()
}

/// The server's HTTP+SSE app, with quick keep-alives and a small body limit.
fn sse(server: &Server) -> SseApp {
    let options = HttpOptions::new()
        .keep_alive(Duration::from_millis(200))
        .max_body_bytes(64 * 1024);
    server.sse_app().options(options)
}

/// The usual mount: inside a scope of an existing app, next to its own routes.
fn nested_app(server: Server) -> TestServer {
    TestServer::start(2, move || {
        App::new()
            .route("/health", web::get().to(|| async { "ok" }))
            .service(web::scope("/api").service(web::scope("/mcp").service(sse(&server))))
    })
}

#[actix_web::test]
async fn root_mount_announces_root_endpoint_and_answers_calls() {
    let server = server();
    let app = TestServer::start(1, move || App::new().service(sse(&server)));
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    assert!(
        client.endpoint.starts_with("/messages/?session_id="),
        "{}",
        client.endpoint
    );
    let result = client.call_tool("add", json!({"a": 2, "b": 3})).await;
    assert_eq!(
        result,
        json!({"content": [{"type": "text", "text": "5"}], "isError": false})
    );
}

#[actix_web::test]
async fn nested_scope_mount_keeps_prefix_and_user_routes() {
    let app = nested_app(server());
    let health = request(app.addr, "GET", "/health", None, b"").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));

    let mut client = SseClient::initialized(app.addr, "/api/mcp/sse").await;
    let id = client
        .endpoint
        .strip_prefix("/api/mcp/messages/?session_id=")
        .expect("prefixed");
    assert_eq!(id.len(), 32, "128-bit hex id: {id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    let tools = client.request("tools/list", json!({})).await;
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"add"), "{names:?}");
    assert!(
        SseStream::open(app.addr, "/sse").await.status == 404,
        "not mounted at the root"
    );
}

#[actix_web::test]
async fn stream_headers_stop_caches_and_proxies_from_buffering() {
    let app = nested_app(server());
    let mut stream = SseStream::open(app.addr, "/api/mcp/sse").await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    assert_eq!(stream.header("cache-control"), Some("no-cache"));
    assert_eq!(stream.header("x-accel-buffering"), Some("no"));
    assert_eq!(stream.next_event().await.event, "endpoint");
    assert_eq!(stream.wait_for_comment().await, "keep-alive");
}

#[actix_web::test]
async fn messages_without_slash_and_camel_case_session_id_work_without_redirect() {
    let app = nested_app(server());
    let mut client = SseClient::connect(app.addr, "/api/mcp/sse").await;
    let id = client.endpoint.rsplit('=').next().unwrap().to_owned();
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    for path in [
        format!("/api/mcp/messages?session_id={id}"),
        format!("/api/mcp/messages/?sessionId={id}"),
        format!("/api/mcp/messages?sessionId={id}"),
    ] {
        let reply = post_json(app.addr, &path, &ping).await;
        assert_eq!(reply.status, 202, "{path}: {reply:?}");
        assert_eq!(
            client.receive().await,
            json!({"jsonrpc": "2.0", "id": 1, "result": {}})
        );
    }
}

#[actix_web::test]
async fn every_error_status_has_a_clear_text() {
    let app = nested_app(server());
    let mut client = SseClient::initialized(app.addr, "/api/mcp/sse").await;
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});

    let missing = post_json(app.addr, "/api/mcp/messages/", &ping).await;
    assert_eq!(missing.status, 400);
    assert!(
        missing.body.contains("missing session_id"),
        "{}",
        missing.body
    );

    let unknown = post_json(app.addr, "/api/mcp/messages/?session_id=0123abcd", &ping).await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.body.contains("unknown session `0123abcd`"),
        "{}",
        unknown.body
    );

    let endpoint = client.endpoint.clone();
    let garbage = request(
        app.addr,
        "POST",
        &endpoint,
        Some("application/json"),
        b"{\"jsonrpc\":",
    )
    .await;
    assert_eq!(garbage.status, 400);
    assert!(garbage.body.starts_with("invalid JSON"), "{}", garbage.body);

    let not_utf8 = request(
        app.addr,
        "POST",
        &endpoint,
        Some("application/json"),
        b"\xff\xfe",
    )
    .await;
    assert_eq!(not_utf8.status, 400, "{not_utf8:?}");

    // Valid JSON but not JSON-RPC: 400, and the client waiting on id 9 hears about it too.
    let invalid = post_json(
        app.addr,
        &endpoint,
        &json!({"jsonrpc": "1.0", "id": 9, "method": "ping"}),
    )
    .await;
    assert_eq!(invalid.status, 400);
    assert!(
        invalid.body.contains("`jsonrpc` must be \"2.0\""),
        "{}",
        invalid.body
    );
    let error = client.receive().await;
    assert_eq!(error["id"], 9);
    assert_eq!(error["error"]["code"], -32600);

    let oversized = vec![b' '; 65 * 1024];
    let too_big = request(
        app.addr,
        "POST",
        &endpoint,
        Some("application/json"),
        &oversized,
    )
    .await;
    assert_eq!(too_big.status, 413, "{too_big:?}");

    let get = request(app.addr, "GET", &endpoint, None, b"").await;
    assert_eq!(get.status, 405, "only POST goes to the messages endpoint");

    // The session survived all of it.
    assert_eq!(client.request("ping", json!({})).await["result"], json!({}));
}

#[actix_web::test]
async fn protocol_errors_arrive_on_the_stream() {
    let app = nested_app(server());
    let mut client = SseClient::connect(app.addr, "/api/mcp/sse").await;
    let early = client.request("tools/list", json!({})).await;
    assert_eq!(early["error"]["code"], -32600, "{early}");
    assert!(early["error"]["message"]
        .as_str()
        .unwrap()
        .contains("before `initialize`"));

    let mut client = SseClient::initialized(app.addr, "/api/mcp/sse").await;
    let unknown_method = client.request("resources/lisst", json!({})).await;
    assert_eq!(unknown_method["error"]["code"], -32601);
    let unknown_tool = client
        .request("tools/call", json!({"name": "nope", "arguments": {}}))
        .await;
    assert_eq!(unknown_tool["error"]["code"], -32602);
    assert!(unknown_tool["error"]["message"]
        .as_str()
        .unwrap()
        .contains("unknown tool `nope`"));
}

#[actix_web::test]
async fn a_panicking_tool_is_an_error_result_and_the_server_keeps_serving() {
    let app = nested_app(server());
    let mut client = SseClient::initialized(app.addr, "/api/mcp/sse").await;
    let result = client
        .call_tool("explode", json!({"message": "kaboom"}))
        .await;
    assert_eq!(result["isError"], true);
    assert_eq!(result["content"][0]["text"], "the tool panicked: kaboom");
    assert_eq!(
        client.call_tool("add", json!({"a": 1, "b": 1})).await["content"][0]["text"],
        "2"
    );
    let mut other = SseClient::initialized(app.addr, "/api/mcp/sse").await;
    assert_eq!(other.request("ping", json!({})).await["result"], json!({}));
}

#[actix_web::test]
async fn a_ping_is_answered_while_a_slow_tool_runs() {
    let app = nested_app(server());
    let mut client = SseClient::initialized(app.addr, "/api/mcp/sse").await;
    let slow = client
        .start_request("tools/call", json!({"name": "wait_for_release"}))
        .await;
    let ping = client.start_request("ping", json!({})).await;
    assert_eq!(
        client.receive().await["id"],
        ping,
        "the ping overtakes the waiting tool"
    );
    // Release from another session: notify_waiters only wakes calls already waiting, so retry
    // until the slow call answers.
    let mut releaser = SseClient::initialized(app.addr, "/api/mcp/sse").await;
    let mut answer = None;
    for _ in 0..100 {
        releaser.call_tool("release", json!({})).await;
        let next = tokio::time::timeout(Duration::from_millis(100), client.receive()).await;
        if let Ok(message) = next {
            answer = Some(message);
            break;
        }
    }
    let answer = answer.expect("the slow call finished once released");
    assert_eq!(answer["id"], slow);
    assert_eq!(answer["result"]["content"][0]["text"], "released");
}

#[actix_web::test]
async fn a_blocking_sync_tool_does_not_stall_its_worker() {
    let server = server();
    // One worker: if the sync tool ran on it, nothing else could be answered.
    let app = TestServer::start(1, move || App::new().service(sse(&server)));
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    let blocked = client
        .start_request("tools/call", json!({"name": "block_thread"}))
        .await;
    let mut other = SseClient::initialized(app.addr, "/sse").await;
    assert_eq!(
        other.call_tool("add", json!({"a": 20, "b": 22})).await["content"][0]["text"],
        "42"
    );
    let ping = client.start_request("ping", json!({})).await;
    assert_eq!(client.receive().await["id"], ping);
    {
        let (lock, ready) = &BLOCKED;
        *lock.lock().unwrap() = true;
        ready.notify_all();
    }
    let answer = client.receive().await;
    assert_eq!(answer["id"], blocked);
    assert_eq!(answer["result"]["content"][0]["text"], "unblocked");
}

#[actix_web::test]
async fn many_sessions_across_four_workers_each_get_their_own_replies() {
    let server = server();
    let counter = server.clone();
    let app = TestServer::start(4, move || {
        App::new().service(web::scope("/api/mcp").service(sse(&server)))
    });
    let addr = app.addr;
    let sessions: Vec<_> = (0..24i64)
        .map(|session| {
            tokio::spawn(async move {
                let mut client = SseClient::initialized(addr, "/api/mcp/sse").await;
                // Several calls in flight at once, answered in any order.
                let mut expected = std::collections::HashMap::new();
                for call in 0..5i64 {
                    let id = client
                        .start_request(
                            "tools/call",
                            json!({"name": "add", "arguments": {"a": session * 1000, "b": call}}),
                        )
                        .await;
                    expected.insert(id, (session * 1000 + call).to_string());
                }
                for _ in 0..5 {
                    let response = client.receive().await;
                    let id = response["id"].as_i64().unwrap();
                    let want = expected
                        .remove(&id)
                        .expect("a reply to one of our own requests");
                    assert_eq!(
                        response["result"]["content"][0]["text"],
                        Value::String(want)
                    );
                }
                client
            })
        })
        .collect();
    let mut clients = Vec::new();
    for session in sessions {
        clients.push(session.await.expect("session task"));
    }
    assert_eq!(counter.sse_app().session_count(), 24);
    drop(clients);
    eventually("every disconnected session is removed", || {
        counter.sse_app().session_count() == 0
    })
    .await;
}

#[actix_web::test]
async fn a_session_ends_when_its_client_disconnects() {
    let server = server();
    let counter = server.clone();
    let app = TestServer::start(2, move || App::new().service(sse(&server)));
    let client = SseClient::initialized(app.addr, "/sse").await;
    let endpoint = client.endpoint.clone();
    assert_eq!(counter.sse_app().session_count(), 1);
    drop(client);
    eventually("the session is removed", || {
        counter.sse_app().session_count() == 0
    })
    .await;
    let gone = post_json(
        app.addr,
        &endpoint,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
    )
    .await;
    assert_eq!(gone.status, 404);
}

/// A client that closes its connection ends its session at once, without waiting for a write
/// to the stream to fail: a later POST, a notification as much as a request (whose reply would
/// have nowhere to go), is refused with 404 instead of being accepted and lost.
#[actix_web::test]
async fn a_session_ends_when_its_client_closes_the_connection() {
    let server = server();
    let counter = server.clone();
    // Keep-alives far apart: the close must be noticed without a write to the stream.
    let app = TestServer::start(1, move || {
        let options = HttpOptions::new().keep_alive(Duration::from_secs(600));
        App::new().service(server.sse_app().options(options))
    });
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    for message in [ping, initialized] {
        let mut client = SseClient::initialized(app.addr, "/sse").await;
        let endpoint = client.endpoint.clone();
        assert_eq!(post_json(app.addr, &endpoint, &message).await.status, 202);
        if message.get("id").is_some() {
            let reply: Value =
                serde_json::from_str(&client.stream.next_event().await.data).unwrap();
            assert_eq!(reply["id"], 1);
        }
        // Closes the socket having read everything (so the kernel ends it with a FIN, as a
        // client that exits does, not with a reset), then keeps POSTing to the session.
        drop(client);
        let closed = std::time::Instant::now();
        let status = loop {
            let status = post_json(app.addr, &endpoint, &message).await.status;
            if status != 202 || closed.elapsed() > Duration::from_secs(1) {
                break status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(status, 404, "{message} after the client closed its stream");
        assert!(
            closed.elapsed() < Duration::from_secs(1),
            "noticed within 1 s"
        );
    }
    assert_eq!(counter.sse_app().session_count(), 0);
}
