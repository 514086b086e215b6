use mcp_runtime::resource;

struct Profile {
    name: String,
}

/// A user.
#[resource("users://{id}")]
fn user(id: u32) -> Profile {
    Profile { name: id.to_string() }
}

fn main() {}
