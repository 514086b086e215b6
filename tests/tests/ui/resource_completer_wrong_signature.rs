use mcp_runtime::resource;

fn ids(prefix: u32) -> Vec<String> {
    vec![prefix.to_string()]
}

/// A user.
#[resource("users://{id}", complete(id = ids))]
fn user(id: u32) -> String {
    id.to_string()
}

fn main() {}
