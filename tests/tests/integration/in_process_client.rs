//! The in-process client: testing tools the way a real client calls them, without sockets.

use std::time::Duration;

use mcp_runtime::client::{Client, ClientError};
use mcp_runtime::protocol::LATEST_HANDSHAKE_VERSION;
use mcp_runtime::protocol::{INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND};
use mcp_runtime::{tool, Content, Context, Json, Server};
use mcp_tests::support::serving;
use serde::Serialize;
use serde_json::{json, Value};

/// How long any single wait in these tests may take before the test fails.
const WAIT: Duration = Duration::from_secs(20);

/// Add two numbers.
#[tool(name = "client.add", read_only)]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Divide one number by another.
#[tool(name = "client.divide")]
fn divide(dividend: f64, divisor: f64) -> Result<f64, String> {
    if divisor == 0.0 {
        return Err("cannot divide by zero: pass a non-zero divisor".to_owned());
    }
    Ok(dividend / divisor)
}

#[derive(Serialize, schemars::JsonSchema)]
struct Point {
    x: i32,
    y: i32,
}

/// A point, as structured output.
#[tool(name = "client.point")]
fn point(x: i32, y: i32) -> Json<Point> {
    Json(Point { x, y })
}

/// Always panics.
#[tool(name = "client.explode")]
fn explode() -> String {
    panic!("boom")
}

/// The client's roots, asked through the session.
#[tool(name = "client.roots")]
async fn roots(ctx: Context) -> Result<String, String> {
    let roots = ctx.list_roots().await.map_err(|err| err.to_string())?;
    Ok(roots
        .iter()
        .map(|root| root.uri.as_str())
        .collect::<Vec<_>>()
        .join(" "))
}

/// Logs, then answers.
#[tool(name = "client.chatty")]
async fn chatty(ctx: Context) -> &'static str {
    ctx.warning("careful").await;
    "done"
}

/// A builder serving this module's tools (the test binary has others), and nothing else.
fn client_tools() -> mcp_runtime::ServerBuilder {
    serving(&[
        "client.add",
        "client.chatty",
        "client.divide",
        "client.explode",
        "client.point",
        "client.roots",
    ])
}

async fn connect() -> (Server, Client) {
    let server = client_tools()
        .name("client-test")
        .version("9.9.9")
        .instructions("Be precise.")
        .build()
        .unwrap();
    let client = Client::connect(&server).await;
    (server, client)
}

#[tokio::test]
async fn connect_performs_the_handshake() {
    let (_server, client) = connect().await;
    assert_eq!(client.protocol_version(), LATEST_HANDSHAKE_VERSION);
    assert_eq!(
        client.server_info(),
        &json!({"name": "client-test", "version": "9.9.9"})
    );
    assert_eq!(client.instructions(), Some("Be precise."));
    assert_eq!(
        client.initialize_result()["capabilities"]["tools"],
        json!({"listChanged": true})
    );
    let negotiated = client
        .session()
        .negotiated()
        .expect("the session is initialized");
    assert_eq!(negotiated.client_info["name"], "mcp-runtime-client");
    client.ping().await.expect("ping");
}

#[tokio::test]
async fn the_builder_chooses_version_client_info_and_capabilities() {
    let server = client_tools().build().unwrap();
    let client = Client::builder()
        .protocol_version("2024-11-05")
        .client_info("my-tests", "2.0.0")
        .capabilities(json!({"roots": {"listChanged": true}}))
        .connect(&server)
        .await
        .expect("connect");
    assert_eq!(client.protocol_version(), "2024-11-05");
    let negotiated = client.session().negotiated().unwrap();
    assert_eq!(negotiated.protocol_version, "2024-11-05");
    assert_eq!(
        negotiated.client_info,
        json!({"name": "my-tests", "version": "2.0.0"})
    );
    assert_eq!(
        negotiated.client_capabilities,
        json!({"roots": {"listChanged": true}})
    );

    // A revision the server does not know is answered with its newest one.
    let client = Client::builder()
        .protocol_version("2099-01-01")
        .connect(&server)
        .await
        .unwrap();
    assert_eq!(client.protocol_version(), LATEST_HANDSHAKE_VERSION);
}

