use mcp_runtime::tool;

#[tool]
fn repeat(text: String, #[arg(default = 1, default = 2)] times: usize) -> String {
    text.repeat(times)
}

fn main() {}
