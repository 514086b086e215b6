//! Procedural macros of [`mcp-runtime`](https://docs.rs/mcp-runtime). Use them through that crate
//! (`use mcp_runtime::tool;`): the generated code names its hidden helpers there.
//!
//! The implementation follows the usual split: `ast` parses the input into plain structs,
//! `attr` reads attribute options, `doc` reads doc comments, `params` reads and checks function
//! parameters (for every macro), `valid` checks the rest with errors on the offending tokens,
//! and `expand` generates code.

mod ast;
mod attr;
mod doc;
mod expand;
mod params;
mod valid;

use proc_macro::TokenStream;

/// Turns a free function into an MCP tool, registered with the program's default server.
///
/// See the `mcp-runtime` crate documentation for the full guide; in short:
///
/// - name: the function name, or `#[tool(name = "...")]` (1-128 characters of `A-Z a-z 0-9 _ - .`);
/// - description: the doc comment, or `#[tool(description = "...")]`;
/// - options: `title = "..."`, and the hints `read_only`, `destructive`, `idempotent`,
///   `open_world` (each optionally `= true`/`= false`);
/// - parameters: plain identifiers whose types implement `Deserialize + JsonSchema`; describe them
///   in a `# Arguments` list of the doc comment or with `#[arg(description = "...")]`, make them
///   optional with `Option<T>` or `#[arg(default = <expr>)]`, rename them with
///   `#[arg(name = "...")]`;
/// - return: anything implementing `mcp_runtime::IntoToolResult`.
#[proc_macro_attribute]
pub fn tool(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::tool(args.into(), input.into()).into()
}
