use mcp_runtime::tool;

#[tool]
fn show(value: impl ToString) -> String {
    value.to_string()
}

fn main() {}
