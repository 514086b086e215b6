use mcp_runtime::resource;

/// A pair.
#[resource("pairs://{a}/{a}")]
fn pair(a: u32) -> String {
    a.to_string()
}

fn main() {}
