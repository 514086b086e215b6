use mcp_runtime::tool;

#[tool]
fn sum(first: i64, rest: ...) -> i64 {
    first
}

fn main() {}
