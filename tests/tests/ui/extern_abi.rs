use mcp_runtime::tool;

#[tool]
extern "C" fn double(value: i64) -> i64 {
    value * 2
}

fn main() {}
