use mcp_runtime::prompt;

/// Greets.
#[prompt]
fn greet(_: String) -> String {
    "Greet".to_owned()
}

fn main() {}
