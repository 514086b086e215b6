use mcp_runtime::prompt;

fn names(_partial: &str) -> Vec<String> {
    Vec::new()
}

/// Greets.
#[prompt(complete(person = names))]
fn greet(name: String, tone: Option<String>) -> String {
    format!("Greet {name} {tone:?}")
}

fn main() {}
