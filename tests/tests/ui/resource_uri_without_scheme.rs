use mcp_runtime::resource;

/// The readme.
#[resource("docs/readme.md")]
fn readme() -> String {
    String::new()
}

fn main() {}
