use mcp_runtime::prompt;

/// Greets.
#[prompt("greeting")]
fn greet(name: String) -> String {
    format!("Greet {name}")
}

fn main() {}
