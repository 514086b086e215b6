//! `Server::proxy` against a real server process (the everything example over Streamable
//! HTTP), with the upstream reached in either era: the proxy follows the upstream's tool-list
//! changes (the modern era hears them on a `subscriptions/listen` stream, the handshake era on
//! its session's GET stream), passes the upstream's progress on to the caller, and serves 64
//! calls in flight over its one connection.

use std::sync::Arc;

use mcp_runtime::client::{Client, Remote, Upstream};
use mcp_runtime::Server;
use mcp_tests::e2e::Server as Example;
use mcp_tests::support::{eventually, serving};
use serde_json::json;

async fn gateway(upstream: &Example, modern: bool) -> Server {
    let remote = Remote::builder()
        .modern(modern)
        .connect(Upstream::StreamableHttp(upstream.url("/mcp")))
        .await
        .expect("the everything example answers");
    assert_eq!(remote.is_modern().await.unwrap(), modern);
    let gateway = serving(&[]).build().unwrap();
    gateway
        .proxy("up", remote)
        .await
        .expect("its tools are proxied");
    gateway
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_follows_the_upstreams_tool_changes_in_both_eras() {
    let upstream = Example::start("everything", None);
    for modern in [true, false] {
        let gateway = gateway(&upstream, modern).await;
        let client = Client::connect(&gateway).await;
        assert!(
            gateway.tool("up_seasonal_greeting").is_some(),
            "modern {modern}"
        );
        let removed = client
            .call_tool("up_test_trigger_tool_change", json!({}))
            .await
            .unwrap();
        assert_eq!(removed.text(), "seasonal_greeting removed");
        eventually("the proxy drops the tool the upstream removed", || {
            gateway.tool("up_seasonal_greeting").is_none()
        })
        .await;
        let added = client
            .call_tool("up_test_trigger_tool_change", json!({}))
            .await
            .unwrap();
        assert_eq!(added.text(), "seasonal_greeting added");
        eventually(
            "the proxy serves the tool the upstream brought back",
            || gateway.tool("up_seasonal_greeting").is_some(),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxied_calls_progress_reaches_the_caller_in_both_eras() {
    let upstream = Example::start("everything", None);
    for modern in [true, false] {
        let gateway = gateway(&upstream, modern).await;
        let client = Client::connect(&gateway).await;
        let params = json!({
            "name": "up_test_tool_with_progress",
            "arguments": {},
            "_meta": {"progressToken": "p1"},
        });
        let result = client.request("tools/call", params).await.unwrap();
        assert_eq!(result["content"][0]["text"], "Progress test completed");
        let messages: Vec<String> = client
            .notifications()
            .into_iter()
            .filter(|n| n.method == "notifications/progress" && n.params["progressToken"] == "p1")
            .map(|n| n.params["message"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(messages, ["started", "halfway", "done"], "modern {modern}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_calls_in_flight_through_a_proxy_all_succeed() {
    let upstream = Example::start("everything", None);
    for modern in [true, false] {
        let gateway = gateway(&upstream, modern).await;
        let client = Arc::new(Client::connect(&gateway).await);
        let mut calls = tokio::task::JoinSet::new();
        for n in 0..64 {
            let client = Arc::clone(&client);
            calls.spawn(async move {
                let name = format!("caller {n}");
                let result = client
                    .call_tool("up_greet", json!({ "name": name }))
                    .await
                    .unwrap();
                (n, result.text())
            });
        }
        let mut answered = 0;
        while let Some(outcome) = calls.join_next().await {
            let (n, text) = outcome.unwrap();
            assert_eq!(text, format!("Hello, caller {n}!"), "modern {modern}");
            answered += 1;
        }
        assert_eq!(answered, 64);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tools_header_parameters_are_mirrored_to_a_modern_upstream() {
    let upstream = Example::start("everything", None);
    // Straight away, before any `tools/list`: the client learns the headers and sends again.
    let remote = Remote::builder()
        .connect(Upstream::StreamableHttp(upstream.url("/mcp")))
        .await
        .unwrap();
    assert!(remote.is_modern().await.unwrap());
    let result = remote
        .call_tool("forecast", json!({"region": "eu-west", "days": 3}))
        .await
        .expect("the Mcp-Param headers agree with the arguments");
    assert_eq!(result.text(), "eu-west: sunny for the next 3 day(s)");
    // A value that is not plain ASCII travels base64-encoded.
    let result = remote
        .call_tool("forecast", json!({"region": "Zürich "}))
        .await
        .unwrap();
    assert_eq!(result.text(), "Zürich : sunny for the next 1 day(s)");
    // Through a proxy, in both eras.
    for modern in [true, false] {
        let gateway = gateway(&upstream, modern).await;
        let client = Client::connect(&gateway).await;
        let result = client
            .call_tool("up_forecast", json!({"region": "eu-west", "days": 2}))
            .await
            .unwrap();
        assert_eq!(
            result.text(),
            "eu-west: sunny for the next 2 day(s)",
            "modern {modern}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstreams_questions_reach_the_caller_through_a_proxy_in_both_eras() {
    let upstream = Example::start("everything", None);
    for modern in [true, false] {
        let remote = Remote::builder()
            .modern(modern)
            .capabilities(json!({"sampling": {}, "elicitation": {}}))
            .connect(Upstream::StreamableHttp(upstream.url("/mcp")))
            .await
            .unwrap();
        let gateway = serving(&[]).build().unwrap();
        gateway.proxy("up", remote).await.unwrap();
        let client = Client::builder()
            .capabilities(json!({"sampling": {}, "elicitation": {}}))
            .on_request("sampling/createMessage", |params| {
                let asked = params["messages"][0]["content"]["text"].clone();
                Ok(json!({"role": "assistant", "model": "test",
                          "content": {"type": "text", "text": format!("answer to {asked}")}}))
            })
            .on_request("elicitation/create", |_| {
                Ok(json!({"action": "accept",
                          "content": {"username": "ann", "email": "ann@example.com"}}))
            })
            .connect(&gateway)
            .await
            .unwrap();
        let sampled = client
            .call_tool("up_test_sampling", json!({"prompt": "2+2?"}))
            .await
            .unwrap();
        assert_eq!(
            sampled.text(),
            "LLM response: answer to \"2+2?\"",
            "modern {modern}"
        );
        let elicited = client
            .call_tool("up_test_elicitation", json!({"message": "Who are you?"}))
            .await
            .unwrap();
        assert_eq!(
            elicited.text(),
            r#"User response: action=accept, content={"username":"ann","email":"ann@example.com"}"#,
            "modern {modern}"
        );
    }
}

static CANCELLED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts the calls of `px_wait` dropped before they finished (what a cancelled request's
/// handler sees: the server drops its future).
struct CountIfDropped(bool);

impl Drop for CountIfDropped {
    fn drop(&mut self) {
        if self.0 {
            CANCELLED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// Waits five seconds, unless its caller gives up first.
#[mcp_runtime::tool]
async fn px_wait() -> &'static str {
    let mut armed = CountIfDropped(true);
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    armed.0 = false;
    "never cancelled"
}

fn over_http(server: Server) -> mcp_tests::support::TestServer {
    mcp_tests::support::TestServer::start(1, move || {
        actix_web::App::new()
            .service(actix_web::web::scope("/mcp").service(server.streamable_http_app()))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_the_caller_gives_up_is_cancelled_upstream_in_both_eras() {
    let upstream = over_http(serving(&["px_wait"]).build().unwrap());
    let eras = [(true, true), (false, false), (true, false)];
    for (done, (caller_modern, upstream_modern)) in eras.into_iter().enumerate() {
        let remote = Remote::builder()
            .modern(upstream_modern)
            .connect(Upstream::StreamableHttp(format!(
                "http://{}/mcp",
                upstream.addr
            )))
            .await
            .unwrap();
        let gateway = serving(&[]).build().unwrap();
        gateway.proxy("up", remote).await.unwrap();
        let gateway = over_http(gateway);
        let caller = Remote::builder()
            .modern(caller_modern)
            .connect(Upstream::StreamableHttp(format!(
                "http://{}/mcp",
                gateway.addr
            )))
            .await
            .unwrap();
        let call = caller.call_tool("up_px_wait", json!({}));
        let gave_up = tokio::time::timeout(std::time::Duration::from_millis(300), call).await;
        assert!(gave_up.is_err(), "the call was still running");
        let expected = done + 1;
        let how = format!("caller modern {caller_modern}, upstream modern {upstream_modern}");
        eventually(
            &format!("the upstream hears the cancellation ({how})"),
            || CANCELLED.load(std::sync::atomic::Ordering::SeqCst) == expected,
        )
        .await;
    }
}
