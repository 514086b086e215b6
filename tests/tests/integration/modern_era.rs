//! MCP 2026-07-28 (the modern era) over Streamable HTTP sockets, beside the handshake era on the
//! same endpoint: `server/discover`, what every result carries, the era's errors and their HTTP
//! statuses, the request headers, logs only for requests that ask, and a closed response stream
//! cancelling its request.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::{web, App};
use mcp_runtime::context::{ClientRequestError, Elicitation, SamplingRequest};
use mcp_runtime::{tool, Context};
use mcp_tests::support::{
    eventually, parse_events, request_with, serving, Reply, SseStream, TestServer,
};
use serde_json::{json, Value};

const REVISION: &str = "2026-07-28";

/// Request headers, as names and values.
type Headers = Vec<(String, String)>;

/// Logs once at info and once at warning, then answers.
#[tool(name = "modern.log")]
async fn modern_log(ctx: Context) -> &'static str {
    ctx.info("an info").await;
    ctx.warning("a warning").await;
    "logged"
}

static STOPPED: AtomicBool = AtomicBool::new(false);

/// Sets [`STOPPED`] when dropped: the call's future was dropped, so the call was stopped.
struct SetsStopped;

impl Drop for SetsStopped {
    fn drop(&mut self) {
        STOPPED.store(true, Ordering::SeqCst);
    }
}

/// Reports progress, then waits for ever (until it is cancelled).
#[tool(name = "modern.forever")]
async fn modern_forever(ctx: Context) -> &'static str {
    let _guard = SetsStopped;
    ctx.report_progress(1.0, None, Some("started")).await;
    std::future::pending::<()>().await;
    "never"
}

/// A city, asked of the user.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct City {
    city: String,
}

/// Asks the user for a city (a default key), then the model about it, and answers with both.
#[tool(name = "modern.travel")]
async fn modern_travel(days: u32, ctx: Context) -> Result<String, ClientRequestError> {
    let city = match ctx.elicit::<City>("Where to?").await? {
        Elicitation::Accept(City { city }) => city,
        _ => return Ok("staying home".into()),
    };
    let plan = ctx
        .keyed("plan")
        .sample(SamplingRequest::new(
            format!("Plan {days} days in {city}"),
            100,
        ))
        .await?;
    Ok(format!("{city}: {}", plan.text().unwrap_or("")))
}

/// Where a deployment runs; the region travels in `Mcp-Param-Region` too.
#[tool(name = "modern.deploy")]
fn modern_deploy(
    #[arg(header = "Region")] region: String,
    #[arg(header = "Replicas")] replicas: Option<u32>,
) -> String {
    format!("{region} x{}", replicas.unwrap_or(1))
}

fn start() -> TestServer {
    let server = serving(&[
        "add",
        "modern.log",
        "modern.forever",
        "modern.travel",
        "modern.deploy",
    ])
    .name("modern-test")
    .version("1.2.3")
    .instructions("Adds numbers.")
    .build()
    .unwrap();
    TestServer::start(2, move || {
        App::new().service(web::scope("/mcp").service(server.streamable_http_app()))
    })
}

fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": REVISION,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "socket-test", "version": "0"},
    })
}

/// A modern request: its params with `_meta` added, and the headers the revision requires.
fn modern(id: i64, method: &str, mut params: Value) -> (Vec<(String, String)>, Value) {
    params["_meta"] = meta();
    let mut headers = vec![
        ("MCP-Protocol-Version".to_owned(), REVISION.to_owned()),
        ("Mcp-Method".to_owned(), method.to_owned()),
    ];
    if let Some(name) = params.get("name").or_else(|| params.get("uri")) {
        headers.push(("Mcp-Name".to_owned(), name.as_str().unwrap().to_owned()));
    }
    let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    (headers, message)
}

async fn post(addr: SocketAddr, headers: &[(String, String)], message: &Value) -> Reply {
    let mut all = vec![
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
    ];
    all.extend(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    request_with(addr, "POST", "/mcp", &all, message.to_string().as_bytes()).await
}

async fn call(addr: SocketAddr, id: i64, method: &str, params: Value) -> Reply {
    let (headers, message) = modern(id, method, params);
    post(addr, &headers, &message).await
}

#[actix_web::test]
async fn discover_names_the_revision_the_server_and_what_it_offers() {
    let app = start();
    let reply = call(app.addr, 1, "server/discover", json!({})).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let body = reply.json();
    assert_eq!(body["id"], 1);
    let result = &body["result"];
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["supportedVersions"], json!([REVISION]));
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"],
        json!({"name": "modern-test", "version": "1.2.3"})
    );
    assert_eq!(result["instructions"], "Adds numbers.");
    assert!(result["capabilities"]["tools"].is_object(), "{result}");
    assert!(result["capabilities"]["logging"].is_object(), "{result}");
    assert!(result["ttlMs"].as_u64().is_some(), "{result}");
    assert_eq!(result["cacheScope"], "public");
}

