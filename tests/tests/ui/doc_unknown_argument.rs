use mcp_runtime::tool;

/// Adds two numbers.
///
/// # Arguments
///
/// * `a` - The first number.
/// * `c` - The second number.
#[tool]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
