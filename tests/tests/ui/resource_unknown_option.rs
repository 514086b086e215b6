use mcp_runtime::resource;

/// The readme.
#[resource("docs://readme", mimetype = "text/markdown")]
fn readme() -> String {
    String::new()
}

fn main() {}
