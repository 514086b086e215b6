use mcp_runtime::tool;

#[tool]
struct Adder {
    total: i64,
}

fn main() {}