#[actix_web::test]
async fn both_eras_are_served_on_one_endpoint_with_their_own_shapes() {
    let app = start();
    // The handshake era: a session, and results as they always were.
    let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "legacy", "version": "0"}}});
    let opened = post(app.addr, &[], &initialize).await;
    assert_eq!(opened.status, 200, "{opened:?}");
    assert_eq!(opened.json()["result"]["protocolVersion"], "2025-11-25");
    let session = opened
        .header("mcp-session-id")
        .expect("a session")
        .to_owned();
    let legacy_headers = [
        ("Mcp-Session-Id".to_owned(), session),
        ("MCP-Protocol-Version".to_owned(), "2025-11-25".to_owned()),
    ];
    let legacy_call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "add", "arguments": {"a": 2, "b": 3}}});

    // The modern era, on the same endpoint at the same time: no session.
    let modern_reply = call(
        app.addr,
        7,
        "tools/call",
        json!({"name": "add", "arguments": {"a": 40, "b": 2}}),
    )
    .await;
    assert_eq!(modern_reply.status, 200, "{modern_reply:?}");
    assert!(modern_reply.header("mcp-session-id").is_none());
    let result = &modern_reply.json()["result"];
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["content"][0]["text"], "42");
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "modern-test"
    );
    // Not cacheable: no hints.
    assert!(result.get("ttlMs").is_none(), "{result}");

    let legacy = post(app.addr, &legacy_headers, &legacy_call).await;
    assert_eq!(legacy.status, 200, "{legacy:?}");
    let result = &legacy.json()["result"];
    assert_eq!(result["content"][0]["text"], "5");
    assert!(
        result.get("resultType").is_none() && result.get("_meta").is_none(),
        "{result}"
    );

    // Lists of the modern era carry caching hints; the legacy ones do not.
    let listed = call(app.addr, 8, "tools/list", json!({})).await.json();
    let names: Vec<&str> = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "add",
            "modern.deploy",
            "modern.forever",
            "modern.log",
            "modern.travel"
        ]
    );
    assert_eq!(listed["result"]["ttlMs"], 0);
    assert_eq!(listed["result"]["cacheScope"], "public");
}

