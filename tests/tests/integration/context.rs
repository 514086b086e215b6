//! `Context` over real transports: logs honour `logging/setLevel`, progress, cancellation
//! (the tool stops, no response is sent), requests to the client (sampling, elicitation, roots)
//! with their timeout, shared state and session information.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::{web, App};
use mcp_runtime::context::{ClientRequestError, Elicitation, SamplingRequest};
use mcp_runtime::transport::HttpOptions;
use mcp_runtime::{tool, Context, Server};
use mcp_tests::support::{
    eventually, parse_events, request_with, serving, SseClient, SseStream, TestServer,
};
use serde::Deserialize;
use serde_json::{json, Value};

/// Logs at three levels.
#[tool]
async fn chatty(ctx: Context) -> &'static str {
    ctx.debug("a debug line").await;
    ctx.info("an info line").await;
    ctx.warning("a warning line").await;
    "done"
}

/// Reports progress for each of `n` steps.
#[tool]
async fn steps(n: u32, ctx: &Context) -> u32 {
    for step in 1..=n {
        ctx.report_progress(step as f64, Some(n as f64), Some("working"))
            .await;
    }
    n
}

static FOREVER_STARTED: AtomicBool = AtomicBool::new(false);
static FOREVER_DROPPED: AtomicBool = AtomicBool::new(false);

/// Never finishes; records when it starts and when its future is dropped.
#[tool]
async fn forever() -> &'static str {
    struct Dropped;
    impl Drop for Dropped {
        fn drop(&mut self) {
            FOREVER_DROPPED.store(true, Ordering::SeqCst);
        }
    }
    let _dropped = Dropped;
    FOREVER_STARTED.store(true, Ordering::SeqCst);
    std::future::pending::<()>().await;
    "unreachable"
}

/// Asks the client's model a question.
#[tool]
async fn ask(question: String, ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx
        .sample(SamplingRequest::new(question, 100).system_prompt("Be brief."))
        .await?;
    Ok(answer.text().unwrap_or_default().to_owned())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
enum Size {
    Small,
    Large,
}

fn one() -> u32 {
    1
}

/// An order form.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Order {
    /// The size to order.
    size: Size,
    /// How many.
    #[serde(default = "one")]
    quantity: u32,
    /// Anything else.
    note: Option<String>,
}

/// Asks the user for an order.
#[tool]
async fn order(ctx: Context) -> Result<String, ClientRequestError> {
    Ok(match ctx.elicit::<Order>("What would you like?").await? {
        Elicitation::Accept(order) => {
            format!("{} x {:?} ({:?})", order.quantity, order.size, order.note)
        }
        Elicitation::Decline => "declined".to_owned(),
        Elicitation::Cancel => "cancelled".to_owned(),
    })
}

/// Lists the client's roots.
#[tool(name = "context.roots")]
async fn roots(ctx: Context) -> Result<String, ClientRequestError> {
    let roots = ctx.list_roots().await?;
    Ok(roots
        .iter()
        .map(|root| root.uri.as_str())
        .collect::<Vec<_>>()
        .join(","))
}

