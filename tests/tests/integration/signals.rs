//! A stop signal shuts an example down gracefully: `SIGTERM` ends the open MCP streams cleanly
//! (the client sees the stream finish, not a reset) and the process exits with success, instead
//! of actix waiting for never-ending event streams.

use std::process::Command;
use std::time::Duration;

use mcp_tests::e2e::Server;
use mcp_tests::support::SseClient;

#[actix_web::test]
async fn sigterm_ends_streams_cleanly_and_exits() {
    let mut server = Server::start("calculator", Some(2));
    let mut client = SseClient::initialized(server.addr, "/sse").await;
    assert_eq!(
        client
            .call_tool("add", serde_json::json!({"a": 2, "b": 3}))
            .await["content"][0]["text"],
        "5"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    client.stream.wait_until_ended().await;
    let status = server
        .wait_for_exit(Duration::from_secs(10))
        .unwrap_or_else(|| {
            panic!(
                "the server did not exit within 10 s of SIGTERM; its output:\n{}",
                server.log()
            )
        });
    assert!(
        status.success(),
        "exit status {status}; output:\n{}",
        server.log()
    );
}