#[actix_web::test]
async fn mistakes_get_the_errors_and_statuses_of_the_revision_with_the_request_id() {
    let app = start();
    let add = json!({"name": "add", "arguments": {"a": 1, "b": 2}});
    let (headers, message) = modern(3, "tools/call", add.clone());
    let without = |name: &str| -> Vec<(String, String)> {
        headers.iter().filter(|(n, _)| n != name).cloned().collect()
    };
    let replacing = |name: &str, value: &str| -> Vec<(String, String)> {
        let mut changed = without(name);
        changed.push((name.to_owned(), value.to_owned()));
        changed
    };
    let mut no_meta = message.clone();
    no_meta["params"].as_object_mut().unwrap().remove("_meta");
    let mut no_capabilities = message.clone();
    no_capabilities["params"]["_meta"]
        .as_object_mut()
        .unwrap()
        .remove("io.modelcontextprotocol/clientCapabilities");
    let mut future = message.clone();
    future["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!("2099-01-01");
    let cases: Vec<(&str, Headers, Value, u16, i64)> = vec![
        ("no _meta", headers.clone(), no_meta, 400, -32602),
        (
            "no client capabilities",
            headers.clone(),
            no_capabilities,
            400,
            -32602,
        ),
        (
            "no Mcp-Method",
            without("Mcp-Method"),
            message.clone(),
            400,
            -32020,
        ),
        (
            "Mcp-Method of another method",
            replacing("Mcp-Method", "tools/list"),
            message.clone(),
            400,
            -32020,
        ),
        (
            "Mcp-Method in other case",
            replacing("Mcp-Method", "TOOLS/CALL"),
            message.clone(),
            400,
            -32020,
        ),
        (
            "no Mcp-Name",
            without("Mcp-Name"),
            message.clone(),
            400,
            -32020,
        ),
        (
            "Mcp-Name of another tool",
            replacing("Mcp-Name", "subtract"),
            message.clone(),
            400,
            -32020,
        ),
        (
            "bad base64 in Mcp-Name",
            replacing("Mcp-Name", "=?base64?YWRk?"),
            message.clone(),
            400,
            -32020,
        ),
        (
            "header and body revisions differ",
            headers.clone(),
            future.clone(),
            400,
            -32020,
        ),
        (
            "a revision the server does not speak",
            replacing("MCP-Protocol-Version", "2099-01-01"),
            future,
            400,
            -32022,
        ),
    ];
    for (what, headers, message, status, code) in cases {
        let reply = post(app.addr, &headers, &message).await;
        assert_eq!(reply.status, status, "{what}: {reply:?}");
        let body = reply.json();
        assert_eq!(body["id"], 3, "{what}: {body}");
        assert_eq!(body["error"]["code"], code, "{what}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    // -32022 says what the server speaks, and echoes what was asked.
    let (headers, mut message) = modern(4, "tools/list", json!({}));
    message["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!("v999");
    let headers: Vec<_> = headers
        .into_iter()
        .map(|(n, v)| {
            if n == "MCP-Protocol-Version" {
                (n, "v999".to_owned())
            } else {
                (n, v)
            }
        })
        .collect();
    let data = post(app.addr, &headers, &message).await.json()["error"]["data"].clone();
    assert_eq!(data, json!({"supported": [REVISION], "requested": "v999"}));

    // Mcp-Name in base64 is decoded before it is compared.
    let (mut headers, message) = modern(5, "tools/call", add);
    headers.retain(|(n, _)| n != "Mcp-Name");
    headers.push(("Mcp-Name".to_owned(), "=?base64?YWRk?=".to_owned()));
    let reply = post(app.addr, &headers, &message).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["result"]["content"][0]["text"], "3");

    // What the era removed is -32601 with 404, saying what to do instead.
    for method in [
        "initialize",
        "ping",
        "logging/setLevel",
        "resources/subscribe",
        "no/such",
    ] {
        let reply = call(app.addr, 6, method, json!({})).await;
        assert_eq!(reply.status, 404, "{method}: {reply:?}");
        assert_eq!(reply.json()["error"]["code"], -32601, "{method}");
    }
    // The era has POST only, and one message per POST.
    let get = request_with(
        app.addr,
        "GET",
        "/mcp",
        &[
            ("Accept", "text/event-stream"),
            ("MCP-Protocol-Version", REVISION),
        ],
        b"",
    )
    .await;
    assert_eq!(get.status, 405, "{get:?}");
    let (headers, message) = modern(9, "tools/list", json!({}));
    let batch = Value::Array(vec![message]);
    assert_eq!(post(app.addr, &headers, &batch).await.status, 400);
}

#[actix_web::test]
async fn a_request_hears_log_messages_only_at_the_level_it_names() {
    let app = start();
    // No level named: no log message, and so a plain JSON answer.
    let quiet = call(
        app.addr,
        1,
        "tools/call",
        json!({"name": "modern.log", "arguments": {}}),
    )
    .await;
    assert_eq!(quiet.status, 200);
    assert!(
        quiet
            .header("content-type")
            .unwrap()
            .starts_with("application/json"),
        "{quiet:?}"
    );
    assert_eq!(quiet.json()["result"]["content"][0]["text"], "logged");

    let (headers, mut message) = modern(
        2,
        "tools/call",
        json!({"name": "modern.log", "arguments": {}}),
    );
    message["params"]["_meta"]["io.modelcontextprotocol/logLevel"] = json!("warning");
    let reply = post(app.addr, &headers, &message).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/event-stream"),
        "{reply:?}"
    );
    let messages: Vec<Value> = parse_events(&reply.body)
        .iter()
        .map(|event| serde_json::from_str(&event.data).unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert_eq!(messages[0]["method"], "notifications/message");
    assert_eq!(messages[0]["params"]["level"], "warning");
    assert_eq!(messages[0]["params"]["data"], "a warning");
    assert_eq!(messages[1]["id"], 2);
    assert_eq!(messages[1]["result"]["content"][0]["text"], "logged");
}

#[actix_web::test]
async fn closing_the_response_stream_cancels_the_request() {
    let app = start();
    let (headers, mut message) = modern(
        1,
        "tools/call",
        json!({"name": "modern.forever", "arguments": {}}),
    );
    message["params"]["_meta"]["progressToken"] = json!("p1");
    let mut all = vec![
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
    ];
    all.extend(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let body = message.to_string();
    let mut stream = SseStream::send(app.addr, "POST", "/mcp", &all, Some(body.as_bytes())).await;
    assert_eq!(stream.status, 200);
    let progress: Value = serde_json::from_str(&stream.next_event().await.data).unwrap();
    assert_eq!(progress["method"], "notifications/progress");
    assert!(
        !STOPPED.load(Ordering::SeqCst),
        "the call runs while its stream is open"
    );
    drop(stream);
    eventually("the call is stopped", || STOPPED.load(Ordering::SeqCst)).await;
    // The server goes on serving.
    tokio::time::sleep(Duration::from_millis(10)).await;
    let reply = call(
        app.addr,
        2,
        "tools/call",
        json!({"name": "add", "arguments": {"a": 1, "b": 1}}),
    )
    .await;
    assert_eq!(reply.json()["result"]["content"][0]["text"], "2");
}

/// `meta()` declaring these client capabilities.
fn with_capabilities(message: &mut Value, capabilities: Value) {
    message["params"]["_meta"]["io.modelcontextprotocol/clientCapabilities"] = capabilities;
}

async fn travel(addr: SocketAddr, id: i64, extra: Value, capabilities: Value) -> Value {
    let mut params = json!({"name": "modern.travel", "arguments": {"days": 3}});
    for (name, value) in extra.as_object().unwrap() {
        params[name] = value.clone();
    }
    let (headers, mut message) = modern(id, "tools/call", params);
    with_capabilities(&mut message, capabilities);
    let reply = post(addr, &headers, &message).await;
    assert_eq!(
        reply.status,
        if reply.json().get("error").is_some() {
            400
        } else {
            200
        }
    );
    reply.json()
}

#[actix_web::test]
async fn a_tool_asking_the_client_is_answered_across_rounds_with_the_same_code() {
    let app = start();
    let both = json!({"elicitation": {}, "sampling": {}});
    // Round 1: the question it has no answer for.
    let first = travel(app.addr, 1, json!({}), both.clone()).await;
    let result = &first["result"];
    assert_eq!(result["resultType"], "input_required", "{first}");
    assert_eq!(
        result["inputRequests"]["elicitation-1"]["method"],
        "elicitation/create"
    );
    assert_eq!(
        result["inputRequests"]["elicitation-1"]["params"]["message"],
        "Where to?"
    );
    let schema = &result["inputRequests"]["elicitation-1"]["params"]["requestedSchema"];
    assert_eq!(schema["properties"]["city"]["type"], "string", "{schema}");
    let state1 = result["requestState"].as_str().unwrap().to_owned();

    // Round 2: the answer, and the state; the tool runs again and asks the next question.
    let answer = json!({"elicitation-1": {"action": "accept", "content": {"city": "Lyon"}}});
    let second = travel(
        app.addr,
        2,
        json!({"inputResponses": answer, "requestState": state1}),
        both.clone(),
    )
    .await;
    let result = &second["result"];
    assert_eq!(result["resultType"], "input_required", "{second}");
    let asked: Vec<&String> = result["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(asked, ["plan"]);
    assert_eq!(
        result["inputRequests"]["plan"]["params"]["messages"][0]["content"]["text"],
        "Plan 3 days in Lyon"
    );
    let state2 = result["requestState"].as_str().unwrap().to_owned();
    assert_ne!(state1, state2);

    // Round 3: only the last answer travels; the first comes from the state.
    let plan = json!({"plan": {"role": "assistant", "model": "m",
        "content": {"type": "text", "text": "see the old town"}}});
    let third = travel(
        app.addr,
        3,
        json!({"inputResponses": plan.clone(), "requestState": state2.clone()}),
        both.clone(),
    )
    .await;
    assert_eq!(third["result"]["resultType"], "complete", "{third}");
    assert_eq!(
        third["result"]["content"][0]["text"],
        "Lyon: see the old town"
    );

    // A state is the request's own: altered, or sent with other arguments, it is refused.
    let mut altered = state2.clone().into_bytes();
    let at = altered.len() / 2;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let refused = travel(
        app.addr,
        4,
        json!({"inputResponses": plan.clone(), "requestState": altered}),
        both.clone(),
    )
    .await;
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("requestState"));
    let mut params = json!({"name": "modern.travel", "arguments": {"days": 9},
        "inputResponses": plan, "requestState": state2});
    let (headers, mut message) = modern(5, "tools/call", params.take());
    with_capabilities(&mut message, both);
    let other_request = post(app.addr, &headers, &message).await.json();
    assert_eq!(other_request["error"]["code"], -32602, "{other_request}");
}

#[actix_web::test]
async fn a_question_the_client_cannot_answer_is_never_asked() {
    let app = start();
    // No elicitation declared: the tool's elicit fails, and so does the tool: -32021.
    let reply = travel(app.addr, 1, json!({}), json!({"sampling": {}})).await;
    assert_eq!(reply["error"]["code"], -32021, "{reply}");
    assert_eq!(
        reply["error"]["data"]["requiredCapabilities"],
        json!({"elicitation": {}})
    );
}

#[actix_web::test]
async fn arguments_mirrored_in_headers_must_agree_with_them() {
    let app = start();
    let listed = call(app.addr, 1, "tools/list", json!({})).await.json();
    let deploy = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tool| tool["name"] == "modern.deploy")
        .unwrap()
        .clone();
    assert_eq!(
        deploy["inputSchema"]["properties"]["region"]["x-mcp-header"],
        "Region"
    );
    assert_eq!(
        deploy["inputSchema"]["properties"]["replicas"]["x-mcp-header"],
        "Replicas"
    );

    let deploy_with = |arguments: Value, extra: &[(&str, &str)]| {
        let (mut headers, message) = modern(
            2,
            "tools/call",
            json!({"name": "modern.deploy", "arguments": arguments}),
        );
        headers.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        async move { post(app.addr, &headers, &message).await }
    };
    let ok = deploy_with(
        json!({"region": "eu-west", "replicas": 3}),
        &[("Mcp-Param-Region", "eu-west"), ("mcp-param-replicas", "3")],
    )
    .await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(ok.json()["result"]["content"][0]["text"], "eu-west x3");
    // Base64 for what a plain header value cannot hold.
    let spaced = deploy_with(
        json!({"region": " eu "}),
        &[("Mcp-Param-Region", "=?base64?IGV1IA==?=")],
    )
    .await;
    assert_eq!(spaced.status, 200, "{spaced:?}");

    for (what, arguments, extra) in [
        ("no header for a value", json!({"region": "eu"}), vec![]),
        (
            "another value",
            json!({"region": "eu"}),
            vec![("Mcp-Param-Region", "us")],
        ),
        (
            "a header for an absent argument",
            json!({"region": "eu"}),
            vec![("Mcp-Param-Region", "eu"), ("Mcp-Param-Replicas", "2")],
        ),
        (
            "bad base64",
            json!({"region": "eu"}),
            vec![("Mcp-Param-Region", "=?base64?ZX?=")],
        ),
    ] {
        let reply = deploy_with(arguments, &extra).await;
        assert_eq!(reply.status, 400, "{what}: {reply:?}");
        assert_eq!(reply.json()["error"]["code"], -32020, "{what}");
    }
}

#[test]
fn a_header_on_an_argument_no_header_can_carry_is_refused_at_build() {
    // `#[tool]` schemas go through the same check when the server is built.
    let error = mcp_runtime::Tool::builder("bad_header")
        .input_schema(json!({"type": "object", "properties": {
            "items": {"type": "array", "items": {"type": "string"}, "x-mcp-header": "Items"}}}))
        .handler(|_arguments, _ctx: Context| async { "never" })
        .build()
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("bad_header"), "{message}");
    assert!(
        message.contains("must be a string, an integer or a boolean"),
        "{message}"
    );
}

fn start_serving(eras: mcp_runtime::Eras) -> TestServer {
    let server = serving(&["add"]).eras(eras).build().unwrap();
    TestServer::start(1, move || {
        App::new().service(web::scope("/mcp").service(server.streamable_http_app()))
    })
}

fn legacy_initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "legacy", "version": "0"}}})
}

