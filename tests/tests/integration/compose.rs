//! Composition beyond tools: `Server::mount` serves another server's resources, templates,
//! prompts and completions under a namespace (the URI rule: the namespace is the first segment
//! after `://`), live, refusing clashes whole; `Server::proxy` does the same for a real server
//! process (the everything example over Streamable HTTP) in both eras, forwarding reads,
//! prompts and completions and following the upstream's prompt-list changes.

use mcp_runtime::client::{Client, Remote, Upstream};
use mcp_runtime::Server;
use mcp_tests::e2e::Server as Example;
use mcp_tests::support::{eventually, serving};
use serde_json::{json, Value};

fn child() -> Server {
    Server::builder()
        .tools(std::iter::empty::<&str>())
        .resources(["test://static-text", "test://template/{id}/data"])
        .prompts(["code-review"])
        .build()
        .unwrap()
}

async fn read(client: &Client, uri: &str) -> Value {
    let result = client
        .request("resources/read", json!({ "uri": uri }))
        .await;
    result.unwrap_or_else(|err| panic!("reading {uri}: {err}"))
}

async fn values(client: &Client, reference: Value, argument: &str, value: &str) -> Vec<String> {
    let params = json!({"ref": reference, "argument": {"name": argument, "value": value}});
    let result = client.request("completion/complete", params).await.unwrap();
    let values = result["completion"]["values"].as_array().unwrap();
    values
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn keys(listing: &Value, list: &str, key: &str) -> Vec<String> {
    listing[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_mounted_servers_resources_prompts_and_completions_are_served_under_its_namespace() {
    let child = child();
    let gateway = serving(&[]).build().unwrap();
    gateway.mount("docs", &child).unwrap();
    let client = Client::connect(&gateway).await;

    let listed = client.request("resources/list", json!({})).await.unwrap();
    assert_eq!(
        keys(&listed, "resources", "uri"),
        ["test://docs/static-text"]
    );
    let text = read(&client, "test://docs/static-text").await;
    assert_eq!(text["contents"][0]["uri"], "test://docs/static-text");
    assert_eq!(
        text["contents"][0]["text"],
        "This is the content of the static text resource."
    );

    let templates = client
        .request("resources/templates/list", json!({}))
        .await
        .unwrap();
    let template = "test://docs/template/{id}/data";
    assert_eq!(
        keys(&templates, "resourceTemplates", "uriTemplate"),
        [template]
    );
    let data = read(&client, "test://docs/template/7/data").await;
    assert_eq!(data["contents"][0]["uri"], "test://docs/template/7/data");
    let body: Value = serde_json::from_str(data["contents"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(
        body["id"], "7",
        "the template's variable reached the child's handler"
    );
    let unknown = client
        .request("resources/read", json!({"uri": "test://static-text"}))
        .await
        .unwrap_err();
    assert_eq!(
        unknown.code, -32002,
        "the child's own URI is not served here"
    );

    let prompts = client.request("prompts/list", json!({})).await.unwrap();
    assert_eq!(keys(&prompts, "prompts", "name"), ["docs_code-review"]);
    let review = client
        .request(
            "prompts/get",
            json!({"name": "docs_code-review", "arguments": {"code": "fn main() {}", "language": "rust"}}),
        )
        .await
        .unwrap();
    assert_eq!(review["description"], "A review of rust code");

    let prompt = json!({"type": "ref/prompt", "name": "docs_code-review"});
    assert_eq!(
        values(&client, prompt, "language", "r").await,
        ["rust", "ruby"]
    );
    let template_ref = json!({"type": "ref/resource", "uri": template});
    assert_eq!(
        values(&client, template_ref, "id", "").await,
        ["1", "2", "3"]
    );

    // Live: what the child stops serving, the gateway stops serving, and says so.
    assert!(child.disable_resource("test://static-text"));
    assert!(gateway.resource("test://docs/static-text").is_none());
    assert!(child.disable_prompt("code-review"));
    assert!(gateway.prompt("docs_code-review").is_none());
    let told: Vec<String> = client
        .notifications()
        .into_iter()
        .map(|n| n.method)
        .collect();
    assert!(
        told.contains(&"notifications/resources/list_changed".to_owned()),
        "{told:?}"
    );
    assert!(
        told.contains(&"notifications/prompts/list_changed".to_owned()),
        "{told:?}"
    );
    assert!(child.enable_prompt("code-review"));
    assert!(gateway.prompt("docs_code-review").is_some());
}

#[tokio::test]
async fn a_mounted_app_names_its_ui_by_the_uri_the_parent_serves_it_under() {
    let child = Server::builder()
        .tools(["apps_dashboard"])
        .resources(["ui://apps-test/dashboard.html"])
        .prompts(std::iter::empty::<&str>())
        .build()
        .unwrap();
    let gateway = serving(&[]).build().unwrap();
    gateway.mount("docs", &child).unwrap();
    let tool = gateway.tool("docs_apps_dashboard").unwrap();
    let ui = "ui://docs/apps-test/dashboard.html";
    assert_eq!(tool.listing()["_meta"]["ui"]["resourceUri"], ui);
    assert_eq!(tool.listing()["_meta"]["ui/resourceUri"], ui);
    let client = Client::connect(&gateway).await;
    let read = read(&client, ui).await;
    assert_eq!(read["contents"][0]["uri"], ui);
    assert_eq!(read["contents"][0]["mimeType"], "text/html;profile=mcp-app");
    assert_eq!(
        read["contents"][0]["_meta"]["ui"]["csp"]["connectDomains"][0],
        "https://api.example.com"
    );
}

#[test]
fn a_mount_that_would_make_a_cycle_is_refused() {
    let (a, b, c) = (
        child(),
        serving(&[]).build().unwrap(),
        serving(&[]).build().unwrap(),
    );
    b.mount("a", &a).unwrap();
    c.mount("b", &b).unwrap();
    let error = a.mount("c", &c).unwrap_err();
    assert!(
        error.to_string().contains("cannot be mounted in itself"),
        "{error}"
    );
    assert!(a.tool("c_b_a_anything").is_none());
}

#[test]
fn a_mounted_resource_clashing_with_one_served_refuses_the_whole_mount() {
    let child = child();
    let parent = Server::builder()
        .tools(std::iter::empty::<&str>())
        .resources(["test://static-text"])
        .prompts(std::iter::empty::<&str>())
        .build()
        .unwrap();
    let error = parent.mount("", &child).unwrap_err();
    assert_eq!(error.kind(), mcp_runtime::BuildErrorKind::NameClash);
    let message = error.to_string();
    assert!(
        message.starts_with(
            "two resources would be served as `test://static-text`: the resource declared at"
        ),
        "{message}"
    );
    assert!(message.contains("the server `"), "{message}");
    assert!(
        parent.prompt("code-review").is_none(),
        "nothing was mounted"
    );
    assert!(
        parent.resource_templates().is_empty(),
        "nothing was mounted"
    );
    // Under a namespace of its own, the same child mounts.
    parent.mount("docs", &child).unwrap();
    assert!(parent.resource("test://docs/static-text").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxied_servers_resources_prompts_and_completions_are_served_in_both_eras() {
    let upstream = Example::start("everything", None);
    for modern in [true, false] {
        let remote = Remote::builder()
            .modern(modern)
            .connect(Upstream::StreamableHttp(upstream.url("/mcp")))
            .await
            .expect("the everything example answers");
        let gateway = serving(&[]).build().unwrap();
        gateway.proxy("up", remote).await.expect("it is proxied");
        let client = Client::connect(&gateway).await;

        let listed = client.request("resources/list", json!({})).await.unwrap();
        let uris = keys(&listed, "resources", "uri");
        assert!(
            uris.contains(&"test://up/static-text".to_owned()),
            "{uris:?}"
        );
        let text = read(&client, "test://up/static-text").await;
        assert_eq!(
            text["contents"][0]["uri"], "test://up/static-text",
            "modern {modern}"
        );
        assert_eq!(
            text["contents"][0]["text"],
            "This is the content of the static text resource."
        );
        let data = read(&client, "test://up/template/42/data").await;
        assert_eq!(data["contents"][0]["uri"], "test://up/template/42/data");
        let text = data["contents"][0]["text"].as_str().unwrap();
        assert!(text.contains("Data for ID: 42"), "{text}");

        let rendered = client
            .request(
                "prompts/get",
                json!({"name": "up_test_prompt_with_arguments", "arguments": {"arg1": "a", "arg2": "b"}}),
            )
            .await
            .unwrap();
        assert_eq!(
            rendered["messages"][0]["content"]["text"],
            "Prompt with arguments: arg1='a', arg2='b'"
        );
        let prompt = json!({"type": "ref/prompt", "name": "up_test_prompt_with_arguments"});
        assert_eq!(
            values(&client, prompt, "arg1", "pa").await,
            ["paris", "park", "party"]
        );
        let template = json!({"type": "ref/resource", "uri": "test://up/template/{id}/data"});
        assert_eq!(
            values(&client, template, "id", "19").await,
            ["19", "190", "191", "192", "193", "194", "195", "196", "197", "198", "199"]
        );

        // Its app: the tool names its UI under the namespace, which is served (though the
        // upstream does not list it) with the UI's metadata.
        let app = gateway.tool("up_open_calculator").unwrap();
        let ui = "ui://up/everything/calculator.html";
        assert_eq!(
            app.listing()["_meta"]["ui"]["resourceUri"],
            ui,
            "modern {modern}"
        );
        let html = read(&client, ui).await;
        assert_eq!(html["contents"][0]["uri"], ui);
        assert_eq!(html["contents"][0]["mimeType"], "text/html;profile=mcp-app");
        assert_eq!(
            html["contents"][0]["_meta"]["ui"]["domain"], "calculator.everything.example",
            "modern {modern}"
        );

        // The upstream's prompt-list changes are followed.
        assert!(gateway.prompt("up_seasonal_prompt").is_some());
        let removed = client
            .call_tool("up_test_trigger_prompt_change", json!({}))
            .await
            .unwrap();
        assert_eq!(removed.text(), "seasonal_prompt removed");
        eventually("the proxy drops the prompt the upstream removed", || {
            gateway.prompt("up_seasonal_prompt").is_none()
        })
        .await;
        let added = client
            .call_tool("up_test_trigger_prompt_change", json!({}))
            .await
            .unwrap();
        assert_eq!(added.text(), "seasonal_prompt added");
        eventually("the proxy serves the prompt again", || {
            gateway.prompt("up_seasonal_prompt").is_some()
        })
        .await;
    }
}

#[tokio::test]
async fn a_mounted_resources_updates_reach_the_parents_subscribers() {
    let child = Server::builder()
        .tools(std::iter::empty::<&str>())
        .resources(["test://watched-resource"])
        .prompts(std::iter::empty::<&str>())
        .build()
        .unwrap();
    let gateway = serving(&[]).build().unwrap();
    gateway.mount("docs", &child).unwrap();
    let client = Client::connect(&gateway).await;
    let uri = "test://docs/watched-resource";
    client
        .request("resources/subscribe", json!({ "uri": uri }))
        .await
        .unwrap();
    child.notify_resource_updated("test://watched-resource");
    let updated = client.next_notification().await;
    assert_eq!(updated.method, "notifications/resources/updated");
    assert_eq!(updated.params["uri"], uri);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxied_resources_updates_reach_the_gateways_subscribers() {
    let upstream = Example::start("everything", None);
    let remote = Remote::builder()
        .modern(false)
        .connect(Upstream::StreamableHttp(upstream.url("/mcp")))
        .await
        .unwrap();
    let gateway = serving(&[]).build().unwrap();
    gateway.proxy("up", remote).await.unwrap();
    let client = Client::connect(&gateway).await;
    let uri = "test://up/watched-resource";
    client
        .request("resources/subscribe", json!({ "uri": uri }))
        .await
        .unwrap();
    client
        .call_tool("up_update_watched_resource", json!({}))
        .await
        .unwrap();
    eventually(
        "the upstream's update reaches the gateway's subscriber",
        || {
            client
                .notifications()
                .iter()
                .any(|n| n.method == "notifications/resources/updated" && n.params["uri"] == uri)
        },
    )
    .await;
}

#[test]
fn what_the_parent_does_to_a_mounted_item_survives_the_childs_next_change() {
    let child = Server::builder()
        .tools(["apps_dashboard"])
        .resources(["ui://apps-test/dashboard.html", "test://static-text"])
        .prompts(["code-review"])
        .build()
        .unwrap();
    let gateway = serving(&[]).build().unwrap();
    gateway.mount("docs", &child).unwrap();
    // The parent disables a mounted prompt, and serves a tool of its own in place of a
    // mounted one.
    assert!(gateway.disable_prompt("docs_code-review"));
    let own = mcp_runtime::Tool::builder("docs_apps_dashboard")
        .description("The gateway's own dashboard.")
        .handler(|_, _| async { "own" })
        .build()
        .unwrap();
    gateway.add_tool(own);
    // The child changes something else: the parent's choices stand.
    assert!(child.disable_resource("test://static-text"));
    assert!(gateway.resource("test://docs/static-text").is_none());
    assert!(
        gateway.prompt("docs_code-review").is_none(),
        "still disabled"
    );
    assert!(
        gateway.enable_prompt("docs_code-review"),
        "and still there to enable"
    );
    let tool = gateway.tool("docs_apps_dashboard").unwrap();
    assert_eq!(
        tool.listing()["description"],
        "The gateway's own dashboard."
    );
}
