use mcp_runtime::resource;

/// A panel with `ui` written as a flag.
#[resource("ui://demo/panel.html", ui)]
fn panel() -> &'static str {
    "<p>hi</p>"
}

fn main() {}