#[actix_web::test]
async fn a_server_can_serve_one_era_only() {
    // Modern only: a legacy client learns which revision to speak; there are no sessions.
    let modern_only = start_serving(mcp_runtime::Eras::Modern);
    let refused = post(modern_only.addr, &[], &legacy_initialize()).await;
    assert_eq!(refused.status, 400, "{refused:?}");
    let body = refused.json();
    assert_eq!(body["error"]["code"], -32022, "{body}");
    assert_eq!(body["error"]["data"]["supported"], json!([REVISION]));
    assert_eq!(body["error"]["data"]["requested"], "2025-11-25");
    let get = request_with(
        modern_only.addr,
        "GET",
        "/mcp",
        &[("Accept", "text/event-stream")],
        b"",
    )
    .await;
    assert_eq!(get.status, 405);
    let added = call(
        modern_only.addr,
        1,
        "tools/call",
        json!({"name": "add", "arguments": {"a": 1, "b": 2}}),
    )
    .await;
    assert_eq!(added.json()["result"]["content"][0]["text"], "3");

    // Legacy only: a modern client is told the revision is unknown, and falls back.
    let legacy_only = start_serving(mcp_runtime::Eras::Legacy);
    let modern_call = call(legacy_only.addr, 2, "server/discover", json!({})).await;
    assert_eq!(modern_call.status, 400, "{modern_call:?}");
    let opened = post(legacy_only.addr, &[], &legacy_initialize()).await;
    assert_eq!(opened.status, 200);
    assert!(opened.header("mcp-session-id").is_some());
}

