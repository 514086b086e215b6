use mcp_runtime::tool;

#[tool]
fn forecast(#[arg(header = "Region Name")] region: String) -> String {
    region
}

fn main() {}
