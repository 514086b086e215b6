//! What `#[tool]`, `#[resource]` and `#[prompt]`-generated code reaches. Not public API: it may
//! change in any release.

pub use inventory;
pub use schemars::{Schema, SchemaGenerator};
pub use serde_json;

pub use crate::apps::{ToolApp, UiMeta};
pub use crate::arguments::{
    Arguments, ArgumentsOf, IsOptional, IsOptionalFallback, Optional, TextArguments,
};
pub use crate::caching::CacheHints;
pub use crate::completion::{
    into_completion, Completer, CompleterDefinition, CompletionFuture, CompletionRequest, Resolve,
    ResolveFuture, ResolveValue,
};
pub use crate::error::SourceLocation;
pub use crate::prompt::{
    IntoPromptResult, PromptArgumentDefinition, PromptDefinition, PromptFuture, PromptGet,
};
pub use crate::protocol::ErrorObject;
pub use crate::resource::{IntoResourceContents, ResourceDefinition, ResourceFuture, ResourceRead};
pub use crate::task::run_sync;
pub use crate::tasks::TaskSupport;
pub use crate::tool::{
    CallToolResult, IntoToolResult, ParamDefinition, ToolAnnotations, ToolCall, ToolDefinition,
    ToolFuture,
};
use crate::Context;

/// How a parameter whose type is named `Context` is filled in: with the request's context.
/// Implemented for [`Context`] (a clone) and `&Context`; anything else named `Context` (a type
/// of your own, `std::task::Context`) is a compile error at that parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `mcp_runtime::Context`, so it cannot be filled in by the runtime",
    label = "a parameter whose type is named `Context` receives the request's context",
    note = "take `mcp_runtime::Context` (or `&mcp_runtime::Context`) here; to take a type of \
            your own named `Context` as an argument, import it under another name: \
            `use my_crate::Context as MyContext;`"
)]
pub trait FromContext<'a>: Sized {
    fn from_context(context: &'a Context) -> Self;
}

impl<'a> FromContext<'a> for Context {
    fn from_context(context: &'a Context) -> Self {
        context.clone()
    }
}

impl<'a> FromContext<'a> for &'a Context {
    fn from_context(context: &'a Context) -> Self {
        context
    }
}

/// The schema of one parameter type.
pub fn schema_of<T: schemars::JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// A parameter's default value, shown in the schema when its type is `Serialize`.
///
/// Method resolution picks [`DefaultJsonSerialize`] when `T: Serialize` and falls back to
/// [`DefaultJsonFallback`] (no default shown) otherwise, so no bound is imposed on `T`.
pub struct DefaultJson<'a, T>(pub &'a T);

pub trait DefaultJsonSerialize {
    fn default_json(&self) -> Option<serde_json::Value>;
}

impl<T: serde::Serialize> DefaultJsonSerialize for DefaultJson<'_, T> {
    fn default_json(&self) -> Option<serde_json::Value> {
        serde_json::to_value(self.0).ok()
    }
}

pub trait DefaultJsonFallback {
    fn default_json(&self) -> Option<serde_json::Value>;
}

impl<T> DefaultJsonFallback for &DefaultJson<'_, T> {
    fn default_json(&self) -> Option<serde_json::Value> {
        None
    }
}
