//! Two tools with one name are a start-up error that names both places.

use mcp_runtime::{tool, BuildErrorKind, Server};

/// One.
#[tool(name = "same")]
fn first() -> i32 {
    1
}

/// Two.
#[tool(name = "same")]
fn second() -> i32 {
    2
}

#[test]
fn building_reports_both_locations() {
    let err = Server::builder().build().unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::DuplicateTool, "{err:?}");
    let [first, second] = err.locations() else {
        panic!("expected both locations, got {err:?}");
    };
    assert_eq!(err.name(), Some("same"));
    assert!(first.file.ends_with("duplicate_tools.rs"), "{first}");
    assert_eq!((first.line, second.line), (6, 12));
    let message = err.to_string();
    assert!(message.contains("two tools are named `same`"), "{message}");
    assert!(
        message.contains("duplicate_tools.rs:6:") && message.contains("duplicate_tools.rs:12:"),
        "{message}"
    );
    assert!(message.contains("#[tool(name = \"...\")]"), "{message}");
}

#[test]
#[should_panic(expected = "cannot start the MCP server: two tools are named `same`")]
fn the_global_server_refuses_to_start() {
    let _ = mcp_runtime::sse_app();
}
