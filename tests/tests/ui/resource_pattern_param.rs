use mcp_runtime::resource;

/// A user.
#[resource("users://{id}")]
fn user((id, _): (u32, u32)) -> String {
    id.to_string()
}

fn main() {}
