use mcp_runtime::resource;

/// A user.
#[resource("users://{id}")]
fn user(#[arg(default = 1)] id: u32) -> String {
    id.to_string()
}

fn main() {}
