use mcp_runtime::tool;

#[tool(name = "")]
fn nameless() -> String {
    String::new()
}

fn main() {}