struct Greeting(&'static str);

/// Greets the client by the name it gave in `initialize`.
#[tool(name = "context.whoami")]
fn whoami(ctx: Context) -> String {
    let greeting = ctx.state::<Greeting>().map_or("?", |g| g.0);
    let name = ctx.client_info()["name"].as_str().unwrap_or("nobody");
    format!(
        "{greeting} {name}, session {} at {}",
        ctx.session_id().len(),
        ctx.protocol_version()
    )
}

fn server() -> Server {
    serving(&[
        "ask",
        "chatty",
        "context.roots",
        "context.whoami",
        "forever",
        "order",
        "steps",
    ])
    .state(Greeting("hello"))
    .client_request_timeout(Duration::from_millis(300))
    .build()
    .unwrap()
}

fn start(server: Server) -> TestServer {
    TestServer::start(2, move || {
        let options = HttpOptions::new().keep_alive(Duration::from_secs(5));
        App::new()
            .service(server.sse_app().options(options))
            .service(web::scope("/mcp").service(server.streamable_http_app()))
    })
}

async fn sampling_client(addr: SocketAddr) -> SseClient {
    SseClient::initialized_with(
        addr,
        "/sse",
        json!({"sampling": {}, "elicitation": {}, "roots": {}}),
    )
    .await
}

fn call(id: i64, name: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
}

#[actix_web::test]
async fn logs_go_to_the_client_at_or_above_the_level_it_set() {
    let app = start(server());
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    client
        .start_request("tools/call", json!({"name": "chatty"}))
        .await;
    let mut levels = Vec::new();
    loop {
        let message = client.receive().await;
        if message["method"] == "notifications/message" {
            levels.push(message["params"]["level"].as_str().unwrap().to_owned());
            continue;
        }
        assert_eq!(message["result"]["content"][0]["text"], "done");
        break;
    }
    assert_eq!(
        levels,
        ["debug", "info", "warning"],
        "everything by default"
    );

    assert_eq!(
        client
            .request("logging/setLevel", json!({"level": "warning"}))
            .await["result"],
        json!({})
    );
    client
        .start_request("tools/call", json!({"name": "chatty"}))
        .await;
    let first = client.receive().await;
    assert_eq!(
        first["params"],
        json!({"level": "warning", "data": "a warning line"})
    );
    assert_eq!(
        client.receive().await["result"]["content"][0]["text"],
        "done"
    );

    let bad = client
        .request("logging/setLevel", json!({"level": "loud"}))
        .await;
    assert_eq!(bad["error"]["code"], -32602);
}

#[actix_web::test]
async fn progress_streams_before_the_result_over_streamable_http() {
    let app = start(server());
    let init = request_with(
        app.addr,
        "POST",
        "/mcp",
        &[("Accept", "application/json, text/event-stream"), ("Content-Type", "application/json")],
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}).to_string().as_bytes(),
    )
    .await;
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let headers = [
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
        ("Mcp-Session-Id", session.as_str()),
    ];
    let mut with_token = call(1, "steps", json!({"n": 3}));
    with_token["params"]["_meta"] = json!({"progressToken": "p-1"});
    let reply = request_with(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        with_token.to_string().as_bytes(),
    )
    .await;
    assert_eq!(
        reply.header("content-type"),
        Some("text/event-stream"),
        "{reply:?}"
    );
    let messages: Vec<Value> = parse_events(&reply.body)
        .iter()
        .map(|e| serde_json::from_str(&e.data).unwrap())
        .collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    for (step, message) in messages[..3].iter().enumerate() {
        assert_eq!(message["method"], "notifications/progress");
        assert_eq!(
            message["params"],
            json!({"progressToken": "p-1", "progress": step as f64 + 1.0, "total": 3.0, "message": "working"})
        );
    }
    assert_eq!(messages[3]["id"], 1);
    assert_eq!(messages[3]["result"]["content"][0]["text"], "3");

    // Without a token nothing is sent on the way, so the answer is plain JSON.
    let plain = request_with(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        call(2, "steps", json!({"n": 3})).to_string().as_bytes(),
    )
    .await;
    assert_eq!(plain.header("content-type"), Some("application/json"));
    assert_eq!(plain.json()["result"]["content"][0]["text"], "3");
}

