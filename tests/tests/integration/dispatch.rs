//! The protocol core without any transport: what `Server::handle_message` answers.

use std::collections::HashMap;

use mcp_runtime::protocol::Message;
use mcp_runtime::transport::Session;
use mcp_runtime::{tool, CallToolResult, Content, Json, Server};
use mcp_tests::support::serving;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A postal address.
#[derive(Deserialize, schemars::JsonSchema)]
struct Address {
    /// Street and number.
    street: String,
    /// Apartment, if any.
    unit: Option<u32>,
    country: Country,
}

/// A country we ship to.
#[derive(Deserialize, schemars::JsonSchema)]
enum Country {
    France,
    Japan,
}

/// How to wrap a parcel.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wrapping {
    Plain,
    Gift { message: String },
}

/// A builder serving this module's tools (the test binary has others), and nothing else.
fn dispatch_tools() -> mcp_runtime::ServerBuilder {
    serving(&[
        "ship",
        "origin",
        "primes",
        "maybe_fail",
        "mixed.content-v2",
        "custom",
        "nothing",
        "kind",
    ])
}

/// Ship parcels to an address.
///
/// # Arguments
///
/// * `address` - Where to ship.
/// * `weights` - Weight of each parcel, in grams.
#[tool(title = "Ship parcels", destructive = false, open_world)]
fn ship(
    address: Address,
    weights: Vec<u32>,
    wrapping: Option<Wrapping>,
    #[arg(description = "Labels by parcel number.")] labels: HashMap<String, String>,
    #[arg(default = 1)] copies: u8,
) -> String {
    let wrapped = match wrapping {
        Some(Wrapping::Gift { message }) => format!(" as a gift ({message})"),
        Some(Wrapping::Plain) | None => String::new(),
    };
    let country = match address.country {
        Country::France => "France",
        Country::Japan => "Japan",
    };
    format!(
        "{} parcels ({} g) x{copies} to {}{} in {country}{wrapped}, {} labels",
        weights.len(),
        weights.iter().sum::<u32>(),
        address.street,
        address.unit.map(|u| format!(" #{u}")).unwrap_or_default(),
        labels.len()
    )
}

#[derive(Serialize, schemars::JsonSchema)]
struct Point {
    x: i32,
    y: i32,
}

/// Structured output of an object.
#[tool]
async fn origin() -> Json<Point> {
    Json(Point { x: 0, y: 0 })
}

/// Structured output of a non-object, wrapped as {"result": ..}.
#[tool]
fn primes(below: u32) -> Json<Vec<u32>> {
    Json((2..below).filter(|n| (2..*n).all(|d| n % d != 0)).collect())
}

/// Fails when asked to.
#[tool]
fn maybe_fail(fail: bool) -> Result<Json<Point>, String> {
    if fail {
        Err("failed as asked".to_owned())
    } else {
        Ok(Json(Point { x: 1, y: 2 }))
    }
}

/// Several content blocks.
#[tool(name = "mixed.content-v2")]
fn mixed() -> Vec<Content> {
    vec![
        Content::text("a"),
        Content::image([1u8, 2, 3], "image/png"),
        Content::audio([0u8], "audio/wav"),
    ]
}

/// Returns a hand-built result.
#[tool]
fn custom() -> CallToolResult {
    CallToolResult::error("custom failure")
}

/// Takes nothing, returns nothing.
#[tool]
fn nothing() {}

/// A raw identifier parameter.
#[tool]
fn kind(r#type: String) -> String {
    r#type
}

async fn initialized(server: &Server, version: &str) -> (Session, Value) {
    let session = Session::new("test");
    let response = send(
        server,
        &session,
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
    )
    .await;
    (session, response)
}

async fn send(server: &Server, session: &Session, message: Value) -> Value {
    let message = Message::from_value(message).expect("valid message");
    server
        .handle_message(session, message)
        .await
        .expect("a response")
        .to_value()
}

async fn call(server: &Server, session: &Session, name: &str, arguments: Value) -> Value {
    let response = send(
        server,
        session,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}),
    )
    .await;
    response["result"].clone()
}

fn listing(server: &Server, name: &str) -> Value {
    server
        .tool(name)
        .unwrap_or_else(|| panic!("tool {name}"))
        .listing()
        .clone()
}

fn contains_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(object) => {
            object.contains_key(key) || object.values().any(|v| contains_key(v, key))
        }
        Value::Array(items) => items.iter().any(|v| contains_key(v, key)),
        _ => false,
    }
}

