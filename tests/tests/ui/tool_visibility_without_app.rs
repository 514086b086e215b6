use mcp_runtime::tool;

/// Refreshes the panel.
#[tool(visibility = ["app"])]
fn refresh() -> String {
    String::new()
}

fn main() {}
