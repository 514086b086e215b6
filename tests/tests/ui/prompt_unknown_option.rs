use mcp_runtime::prompt;

/// Greets.
#[prompt(arguments = "name")]
fn greet(name: String) -> String {
    format!("Greet {name}")
}

fn main() {}
