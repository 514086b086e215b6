use mcp_runtime::tool;

#[tool]
fn add(#[arg(name = "b")] a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
