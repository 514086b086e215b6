use mcp_runtime::resource;

/// A user.
#[resource("users://{}")]
fn user() -> String {
    String::new()
}

fn main() {}
