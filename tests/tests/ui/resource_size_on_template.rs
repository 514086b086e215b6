use mcp_runtime::resource;

/// A user.
#[resource("users://{id}", size = 100)]
fn user(id: u32) -> String {
    id.to_string()
}

fn main() {}
