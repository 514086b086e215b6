//! What a server serves can change while it runs: tools made by hand, added, removed, enabled
//! and disabled, with `notifications/*/list_changed` reaching connected clients.

use std::time::Duration;

use mcp_runtime::client::Client;
use mcp_runtime::{tool, BuildError, Context, Server, Tool};
use serde_json::{json, Map, Value};

/// Add two numbers.
#[tool]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Subtract `b` from `a`.
#[tool]
fn subtract(a: i64, b: i64) -> i64 {
    a - b
}

fn schema_2020_12() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"address": {"type": "object", "properties": {"street": {"type": "string"}}}},
        "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
        "additionalProperties": false
    })
}

fn greeter() -> Tool {
    Tool::builder("greet")
        .title("Greeter")
        .description("Greet someone.")
        .input_schema(schema_2020_12())
        .handler(|arguments: Map<String, Value>, ctx: Context| async move {
            let name = arguments
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("stranger");
            format!("hello {name} (request {})", ctx.request_id())
        })
        .build()
        .unwrap()
}

async fn names(client: &Client) -> Vec<String> {
    let tools = client.list_tools().await.unwrap();
    tools
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn next_method(client: &Client) -> String {
    tokio::time::timeout(Duration::from_secs(10), client.next_notification())
        .await
        .expect("a notification in time")
        .method
}

#[tokio::test]
async fn a_hand_made_tool_keeps_its_schema_verbatim_and_is_called() {
    let server = Server::builder().tool(greeter()).build().unwrap();
    let client = Client::connect(&server).await;
    let tools = client.list_tools().await.unwrap();
    let greet = tools.iter().find(|tool| tool["name"] == "greet").unwrap();
    assert_eq!(
        greet["inputSchema"],
        schema_2020_12(),
        "no normalisation of a hand-written schema"
    );
    assert_eq!(greet["title"], "Greeter");
    let result = client
        .call_tool("greet", json!({"name": "Ada"}))
        .await
        .unwrap();
    assert!(
        result.text().starts_with("hello Ada (request "),
        "{result:?}"
    );
}

#[tokio::test]
async fn hand_made_tools_are_checked() {
    let no_handler = Tool::builder("lonely").build().unwrap_err();
    assert!(
        no_handler
            .to_string()
            .contains("it has no handler: call `.handler(..)`"),
        "{no_handler}"
    );
    assert!(
        no_handler.to_string().contains("runtime_changes.rs"),
        "names where it was built: {no_handler}"
    );
    let bad_name = Tool::builder("has space")
        .handler(|_: Map<String, Value>, _: Context| async {})
        .build();
    assert!(matches!(bad_name, Err(BuildError::InvalidTool { .. })));
    let bad_schema = Tool::builder("x")
        .input_schema(json!({"type": "string"}))
        .handler(|_: Map<String, Value>, _: Context| async {})
        .build()
        .unwrap_err();
    assert!(
        bad_schema.to_string().contains("root must be"),
        "{bad_schema}"
    );

    let clash = Tool::builder("add")
        .handler(|_: Map<String, Value>, _: Context| async { 0 })
        .build()
        .unwrap();
    let err = Server::builder().tool(clash).build().unwrap_err();
    assert!(
        err.to_string().contains("two tools are named `add`"),
        "{err}"
    );
}

#[tokio::test]
async fn tools_change_at_run_time_and_clients_hear_of_it() {
    let server = Server::builder().build().unwrap();
    let client = Client::connect(&server).await;
    assert_eq!(
        client.initialize_result()["capabilities"]["tools"],
        json!({"listChanged": true})
    );
    assert_eq!(names(&client).await, ["add", "subtract"]);

    server.add_tool(greeter());
    assert_eq!(
        next_method(&client).await,
        "notifications/tools/list_changed"
    );
    assert_eq!(names(&client).await, ["add", "greet", "subtract"]);

    assert!(server.disable_tool("subtract"));
    assert_eq!(
        next_method(&client).await,
        "notifications/tools/list_changed"
    );
    assert_eq!(names(&client).await, ["add", "greet"]);
    let hidden = client
        .call_tool("subtract", json!({"a": 3, "b": 1}))
        .await
        .unwrap_err();
    assert_eq!(hidden.code, -32602, "a disabled tool is unknown to clients");
    assert!(!server.disable_tool("subtract"), "already disabled");

    assert!(server.enable_tool("subtract"));
    assert_eq!(
        next_method(&client).await,
        "notifications/tools/list_changed"
    );
    assert_eq!(
        client
            .call_tool("subtract", json!({"a": 3, "b": 1}))
            .await
            .unwrap()
            .text(),
        "2"
    );

    assert!(server.remove_tool("greet"));
    assert_eq!(
        next_method(&client).await,
        "notifications/tools/list_changed"
    );
    assert!(!server.remove_tool("greet"));
    assert!(
        !server.enable_tool("greet"),
        "a removed tool is gone, not disabled"
    );
    assert_eq!(names(&client).await, ["add", "subtract"]);
    assert!(
        client.notifications().is_empty(),
        "nothing changed, nothing sent"
    );
}
