use mcp_runtime::prompt;

/// Greets.
#[prompt]
fn greet(name: &str) -> String {
    format!("Greet {name}")
}

fn main() {}
