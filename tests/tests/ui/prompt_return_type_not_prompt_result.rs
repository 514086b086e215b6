use mcp_runtime::prompt;

/// Greets.
#[prompt]
fn greet(name: String) -> Vec<String> {
    vec![format!("Greet {name}")]
}

fn main() {}
