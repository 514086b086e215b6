use mcp_runtime::resource;

fn ids(_partial: &str) -> Vec<u32> {
    vec![1, 2, 3]
}

/// A user.
#[resource("users://{id}", complete(id = ids))]
fn user(id: u32) -> String {
    id.to_string()
}

fn main() {}
