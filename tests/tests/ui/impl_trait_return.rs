use mcp_runtime::tool;

#[tool]
fn show(value: i64) -> impl ToString {
    value
}

fn main() {}
