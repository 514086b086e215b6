use mcp_runtime::tool;

/// Builds the project.
#[tool(task = "always")]
async fn build() -> String {
    "built".into()
}

fn main() {}
