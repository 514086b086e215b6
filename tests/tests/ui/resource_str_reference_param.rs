use mcp_runtime::resource;

/// A user.
#[resource("users://{name}")]
fn user(name: &str) -> String {
    name.to_owned()
}

fn main() {}
