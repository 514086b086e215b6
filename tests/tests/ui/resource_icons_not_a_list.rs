use mcp_runtime::resource;

/// The readme.
#[resource("docs://readme", icons = "https://example.com/readme.png")]
fn readme() -> String {
    String::new()
}

fn main() {}
