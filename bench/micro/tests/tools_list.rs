//! `tools/list` on a server with 1,000 registered tools answers from the listings computed when
//! the server was built: no schema is generated again, however often it is asked.

use std::sync::atomic::Ordering;

use mcp_micro::{server_with_all_tools, SCHEMA_CALLS};
use mcp_runtime::protocol::Message;
use mcp_runtime::transport::Session;

fn message(json: &str) -> Message {
    Message::from_slice(json.as_bytes()).unwrap()
}

#[test]
fn tools_list_with_1000_tools_recomputes_no_schema() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = server_with_all_tools();
    let generated = SCHEMA_CALLS.load(Ordering::SeqCst);
    assert!(
        generated >= 1,
        "the counted schema is generated when the server is built"
    );
    assert!(server.tools().len() >= 1002);

    let session = Session::new("test");
    runtime.block_on(async {
        let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
        server.handle_message(&session, message(init)).await.unwrap();
        for id in 1..=50 {
            let list = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/list"}}"#);
            let response = server.handle_message(&session, message(&list)).await.unwrap();
            let tools = response.result_value().unwrap()["tools"].as_array().unwrap().len();
            assert_eq!(tools, server.tools().len());
        }
        let call = r#"{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"counted","arguments":{"n":7}}}"#;
        let response = server.handle_message(&session, message(call)).await.unwrap();
        assert_eq!(response.result_value().unwrap()["content"][0]["text"], "7");
    });
    assert_eq!(
        SCHEMA_CALLS.load(Ordering::SeqCst),
        generated,
        "tools/list and tools/call must not generate schemas again"
    );
}