#[actix_web::test]
async fn a_cancelled_call_stops_and_gets_no_response() {
    let app = start(server());
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    let id = client
        .start_request("tools/call", json!({"name": "forever"}))
        .await;
    eventually("the tool is running", || {
        FOREVER_STARTED.load(Ordering::SeqCst)
    })
    .await;
    assert!(!FOREVER_DROPPED.load(Ordering::SeqCst));
    client
        .send(&json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": id, "reason": "user"}}))
        .await;
    eventually("the tool's future is dropped", || {
        FOREVER_DROPPED.load(Ordering::SeqCst)
    })
    .await;
    // The next message on the stream answers the ping: the cancelled call got no response.
    let ping = client.start_request("ping", json!({})).await;
    let next = client.receive().await;
    assert_eq!(next, json!({"jsonrpc": "2.0", "id": ping, "result": {}}));
    // The id is free again, and cancelling an unknown request is harmless.
    client
        .send(&json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 999}}))
        .await;
    assert_eq!(client.request("ping", json!({})).await["result"], json!({}));
}

#[actix_web::test]
async fn sampling_round_trips_through_the_sse_stream() {
    let app = start(server());
    let mut client = sampling_client(app.addr).await;
    let call_id = client
        .start_request(
            "tools/call",
            json!({"name": "ask", "arguments": {"question": "6 x 7?"}}),
        )
        .await;
    let request = client.receive().await;
    assert_eq!(request["method"], "sampling/createMessage");
    assert_eq!(
        request["params"]["messages"][0],
        json!({"role": "user", "content": {"type": "text", "text": "6 x 7?"}})
    );
    assert_eq!(request["params"]["maxTokens"], 100);
    assert_eq!(request["params"]["systemPrompt"], "Be brief.");
    client
        .send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": {
            "role": "assistant", "content": {"type": "text", "text": "42"}, "model": "test-model", "stopReason": "endTurn"}}))
        .await;
    let answer = client.receive().await;
    assert_eq!(answer["id"], call_id);
    assert_eq!(answer["result"]["content"][0]["text"], "42");

    // A client error comes back as the tool's error.
    client
        .start_request(
            "tools/call",
            json!({"name": "ask", "arguments": {"question": "?"}}),
        )
        .await;
    let request = client.receive().await;
    client
        .send(&json!({"jsonrpc": "2.0", "id": request["id"], "error": {"code": -1, "message": "User rejected sampling request"}}))
        .await;
    let answer = client.receive().await;
    assert_eq!(answer["result"]["isError"], true);
    assert_eq!(
        answer["result"]["content"][0]["text"],
        "the client refused `sampling/createMessage` (-1): User rejected sampling request"
    );
}

#[actix_web::test]
async fn sampling_the_client_never_answers_times_out_with_a_clear_error() {
    let app = start(server());
    let mut client = sampling_client(app.addr).await;
    let call_id = client
        .start_request(
            "tools/call",
            json!({"name": "ask", "arguments": {"question": "hello?"}}),
        )
        .await;
    let request = client.receive().await;
    assert_eq!(request["method"], "sampling/createMessage");
    // No answer: after the timeout the server cancels its request, then the tool fails.
    let cancelled = client.receive().await;
    assert_eq!(cancelled["method"], "notifications/cancelled");
    assert_eq!(cancelled["params"]["requestId"], request["id"]);
    let answer = client.receive().await;
    assert_eq!(answer["id"], call_id);
    assert_eq!(answer["result"]["isError"], true);
    assert_eq!(
        answer["result"]["content"][0]["text"],
        "the client did not answer `sampling/createMessage` within 300ms; the request was cancelled"
    );
    // A late answer has nobody to go to and changes nothing.
    client
        .send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": {"role": "assistant", "content": {"type": "text", "text": "late"}}}))
        .await;
    assert_eq!(client.request("ping", json!({})).await["result"], json!({}));
}

#[actix_web::test]
async fn requests_need_the_client_capability() {
    let app = start(server());
    let mut client = SseClient::initialized(app.addr, "/sse").await;
    let result = client.call_tool("ask", json!({"question": "?"})).await;
    assert_eq!(result["isError"], true);
    assert_eq!(
        result["content"][0]["text"],
        "the client does not support sampling (it did not declare the `sampling` capability)"
    );
}

