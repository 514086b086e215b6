use mcp_runtime::tool;

/// An empty tag names nothing.
#[tool(tags = ["admin", ""])]
fn reset() -> String {
    String::new()
}

fn main() {}
