use mcp_runtime::resource;

struct UserId(u32);

/// A user.
#[resource("users://{id}")]
fn user(id: UserId) -> String {
    id.0.to_string()
}

fn main() {}
