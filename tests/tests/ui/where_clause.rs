use mcp_runtime::tool;

#[tool]
fn double(value: i64) -> i64
where
    i64: Copy,
{
    value * 2
}

fn main() {}
