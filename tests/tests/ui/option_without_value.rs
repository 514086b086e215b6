use mcp_runtime::tool;

#[tool(description)]
fn look() -> String {
    String::new()
}

fn main() {}
