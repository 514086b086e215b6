use mcp_runtime::prompt;

fn names(_partial: &str) -> Vec<String> {
    Vec::new()
}

/// Greets.
#[prompt(complete(name = names, name = names))]
fn greet(name: String) -> String {
    format!("Greet {name}")
}

fn main() {}
