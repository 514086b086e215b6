//! The arguments a handler takes from a call, one parameter at a time, in generated code:
//! JSON for tools ([`Arguments`]), text for resource-template variables and prompt arguments
//! ([`TextArguments`]). Every problem is collected, so one error names all of them.

mod json;
mod text;

pub use json::Arguments;
pub use text::{ArgumentsOf, IsOptional, IsOptionalFallback, Optional, TextArguments};
