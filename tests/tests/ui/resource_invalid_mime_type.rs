use mcp_runtime::resource;

/// The readme.
#[resource("docs://readme", mime_type = "markdown")]
fn readme() -> String {
    String::new()
}

fn main() {}
