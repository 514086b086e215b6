//! Change notifications: resource subscriptions (`resources/subscribe`, `unsubscribe`,
//! `notifications/resources/updated`), reaching only the sessions that subscribed.

use std::time::Duration;

use mcp_runtime::client::Client;
use mcp_runtime::resource;
use mcp_tests::support::serving;
use serde_json::json;

/// A resource whose content changes while clients watch it.
#[resource("test://subscribed-resource", mime_type = "text/plain")]
fn watched() -> &'static str {
    "watch me"
}

/// One file per name.
#[resource("files://{name}")]
fn file(name: String) -> String {
    format!("contents of {name}")
}

/// A builder serving this module's resources.
fn subscribed_resources() -> mcp_runtime::ServerBuilder {
    serving(&[]).resources(["test://subscribed-resource", "files://{name}"])
}

async fn next_method(client: &Client) -> (String, serde_json::Value) {
    let notification = tokio::time::timeout(Duration::from_secs(10), client.next_notification())
        .await
        .expect("a notification in time");
    (notification.method, notification.params)
}

#[tokio::test]
async fn only_subscribers_hear_that_a_resource_changed() {
    let server = subscribed_resources().build().unwrap();
    let watcher = Client::connect(&server).await;
    let bystander = Client::connect(&server).await;
    assert_eq!(
        watcher.initialize_result()["capabilities"]["resources"]["subscribe"],
        true
    );

    let subscribed = watcher
        .request(
            "resources/subscribe",
            json!({"uri": "test://subscribed-resource"}),
        )
        .await;
    assert_eq!(subscribed.unwrap(), json!({}));
    watcher
        .request("resources/subscribe", json!({"uri": "files://notes.txt"}))
        .await
        .unwrap();

    assert_eq!(
        server.notify_resource_updated("test://subscribed-resource"),
        1
    );
    assert_eq!(
        next_method(&watcher).await,
        (
            "notifications/resources/updated".to_owned(),
            json!({"uri": "test://subscribed-resource"})
        )
    );
    assert_eq!(
        server.notify_resource_updated("files://notes.txt"),
        1,
        "template URIs too"
    );
    assert_eq!(
        next_method(&watcher).await.1,
        json!({"uri": "files://notes.txt"})
    );
    assert_eq!(server.notify_resource_updated("files://other.txt"), 0);
    assert!(bystander.notifications().is_empty());

    watcher
        .request(
            "resources/unsubscribe",
            json!({"uri": "test://subscribed-resource"}),
        )
        .await
        .unwrap();
    assert_eq!(
        server.notify_resource_updated("test://subscribed-resource"),
        0
    );
    let again = watcher
        .request(
            "resources/unsubscribe",
            json!({"uri": "test://subscribed-resource"}),
        )
        .await;
    assert_eq!(again.unwrap(), json!({}), "unsubscribing twice is harmless");
}

#[tokio::test]
async fn subscribing_to_an_unknown_resource_is_an_error() {
    let server = subscribed_resources().build().unwrap();
    let client = Client::connect(&server).await;
    let error = client
        .request("resources/subscribe", json!({"uri": "nope://x"}))
        .await
        .unwrap_err();
    assert_eq!(error.code, -32002);
    let error = client
        .request("resources/subscribe", json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.code, -32602);
}
