use mcp_runtime::prompt;

/// Greets.
#[prompt]
fn greet(name: String) -> impl Into<String> {
    format!("Greet {name}")
}

fn main() {}
