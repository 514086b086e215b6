use mcp_runtime::tool;

/// Tags are strings.
#[tool(tags = [admin])]
fn reset() -> String {
    String::new()
}

fn main() {}