#[actix_web::test]
async fn http_sse_stays_of_the_handshake_era() {
    let server = serving(&["add"]).build().unwrap();
    let app = TestServer::start(1, move || App::new().service(server.sse_app()));
    let mut client = mcp_tests::support::SseClient::initialized(app.addr, "/sse").await;
    // A `_meta` naming 2026-07-28 changes nothing here: the session's revision answers.
    let reply = client.request("tools/list", json!({"_meta": meta()})).await;
    assert!(reply["result"]["tools"].is_array(), "{reply}");
    assert!(reply["result"].get("resultType").is_none(), "{reply}");
    let discover = client
        .request("server/discover", json!({"_meta": meta()}))
        .await;
    assert_eq!(discover["error"]["code"], -32601, "{discover}");
}

/// A resource modern clients can listen to.
#[mcp_runtime::resource("modern://status", mime_type = "text/plain")]
fn modern_status() -> &'static str {
    "green"
}

/// Rates that hold for five minutes, the same for everyone.
#[mcp_runtime::resource("modern://rates", cache_ttl = "5m", cache_scope = "public")]
fn modern_rates() -> &'static str {
    "1.08"
}

/// One report per day, for its reader alone (private by default), for a second.
#[mcp_runtime::resource("modern://reports/{day}", cache_ttl = "1s")]
fn modern_report(day: u32) -> String {
    format!("report of day {day}")
}

