use mcp_runtime::resource;

/// A user.
#[resource("users://{id}")]
fn user(id: u32) -> impl std::fmt::Display {
    id
}

fn main() {}