#[tokio::test]
async fn list_tools_shows_what_a_client_sees() {
    let (_server, client) = connect().await;
    let tools = client.list_tools().await.unwrap();
    let names: Vec<&str> = tools
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "client.add",
            "client.chatty",
            "client.divide",
            "client.explode",
            "client.point",
            "client.roots"
        ]
    );
    let add = &tools[0];
    assert_eq!(add["description"], "Add two numbers.");
    assert_eq!(add["inputSchema"]["required"], json!(["a", "b"]));
    assert_eq!(add["inputSchema"]["properties"]["a"]["type"], "integer");
    assert_eq!(add["annotations"]["readOnlyHint"], true);
    assert_eq!(tools[4]["outputSchema"]["required"], json!(["x", "y"]));
}

#[tokio::test]
async fn call_tool_returns_the_result() {
    let (_server, client) = connect().await;
    let result = client
        .call_tool("client.add", json!({"a": 2, "b": 3}))
        .await
        .unwrap();
    assert_eq!(result.content, vec![Content::text("5")]);
    assert_eq!(result.text(), "5");
    assert!(!result.is_error);
    assert_eq!(result.structured_content, None);
}

#[tokio::test]
async fn structured_output_comes_back_with_its_text() {
    let (_server, client) = connect().await;
    let result = client
        .call_tool("client.point", json!({"x": 1, "y": -2}))
        .await
        .unwrap();
    assert!(!result.is_error);
    assert_eq!(result.structured_content, Some(json!({"x": 1, "y": -2})));
    let text: Value = serde_json::from_str(&result.text()).expect("the text is the JSON");
    assert_eq!(text, json!({"x": 1, "y": -2}));
}

#[tokio::test]
async fn a_failing_tool_is_an_error_result_not_an_err() {
    let (_server, client) = connect().await;
    let result = client
        .call_tool("client.divide", json!({"dividend": 1, "divisor": 0}))
        .await
        .expect("a tool error is a result");
    assert!(result.is_error);
    assert_eq!(
        result.text(),
        "cannot divide by zero: pass a non-zero divisor"
    );

    let result = client
        .call_tool("client.divide", json!({"dividend": "one"}))
        .await
        .unwrap();
    assert!(result.is_error, "invalid arguments are an error result");
    let text = result.text();
    assert!(
        text.contains("dividend") && text.contains("divisor"),
        "every problem is listed: {text}"
    );

    let result = client
        .call_tool("client.explode", Value::Null)
        .await
        .unwrap();
    assert!(result.is_error, "a panicking tool is an error result");
}

#[tokio::test]
async fn protocol_errors_are_client_errors() -> Result<(), Box<dyn std::error::Error>> {
    let (_server, client) = connect().await;
    let error: ClientError = client
        .call_tool("nope", json!({}))
        .await
        .expect_err("an unknown tool is a protocol error");
    assert_eq!(error.code, INVALID_PARAMS);
    assert!(error.message.contains("unknown tool `nope`"), "{error}");
    let shown = error.to_string();
    assert!(
        shown.contains("unknown tool `nope`") && shown.contains("-32602"),
        "{shown}"
    );
    // It is a std::error::Error: `?` turns it into a boxed error.
    let boxed: Box<dyn std::error::Error> = Box::new(error);
    assert!(boxed.to_string().contains("nope"));

    let error = client
        .request("prompts/list", Value::Null)
        .await
        .unwrap_err();
    assert_eq!(error.code, METHOD_NOT_FOUND);

    // Anything else goes through `request`, raw.
    let page = client.request("tools/list", json!({})).await?;
    assert_eq!(page["tools"].as_array().map(Vec::len), Some(6));
    Ok(())
}

