use mcp_runtime::prompt;

/// Greets.
#[prompt(name = " ")]
fn greet(name: String) -> String {
    format!("Greet {name}")
}

fn main() {}
