use mcp_runtime::prompt;

struct Name(String);

/// Greets.
#[prompt]
fn greet(name: Name) -> String {
    format!("Greet {}", name.0)
}

fn main() {}
