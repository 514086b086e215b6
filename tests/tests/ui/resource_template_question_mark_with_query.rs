use mcp_runtime::resource;

/// Search results.
#[resource("search://all?kind=user{?q}")]
fn search(q: Option<String>) -> String {
    q.unwrap_or_default()
}

fn main() {}
