use mcp_runtime::resource;

/// A page section.
#[resource("docs://page{#section}")]
fn section(section: String) -> String {
    section
}

fn main() {}
