use mcp_runtime::resource;

/// A panel whose origin has a space in it.
#[resource("ui://demo/panel.html", ui(connect_domains = ["https://api. example.com"]))]
fn panel() -> &'static str {
    "<p>hi</p>"
}

fn main() {}
