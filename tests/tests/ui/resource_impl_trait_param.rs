use mcp_runtime::resource;

/// A user.
#[resource("users://{id}")]
fn user(id: impl std::fmt::Display) -> String {
    id.to_string()
}

fn main() {}
