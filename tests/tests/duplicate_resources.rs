//! Two resources with one URI are a start-up error that names both places.

use mcp_runtime::{resource, BuildErrorKind, Server};

/// One.
#[resource("docs://same")]
fn first() -> String {
    "1".to_owned()
}

/// Two.
#[resource("docs://same", name = "other")]
fn second() -> String {
    "2".to_owned()
}

#[test]
fn building_reports_both_locations() {
    let err = Server::builder().build().unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::DuplicateResource, "{err:?}");
    let [first, second] = err.locations() else {
        panic!("expected both locations, got {err:?}");
    };
    assert_eq!(err.name(), Some("docs://same"));
    assert!(first.file.ends_with("duplicate_resources.rs"), "{first}");
    assert_eq!((first.line, second.line), (6, 12));
    let message = err.to_string();
    assert!(
        message.contains("two resources have the URI `docs://same`"),
        "{message}"
    );
    assert!(
        message.contains("duplicate_resources.rs:6:")
            && message.contains("duplicate_resources.rs:12:"),
        "{message}"
    );
}

#[test]
fn choosing_resources_does_not_hide_the_duplicate() {
    let err = Server::builder()
        .resources(["docs://same"])
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::DuplicateResource, "{err:?}");
}

#[test]
#[should_panic(expected = "cannot start the MCP server: two resources have the URI `docs://same`")]
fn the_global_server_refuses_to_start() {
    let _ = mcp_runtime::sse_app();
}
