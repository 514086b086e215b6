use mcp_runtime::resource;

fn ids(_partial: &str) -> Vec<String> {
    Vec::new()
}

/// A user.
#[resource("users://{id}", complete(user_id = ids))]
fn user(id: u32) -> String {
    id.to_string()
}

fn main() {}