#[test]
fn schema_of_nested_struct_enum_option_vec_is_client_safe() {
    let server = dispatch_tools().build().unwrap();
    let tool = listing(&server, "ship");
    let schema = &tool["inputSchema"];
    assert_eq!(schema["type"], "object");
    for key in ["$ref", "$defs", "$schema", "definitions"] {
        assert!(!contains_key(schema, key), "{key} in {schema:#}");
    }
    assert!(
        !schema.to_string().contains("\"null\""),
        "no null unions: {schema:#}"
    );
    assert_eq!(schema["required"], json!(["address", "weights", "labels"]));
    let names: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        ["address", "weights", "wrapping", "labels", "copies"],
        "parameter order"
    );

    let address = &schema["properties"]["address"];
    assert_eq!(address["type"], "object");
    assert_eq!(address["description"], "Where to ship.");
    assert_eq!(
        address["properties"]["street"]["description"],
        "Street and number."
    );
    assert_eq!(address["properties"]["unit"]["type"], "integer");
    assert_eq!(
        address["properties"]["country"]["enum"],
        json!(["France", "Japan"])
    );
    assert_eq!(address["required"], json!(["street", "country"]));

    let weights = &schema["properties"]["weights"];
    assert_eq!(weights["type"], "array");
    assert_eq!(weights["items"]["type"], "integer");
    assert_eq!(weights["description"], "Weight of each parcel, in grams.");

    let wrapping = &schema["properties"]["wrapping"];
    assert_eq!(
        wrapping["oneOf"].as_array().map(Vec::len),
        Some(2),
        "{wrapping:#}"
    );

    assert_eq!(schema["properties"]["labels"]["type"], "object");
    assert_eq!(
        schema["properties"]["labels"]["description"],
        "Labels by parcel number."
    );
    assert_eq!(schema["properties"]["copies"]["default"], 1);

    assert_eq!(tool["title"], "Ship parcels");
    assert_eq!(tool["description"], "Ship parcels to an address.");
    assert_eq!(
        tool["annotations"],
        json!({"title": "Ship parcels", "destructiveHint": false, "openWorldHint": true})
    );
}

#[test]
fn a_tool_without_parameters_still_has_properties() {
    let server = dispatch_tools().build().unwrap();
    assert_eq!(
        listing(&server, "nothing")["inputSchema"],
        json!({"type": "object", "properties": {}})
    );
    assert_eq!(
        listing(&server, "kind")["inputSchema"]["required"],
        json!(["type"])
    );
}

#[tokio::test]
async fn arguments_deserialize_with_defaults_options_and_nested_values() {
    let server = dispatch_tools().build().unwrap();
    let (session, _) = initialized(&server, "2025-11-25").await;
    let result = call(
        &server,
        &session,
        "ship",
        json!({
            "address": {"street": "1 Rue X", "unit": 4, "country": "France"},
            "weights": [100, 250],
            "wrapping": {"kind": "gift", "message": "hi"},
            "labels": {"1": "fragile"},
        }),
    )
    .await;
    assert_eq!(
        result["content"][0]["text"],
        "2 parcels (350 g) x1 to 1 Rue X #4 in France as a gift (hi), 1 labels"
    );
    let minimal = call(
        &server,
        &session,
        "ship",
        json!({"address": {"street": "2 Main", "country": "Japan"}, "weights": [], "labels": {}, "copies": 3}),
    )
    .await;
    assert_eq!(
        minimal["content"][0]["text"],
        "0 parcels (0 g) x3 to 2 Main in Japan, 0 labels"
    );
    assert_eq!(
        call(&server, &session, "kind", json!({"type": "t"})).await["content"][0]["text"],
        "t"
    );
}

