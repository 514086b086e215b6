use mcp_runtime::tool;

#[tool]
fn greet(name: &str) -> String {
    format!("Hello, {name}!")
}

fn main() {}
