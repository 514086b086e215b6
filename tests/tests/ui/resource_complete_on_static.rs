use mcp_runtime::resource;

fn ids(_partial: &str) -> Vec<String> {
    Vec::new()
}

/// The current user.
#[resource("users://me", complete(id = ids))]
fn me() -> String {
    String::new()
}

fn main() {}
