use mcp_runtime::tool;

#[tool]
fn repeat(text: String, #[arg(default)] times: usize) -> String {
    text.repeat(times)
}

fn main() {}
