use mcp_runtime::resource;

/// A user.
#[resource("users://id}")]
fn user() -> String {
    String::new()
}

fn main() {}
