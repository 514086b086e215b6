use mcp_runtime::resource;

/// Files by prefix.
#[resource("files://{name:3}")]
fn file(name: String) -> String {
    name
}

fn main() {}
