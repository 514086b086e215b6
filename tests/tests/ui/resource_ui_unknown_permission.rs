use mcp_runtime::resource;

/// A panel asking for the microphone under another name.
#[resource("ui://demo/panel.html", ui(permissions = ["mic"]))]
fn panel() -> &'static str {
    "<p>hi</p>"
}

fn main() {}
