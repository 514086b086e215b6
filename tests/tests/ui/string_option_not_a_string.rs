use mcp_runtime::tool;

#[tool(title = Look)]
fn look() -> String {
    String::new()
}

fn main() {}
