use mcp_runtime::tool;

#[tool(readonly)]
fn look() -> String {
    String::new()
}

fn main() {}
