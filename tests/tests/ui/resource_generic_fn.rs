use mcp_runtime::resource;

/// A user.
#[resource("users://{id}")]
fn user<T: std::str::FromStr>(id: String) -> String {
    id
}

fn main() {}
