use mcp_runtime::prompt;

#[prompt]
const GREETING: &str = "Hello";

fn main() {}
