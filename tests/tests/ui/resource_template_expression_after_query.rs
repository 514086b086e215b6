use mcp_runtime::resource;

/// Search results.
#[resource("search://all{?q}{?page}")]
fn search(q: Option<String>, page: Option<u32>) -> String {
    format!("{q:?} {page:?}")
}

fn main() {}
