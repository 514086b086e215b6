use mcp_runtime::tool;

#[tool(title = "Look", title = "Peek")]
fn look() -> String {
    String::new()
}

fn main() {}