#[tokio::test]
async fn list_tools_follows_every_page() {
    let server = client_tools()
        .tools(["client.point", "client.add", "client.divide"])
        .page_size(1)
        .build()
        .unwrap();
    let client = Client::connect(&server).await;

    let first = client.request("tools/list", Value::Null).await.unwrap();
    assert_eq!(first["tools"].as_array().unwrap().len(), 1);
    assert!(first["nextCursor"].is_string(), "the server pages: {first}");

    let names: Vec<String> = client
        .list_tools()
        .await
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["client.add", "client.divide", "client.point"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_shared_by_concurrent_tasks() {
    let (_server, client) = connect().await;
    let client = std::sync::Arc::new(client);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..16 {
        let client = std::sync::Arc::clone(&client);
        tasks.spawn(async move {
            (
                i,
                client
                    .call_tool("client.add", json!({"a": i, "b": i}))
                    .await,
            )
        });
    }
    let mut answered = 0;
    while let Some(joined) = tasks.join_next().await {
        let (i, result) = joined.expect("no task panics");
        assert_eq!(result.unwrap().text(), (2 * i).to_string());
        answered += 1;
    }
    assert_eq!(answered, 16);
    // Two calls joined on the same task run at once too.
    let (sum, quotient) = tokio::join!(
        client.call_tool("client.add", json!({"a": 1, "b": 2})),
        client.call_tool("client.divide", json!({"dividend": 1, "divisor": 4})),
    );
    assert_eq!(
        (sum.unwrap().text(), quotient.unwrap().text()),
        ("3".into(), "0.25".into())
    );
}

#[tokio::test]
async fn server_notifications_reach_the_client() {
    let (server, client) = connect().await;
    let other = Client::connect(&server).await;
    assert!(client.notifications().is_empty());

    let reached = server.notify_all(
        "notifications/message",
        json!({"level": "info", "data": "first"}),
    );
    assert_eq!(reached, 2, "both clients are reached");
    let note = tokio::time::timeout(WAIT, client.next_notification())
        .await
        .expect("the notification arrives");
    assert_eq!(note.method, "notifications/message");
    assert_eq!(note.params, json!({"level": "info", "data": "first"}));

    server.notify_all("notifications/tools/list_changed", Value::Null);
    let pending = client.notifications();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].method, "notifications/tools/list_changed");
    assert!(
        client.notifications().is_empty(),
        "read notifications are gone"
    );

    let for_other: Vec<String> = other
        .notifications()
        .into_iter()
        .map(|note| note.method)
        .collect();
    assert_eq!(
        for_other,
        ["notifications/message", "notifications/tools/list_changed"]
    );

    drop(other);
    assert_eq!(
        server.notify_all("notifications/message", json!({})),
        1,
        "a dropped client's session is gone"
    );
}

#[tokio::test]
async fn log_messages_of_a_tool_reach_the_client() {
    let (_server, client) = connect().await;
    let result = client
        .call_tool("client.chatty", Value::Null)
        .await
        .unwrap();
    assert_eq!(result.text(), "done");
    let notes = client.notifications();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].method, "notifications/message");
    assert_eq!(notes[0].params["level"], "warning");
    assert_eq!(notes[0].params["data"], "careful");

    client
        .request("logging/setLevel", json!({"level": "error"}))
        .await
        .unwrap();
    client
        .call_tool("client.chatty", Value::Null)
        .await
        .unwrap();
    assert!(
        client.notifications().is_empty(),
        "below the level asked for"
    );
}

#[tokio::test]
async fn request_handlers_answer_what_tools_ask_the_client() {
    let server = client_tools().build().unwrap();
    let client = Client::builder()
        .capabilities(json!({"roots": {"listChanged": false}}))
        .on_request("roots/list", |params| {
            assert_eq!(params, json!({}));
            Ok(json!({"roots": [{"uri": "file:///a"}, {"uri": "file:///b", "name": "b"}]}))
        })
        .connect(&server)
        .await
        .unwrap();
    let result = client.call_tool("client.roots", Value::Null).await.unwrap();
    assert!(!result.is_error, "{result:?}");
    assert_eq!(result.text(), "file:///a file:///b");

    // A handler can refuse.
    let refusing = Client::builder()
        .capabilities(json!({"roots": {}}))
        .on_request("roots/list", |_| {
            Err(ClientError::new(INVALID_REQUEST, "no roots here"))
        })
        .connect(&server)
        .await
        .unwrap();
    let result = refusing
        .call_tool("client.roots", Value::Null)
        .await
        .unwrap();
    assert!(result.is_error);
    assert!(result.text().contains("no roots here"), "{}", result.text());

    // A capability declared without a handler fails at once instead of timing out.
    let unhandled = Client::builder()
        .capabilities(json!({"roots": {}}))
        .connect(&server)
        .await
        .unwrap();
    let result = tokio::time::timeout(WAIT, unhandled.call_tool("client.roots", Value::Null))
        .await
        .expect("answered at once")
        .unwrap();
    assert!(result.is_error);
    assert!(result.text().contains("-32601"), "{}", result.text());
}