#[actix_web::test]
async fn a_resource_may_set_its_own_caching_hints() {
    let server = serving(&[])
        .resources([
            "modern://status",
            "modern://rates",
            "modern://reports/{day}",
        ])
        .read_caching(mcp_runtime::CacheHints::private(Duration::from_secs(2)))
        .build()
        .unwrap();
    let app = TestServer::start(1, move || {
        App::new().service(web::scope("/mcp").service(server.streamable_http_app()))
    });
    let hints = |result: &Value| (result["ttlMs"].clone(), result["cacheScope"].clone());
    let read = |uri: &'static str| call(app.addr, 1, "resources/read", json!({ "uri": uri }));
    let rates = read("modern://rates").await.json();
    assert_eq!(
        hints(&rates["result"]),
        (json!(300_000), json!("public")),
        "{rates}"
    );
    assert_eq!(rates["result"]["contents"][0]["text"], "1.08");
    assert_eq!(
        rates["result"]["resultType"], "complete",
        "the other members are there too: {rates}"
    );
    let report = read("modern://reports/3").await.json();
    assert_eq!(
        hints(&report["result"]),
        (json!(1000), json!("private")),
        "{report}"
    );
    // Without hints of its own, a resource has the server's.
    let status = read("modern://status").await.json();
    assert_eq!(
        hints(&status["result"]),
        (json!(2000), json!("private")),
        "{status}"
    );
}

/// A server with a resource and a prompt (so every kind of change can be listened to), and a
/// handle on it to change its sets.
fn start_listening() -> (TestServer, mcp_runtime::Server) {
    let server = serving(&["add", "modern.log"])
        .resources(["modern://status"])
        .build()
        .unwrap();
    let handle = server.clone();
    let app = TestServer::start(1, move || {
        App::new().service(web::scope("/mcp").service(server.streamable_http_app()))
    });
    (app, handle)
}

/// Opens a `subscriptions/listen` stream with this filter.
async fn listen(addr: SocketAddr, id: i64, notifications: Value) -> SseStream {
    let (headers, message) = modern(
        id,
        "subscriptions/listen",
        json!({ "notifications": notifications }),
    );
    let mut all = vec![
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
    ];
    all.extend(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let body = message.to_string();
    let stream = SseStream::send(addr, "POST", "/mcp", &all, Some(body.as_bytes())).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    stream
}

async fn next_json(stream: &mut SseStream) -> Value {
    serde_json::from_str(&stream.next_event().await.data).unwrap()
}

#[actix_web::test]
async fn a_listen_stream_is_acknowledged_then_carries_what_it_asked_for_tagged() {
    let (app, server) = start_listening();
    let discover = call(app.addr, 1, "server/discover", json!({})).await.json();
    let capabilities = &discover["result"]["capabilities"];
    assert_eq!(capabilities["tools"]["listChanged"], true, "{discover}");
    assert_eq!(capabilities["resources"]["subscribe"], true, "{discover}");

    let mut tools = listen(app.addr, 7, json!({"toolsListChanged": true})).await;
    let mut status = listen(
        app.addr,
        8,
        json!({
            "resourceSubscriptions": ["modern://status", "modern://unknown"],
            // No prompts here: not agreed.
            "promptsListChanged": true,
        }),
    )
    .await;
    let ack = next_json(&mut tools).await;
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    assert_eq!(
        ack["params"],
        json!({"_meta": {"io.modelcontextprotocol/subscriptionId": 7},
               "notifications": {"toolsListChanged": true}})
    );
    let ack = next_json(&mut status).await;
    assert_eq!(
        ack["params"]["notifications"],
        json!({"resourceSubscriptions": ["modern://status"]}),
        "only what the server serves is agreed: {ack}"
    );
    eventually("both listeners are registered", || {
        server.subscription_count() == 2
    })
    .await;

    // A change of the tools reaches the tools stream only; an update of the resource, the
    // resource stream only (and no legacy session, of which there are none).
    assert!(server.disable_tool("modern.log"));
    assert_eq!(server.notify_resource_updated("modern://status"), 1);
    assert_eq!(server.notify_resource_updated("modern://unknown"), 0);
    let changed = next_json(&mut tools).await;
    assert_eq!(
        changed,
        json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed",
               "params": {"_meta": {"io.modelcontextprotocol/subscriptionId": 7}}})
    );
    let updated = next_json(&mut status).await;
    assert_eq!(
        updated,
        json!({"jsonrpc": "2.0", "method": "notifications/resources/updated",
               "params": {"_meta": {"io.modelcontextprotocol/subscriptionId": 8},
                          "uri": "modern://status"}})
    );
    // The tools stream did not hear of the resource: the next thing on it is the next change.
    assert!(server.enable_tool("modern.log"));
    assert_eq!(
        next_json(&mut tools).await["method"],
        "notifications/tools/list_changed"
    );

    // A list change announced by hand reaches the listeners too.
    assert_eq!(
        server.notify_all("notifications/tools/list_changed", json!({})),
        1
    );
    assert_eq!(
        next_json(&mut tools).await["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        7
    );

    // Closing a stream ends its subscription.
    drop(tools);
    eventually("the closed stream is forgotten", || {
        server.subscription_count() == 1
    })
    .await;
    drop(status);
    eventually("every stream is forgotten", || {
        server.subscription_count() == 0
    })
    .await;
}

