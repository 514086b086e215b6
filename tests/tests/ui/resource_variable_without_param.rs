use mcp_runtime::resource;

/// A repository file.
#[resource("repos://{owner}/{+path}")]
fn file(path: String) -> String {
    path
}

fn main() {}
