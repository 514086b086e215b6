use mcp_runtime::resource;

/// The readme.
#[resource("docs://readme", size = "1 KB")]
fn readme() -> String {
    String::new()
}

fn main() {}
