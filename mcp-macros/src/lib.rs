//! Procedural macros of [`mcp-runtime`](https://docs.rs/mcp-runtime): `#[tool]`, `#[resource]`
//! and `#[prompt]`. Use them through that crate (`use mcp_runtime::tool;`), whose
//! documentation is the guide: the generated code names its hidden helpers there.
//!
//! Every macro takes one path: `ast` parses the attribute and the function into plain structs
//! (options in `attr`, doc comments in `doc`, parameters in `params`), `valid` checks them,
//! reporting each mistake on the offending tokens with a way to fix it, and `expand` generates
//! the registration, or, when anything was wrong, the function alone with the errors, so that
//! one mistake gives one message.

mod ast;
mod attr;
mod doc;
mod embed;
mod expand;
mod params;
mod valid;

use proc_macro::TokenStream;

use ast::Kind;

/// `#[tool]`, documented where it is used: `mcp_runtime::tool`.
#[proc_macro_attribute]
pub fn tool(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Tool, args.into(), input.into()).into()
}

/// `#[resource]`, documented where it is used: `mcp_runtime::resource`.
#[proc_macro_attribute]
pub fn resource(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Resource, args.into(), input.into()).into()
}

/// `#[prompt]`, documented where it is used: `mcp_runtime::prompt`.
#[proc_macro_attribute]
pub fn prompt(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::expand(Kind::Prompt, args.into(), input.into()).into()
}

/// Compiles a skills directory into the binary: `embed_skills!("skills")` (relative to the
/// crate's `Cargo.toml`) is `mcp_runtime::skills::Skills::from_files([..])` over every file
/// under it, each an `include_bytes!` (editing a file rebuilds; adding one needs a rebuild of
/// the crate). See `mcp_runtime::skills`.
#[proc_macro]
pub fn embed_skills(input: TokenStream) -> TokenStream {
    embed::embed_skills(input.into()).into()
}
