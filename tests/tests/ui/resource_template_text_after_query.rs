use mcp_runtime::resource;

/// Search results.
#[resource("search://{?q}/results")]
fn search(q: Option<String>) -> String {
    q.unwrap_or_default()
}

fn main() {}
