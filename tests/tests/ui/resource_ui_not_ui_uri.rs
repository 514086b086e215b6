use mcp_runtime::resource;

/// A panel served under the wrong scheme.
#[resource("docs://panel.html", ui(prefers_border = true))]
fn panel() -> &'static str {
    "<p>hi</p>"
}

fn main() {}
