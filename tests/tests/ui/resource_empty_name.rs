use mcp_runtime::resource;

/// The readme.
#[resource("docs://readme", name = "")]
fn readme() -> String {
    String::new()
}

fn main() {}
