use mcp_runtime::tool;

#[tool(read_only = "yes")]
fn look() -> String {
    String::new()
}

fn main() {}
