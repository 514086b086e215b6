use mcp_runtime::tool;

/// A type of the user's own that happens to be named `Context`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Context {
    locale: String,
}

/// Greet, in the caller's locale.
#[tool]
fn greet(name: String, ctx: Context) -> String {
    format!("{} {name}", ctx.locale)
}

fn main() {}
