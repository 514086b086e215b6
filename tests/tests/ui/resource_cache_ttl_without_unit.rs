use mcp_runtime::resource;

/// Today's rates.
#[resource("rates://today", cache_ttl = "300")]
fn rates() -> String {
    "1.08".into()
}

fn main() {}
