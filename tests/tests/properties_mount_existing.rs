//! The schema invariants for the tools of `examples/mount_existing.rs`, which cannot share a
//! binary with the calculator's (both declare `add`); see properties.rs for the others.

mod schema_invariants;

#[allow(dead_code)]
#[path = "../../examples/mount_existing.rs"]
mod mount_existing;

#[test]
fn the_mount_existing_example_schemas_are_client_safe() {
    let server = mcp_runtime::Server::builder().build().unwrap();
    let tools = server.tools();
    let names: Vec<&str> = tools.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["add", "greet"]);
    for tool in &tools {
        if let Err(problem) = schema_invariants::check_tool(tool.listing()) {
            panic!("{problem}");
        }
    }
}
