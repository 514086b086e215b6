use mcp_runtime::tool;

#[tool]
const fn double(value: i64) -> i64 {
    value * 2
}

fn main() {}
