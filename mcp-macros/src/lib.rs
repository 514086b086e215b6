//! Procedural macros of [`mcp-runtime`](https://docs.rs/mcp-runtime). Use them through that crate
//! (`use mcp_runtime::tool;`): the generated code names its hidden helpers there.
//!
//! The implementation follows the usual split: `ast` parses the input into plain structs,
//! `attr` reads attribute options, `doc` reads doc comments, `params` reads and checks function
//! parameters (for every macro), `valid` checks the rest with errors on the offending tokens,
//! and `expand` generates code. `resource` and `prompt` hold their macros' options, checks and
//! code, sharing `handler` (text arguments, completers); `uri` checks URI templates.

mod ast;
mod attr;
mod doc;
mod expand;
mod handler;
mod params;
mod prompt;
mod resource;
mod uri;
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

/// Turns a free function into an MCP resource: a fixed URI, or a URI template whose variables
/// are the function's parameters.
///
/// - URI: the first argument, `#[resource("docs://readme")]`; a template such as
///   `"users://{id}/profile"`, `"files://{+path}"` (may contain `/`) or `"search://{?q,limit}"`
///   (optional query parameters) makes a resource template, and each variable must be a
///   parameter (and each parameter a variable), parsed from the text of the URI;
/// - options: `name = "..."` (default: the function name), `title`, `description` (default: the
///   doc comment), `mime_type = "type/subtype"`, `size = <bytes>` (fixed URIs only),
///   `icons = ["https://..."]`, `complete(variable = completer, ..)`;
/// - return: anything implementing `mcp_runtime::IntoResourceContents`: `String` (text),
///   `Vec<u8>` (binary), `ResourceContents`, `Vec<ResourceContents>`, `Json<T>`, `Option<T>`
///   (`None` is "Resource not found") or `Result<T, E: Display>`.
#[proc_macro_attribute]
pub fn resource(args: TokenStream, input: TokenStream) -> TokenStream {
    resource::resource(args.into(), input.into()).into()
}

/// Turns a free function into an MCP prompt whose arguments are the function's parameters.
///
/// - name: the function name, or `#[prompt(name = "...")]`; options `title`, `description`
///   (default: the doc comment), `icons = ["https://..."]`, `complete(argument = completer, ..)`;
/// - parameters: arguments arrive as text: `String`, or any `Deserialize` type parsed from it
///   (numbers, `bool`, enums); `Option<T>` or `#[arg(default = <expr>)]` make one optional;
///   describe them in a `# Arguments` doc list or with `#[arg(description = "...")]`;
/// - return: anything implementing `mcp_runtime::IntoPromptResult`: `String` (one user message),
///   `PromptMessage`, `Vec<PromptMessage>`, `GetPromptResult` or `Result<T, E: Display>`.
#[proc_macro_attribute]
pub fn prompt(args: TokenStream, input: TokenStream) -> TokenStream {
    prompt::prompt(args.into(), input.into()).into()
}
