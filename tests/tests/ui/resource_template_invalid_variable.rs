use mcp_runtime::resource;

/// A user.
#[resource("users://{user-id}")]
fn user(user_id: u32) -> String {
    user_id.to_string()
}

fn main() {}
