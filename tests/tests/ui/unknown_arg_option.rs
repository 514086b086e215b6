use mcp_runtime::tool;

#[tool]
fn repeat(text: String, #[arg(desc = "How many times.")] times: usize) -> String {
    text.repeat(times)
}

fn main() {}
