use mcp_runtime::resource;

/// A user.
#[resource("users://me")]
fn me(id: u32) -> String {
    id.to_string()
}

fn main() {}
