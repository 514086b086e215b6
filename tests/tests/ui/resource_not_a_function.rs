use mcp_runtime::resource;

#[resource("docs://readme")]
struct Readme;

fn main() {}
