//! MCP Apps through the dispatcher (the Inspector checks the everything example end to end in
//! `e2e_apps`): a tool with an app carries `_meta.ui`, its `ui://` resource is served as
//! `text/html;profile=mcp-app` with its `_meta.ui` on the listing and the contents, and the
//! extension is advertised in both eras, only by a server with an app.

use actix_web::{web, App};
use mcp_runtime::client::{Client, Remote, Upstream};
use mcp_runtime::{resource, tool, Server};
use mcp_tests::support::{serving, TestServer};
use serde_json::{json, Value};

/// Shows a dashboard.
#[tool(app = "ui://apps-test/dashboard.html")]
fn apps_dashboard() -> &'static str {
    "The dashboard, for hosts without apps."
}

/// The dashboard's UI.
#[resource(
    "ui://apps-test/dashboard.html",
    ui(connect_domains = ["https://api.example.com"], permissions = ["clipboard_write"])
)]
fn apps_dashboard_ui() -> &'static str {
    "<!doctype html><p>dashboard</p>"
}

const UI: &str = "ui://apps-test/dashboard.html";

fn with_app() -> Server {
    serving(&["apps_dashboard"])
        .resources([UI])
        .build()
        .unwrap()
}

fn expected_ui() -> Value {
    json!({"ui": {
        "csp": {"connectDomains": ["https://api.example.com"]},
        "permissions": {"clipboardWrite": {}},
    }})
}

#[tokio::test]
async fn an_app_tool_and_its_ui_resource_are_served_as_mcp_apps_says() {
    let client = Client::connect(&with_app()).await;
    let tools = client.list_tools().await.unwrap();
    assert_eq!(tools[0]["_meta"]["ui"]["resourceUri"], UI);
    assert_eq!(
        tools[0]["_meta"]["ui/resourceUri"], UI,
        "the older flat key too"
    );

    let listed = client.request("resources/list", json!({})).await.unwrap();
    let entry = &listed["resources"][0];
    assert_eq!(entry["uri"], UI);
    assert_eq!(entry["mimeType"], "text/html;profile=mcp-app");
    assert_eq!(entry["_meta"], expected_ui());

    let read = client
        .request("resources/read", json!({"uri": UI}))
        .await
        .unwrap();
    let content = &read["contents"][0];
    assert_eq!(content["mimeType"], "text/html;profile=mcp-app");
    assert_eq!(content["text"], "<!doctype html><p>dashboard</p>");
    assert_eq!(content["_meta"], expected_ui());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_extension_is_advertised_in_both_eras_by_a_server_with_an_app_only() {
    let client = Client::connect(&with_app()).await;
    let extensions = &client.initialize_result()["capabilities"]["extensions"];
    assert_eq!(
        extensions["io.modelcontextprotocol/ui"],
        json!({}),
        "initialize"
    );
    let server = with_app();
    let http = TestServer::start(1, move || {
        App::new().service(web::scope("/mcp").service(server.streamable_http_app()))
    });
    let remote = Remote::connect(Upstream::StreamableHttp(format!(
        "http://{}/mcp",
        http.addr
    )))
    .await
    .unwrap();
    assert!(remote.is_modern().await.unwrap());
    let discovered = remote.opening().await.unwrap();
    assert_eq!(
        discovered["capabilities"]["extensions"]["io.modelcontextprotocol/ui"],
        json!({}),
        "server/discover: {discovered:#}"
    );

    let plain = serving(&[]).resources([UI]).build().unwrap();
    let client = Client::connect(&plain).await;
    let capabilities = &client.initialize_result()["capabilities"];
    assert!(
        capabilities["extensions"]["io.modelcontextprotocol/ui"].is_null(),
        "no tool has an app: {capabilities:#}"
    );
}