#[actix_web::test]
async fn shutting_down_ends_listen_streams_gracefully() {
    let (app, server) = start_listening();
    let mut stream = listen(app.addr, 3, json!({"toolsListChanged": true})).await;
    assert_eq!(
        next_json(&mut stream).await["method"],
        "notifications/subscriptions/acknowledged"
    );
    eventually("the listener is registered", || {
        server.subscription_count() == 1
    })
    .await;
    let shutdown = tokio::spawn({
        let server = server.clone();
        async move { server.shutdown(Duration::from_secs(5)).await }
    });
    let cancelled = next_json(&mut stream).await;
    assert_eq!(
        cancelled["method"], "notifications/cancelled",
        "{cancelled}"
    );
    assert_eq!(cancelled["params"]["requestId"], 3);
    let ended = next_json(&mut stream).await;
    assert_eq!(ended["id"], 3, "{ended}");
    assert_eq!(ended["result"]["resultType"], "complete");
    assert_eq!(
        ended["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        3
    );
    assert_eq!(
        ended["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        server.name()
    );
    stream.wait_until_ended().await;
    // The listen request was the only one running: shutdown does not wait out its grace.
    tokio::time::timeout(Duration::from_secs(2), shutdown)
        .await
        .expect("shutdown finishes at once")
        .unwrap();
}

#[actix_web::test]
async fn a_listen_needs_a_filter_and_legacy_sessions_subscribe_their_own_way() {
    let (app, _server) = start_listening();
    let reply = call(app.addr, 1, "subscriptions/listen", json!({})).await;
    assert_eq!(reply.status, 400, "{reply:?}");
    let body = reply.json();
    assert_eq!(body["error"]["code"], -32602, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("notifications"), "{message}");
    let subscribe = call(
        app.addr,
        2,
        "resources/subscribe",
        json!({"uri": "modern://status"}),
    )
    .await;
    assert_eq!(subscribe.status, 404);
    let message = subscribe.json()["error"]["message"].to_string();
    assert!(message.contains("subscriptions/listen"), "{message}");
}

/// How many times `modern.prune` looked its branches up.
static LOOKUPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A yes or no, asked of the user.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Confirm {
    confirm: bool,
}

/// Prunes stale branches once the user confirms, in the explicit form: it names its two
/// questions, asks them together, and carries its lookup to the next round.
#[tool(name = "modern.prune")]
async fn modern_prune(ctx: Context) -> Result<String, ClientRequestError> {
    let stale: u32 = match ctx.request_state() {
        Some(stale) => stale,
        None => {
            LOOKUPS.fetch_add(1, Ordering::SeqCst);
            3
        }
    };
    let asked = mcp_runtime::context::InputRequired::new()
        .elicit::<Confirm>("confirm", &format!("Prune {stale} stale branches?"))
        .list_roots("roots")
        .state(stale);
    let answers = ctx.input_required(asked).await?;
    let root = answers
        .roots("roots")?
        .first()
        .map_or_else(|| "nowhere".to_owned(), |root| root.uri.clone());
    Ok(match answers.elicitation::<Confirm>("confirm")? {
        Elicitation::Accept(Confirm { confirm: true }) => format!("pruned {stale} in {root}"),
        _ => "kept them".to_owned(),
    })
}

#[actix_web::test]
async fn the_explicit_form_names_its_questions_and_carries_its_own_state_in_both_eras() {
    let server = serving(&["modern.prune"]).build().unwrap();
    let handle = server.clone();
    let app = TestServer::start(1, move || {
        App::new().service(web::scope("/mcp").service(server.streamable_http_app()))
    });
    let capabilities = json!({"elicitation": {}, "roots": {}});
    let prune = |id: i64, extra: Value| {
        let mut params = json!({"name": "modern.prune", "arguments": {}});
        for (name, value) in extra.as_object().unwrap() {
            params[name] = value.clone();
        }
        let (headers, mut message) = modern(id, "tools/call", params);
        with_capabilities(&mut message, capabilities.clone());
        async move { post(app.addr, &headers, &message).await.json() }
    };
    LOOKUPS.store(0, Ordering::SeqCst);
    let first = prune(1, json!({})).await;
    let result = &first["result"];
    assert_eq!(result["resultType"], "input_required", "{first}");
    let asked: Vec<&String> = result["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        asked,
        ["confirm", "roots"],
        "both questions at once, by their keys"
    );
    assert_eq!(
        result["inputRequests"]["confirm"]["params"]["message"],
        "Prune 3 stale branches?"
    );
    assert_eq!(result["inputRequests"]["roots"]["method"], "roots/list");
    let answers = json!({
        "confirm": {"action": "accept", "content": {"confirm": true}},
        "roots": {"roots": [{"uri": "file:///repo", "name": "repo"}]},
    });
    let state = result["requestState"].clone();
    let second = prune(2, json!({"inputResponses": answers, "requestState": state})).await;
    assert_eq!(second["result"]["resultType"], "complete", "{second}");
    assert_eq!(
        second["result"]["content"][0]["text"],
        "pruned 3 in file:///repo"
    );
    assert_eq!(
        LOOKUPS.load(Ordering::SeqCst),
        1,
        "the retry read its lookup from the state"
    );

    // The same body in the handshake era: the questions go to the client as requests.
    let client = mcp_runtime::client::Client::builder()
        .capabilities(capabilities.clone())
        .on_request("elicitation/create", |params| {
            assert_eq!(params["message"], "Prune 3 stale branches?");
            Ok(json!({"action": "accept", "content": {"confirm": true}}))
        })
        .on_request("roots/list", |_| {
            Ok(json!({"roots": [{"uri": "file:///legacy"}]}))
        })
        .connect(&handle)
        .await
        .unwrap();
    let result = client.call_tool("modern.prune", json!({})).await.unwrap();
    assert_eq!(result.text(), "pruned 3 in file:///legacy");
}

#[actix_web::test]
async fn the_http_protections_apply_to_modern_requests_as_to_legacy_ones() {
    let server = serving(&["add"]).build().unwrap();
    let options = mcp_runtime::transport::HttpOptions::new().max_body_bytes(2048);
    let app = TestServer::start(1, move || {
        App::new().service(
            web::scope("/mcp").service(server.streamable_http_app().options(options.clone())),
        )
    });
    let add = json!({"name": "add", "arguments": {"a": 1, "b": 2}});
    let (headers, message) = modern(1, "tools/call", add.clone());
    let with = |extra: (&str, &str)| {
        let mut all = headers.clone();
        all.push((extra.0.to_owned(), extra.1.to_owned()));
        all
    };
    // A page of another site may not call a loopback server (DNS rebinding).
    let foreign = post(
        app.addr,
        &with(("Origin", "https://evil.example")),
        &message,
    )
    .await;
    assert_eq!(foreign.status, 403, "{foreign:?}");
    let own = post(app.addr, &with(("Origin", "http://127.0.0.1")), &message).await;
    assert_eq!(own.status, 200, "{own:?}");
    assert_eq!(own.json()["result"]["content"][0]["text"], "3");
    // Nor a request addressed to another host name.
    let mut all = vec![
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
        ("Host", "evil.example"),
    ];
    all.extend(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let rebound = request_with(
        app.addr,
        "POST",
        "/mcp",
        &all,
        message.to_string().as_bytes(),
    )
    .await;
    assert!(
        (400..500).contains(&rebound.status) && rebound.status != 404,
        "{rebound:?}"
    );
    // The body limit holds, with the status that says so.
    let big = json!({"name": "add", "arguments": {"a": 1, "b": 2, "pad": "x".repeat(4096)}});
    let (headers, message) = modern(2, "tools/call", big);
    let too_big = post(app.addr, &headers, &message).await;
    assert_eq!(too_big.status, 413, "{too_big:?}");
}
