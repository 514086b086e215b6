use mcp_runtime::resource;

/// The readme.
#[resource(name = "readme")]
fn readme() -> String {
    String::new()
}

fn main() {}
