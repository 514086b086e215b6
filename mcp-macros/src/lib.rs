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
