use mcp_runtime::prompt;

/// Greets.
#[prompt]
fn greet(name: impl Into<String>) -> String {
    format!("Greet {}", name.into())
}

fn main() {}
