use mcp_runtime::prompt;

/// Greets.
#[prompt]
fn greet<T: std::fmt::Display>(name: String) -> String {
    format!("Greet {name}")
}

fn main() {}
