use mcp_runtime::tool;

#[tool]
fn repeat(text: String, #[arg(default = 2.5)] times: usize) -> String {
    text.repeat(times)
}

fn main() {}
