use mcp_runtime::tool;

#[tool]
unsafe fn double(value: i64) -> i64 {
    value * 2
}

fn main() {}
