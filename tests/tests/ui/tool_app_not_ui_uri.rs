use mcp_runtime::tool;

/// Shows a panel.
#[tool(app = "https://example.com/panel.html")]
fn show_panel() -> String {
    String::new()
}

fn main() {}
