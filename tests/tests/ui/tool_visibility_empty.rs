use mcp_runtime::tool;

/// Refreshes the panel.
#[tool(app = "ui://demo/panel.html", visibility = [])]
fn refresh() -> String {
    String::new()
}

fn main() {}
