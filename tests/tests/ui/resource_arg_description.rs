use mcp_runtime::resource;

/// A user.
#[resource("users://{id}")]
fn user(#[arg(description = "The user id.")] id: u32) -> String {
    id.to_string()
}

fn main() {}
