use mcp_runtime::resource;

/// A user.
#[resource("users://{id}")]
fn user(id: u32, verbose: bool) -> String {
    format!("{id} {verbose}")
}

fn main() {}
