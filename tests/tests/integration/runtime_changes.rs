//! What a server serves can change while it runs: tools made by hand, added, removed, enabled
//! and disabled, with `notifications/*/list_changed` reaching connected clients.

use std::time::Duration;

use mcp_runtime::client::Client;
use mcp_runtime::{prompt, resource, tool, BuildErrorKind, Context, Server, Tool};
use mcp_tests::support::serving;
use serde_json::{json, Map, Value};

/// Subtract `b` from `a`.
#[tool]
fn subtract(a: i64, b: i64) -> i64 {
    a - b
}

/// Today's notes.
#[resource("notes://today", mime_type = "text/plain")]
fn today() -> &'static str {
    "buy milk"
}

/// One note per day.
#[resource("notes://{day}")]
fn note(day: String) -> String {
    format!("notes of {day}")
}

/// Ask for a summary.
#[prompt]
fn summarise(text: String) -> String {
    format!("Summarise: {text}")
}

/// Ask for a translation.
#[prompt]
fn translate(text: String) -> String {
    format!("Translate: {text}")
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
    let server = serving(&[]).tool(greeter()).build().unwrap();
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
    assert_eq!(
        bad_name
            .map(|tool| tool.name().to_owned())
            .unwrap_err()
            .kind(),
        BuildErrorKind::InvalidTool
    );
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
    // `add` is the support library's.
    let server = serving(&["add", "subtract"]).build().unwrap();
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

async fn uris(client: &Client) -> (Vec<String>, Vec<String>) {
    let listed = client.request("resources/list", json!({})).await.unwrap();
    let templates = client
        .request("resources/templates/list", json!({}))
        .await
        .unwrap();
    let uris = listed["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap().to_owned());
    let templates = templates["resourceTemplates"].as_array().unwrap().iter();
    (
        uris.collect(),
        templates
            .map(|t| t["uriTemplate"].as_str().unwrap().to_owned())
            .collect(),
    )
}

#[tokio::test]
async fn resources_change_at_run_time_and_clients_hear_of_it() {
    let server = Server::builder()
        .resources(["notes://today"])
        .build()
        .unwrap();
    let client = Client::connect(&server).await;
    assert_eq!(
        client.initialize_result()["capabilities"]["resources"]["listChanged"],
        true
    );
    assert_eq!(
        uris(&client).await,
        (vec!["notes://today".to_owned()], vec![])
    );

    assert!(
        server.add_resource("notes://{day}").unwrap(),
        "a registered template the builder left out"
    );
    assert_eq!(
        next_method(&client).await,
        "notifications/resources/list_changed"
    );
    assert_eq!(uris(&client).await.1, ["notes://{day}"]);
    assert!(
        !server.add_resource("notes://{day}").unwrap(),
        "already served"
    );
    let unknown = server.add_resource("nope://x").unwrap_err();
    assert!(unknown.to_string().contains("nope://x"), "{unknown}");

    assert!(server.disable_resource("notes://today"));
    assert_eq!(
        next_method(&client).await,
        "notifications/resources/list_changed"
    );
    assert!(
        uris(&client).await.0.is_empty(),
        "a disabled resource is not listed"
    );
    let fallback = client
        .request("resources/read", json!({"uri": "notes://today"}))
        .await
        .unwrap();
    assert_eq!(
        fallback["contents"][0]["text"], "notes of today",
        "the template now answers that URI"
    );
    server.disable_resource("notes://{day}");
    assert_eq!(
        next_method(&client).await,
        "notifications/resources/list_changed"
    );
    let gone = client
        .request("resources/read", json!({"uri": "notes://today"}))
        .await
        .unwrap_err();
    assert_eq!(gone.code, -32002, "nothing serves it any more");
    server.enable_resource("notes://{day}");
    assert_eq!(
        next_method(&client).await,
        "notifications/resources/list_changed"
    );
    assert!(server.enable_resource("notes://today"));
    assert_eq!(
        next_method(&client).await,
        "notifications/resources/list_changed"
    );
    let read = client
        .request("resources/read", json!({"uri": "notes://today"}))
        .await
        .unwrap();
    assert_eq!(read["contents"][0]["text"], "buy milk");

    assert!(server.remove_resource("notes://{day}"));
    assert_eq!(
        next_method(&client).await,
        "notifications/resources/list_changed"
    );
    assert!(
        !server.enable_resource("notes://{day}"),
        "removed, not disabled"
    );
    assert_eq!(
        uris(&client).await,
        (vec!["notes://today".to_owned()], vec![])
    );
}

#[tokio::test]
async fn prompts_change_at_run_time_and_clients_hear_of_it() {
    let server = Server::builder().prompts(["summarise"]).build().unwrap();
    let client = Client::connect(&server).await;
    assert_eq!(
        client.initialize_result()["capabilities"]["prompts"],
        json!({"listChanged": true})
    );
    let names = |listed: Value| -> Vec<String> {
        listed["prompts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(client.request("prompts/list", json!({})).await.unwrap()),
        ["summarise"]
    );

    assert!(server.add_prompt("translate").unwrap());
    assert_eq!(
        next_method(&client).await,
        "notifications/prompts/list_changed"
    );
    assert_eq!(
        names(client.request("prompts/list", json!({})).await.unwrap()),
        ["summarise", "translate"]
    );

    assert!(server.disable_prompt("summarise"));
    assert_eq!(
        next_method(&client).await,
        "notifications/prompts/list_changed"
    );
    let hidden = client
        .request(
            "prompts/get",
            json!({"name": "summarise", "arguments": {"text": "x"}}),
        )
        .await;
    assert_eq!(hidden.unwrap_err().code, -32602);
    assert!(server.enable_prompt("summarise"));
    assert_eq!(
        next_method(&client).await,
        "notifications/prompts/list_changed"
    );

    assert!(server.remove_prompt("translate"));
    assert_eq!(
        next_method(&client).await,
        "notifications/prompts/list_changed"
    );
    assert_eq!(
        names(client.request("prompts/list", json!({})).await.unwrap()),
        ["summarise"]
    );
}