/// The user's name, asked through the client.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Name {
    name: String,
}

/// Greets the user by the name the client's user gives.
#[tool(name = "client.greet")]
async fn greet(ctx: Context) -> Result<String, mcp_runtime::context::ClientRequestError> {
    use mcp_runtime::context::Elicitation;
    match ctx.elicit::<Name>("Who are you?").await? {
        Elicitation::Accept(Name { name }) => Ok(format!("Hello, {name}!")),
        _ => Ok("Hello, stranger!".into()),
    }
}

fn modern_client() -> mcp_runtime::client::ClientBuilder {
    Client::builder().protocol_version("2026-07-28")
}

#[tokio::test]
async fn the_client_speaks_the_modern_era_without_a_handshake() {
    let server = serving(&["client.add", "client.greet", "client.chatty"])
        .name("client-test")
        .version("9.9.9")
        .build()
        .unwrap();
    let client = modern_client().connect(&server).await.unwrap();
    assert_eq!(client.protocol_version(), "2026-07-28");
    assert_eq!(
        client.initialize_result()["supportedVersions"],
        json!(["2026-07-28"])
    );
    assert_eq!(client.server_info()["name"], "client-test");
    assert_eq!(server.session_count(), 0, "no session was opened");
    let tools = client.list_tools().await.unwrap();
    assert_eq!(tools.len(), 3);
    let sum = client
        .request(
            "tools/call",
            json!({"name": "client.add", "arguments": {"a": 2, "b": 3}}),
        )
        .await
        .unwrap();
    assert_eq!(sum["resultType"], "complete", "{sum}");
    assert_eq!(sum["content"][0]["text"], "5");
    // The era has no ping.
    let ping = client.ping().await.unwrap_err();
    assert_eq!(ping.code, METHOD_NOT_FOUND);

    // Log messages only at the level a request asks for.
    client
        .call_tool("client.chatty", Value::Null)
        .await
        .unwrap();
    assert!(client.notifications().is_empty(), "no level, no logs");
    let listening = modern_client()
        .log_level("warning")
        .connect(&server)
        .await
        .unwrap();
    listening
        .call_tool("client.chatty", Value::Null)
        .await
        .unwrap();
    let notes = listening.notifications();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].params["data"], "careful");
}

#[tokio::test]
async fn one_test_checks_a_tool_that_asks_the_client_in_both_eras() {
    let server = serving(&["client.greet"]).build().unwrap();
    for version in ["2026-07-28", LATEST_HANDSHAKE_VERSION] {
        let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&asked);
        let client = Client::builder()
            .protocol_version(version)
            .capabilities(json!({"elicitation": {}}))
            .on_request("elicitation/create", move |params| {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                assert_eq!(params["message"], "Who are you?");
                Ok(json!({"action": "accept", "content": {"name": "Ada"}}))
            })
            .connect(&server)
            .await
            .unwrap();
        let result = client.call_tool("client.greet", Value::Null).await.unwrap();
        assert_eq!(result.text(), "Hello, Ada!", "{version}");
        assert_eq!(
            asked.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "{version}"
        );
    }
    // Without a handler the modern client says what is missing.
    let unhandled = modern_client()
        .capabilities(json!({"elicitation": {}}))
        .connect(&server)
        .await
        .unwrap();
    let error = unhandled
        .call_tool("client.greet", Value::Null)
        .await
        .unwrap_err();
    assert!(error.message.contains("on_request"), "{error}");

    // A server of the handshake era alone refuses a modern client.
    let legacy_only = serving(&["client.greet"])
        .eras(mcp_runtime::Eras::Legacy)
        .build()
        .unwrap();
    let refused = modern_client().connect(&legacy_only).await.unwrap_err();
    assert_eq!(
        refused.code,
        mcp_runtime::protocol::UNSUPPORTED_PROTOCOL_VERSION
    );
}