#[tokio::test]
async fn bad_arguments_are_error_results_naming_each_problem() {
    let server = dispatch_tools().build().unwrap();
    let (session, _) = initialized(&server, "2025-11-25").await;
    let result = call(
        &server,
        &session,
        "ship",
        json!({"address": {"street": 5, "country": "Mars"}, "weights": "heavy", "colour": "red"}),
    )
    .await;
    assert_eq!(result["isError"], true);
    let text = result["content"][0]["text"].as_str().unwrap();
    for needle in [
        "invalid arguments for tool `ship`",
        "argument `address` (got an object): invalid type: integer `5`, expected a string",
        "argument `weights` (got a string): invalid type: string \"heavy\", expected a sequence",
        "missing required argument `labels`",
        "unknown argument `colour` (it takes: address, weights, wrapping, labels, copies)",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from {text:?}");
    }
    let not_object = send(
        &server,
        &session,
        json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "kind", "arguments": [1]}}),
    )
    .await;
    assert_eq!(not_object["result"]["isError"], true);
    assert!(not_object["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("must be an object, got an array"));
}

#[tokio::test]
async fn structured_output_matches_the_output_schema() {
    let server = dispatch_tools().build().unwrap();
    let (session, _) = initialized(&server, "2025-06-18").await;

    let origin = listing(&server, "origin");
    assert_eq!(origin["outputSchema"]["type"], "object");
    assert_eq!(origin["outputSchema"]["required"], json!(["x", "y"]));
    let result = call(&server, &session, "origin", json!({})).await;
    assert_eq!(result["structuredContent"], json!({"x": 0, "y": 0}));
    assert_eq!(
        result["content"],
        json!([{"type": "text", "text": "{\"x\":0,\"y\":0}"}])
    );

    let primes = listing(&server, "primes");
    assert_eq!(
        primes["outputSchema"]["properties"]["result"]["type"],
        "array"
    );
    assert_eq!(primes["outputSchema"]["required"], json!(["result"]));
    let result = call(&server, &session, "primes", json!({"below": 10})).await;
    assert_eq!(result["structuredContent"], json!({"result": [2, 3, 5, 7]}));

    assert_eq!(
        listing(&server, "maybe_fail")["outputSchema"]["type"],
        "object"
    );
    let failed = call(&server, &session, "maybe_fail", json!({"fail": true})).await;
    assert_eq!(
        failed,
        json!({"content": [{"type": "text", "text": "failed as asked"}], "isError": true})
    );
    let ok = call(&server, &session, "maybe_fail", json!({"fail": false})).await;
    assert_eq!(ok["structuredContent"], json!({"x": 1, "y": 2}));

    assert!(listing(&server, "kind").get("outputSchema").is_none());
}

#[tokio::test]
async fn content_types_and_custom_results_pass_through() {
    let server = dispatch_tools().build().unwrap();
    let (session, _) = initialized(&server, "2025-11-25").await;
    let mixed = call(&server, &session, "mixed.content-v2", json!({})).await;
    assert_eq!(
        mixed["content"],
        json!([
            {"type": "text", "text": "a"},
            {"type": "image", "data": "AQID", "mimeType": "image/png"},
            {"type": "audio", "data": "AA==", "mimeType": "audio/wav"},
        ])
    );
    assert_eq!(
        call(&server, &session, "custom", json!({})).await["isError"],
        true
    );
    assert_eq!(
        call(&server, &session, "nothing", json!(null)).await,
        json!({"content": [], "isError": false})
    );
}

#[tokio::test]
async fn initialize_negotiates_every_known_revision_and_answers_others_with_the_latest() {
    let server = dispatch_tools()
        .name("negotiator")
        .title("The Negotiator")
        .version("9.9.9")
        .instructions("Be brief.")
        .build()
        .unwrap();
    for version in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        let (session, response) = initialized(&server, version).await;
        assert_eq!(response["result"]["protocolVersion"], version);
        assert_eq!(session.negotiated().unwrap().protocol_version, version);
        assert_eq!(session.negotiated().unwrap().client_info["name"], "t");
    }
    let (_, response) = initialized(&server, "1999-01-01").await;
    let result = &response["result"];
    assert_eq!(result["protocolVersion"], "2025-11-25");
    assert_eq!(
        result["serverInfo"],
        json!({"name": "negotiator", "version": "9.9.9", "title": "The Negotiator"})
    );
    assert_eq!(result["instructions"], "Be brief.");
    assert_eq!(
        result["capabilities"],
        json!({"tools": {"listChanged": true}, "logging": {}})
    );

    let (session, _) = initialized(&server, "2025-11-25").await;
    let again = send(&server, &session, json!({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"protocolVersion": "2025-11-25"}})).await;
    assert_eq!(again["error"]["code"], -32600);
    let no_version = send(
        &server,
        &Session::new(""),
        json!({"jsonrpc": "2.0", "id": 3, "method": "initialize", "params": {}}),
    )
    .await;
    assert_eq!(no_version["error"]["code"], -32602);
}

#[tokio::test]
async fn tools_list_paginates_with_opaque_cursors() {
    let server = dispatch_tools()
        .tools(["add_one", "origin", "primes", "kind", "nothing"])
        .page_size(2);
    let server = server.build();
    assert!(server.is_err(), "add_one does not exist");
    let err = server.unwrap_err().to_string();
    assert!(
        err.contains("no #[tool] is named `add_one`") && err.contains("origin"),
        "{err}"
    );

    let server = dispatch_tools()
        .tools(["origin", "primes", "kind", "nothing", "mixed.content-v2"])
        .page_size(2)
        .build()
        .unwrap();
    let (session, _) = initialized(&server, "2025-11-25").await;
    let mut names = Vec::new();
    let mut cursor = Value::Null;
    let mut pages = 0;
    loop {
        let params = if cursor.is_null() {
            json!({})
        } else {
            json!({"cursor": cursor})
        };
        let response = send(
            &server,
            &session,
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": params}),
        )
        .await;
        let page = response["result"]["tools"].as_array().unwrap();
        assert!(page.len() <= 2);
        names.extend(page.iter().map(|t| t["name"].as_str().unwrap().to_owned()));
        pages += 1;
        cursor = response["result"]
            .get("nextCursor")
            .cloned()
            .unwrap_or(Value::Null);
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        names,
        ["kind", "mixed.content-v2", "nothing", "origin", "primes"]
    );

    let bad = send(
        &server,
        &session,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"cursor": "zzz"}}),
    )
    .await;
    assert_eq!(bad["error"]["code"], -32602);
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .contains("invalid cursor"));
}

#[tokio::test]
async fn notifications_and_client_responses_get_no_response() {
    let server = dispatch_tools().build().unwrap();
    let (session, _) = initialized(&server, "2025-11-25").await;
    for message in [
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "method": "notifications/unknown", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 99, "result": {}}),
    ] {
        let message = Message::from_value(message).unwrap();
        assert!(server.handle_message(&session, message).await.is_none());
    }
}
