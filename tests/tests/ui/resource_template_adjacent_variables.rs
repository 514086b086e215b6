use mcp_runtime::resource;

/// A version.
#[resource("versions://{major}{minor}")]
fn version(major: u32, minor: u32) -> String {
    format!("{major}.{minor}")
}

fn main() {}