#[actix_web::test]
async fn sampling_over_streamable_http_arrives_on_the_post_stream() {
    let app = start(server());
    let json_headers = [
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
    ];
    let init = request_with(
        app.addr,
        "POST",
        "/mcp",
        &json_headers,
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {"sampling": {}}, "clientInfo": {"name": "t", "version": "0"}}}).to_string().as_bytes(),
    )
    .await;
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let mut headers = json_headers.to_vec();
    headers.push(("Mcp-Session-Id", session.as_str()));
    let body = call(5, "ask", json!({"question": "capital of France?"})).to_string();
    let mut stream =
        SseStream::send(app.addr, "POST", "/mcp", &headers, Some(body.as_bytes())).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let request: Value = serde_json::from_str(&stream.next_event().await.data).unwrap();
    assert_eq!(request["method"], "sampling/createMessage");
    let answer = json!({"jsonrpc": "2.0", "id": request["id"], "result": {"role": "assistant", "content": {"type": "text", "text": "Paris"}, "model": "m"}});
    let accepted = request_with(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        answer.to_string().as_bytes(),
    )
    .await;
    assert_eq!(accepted.status, 202);
    let response: Value = serde_json::from_str(&stream.next_event().await.data).unwrap();
    assert_eq!(response["id"], 5);
    assert_eq!(response["result"]["content"][0]["text"], "Paris");
    stream.wait_until_ended().await;
}

#[actix_web::test]
async fn elicitation_sends_a_flat_schema_and_returns_typed_input() {
    let app = start(server());
    let mut client = sampling_client(app.addr).await;
    client
        .start_request("tools/call", json!({"name": "order"}))
        .await;
    let request = client.receive().await;
    assert_eq!(request["method"], "elicitation/create");
    assert_eq!(request["params"]["message"], "What would you like?");
    let schema = &request["params"]["requestedSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(
        schema["properties"]["size"]["enum"],
        json!(["Small", "Large"])
    );
    assert_eq!(
        schema["properties"]["size"]["description"],
        "The size to order."
    );
    assert_eq!(schema["properties"]["quantity"]["default"], 1);
    assert_eq!(schema["properties"]["note"]["type"], "string");
    assert_eq!(schema["required"], json!(["size"]));
    assert!(!schema.to_string().contains("$ref"));
    client
        .send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": {"action": "accept", "content": {"size": "Large", "note": "gift"}}}))
        .await;
    assert_eq!(
        client.receive().await["result"]["content"][0]["text"],
        "1 x Large (Some(\"gift\"))"
    );

    client
        .start_request("tools/call", json!({"name": "order"}))
        .await;
    let request = client.receive().await;
    client
        .send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": {"action": "decline"}}))
        .await;
    assert_eq!(
        client.receive().await["result"]["content"][0]["text"],
        "declined"
    );
}

#[actix_web::test]
async fn roots_state_and_session_information_reach_the_tool() {
    let app = start(server());
    let mut client = sampling_client(app.addr).await;
    client
        .start_request("tools/call", json!({"name": "context.roots"}))
        .await;
    let request = client.receive().await;
    assert_eq!(request["method"], "roots/list");
    client
        .send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": {"roots": [{"uri": "file:///a", "name": "A"}, {"uri": "file:///b"}]}}))
        .await;
    assert_eq!(
        client.receive().await["result"]["content"][0]["text"],
        "file:///a,file:///b"
    );

    let who = client.call_tool("context.whoami", json!({})).await;
    assert_eq!(
        who["content"][0]["text"],
        "hello socket-test, session 32 at 2025-06-18"
    );
    let schema = client.request("tools/list", json!({})).await;
    let whoami = schema["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "context.whoami")
        .unwrap()
        .clone();
    assert_eq!(
        whoami["inputSchema"],
        json!({"type": "object", "properties": {}}),
        "Context is not an argument"
    );
}
