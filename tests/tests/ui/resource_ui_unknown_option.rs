use mcp_runtime::resource;

/// A panel with a misspelt option.
#[resource("ui://demo/panel.html", ui(connect = ["https://api.example.com"]))]
fn panel() -> &'static str {
    "<p>hi</p>"
}

fn main() {}
