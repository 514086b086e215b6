use mcp_runtime::tool;

/// Refreshes the panel.
#[tool(app = "ui://demo/panel.html", visibility = "app")]
fn refresh() -> String {
    String::new()
}

fn main() {}
