use mcp_runtime::tool;

#[tool]
fn größe(value: f64) -> f64 {
    value
}

fn main() {}
