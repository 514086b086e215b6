use mcp_runtime::prompt;

#[prompt]
fn greet(#[arg(header = "Name")] name: String) -> String {
    name
}

fn main() {}
